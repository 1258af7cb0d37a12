//! Parcels (SPEC §2, §13): the parcel layer as any source gives it — GeoJSON, an ESRI
//! Shapefile, a GeoPackage or a 国土 TXT — turned into the same features, its coordinate system
//! settled (stated and checked, inferred from zone-prefixed eastings, or north-first coordinates
//! exchanged back), then the parcel ledger (宗地台账) applied.
//!
//! A layer reader gives a [`Layer`]: features built by [`feature_from`] from each feature's
//! properties and geometry, and the CRS the data state. Everything after that is common.

use super::cells;
use super::crs::{Crs, Settled, Vertices, settle};
use super::headers::{self, canonical};
use super::tables::{LedgerRow, invalid_code};
use super::{InputError, cadastre_txt, geojson_layer, gpkg, shp};
use crate::config::Land;
use crate::keys::{check_code, normalize_code};
use crate::land::repair::RawPolygons;
use crate::quality::{At, Ledger, Message};
use compact_str::CompactString;
use foldhash::{HashMap, HashMapExt};
use geo::{Contains, LineString, Point, Polygon};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::path::Path;

pub const TABLE: &str = "parcels";

/// One input feature, as read.
#[derive(Debug, Clone)]
pub struct ParcelFeature {
    /// 1-based position in the file.
    pub index: usize,
    /// The id used in outputs: the input id, `id#2` for a repeat, `#N` when it has none.
    pub parcel_id: CompactString,
    /// The input id, when the feature has one (leases name the first feature with it).
    pub input_id: Option<CompactString>,
    /// The normalised credit code of its user; empty when it has none.
    pub user: CompactString,
    pub land_use: Option<CompactString>,
    pub park: Option<CompactString>,
    pub registered_mu: Option<f64>,
    pub status: Option<CompactString>,
    /// The feature's properties that name no parcel column, carried to the outputs.
    pub other_properties: OtherProperties,
    /// Polygon coordinates as read; `None` for a null or unusable geometry.
    pub raw: Option<RawPolygons>,
}

/// A feature's properties that name no parcel column, boxed: a feature that has none (most
/// have none) takes a pointer, not an empty map, in each of a nation's millions of parcels.
#[derive(Debug, Clone, Default)]
pub struct OtherProperties(Option<Box<Map<String, Value>>>);

impl OtherProperties {
    fn of(properties: Map<String, Value>) -> OtherProperties {
        OtherProperties((!properties.is_empty()).then(|| Box::new(properties)))
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// The properties in the order they were read.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|properties| properties.iter())
    }

    fn insert(&mut self, key: String, value: Value) {
        self.0.get_or_insert_with(Default::default).insert(key, value);
    }
}

impl ParcelFeature {
    /// SPEC §2: industrial when land_use contains 工业 or `industrial`, starts with `0601`, or
    /// is `M1`/`M2`/`M3` not followed by a digit; empty land_use counts as industrial.
    pub fn is_industrial(&self) -> bool {
        self.land_use.as_deref().is_none_or(is_industrial_use)
    }

    /// The text of a parcel column (or carried property) `column`, when it has one.
    pub fn property_text(&self, column: &str) -> Option<String> {
        match column {
            "credit_code" => (!self.user.is_empty()).then(|| self.user.to_string()),
            "land_use" => self.land_use.as_ref().map(CompactString::to_string),
            "park" => self.park.as_ref().map(CompactString::to_string),
            "status" => self.status.as_ref().map(CompactString::to_string),
            "registered_mu" => self.registered_mu.map(|m| m.to_string()),
            other => self.other_properties.get(other).map(|v| property_text(v).into_owned()).filter(|t| !t.is_empty()),
        }
    }

