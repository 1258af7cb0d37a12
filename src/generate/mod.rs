//! `muchan generate`: a synthetic but realistic county, province or nation data folder in the
//! input format of the evaluation (SPEC §2): `enterprises.csv`, `tax.csv`, `energy.csv`,
//! `leases.csv`, `adjustments.csv` and `parcels.geojson`; and the land work of SPEC §14–§15,
//! `buildings.geojson` and `commitments.csv`.
//!
//! The country is a grid of counties (about 2,000 firms each, region codes 33xxxx first), each
//! with 3–6 parks (经开区, 高新区, town parks). A park's firms are made, its land laid out as
//! blocks of adjacent parcels between roads, and every row and feature written at once — so a
//! nation (3 million firms, ~100 million monthly energy rows) streams through little memory.
//! Output is deterministic for a seed: each park draws from its own seeded stream, and messy
//! problems from another.

mod enterprises;
mod land_work;
mod layout;
mod messy;
mod names;
mod shapes;
mod tables;
mod writers;

#[cfg(test)]
mod tests;

use std::io;
use std::path::Path;

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::land::area::M2_PER_MU;
use enterprises::{Firm, FirmContext};
use land_work::{LandWork, ParkLand};
use layout::ParkLayout;
use messy::Messer;
use shapes::{Frame, PARK_SLOT_M};
use tables::Tables;
use writers::{GeoSink, ParcelProps};

/// Coordinates of `parcels.geojson`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OutputCrs {
    /// Degrees around 120° E 30° N, no `crs` member.
    LonLat,
    /// CGCS2000 3-degree Gauss-Krüger, central meridian 120° E (EPSG:4549), no zone prefix.
    GaussKruger,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub enterprises: usize,
    pub seed: u64,
    pub crs: OutputCrs,
    /// The latest year; history covers `year - 2 ..= year`.
    pub year: i32,
    /// Inject the problems real exports have (rare bad cells, codes, months, geometry,
    /// GBK enterprises, BOM on tax).
    pub messy: bool,
    /// Spread the enterprises over this many counties (instead of one per 2,000 firms) and
    /// write each row's and parcel's county (`所属区县`, `区县`).
    pub counties: Option<usize>,
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateReport {
    /// Firms made (distinct enterprises).
    pub enterprises: usize,
    /// Data rows of `enterprises.csv` (one per firm and year, duplicates included).
    pub enterprise_rows: usize,
    pub parcels: usize,
    pub tax_rows: usize,
    pub energy_rows: usize,
    pub lease_rows: usize,
    pub adjustment_rows: usize,
    pub buildings: usize,
    pub commitment_rows: usize,
}

/// Enterprises of a named scale: `county`, `province` or `nation`.
pub fn scale_enterprises(name: &str) -> Option<usize> {
    match name.trim().to_ascii_lowercase().as_str() {
        "county" => Some(2_000),
        "province" => Some(100_000),
        "nation" => Some(3_000_000),
        _ => None,
    }
}

/// Firms per county.
const COUNTY_FIRMS: usize = 2_000;
/// Parks per county are laid on a 3 × 2 grid of slots.
const SLOTS_ACROSS: usize = 3;
const SLOTS_DOWN: usize = 2;
/// Index base of codes that appear only in tax (orphans of messy data).
const ORPHAN_BASE: u64 = 1 << 40;
/// Independent random streams.
const COUNTY_STREAM: u64 = 1;
const PARK_STREAM: u64 = 2;
const MESSY_STREAM: u64 = 3;
const LAND_STREAM: u64 = 4;

