//! Building intensity (SPEC §15): each parcel's floor area and footprint, and from them the
//! plot ratio (容积率) and coverage (建筑系数) of an industrial parcel with a user.
//!
//! The first source present wins, per parcel: a buildings layer (read by the parcel layers'
//! readers, repaired as §4 repairs parcels, intersected with the parcels in metres through an
//! R-tree of the parcels' boxes — never all pairs — and overlaid only with the parcels it
//! touches (an exact test, far cheaper than the overlay); a building across two parcels is
//! split by area), else the parcel's own `floor_area` (建筑面积) and `footprint` (建筑基底面积,
//! 建筑占地面积) properties or the ledger's, in m².

use crate::config::Land;
use crate::input::cells;
use crate::input::crs::Crs;
use crate::input::headers::{ColumnSpec, PARCEL_LEDGER};
use crate::input::parcels::TABLE as PARCELS;
use crate::input::parcels::{ParcelFeature, read_layer_kept_as};
use crate::input::{Folder, InputError, InputFile, Table, sha256_of};
use crate::land::repair::RawPolygons;
use crate::land::{MeasuredParcel, repaired_geometry};
use crate::numbers::sorted_sum;
use crate::parcels::{Column, Parcels};
use crate::quality::{At, Ledger, Message};
use crate::spatial::metric_projection;
use compact_str::CompactString;
use geo::{Area, BooleanOps, BoundingRect, Intersects, MultiPolygon};
use rayon::prelude::*;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

/// The table name data problems of the buildings layer carry.
pub const TABLE: &str = "buildings";

/// A storey higher than this counts twice in the floor area (national rule).
const TALL_STOREY_M: f64 = 8.0;

/// m² per mu (SPEC §1: 1 mu = 10000/15 m²).
const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// One parcel's buildings and intensity.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Intensity {
    pub floor_area_m2: Option<f64>,
    pub footprint_m2: Option<f64>,
    /// floor_area ÷ (area_mu × 10000 / 15); industrial parcels with a user only.
    pub plot_ratio: Option<f64>,
    /// footprint ÷ (area_mu × 10000 / 15); industrial parcels with a user only.
    pub coverage: Option<f64>,
}

/// The parcel's value of a ledger column (by its name or any alias), as a number ≥ 0; a
/// negative or unreadable value is a warning `unreadable_number` and missing.
fn property_number(f: &ParcelFeature, spec: &ColumnSpec, ledger: &Ledger) -> Option<f64> {
    let text = std::iter::once(spec.name).chain(spec.aliases.iter().copied()).find_map(|name| f.property_text(name))?;
    match cells::number(&text) {
        Ok(Some(x)) if x >= 0.0 => Some(x),
        Ok(None) => None,
        _ => {
            ledger.warning(
                At::new(PARCELS, f.index, &f.parcel_id, spec.name),
                "unreadable_number",
                Message::new(
                    format!("{} `{text}` is not an area ≥ 0 (m²); left out", spec.name),
                    format!("{} `{text}` 不是非负面积（平方米），不予采用", spec.name),
                ),
            );
            None
        }
    }
}

fn spec(name: &str) -> Option<&'static ColumnSpec> {
    PARCEL_LEDGER.iter().find(|c| c.name == name)
}

/// The plot ratio and coverage of a parcel of `area_mu` with these building figures: each
/// figure ÷ (area_mu × 10000 / 15), undefined without the figure or without area.
pub fn intensity(floor_area_m2: Option<f64>, footprint_m2: Option<f64>, area_mu: f64, rated_parcel: bool) -> Intensity {
    let area_m2 = area_mu * M2_PER_MU;
    let per_area = |x: Option<f64>| x.filter(|_| rated_parcel && area_m2 > 0.0).map(|x| x / area_m2);
    Intensity { floor_area_m2, footprint_m2, plot_ratio: per_area(floor_area_m2), coverage: per_area(footprint_m2) }
}

fn of_parcel(f: &ParcelFeature, m: &MeasuredParcel, layer: Option<(f64, f64)>, ledger: &Ledger) -> Intensity {
    let (floor_area, footprint) = match layer {
        Some((floor_area, footprint)) => (Some(floor_area), Some(footprint)),
        None => (
            spec("floor_area").and_then(|s| property_number(f, s, ledger)),
            spec("footprint").and_then(|s| property_number(f, s, ledger)),
        ),
    };
    intensity(floor_area, footprint, m.area_mu, f.is_industrial() && !f.user.is_empty())
}