    /// Sets a parcel column (or carried property) from a ledger value (SPEC §13), a code read
    /// and checked as a feature's is.
    pub fn set_property(&mut self, column: &'static str, value: String, ledger: &Ledger) {
        match column {
            "credit_code" => self.user = read_user(Some(&Value::String(value)), &self.parcel_id, self.index, ledger),
            "land_use" => self.land_use = Some(value.into()),
            "park" => self.park = Some(value.into()),
            "status" => self.status = Some(value.into()),
            "registered_mu" => self.registered_mu = value.parse().ok(),
            other => {
                self.other_properties.insert(other.to_string(), Value::String(value));
            }
        }
    }

    /// Its county (SPEC §17): the carried property `county` (as a ledger sets it), else the
    /// first named by one of its aliases (区县, 所属区县…).
    pub fn county(&self) -> Option<String> {
        let named = || self.other_properties.iter().find(|(k, _)| canonical(headers::PARCEL_COUNTY, k).is_some());
        let value = self.other_properties.get("county").or_else(|| named().map(|(_, v)| v))?;
        Some(property_text(value).into_owned()).filter(|t| !t.trim().is_empty())
    }

    /// SPEC §2: idle when status is `idle` (any case) or contains 闲置.
    pub fn is_idle(&self) -> bool {
        self.status.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case("idle") || s.contains("闲置"))
    }
}

pub fn is_industrial_use(land_use: &str) -> bool {
    let t = land_use.trim();
    if t.is_empty() || t.contains("工业") || t.to_lowercase().contains("industrial") || t.starts_with("0601") {
        return true;
    }
    let upper = t.to_uppercase();
    ["M1", "M2", "M3"]
        .iter()
        .any(|m| upper.strip_prefix(m).is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit())))
}

/// The parcel file, read (a buildings layer's features are kept as less, see [`LayerFeature`]).
#[derive(Debug)]
pub struct ParcelFile<F = ParcelFeature> {
    pub features: Vec<F>,
    pub crs: Crs,
    /// The CRS name as the data state it (`EPSG:4490`, …), for outputs that tell CGCS2000
    /// longitude/latitude from WGS84.
    pub declared: Option<String>,
    /// The text encoding of a Shapefile's attributes, and what decided it.
    pub encoding: Option<String>,
}

/// What a layer reader gives: the features in record order, the CRS the data state (with
/// where they state it), its name as written, and the attribute encoding where one was chosen.
pub struct Layer<F = ParcelFeature> {
    pub features: Vec<F>,
    pub stated: Option<(Crs, String)>,
    pub declared: Option<String>,
    pub encoding: Option<String>,
}

impl Layer {
    /// The layer with each feature made into what its reader keeps.
    fn kept_as<F>(self, keep: impl Fn(ParcelFeature) -> F) -> Layer<F> {
        let Layer { features, stated, declared, encoding } = self;
        Layer { features: features.into_iter().map(keep).collect(), stated, declared, encoding }
    }
}

/// A feature as a layer's reader keeps it, and what the reading needs of it once made: its
/// place, its ids and its coordinates as read. Parcels keep the whole [`ParcelFeature`]; a
/// buildings layer keeps less of each (a nation's has 6 M features), made as it is parsed.
pub trait LayerFeature: Vertices + Send {
    /// 1-based position in the file.
    fn index(&self) -> usize;
    /// The id used in outputs and data problems.
    fn parcel_id(&self) -> &str;
    /// The input id, and the id used, to be renamed when the input id repeats.
    fn ids_mut(&mut self) -> (Option<&str>, &mut CompactString);
    fn raw(&self) -> Option<&RawPolygons>;
    fn raw_mut(&mut self) -> &mut Option<RawPolygons>;
}