/// Writes a synthetic data folder into `out_dir` (created when missing).
pub fn generate(options: &GenerateOptions, out_dir: &Path) -> io::Result<GenerateReport> {
    std::fs::create_dir_all(out_dir)?;
    let county_firms = options.counties.map_or(COUNTY_FIRMS, |n| options.enterprises.div_ceil(n.max(1)).max(1));
    let mut run = Run {
        options,
        tables: Tables::create(out_dir, options.messy, options.counties.is_some())?,
        geo: GeoSink::create(&out_dir.join("parcels.geojson"), options.crs)?,
        land: LandWork::create(out_dir, options.crs)?,
        grid: Grid::new(options.enterprises.div_ceil(county_firms)),
        next_firm: 0,
        parks: 0,
        orphans: 0,
    };
    for county in 0..run.grid.counties {
        let firms = county_firms.min(options.enterprises - county * county_firms);
        let mut rng = stream(options.seed, COUNTY_STREAM, county as u64);
        for (index, size) in park_sizes(&mut rng, firms).into_iter().enumerate() {
            if size > 0 {
                run.park(county, index, size)?;
            }
        }
    }
    let Run { tables, geo, land, .. } = run;
    let rows = tables.finish()?;
    Ok(GenerateReport {
        enterprises: options.enterprises,
        enterprise_rows: rows.enterprises,
        parcels: geo.finish()?,
        tax_rows: rows.tax,
        energy_rows: rows.energy,
        lease_rows: rows.leases,
        adjustment_rows: rows.adjustments,
        buildings: land.buildings.finish()?,
        commitment_rows: land.commitments.finish()?,
    })
}

/// A seeded random stream, independent for each (stream, number).
fn stream(seed: u64, stream: u64, number: u64) -> SmallRng {
    let mut z = seed ^ stream.rotate_left(56) ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    SmallRng::seed_from_u64(z ^ (z >> 31))
}

/// Firms of each park of a county: 3–6 parks, the 经开区 largest.
fn park_sizes(rng: &mut SmallRng, firms: usize) -> Vec<usize> {
    use rand::Rng;
    const WEIGHTS: [f64; 6] = [3.0, 2.2, 1.5, 1.0, 1.0, 0.8];
    let parks = rng.random_range(3..=6).min((firms / 50).max(1));
    let total: f64 = WEIGHTS[..parks].iter().sum();
    let mut sizes: Vec<usize> = WEIGHTS[..parks].iter().map(|w| (firms as f64 * w / total) as usize).collect();
    sizes[0] += firms - sizes.iter().sum::<usize>();
    sizes
}

/// Counties on a square-ish grid; each county a block of park slots.
struct Grid {
    counties: usize,
    columns: usize,
    rows: usize,
}

impl Grid {
    fn new(counties: usize) -> Grid {
        let columns = ((counties as f64 * SLOTS_DOWN as f64 / SLOTS_ACROSS as f64).sqrt().ceil() as usize).max(1);
        Grid { counties, columns, rows: counties.div_ceil(columns).max(1) }
    }

    /// Centre (global metres, the grid centred on the origin) of park `index` of `county`.
    fn slot_centre(&self, county: usize, index: usize) -> [f64; 2] {
        let sx = (county % self.columns) * SLOTS_ACROSS + index % SLOTS_ACROSS;
        let sy = (county / self.columns) * SLOTS_DOWN + index / SLOTS_ACROSS;
        let half_x = (self.columns * SLOTS_ACROSS) as f64 / 2.0;
        let half_y = (self.rows * SLOTS_DOWN) as f64 / 2.0;
        [(sx as f64 + 0.5 - half_x) * PARK_SLOT_M, (sy as f64 + 0.5 - half_y) * PARK_SLOT_M]
    }
}

/// Where a park's parcels lie: the park, and the county when counties are named.
struct Place<'a> {
    park: &'a str,
    county: Option<&'a str>,
}

/// State of one generation run.
struct Run<'a> {
    options: &'a GenerateOptions,
    tables: Tables,
    geo: GeoSink,
    land: LandWork,
    grid: Grid,
    next_firm: u64,
    parks: u64,
    orphans: u64,
}