/// Every parcel's intensity: from the buildings layer where a building touches it, else from
/// its properties (and the ledger applied to them).
pub fn intensities(
    parcels: &Parcels,
    layer: Option<&Column<Option<(f64, f64)>>>,
    ledger: &Ledger,
) -> Column<Intensity> {
    parcels.par_map(|ix, f, m| of_parcel(f, m, layer.and_then(|l| l[ix]), ledger))
}

/// One building of the layer, repaired, in metres, with its floors and storey factor.
#[derive(Debug, Clone)]
pub struct Building {
    /// 1-based feature index in the layer.
    pub index: usize,
    pub geometry: MultiPolygon<f64>,
    /// The floors counted (1 when the layer gives none).
    pub floors: f64,
    /// 2 when a storey is higher than 8 m, else 1.
    pub storey_factor: f64,
}

/// The storey factor d(B) of SPEC §15: 2 when the storey height (storey_height_m, else
/// height_m ÷ floors) exceeds 8 m, else 1.
pub fn storey_factor(floors: f64, storey_height_m: Option<f64>, height_m: Option<f64>) -> f64 {
    let storey = storey_height_m.or_else(|| height_m.map(|h| h / floors));
    if storey.is_some_and(|h| h > TALL_STOREY_M) { 2.0 } else { 1.0 }
}

fn first_number(f: &ParcelFeature, names: &[&str]) -> Option<f64> {
    names.iter().find_map(|n| f.property_text(n)).and_then(|t| cells::number(&t).ok().flatten())
}

/// A feature of the buildings layer as it is kept from its parsing until it is made a
/// [`Building`]: what the layer's reading and repair need, and the three numbers a building
/// takes from its properties (a nation's layer has 6 M features; their properties and the
/// parcel columns they never fill are let go as each is parsed).
#[derive(Debug)]
pub struct BuildingFeature {
    index: usize,
    parcel_id: CompactString,
    input_id: Option<CompactString>,
    raw: Option<RawPolygons>,
    floors: Option<f64>,
    storey_height_m: Option<f64>,
    height_m: Option<f64>,
}

impl BuildingFeature {
    fn of(f: ParcelFeature) -> BuildingFeature {
        BuildingFeature {
            floors: first_number(&f, &["floors", "层数"]),
            storey_height_m: first_number(&f, &["storey_height_m", "层高"]),
            height_m: first_number(&f, &["height_m", "建筑高度"]),
            index: f.index,
            parcel_id: f.parcel_id,
            input_id: f.input_id,
            raw: f.raw,
        }
    }
}

crate::input::parcels::layer_feature!(BuildingFeature);

/// Brings a building's geometry to the parcels' metres.
type ToMetres = Box<dyn Fn(&MultiPolygon<f64>) -> MultiPolygon<f64> + Sync>;

/// Reads the buildings layer of the data folder (`None` without one), repaired and in the
/// parcels' metres, with its manifest entry. Its problems are data_quality rows of table
/// `buildings`.
pub fn read_layer(
    folder: &Folder,
    parcels: &Parcels,
    land: &Land,
    ledger: &Ledger,
) -> Result<Option<(Vec<Building>, InputFile)>, InputError> {
    let Some(path) = folder.find(Table::Buildings)? else { return Ok(None) };
    let own = Ledger::new();
    let land = Land { parcels: None, ..land.clone() };
    let (file, sha256) =
        rayon::join(|| read_layer_kept_as(&path, &land, &own, BuildingFeature::of), || sha256_of(&path));
    let file = file?;
    let entry = InputFile {
        table: Table::Buildings.name().into(),
        sha256: sha256?,
        path,
        rows: file.features.len(),
        converted: Vec::new(),
        encoding: file.encoding,
    };
    let crs = file.crs;
    let metres: Option<ToMetres> = match (parcels.crs, crs) {
        (Crs::LonLat, Crs::LonLat) => {
            let projection =
                metric_projection(parcels.crs, parcels.land.values().iter().filter_map(|m| m.geometry.as_ref()));
            projection.map(|p| Box::new(move |g: &MultiPolygon<f64>| p.project_multipolygon(g)) as Box<_>)
        }
        (a, b) if a == b => Some(Box::new(|g: &MultiPolygon<f64>| g.clone())),
        _ => None,
    };
    let buildings = match metres {
        // Each feature is let go once its building is made, so the layer is never held twice.
        Some(metres) => file
            .features
            .into_par_iter()
            .filter_map(|f| {
                let geometry = metres(&repaired_geometry(&f, crs, &own)?);
                let floors = f.floors.filter(|x| *x > 0.0);
                if floors.is_none() {
                    own.notice(
                        At::new(TABLE, f.index, "", "floors"),
                        "floors_assumed",
                        Message::new("no floors given; one storey counted", "未给出层数，按一层计"),
                    );
                }
                let floors = floors.unwrap_or(1.0);
                Some(Building {
                    index: f.index,
                    geometry,
                    floors,
                    storey_factor: storey_factor(floors, f.storey_height_m, f.height_m),
                })
            })
            .collect(),
        None => {
            own.error(
                At::new(TABLE, 0, "", "geometry"),
                "crs_mismatch",
                Message::new(
                    format!(
                        "the buildings are in {} but the parcels in {}; the layer is not used",
                        crs.name(),
                        parcels.crs.name()
                    ),
                    format!("建筑图层坐标系为 {}，宗地为 {}，建筑图层不予采用", crs.name(), parcels.crs.name()),
                ),
            );
            Vec::new()
        }
    };
    for issue in own.sorted().into_iter().filter(|i| i.code != "duplicate_parcel_id") {
        let key = if issue.key.starts_with('#') { "" } else { issue.key.as_str() };
        ledger.push(
            issue.severity,
            At::new(TABLE, issue.row, key, &issue.field),
            issue.code,
            match &issue.message_zh {
                Some(zh) => Message::new(issue.message.replace("parcel", "building"), zh.replace("宗地", "建筑")),
                None => Message::from(issue.message.replace("parcel", "building")),
            },
        );
    }
    Ok(Some((buildings, entry)))
}