/// Implements [`Vertices`] and [`LayerFeature`] for a feature type with the fields `index`,
/// `parcel_id`, `input_id` and `raw` of [`ParcelFeature`].
macro_rules! layer_feature {
    ($feature:ty) => {
        impl $crate::input::crs::Vertices for $feature {
            fn vertices(&self) -> impl Iterator<Item = &[f64; 2]> {
                self.raw.iter().flatten().flatten().flatten()
            }
        }

        impl $crate::input::parcels::LayerFeature for $feature {
            fn index(&self) -> usize {
                self.index
            }

            fn parcel_id(&self) -> &str {
                &self.parcel_id
            }

            fn ids_mut(&mut self) -> (Option<&str>, &mut compact_str::CompactString) {
                (self.input_id.as_deref(), &mut self.parcel_id)
            }

            fn raw(&self) -> Option<&$crate::land::repair::RawPolygons> {
                self.raw.as_ref()
            }

            fn raw_mut(&mut self) -> &mut Option<$crate::land::repair::RawPolygons> {
                &mut self.raw
            }
        }
    };
}
pub(crate) use layer_feature;

layer_feature!(ParcelFeature);

/// Why a feature has no geometry.
pub enum GeometryProblem {
    Null,
    Unusable(Message),
}

/// Reads the parcel layer at `path` by its kind (`.geojson`/`.json`, `.shp`, `.gpkg`, `.txt`).
pub fn read_parcels(path: &Path, land: &Land, ledger: &Ledger) -> Result<ParcelFile, InputError> {
    read_layer_kept_as(path, land, ledger, |f| f)
}

/// Reads the layer at `path` as [`read_parcels`] does, each feature made into what `keep`
/// makes of it as soon as it is read (a GeoJSON's while it is parsed).
pub fn read_layer_kept_as<F: LayerFeature>(
    path: &Path,
    land: &Land,
    ledger: &Ledger,
    keep: impl Fn(ParcelFeature) -> F + Sync,
) -> Result<ParcelFile<F>, InputError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    let layer = match ext.as_str() {
        "shp" => shp::read_layer(path, land.dbf_encoding.as_deref(), ledger)?.kept_as(keep),
        "gpkg" => gpkg::read_layer(path, ledger)?.kept_as(keep),
        "txt" => cadastre_txt::read_layer(path, ledger)?.kept_as(keep),
        _ => geojson_layer::read_layer(path, ledger, keep)?,
    };
    let Layer { mut features, stated, declared, encoding } = layer;
    name_duplicates(&mut features, ledger);
    let configured = match land.crs.as_deref() {
        Some(name) => Some((
            Crs::parse(name).map_err(|m| InputError::new(path, format!("land.crs: {m}")))?,
            "land.crs".to_string(),
        )),
        None => None,
    };
    let declared = declared.or_else(|| land.crs.clone());
    let crs = settle_crs(path, &mut features, stated.or(configured), ledger)?;
    Ok(ParcelFile { features, crs, declared, encoding })
}

/// Settles the layer's CRS from what is stated (or nothing) and its vertices; north-first
/// coordinates are exchanged back. A stated CRS the coordinates do not fit stops the run.
fn settle_crs<F: LayerFeature>(
    path: &Path,
    features: &mut [F],
    stated: Option<(Crs, String)>,
    ledger: &Ledger,
) -> Result<Crs, InputError> {
    let (settled, misfits) =
        settle(stated.as_ref().map(|(c, s)| (*c, s.as_str())), features).map_err(|m| InputError::new(path, m))?;
    for i in misfits {
        let f = &mut features[i];
        ledger.warning(
            At::new(TABLE, f.index(), f.parcel_id(), "geometry"),
            "invalid_geometry",
            format!(
                "parcel {}: its coordinates are not in {}, as the layer's are; kept with no geometry",
                f.parcel_id(),
                settled.crs().name()
            ),
        );
        *f.raw_mut() = None;
    }
    let at = At::new(TABLE, 0, "", "geometry");
    match settled {
        Settled::Inferred(crs) => ledger.notice(
            at,
            "crs_inferred",
            format!("no coordinate system is stated; the eastings carry their zone: {} assumed", crs.name()),
        ),
        Settled::Swapped(crs) => {
            for point in features.iter_mut().filter_map(|f| f.raw_mut().as_mut()).flatten().flatten().flatten() {
                point.swap(0, 1);
            }
            ledger.warning(
                at,
                "axes_swapped",
                format!("the coordinates are written northing first; exchanged back and read as {}", crs.name()),
            );
        }
        Settled::Stated(_) | Settled::LonLat => {}
    }
    Ok(settled.crs())
}

