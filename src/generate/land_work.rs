//! The land work around the ranking (SPEC §14–§15): `buildings.geojson` and `commitments.csv`
//! of a park, drawn from their own random stream so the other files stay as they were.
//!
//! Most industrial parcels in use are built: one to three blocks of workshops and offices set
//! back from the boundary, some tall single-storey workshops (one floor, 9–14 m: counted twice),
//! a few buildings straddling into the next parcel. Parcels of firms that started in the last
//! seven years were sold on 标准地 terms: committed investment, tax per mu, plot ratio and
//! coverage around what the firm achieves (so some fall short), dates in the forms bureaus
//! write, and idle parcels whose construction never started.

use std::io;
use std::path::Path;

use rand::Rng;
use rand::rngs::SmallRng;

use super::enterprises::Firm;
use super::layout::{Parcel, is_industrial};
use super::names::code_str;
use super::shapes::{Frame, sub_ring};
use super::writers::{CsvSink, Encoding, Field, GeoSink, Shape};

const COMMITMENTS_HEADER: &str = "宗地编号,受让人代码,出让价款(万元),约定开工日期,实际开工日期,约定竣工日期,实际竣工日期,约定投产日期,实际投资(万元),固定资产投资强度(万元/亩),亩均税收(万元/亩),容积率,建筑系数";

/// `buildings.geojson` and `commitments.csv` being written.
pub struct LandWork {
    pub buildings: GeoSink,
    pub commitments: CsvSink,
}

/// What a park's land work reads.
pub struct ParkLand<'a> {
    pub parcels: &'a [Parcel],
    pub ids: &'a [String],
    pub firms: &'a [Firm],
    pub frame: &'a Frame,
    pub year: i32,
    pub messy: bool,
}

impl LandWork {
    pub fn create(dir: &Path, crs: super::OutputCrs) -> io::Result<LandWork> {
        Ok(LandWork {
            buildings: GeoSink::create(&dir.join("buildings.geojson"), crs)?,
            commitments: CsvSink::create(dir, "commitments.csv", COMMITMENTS_HEADER, Encoding::Utf8)?,
        })
    }

    /// Writes a park's buildings and commitments.
    pub fn park(&mut self, rng: &mut SmallRng, park: &ParkLand<'_>) -> io::Result<()> {
        for (parcel, id) in park.parcels.iter().zip(park.ids) {
            let Some(firm) = parcel.owner.map(|f| &park.firms[f]).filter(|_| is_industrial(parcel.land_use)) else {
                continue;
            };
            let idle = parcel.status == "闲置" || rng.random_bool(0.03);
            let committed = firm.start_year >= park.year - 7 && rng.random_bool(0.6);
            if committed {
                self.commitment(rng, park, parcel, id, firm, idle)?;
            }
            if !idle && rng.random_bool(if parcel.status == "在建" { 0.5 } else { 0.93 }) {
                self.buildings(rng, park, parcel)?;
            }
        }
        Ok(())
    }

    /// One to three buildings on the parcel, covering 32–62 % of it (one parcel in seven
    /// only 12–30 %).
    fn buildings(&mut self, rng: &mut SmallRng, park: &ParkLand<'_>, parcel: &Parcel) -> io::Result<()> {
        let count = rng.random_range(1..=3usize);
        let coverage =
            if rng.random_bool(0.15) { rng.random_range(0.12..0.3) } else { rng.random_range(0.32..0.62f64) };
        let depth = 0.8;
        let width = coverage / depth / count as f64;
        let gap = (0.84 - width * count as f64).max(0.0) / count as f64;
        for i in 0..count {
            let u0 = 0.08 + i as f64 * (width + gap);
            let straddles = i + 1 == count && rng.random_bool(0.05);
            let u1 = if straddles { 1.12 } else { u0 + width };
            let ring = sub_ring(&parcel.corners, [u0, u1], [0.1, 0.1 + depth], false, park.frame);
            let (floors, height) = if rng.random_bool(0.3) {
                (1u32, rng.random_range(9.0..14.0f64))
            } else {
                let floors = if rng.random_bool(0.1) { 1 } else { rng.random_range(2..=5u32) };
                (floors, f64::from(floors) * rng.random_range(3.6..5.5))
            };
            let floors_text = if park.messy && rng.random_bool(0.02) { String::new() } else { floors.to_string() };
            let height_text = format!("{height:.1}");
            let fields = [("层数", Field::Text(&floors_text)), ("建筑高度", Field::Text(&height_text))];
            self.buildings.feature(&fields, &Shape::Polygon(vec![ring]))?;
        }
        Ok(())
    }

    /// The 标准地 commitment of a firm's parcel: committed values around what the firm
    /// achieves, so about a quarter falls short.
    fn commitment(
        &mut self,
        rng: &mut SmallRng,
        park: &ParkLand<'_>,
        parcel: &Parcel,
        id: &str,
        firm: &Firm,
        idle: bool,
    ) -> io::Result<()> {
        let mu = parcel.area_m2 / crate::land::area::M2_PER_MU;
        let land_mu: f64 = firm.parcels_mu.iter().sum::<f64>().max(1.0);
        let tax_per_mu = firm.years.last().map_or(0.0, |y| y.tax / land_mu);
        let sold = if idle { park.year - rng.random_range(2..=5) } else { firm.start_year - 1 };
        let start_due = (sold, rng.random_range(1..=12u32), rng.random_range(1..=28u32));
        let intensity = rng.random_range(250.0..400.0f64);
        let c = &mut self.commitments;
        c.text(id);
        c.text(code_str(&firm.code));
        c.number(mu * rng.random_range(15.0..40.0), 1);
        date(c, rng, Some(start_due), park.messy);
        date(c, rng, (!idle).then_some((sold, start_due.1, 28)), false);
        date(c, rng, Some((sold + 2, start_due.1, start_due.2)), false);
        let completed = !idle && sold + 2 < park.year && rng.random_bool(0.9);
        date(c, rng, completed.then_some((sold + 2, start_due.1, 28)), false);
        date(c, rng, Some((sold + 3, start_due.1, start_due.2)), false);
        c.number(if idle { 0.0 } else { intensity * mu * rng.random_range(0.75..1.25) }, 1);
        c.number(intensity, 0);
        c.number((tax_per_mu * rng.random_range(0.6..1.15)).max(1.0), 1);
        c.number(rng.random_range(0.8..1.2), 1);
        c.number(rng.random_range(0.3..0.45), 2);
        c.end_row()
    }
}

/// A date cell in one of the forms of SPEC §14 (empty for `None`); messy data now and then
/// writes a date that does not exist.
fn date(c: &mut CsvSink, rng: &mut SmallRng, day: Option<(i32, u32, u32)>, messy: bool) {
    let Some((y, m, d)) = day else { return c.text("") };
    let text = match rng.random_range(0..5) {
        _ if messy && rng.random_bool(0.05) => format!("{y}-{m:02}-3{d}"),
        0 => format!("{y}/{m}/{d}"),
        1 => format!("{y}年{m}月{d}日"),
        2 => format!("{y}{m:02}{d:02}"),
        3 => format!("{y}.{m}.{d}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    };
    c.text(&text);
}