/// Floor area and footprint of each parcel touched by a building (SPEC §15): footprint = Σ
/// area(B ∩ P), floor area = Σ area(B ∩ P) × floors × d, in m²; `None` for a parcel no
/// building touches. A building in no parcel is a notice `building_outside`.
pub fn layer_figures(
    buildings: &[Building],
    metric: &Column<Option<MultiPolygon<f64>>>,
    ledger: &Ledger,
) -> Column<Option<(f64, f64)>> {
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = metric
        .values()
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let r = g.as_ref()?.bounding_rect()?;
            Some(GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let pieces: Vec<(usize, f64, f64)> = buildings
        .par_iter()
        .flat_map_iter(|b| {
            let mut found = Vec::new();
            if let Some(r) = b.geometry.bounding_rect() {
                let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                for candidate in tree.locate_in_envelope_intersecting(&envelope) {
                    let Some(parcel) = metric.values()[candidate.data].as_ref() else { continue };
                    // The overlay only where they meet: most boxes found are a neighbour's.
                    if !b.geometry.intersects(parcel) {
                        continue;
                    }
                    let area = b.geometry.intersection(parcel).unsigned_area();
                    if area > 0.0 {
                        found.push((candidate.data, area, area * b.floors * b.storey_factor));
                    }
                }
            }
            if found.is_empty() {
                ledger.notice(
                    At::new(TABLE, b.index, "", "geometry"),
                    "building_outside",
                    Message::new("the building lies in no parcel", "该建筑不在任何宗地内"),
                );
            }
            found
        })
        .collect();
    let mut per_parcel: Vec<Option<(Vec<f64>, Vec<f64>)>> = vec![None; metric.len()];
    for (i, footprint, floor_area) in pieces {
        let entry = per_parcel[i].get_or_insert_with(Default::default);
        entry.0.push(floor_area);
        entry.1.push(footprint);
    }
    let values = per_parcel.into_iter().map(|p| p.map(|(floor, foot)| (sorted_sum(floor), sorted_sum(foot)))).collect();
    Column::from_vec(values, metric.len()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parcels::read_parcels;
    use geo::{Rect, coord};

    fn square(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new(coord! { x: x, y: y }, coord! { x: x + w, y: y + h }).to_polygon()])
    }

    #[test]
    fn a_straddling_building_is_split_by_area_and_a_tall_storey_counts_twice() {
        // Two parcels 100 × 100 m side by side; a 40 × 20 m building across their border,
        // 30 m in the first and 10 m in the second, 3 floors; an 8.5 m single-storey workshop
        // 10 × 10 m inside the second; one building outside both.
        let metric = Column::from_vec(
            vec![Some(square(0.0, 0.0, 100.0, 100.0)), Some(square(100.0, 0.0, 100.0, 100.0)), None],
            3,
        )
        .expect("three parcels");
        let buildings = vec![
            Building { index: 1, geometry: square(70.0, 10.0, 40.0, 20.0), floors: 3.0, storey_factor: 1.0 },
            Building {
                index: 2,
                geometry: square(150.0, 50.0, 10.0, 10.0),
                floors: 1.0,
                storey_factor: storey_factor(1.0, None, Some(8.5)),
            },
            Building { index: 3, geometry: square(500.0, 500.0, 10.0, 10.0), floors: 1.0, storey_factor: 1.0 },
        ];
        let ledger = Ledger::new();
        let figures = layer_figures(&buildings, &metric, &ledger);
        let ixs: Vec<_> = metric.ixs().collect();
        // First parcel: 30 × 20 = 600 m² covered, 1,800 m² of floors.
        assert_eq!(figures[ixs[0]], Some((1800.0, 600.0)));
        // Second: 10 × 20 = 200 m² × 3 floors = 600, plus 100 m² × 1 × 2 (8.5 m storey) = 200.
        assert_eq!(figures[ixs[1]], Some((800.0, 300.0)));
        assert_eq!(figures[ixs[2]], None);
        assert_eq!(ledger.sorted().iter().map(|i| i.code).collect::<Vec<_>>(), vec!["building_outside"]);
        // 15 mu = 10,000 m²: plot ratio 0.08 and coverage 0.03 of the second parcel.
        let i = intensity(Some(800.0), Some(300.0), 15.0, true);
        assert_eq!((i.plot_ratio, i.coverage), (Some(0.08), Some(0.03)));
    }

    #[test]
    fn a_building_feature_keeps_its_ids_coordinates_and_numbers_and_reports_as_a_whole_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("buildings.geojson");
        let square =
            r#"{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30.001],[120,30]]]}"#;
        let features = [
            format!(
                r#"{{"type":"Feature","properties":{{"宗地编号":"B1","层数":"3","层高":"9"}},"geometry":{square}}}"#
            ),
            format!(
                r#"{{"type":"Feature","properties":{{"宗地编号":"B1","floors":"2","height_m":"12"}},"geometry":{square}}}"#
            ),
            r#"{"type":"Feature","properties":{"建筑高度":"x"},"geometry":null}"#.to_string(),
        ];
        let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
        std::fs::write(&path, text).expect("write");
        let (kept, whole) = (Ledger::new(), Ledger::new());
        let file = read_layer_kept_as(&path, &Land::default(), &kept, BuildingFeature::of).expect("reads");
        read_parcels(&path, &Land::default(), &whole).expect("reads");
        let ids: Vec<&str> = file.features.iter().map(|f| f.parcel_id.as_str()).collect();
        assert_eq!(ids, ["B1", "B1#2", "#3"]);
        let numbers: Vec<_> = file.features.iter().map(|f| (f.floors, f.storey_height_m, f.height_m)).collect();
        assert_eq!(numbers, [(Some(3.0), Some(9.0), None), (Some(2.0), None, Some(12.0)), (None, None, None)]);
        assert_eq!((file.features[0].raw.is_some(), file.features[2].raw.is_none()), (true, true));
        assert_eq!(kept.sorted(), whole.sorted(), "the same data problems, word for word");
        let codes: Vec<_> = kept.sorted().into_iter().map(|i| (i.row, i.key, i.code)).collect();
        assert!(codes.contains(&(2, "B1".to_string(), "duplicate_parcel_id")), "{codes:?}");
        assert!(codes.contains(&(3, "#3".to_string(), "no_geometry")), "{codes:?}");
    }

    #[test]
    fn storey_factors() {
        assert_eq!(storey_factor(1.0, None, Some(8.5)), 2.0, "an 8.5 m storey counts twice");
        assert_eq!(storey_factor(2.0, None, Some(12.0)), 1.0, "two 6 m storeys");
        assert_eq!(storey_factor(3.0, Some(9.0), Some(12.0)), 2.0, "storey_height_m first");
        assert_eq!(storey_factor(1.0, Some(8.0), None), 1.0, "exactly 8 m is not above");
        assert_eq!(storey_factor(1.0, None, None), 1.0);
    }

    #[test]
    fn plot_ratio_and_coverage_by_hand() {
        // 15 mu = 10,000 m²: 12,000 m² of floors is a plot ratio of 1.2; 4,500 m² covered is 0.45.
        let i = intensity(Some(12_000.0), Some(4_500.0), 15.0, true);
        assert_eq!((i.plot_ratio, i.coverage), (Some(1.2), Some(0.45)));
        let none = intensity(None, Some(4_500.0), 15.0, true);
        assert_eq!((none.plot_ratio, none.coverage), (None, Some(0.45)), "missing is never zero");
        let not_rated = intensity(Some(12_000.0), Some(4_500.0), 15.0, false);
        assert_eq!((not_rated.plot_ratio, not_rated.coverage, not_rated.floor_area_m2), (None, None, Some(12_000.0)));
        assert_eq!(intensity(Some(1.0), None, 0.0, true).plot_ratio, None, "no area");
    }
}