fn property_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// The properties split into those that name a parcel column (by canonical name) and the
/// others (names repeat in every feature, so each is matched once).
fn split_properties(properties: Map<String, Value>) -> (Vec<(&'static str, Value)>, Map<String, Value>) {
    thread_local! {
        static SEEN: std::cell::RefCell<HashMap<String, Option<&'static str>>> = Default::default();
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        let mut name_of = |k: &str| {
            if let Some(name) = seen.get(k) {
                return *name;
            }
            let name = canonical(headers::PARCELS, k).map(|c| c.name);
            seen.insert(k.to_string(), name);
            name
        };
        let names: Vec<Option<&'static str>> = properties.keys().map(|k| name_of(k)).collect();
        // Sized to what they hold: a layer of millions of features keeps every map.
        let carried = names.iter().filter(|n| n.is_none()).count();
        let (mut named, mut others) = (Vec::with_capacity(names.len() - carried), Map::with_capacity(carried));
        for ((k, v), name) in properties.into_iter().zip(names) {
            match name {
                Some(name) => named.push((name, v)),
                None => {
                    others.insert(k, v);
                }
            }
        }
        (named, others)
    })
}

/// A feature from its properties (names as any layer has them) and its geometry as read: the
/// parcel columns picked by name or alias, the others carried along, problems reported.
pub fn feature_from(
    index: usize,
    properties: Map<String, Value>,
    geometry: Result<Option<RawPolygons>, GeometryProblem>,
    ledger: &Ledger,
) -> ParcelFeature {
    let (named, other_properties) = split_properties(properties);
    let field = |name: &str| named.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
    let text = |name: &str| field(name).map(property_text).and_then(|t| cells::text(&t));
    let input_id = text("parcel_id");
    let key: CompactString = input_id.clone().unwrap_or_else(|| compact_str::format_compact!("#{index}"));
    let at = |f: &'static str| At::new(TABLE, index, &key, f);
    let user = read_user(field("credit_code"), &key, index, ledger);
    let registered_mu = field("registered_mu").and_then(|v| {
        let t = property_text(v);
        cells::number(&t).unwrap_or_else(|cells::Unreadable| {
            ledger.warning(
                At::new(TABLE, index, &key, "registered_mu"),
                "unreadable_number",
                cells::unreadable(&t, cells::Expected::Number),
            );
            None
        })
    });
    let raw = geometry.unwrap_or_else(|problem| {
        match &problem {
            GeometryProblem::Null => {
                let message = Message::new(format!("parcel {key} has no geometry"), format!("宗地 {key} 没有图形"));
                ledger.notice(at("geometry"), "no_geometry", message)
            }
            GeometryProblem::Unusable(why) => ledger.warning(
                at("geometry"),
                "invalid_geometry",
                Message::new(
                    format!("parcel {key}: {}; kept with no geometry", why.en),
                    format!("宗地 {key}：{}，保留为无图形", why.zh_or_en()),
                ),
            ),
        }
        None
    });
    ParcelFeature {
        index,
        parcel_id: key,
        input_id,
        user,
        land_use: text("land_use"),
        park: text("park"),
        registered_mu,
        status: text("status"),
        other_properties: OtherProperties::of(other_properties),
        raw,
    }
}