impl Run<'_> {
    /// Makes and writes park `index` of `county` with `size` firms.
    fn park(&mut self, county: usize, index: usize, size: usize) -> io::Result<()> {
        let opts = self.options;
        let mut rng = stream(opts.seed, PARK_STREAM, self.parks);
        let mut messer = Messer::new(opts.messy, stream(opts.seed, MESSY_STREAM, self.parks));
        self.parks += 1;
        let region = names::region_code(county);
        let county_name = names::county_name(county);
        let park_name = names::park_name(&county_name, county, index);
        let ctx = FirmContext { region: &region, county_name: &county_name, year: opts.year, seed: opts.seed };
        let mut firms: Vec<Firm> =
            (0..size as u64).map(|i| enterprises::make_firm(&mut rng, &ctx, self.next_firm + i)).collect();
        self.next_firm += size as u64;
        for firm in &mut firms {
            if messer.chance(0.005) {
                firm.code = names::with_wrong_check(&firm.code);
            }
        }
        let layout = layout::lay_out(&mut rng, &firms, opts.year);
        let named_county = opts.counties.is_some().then_some(county_name.as_str());
        for firm in &firms {
            self.tables.firm(&mut rng, &mut messer, firm, &park_name, named_county)?;
        }
        self.orphan_tax(&mut messer, &region, size)?;
        let frame = Frame::new(&mut rng, self.grid.slot_centre(county, index), layout.width, layout.height);
        let ids = parcel_ids(&mut messer, &region, index, layout.parcels.len());
        let place = Place { park: &park_name, county: named_county };
        self.parcels(&mut messer, &layout, &firms, &ids, &place, &frame)?;
        let land = ParkLand {
            parcels: &layout.parcels,
            ids: &ids,
            firms: &firms,
            frame: &frame,
            year: opts.year,
            messy: opts.messy,
        };
        self.land.park(&mut stream(opts.seed, LAND_STREAM, self.parks - 1), &land)?;
        self.leases(&mut messer, &layout, &firms, &ids)
    }

    /// Tax rows of codes no enterprises row has (messy only).
    fn orphan_tax(&mut self, messer: &mut Messer, region: &[u8; 6], size: usize) -> io::Result<()> {
        for _ in 0..messer.count(size as f64 * 0.005) {
            let code = names::credit_code(region, ORPHAN_BASE + self.orphans, self.options.seed);
            self.orphans += 1;
            self.tables.tax_row(messer, names::code_str(&code), self.options.year, 1.5)?;
        }
        Ok(())
    }

    fn parcels(
        &mut self,
        messer: &mut Messer,
        layout: &ParkLayout,
        firms: &[Firm],
        ids: &[String],
        place: &Place,
        frame: &Frame,
    ) -> io::Result<()> {
        for (parcel, id) in layout.parcels.iter().zip(ids) {
            let corner = frame.apply(parcel.corners[0]);
            let measured_mu = parcel.area_m2 * writers::area_scale(self.options.crs, corner[1]) / M2_PER_MU;
            let registered = (measured_mu * parcel.registered_factor * 100.0).round() / 100.0;
            let props = ParcelProps {
                parcel_id: id,
                holder: parcel.owner.map_or("", |f| names::code_str(&firms[f].code)),
                land_use: parcel.land_use,
                park: place.park,
                county: place.county,
                registered_mu: registered,
                status: parcel.status,
            };
            let fault = messer.fault();
            self.geo.feature(&props.fields(), &shapes::parcel_shape(&parcel.corners, fault, frame))?;
        }
        Ok(())
    }

    fn leases(&mut self, messer: &mut Messer, layout: &ParkLayout, firms: &[Firm], ids: &[String]) -> io::Result<()> {
        for lease in &layout.leases {
            let area = if messer.chance(0.01) {
                Some((layout.parcels[lease.parcel].area_m2 / M2_PER_MU * 1.5).round())
            } else {
                lease.area_mu
            };
            self.tables.lease_row(messer, &ids[lease.parcel], names::code_str(&firms[lease.lessee].code), area)?;
        }
        Ok(())
    }
}

/// Parcel ids `<region><park><serial>`, e.g. `3301210100042`; messy data repeats a few.
fn parcel_ids(messer: &mut Messer, region: &[u8; 6], park: usize, count: usize) -> Vec<String> {
    let region = names::code_str(region);
    let mut ids: Vec<String> = Vec::with_capacity(count);
    for serial in 1..=count {
        let id = match ids.last() {
            Some(previous) if messer.chance(0.003) => previous.clone(),
            _ => format!("{region}{:02}{serial:05}", park + 1),
        };
        ids.push(id);
    }
    ids
}