fn read_user(value: Option<&Value>, key: &str, index: usize, ledger: &Ledger) -> CompactString {
    let Some(value) = value else { return CompactString::default() };
    let code = normalize_code(cells::code_text(&property_text(value)));
    let at = At::new(TABLE, index, &code, "credit_code");
    if code.is_empty() {
        return code;
    }
    if value.is_number() {
        ledger.error(
            at,
            "code_stored_as_number",
            Message::new(
                format!("parcel {key}: the code is stored as a JSON number; used as written"),
                format!("宗地 {key}：信用代码被存为 JSON 数字，按原样使用"),
            ),
        );
    } else if !check_code(&code) {
        ledger.warning(at, "invalid_code", {
            let why = invalid_code(&code);
            Message::new(format!("parcel {key}: {}", why.en), format!("宗地 {key}：{}", why.zh_or_en()))
        });
    }
    code
}

/// Polygons from rings whose roles the data do not say (a Shapefile's, a 国土 TXT's), by the
/// even-odd rule of SPEC §4: a ring inside an even number of others is a shell, inside an odd
/// number a hole of the smallest shell around it.
pub fn rings_by_nesting(rings: Vec<Vec<[f64; 2]>>) -> RawPolygons {
    let shapes: Vec<Polygon<f64>> =
        rings.iter().map(|r| Polygon::new(LineString::from(r.clone()), Vec::new())).collect();
    let inside = |i: usize, j: usize| i != j && rings[i].first().is_some_and(|p| shapes[j].contains(&Point::from(*p)));
    let depth: Vec<usize> = (0..rings.len()).map(|i| (0..rings.len()).filter(|&j| inside(i, j)).count()).collect();
    let mut polygons: Vec<(usize, Vec<Vec<[f64; 2]>>)> = Vec::new();
    for i in (0..rings.len()).filter(|&i| depth[i].is_multiple_of(2)) {
        polygons.push((i, vec![rings[i].clone()]));
    }
    for i in (0..rings.len()).filter(|&i| !depth[i].is_multiple_of(2)) {
        let shell = polygons.iter_mut().find(|(s, _)| depth[*s] + 1 == depth[i] && inside(i, *s));
        match shell {
            Some((_, polygon)) => polygon.push(rings[i].clone()),
            None => polygons.push((i, vec![rings[i].clone()])),
        }
    }
    polygons.into_iter().map(|(_, rings)| rings).collect()
}

/// Applies the parcel ledger (SPEC §13): joined on parcel_id, a non-empty ledger value fills
/// or replaces the feature's property (a `ledger_overrides` notice where both are non-empty and
/// differ); a ledger row with no feature is a `ledger_unmatched` warning.
pub fn apply_ledger(features: &mut [ParcelFeature], rows: Vec<LedgerRow>, ledger: &Ledger) {
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        by_id.entry(f.input_id.as_deref().unwrap_or(&f.parcel_id)).or_insert(i);
    }
    let mut updates: Vec<(usize, LedgerRow)> = Vec::new();
    for row in rows {
        match by_id.get(row.parcel_id.as_str()) {
            Some(&i) => updates.push((i, row)),
            None => ledger.warning(
                At::new("parcel_ledger", row.row, &row.parcel_id, "parcel_id"),
                "ledger_unmatched",
                format!("the ledger names parcel {}, which the parcel layer does not have", row.parcel_id),
            ),
        }
    }
    for (i, row) in updates {
        let feature = &mut features[i];
        for (column, value) in row.values {
            if let Some(old) = feature.property_text(column).filter(|old| *old != value) {
                ledger.notice(
                    At::new("parcel_ledger", row.row, &row.parcel_id, column),
                    "ledger_overrides",
                    format!("parcel {}: the ledger's {column} `{value}` replaces `{old}`", row.parcel_id),
                );
            }
            feature.set_property(column, value, ledger);
        }
    }
}

/// A repeated parcel id is an error; repeats are named `id#2`, `id#3`, … in file order.
fn name_duplicates<F: LayerFeature>(features: &mut [F], ledger: &Ledger) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in features.iter_mut() {
        let index = f.index();
        let (Some(id), parcel_id) = f.ids_mut() else { continue };
        let count = seen.entry(id.to_string()).or_insert(0);
        *count += 1;
        if *count > 1 {
            *parcel_id = compact_str::format_compact!("{id}#{count}");
            ledger.error(
                At::new(TABLE, index, id, "parcel_id"),
                "duplicate_parcel_id",
                Message::new(
                    format!("parcel id {id} is used again; this feature is named {parcel_id}"),
                    format!("宗地编号 {id} 重复使用，本要素命名为 {parcel_id}"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A nation holds millions of parcels to the end of the run: no empty map in each.
    #[test]
    fn a_parcel_feature_stays_small() {
        assert!(std::mem::size_of::<ParcelFeature>() <= 200, "{}", std::mem::size_of::<ParcelFeature>());
        let mut carried = OtherProperties::of(Map::new());
        assert!(carried.get("county").is_none() && carried.iter().next().is_none());
        carried.insert("county".into(), Value::String("黄岩区".into()));
        assert_eq!(carried.get("county"), Some(&Value::String("黄岩区".into())));
    }

    #[test]
    fn industrial_uses() {
        for yes in ["工业用地", "Industrial", "0601", "060101", "M1", "m2", "M3 工业", ""] {
            assert!(is_industrial_use(yes), "{yes}");
        }
        for no in ["住宅", "M12", "0701", "商业", "M"] {
            assert!(!is_industrial_use(no), "{no}");
        }
    }

    fn square(x: f64, y: f64, s: f64) -> Vec<[f64; 2]> {
        vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]
    }

    #[test]
    fn rings_nest_by_the_even_odd_rule() {
        // An island in a lake in a shell, and a second shell apart.
        let rings = vec![square(2.0, 2.0, 2.0), square(0.0, 0.0, 10.0), square(20.0, 0.0, 5.0), square(1.0, 1.0, 6.0)];
        let polygons = rings_by_nesting(rings);
        assert_eq!(polygons.len(), 3);
        assert_eq!(polygons[0], vec![square(2.0, 2.0, 2.0)], "depth 2: a shell of its own");
        assert_eq!(
            polygons[1],
            vec![square(0.0, 0.0, 10.0), square(1.0, 1.0, 6.0)],
            "the lake is the big shell's hole"
        );
        assert_eq!(polygons[2], vec![square(20.0, 0.0, 5.0)]);
    }

    fn feature(id: &str, user: &str) -> ParcelFeature {
        let mut properties = Map::new();
        properties.insert("宗地编号".into(), Value::String(id.into()));
        properties.insert("权利人代码".into(), Value::String(user.into()));
        feature_from(1, properties, Err(GeometryProblem::Null), &Ledger::new())
    }

    #[test]
    fn the_ledger_fills_and_replaces() {
        let mut features = vec![feature("P1", ""), feature("P2", "914403001922038216")];
        let row = |n, id: &str, values: Vec<(&'static str, &str)>| LedgerRow {
            row: n,
            parcel_id: id.into(),
            values: values.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
        };
        let rows = vec![
            row(1, "P1", vec![("credit_code", "91440300708461136T"), ("registered_mu", "12.5"), ("county", "黄岩区")]),
            row(2, "P2", vec![("credit_code", "91440300708461136T")]),
            row(3, "P9", vec![("land_use", "工业")]),
        ];
        let ledger = Ledger::new();
        apply_ledger(&mut features, rows, &ledger);
        assert_eq!(features[0].user, "91440300708461136T", "filled");
        assert_eq!(features[0].registered_mu, Some(12.5));
        assert_eq!(features[0].other_properties.get("county"), Some(&Value::String("黄岩区".into())));
        assert_eq!(features[1].user, "91440300708461136T", "replaced");
        let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
        assert_eq!(codes, vec!["ledger_overrides", "ledger_unmatched"]);
    }
}
