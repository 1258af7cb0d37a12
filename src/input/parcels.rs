//! Parcels: the GeoJSON FeatureCollection of park parcels (SPEC §2), read leniently.
//!
//! A file that is not valid JSON stops the run with its line and column; a feature that is
//! valid JSON but not a usable polygon is a data_quality row and is kept with no geometry.

use super::InputError;
use super::cells;
use super::crs::{Crs, legacy_crs_name};
use super::headers::{self, canonical};
use super::tables::invalid_code;
use super::text::decode_text;
use crate::keys::{check_code, normalize_code};
use crate::land::repair::RawPolygons;
use crate::quality::{At, Ledger, Message};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, error::Category};
use std::path::Path;

pub const TABLE: &str = "parcels";

/// One input feature, as read.
#[derive(Debug, Clone)]
pub struct ParcelFeature {
    /// 1-based position in the file.
    pub index: usize,
    /// The id used in outputs: the input id, `id#2` for a repeat, `#N` when it has none.
    pub parcel_id: String,
    /// The input id, when the feature has one (leases name the first feature with it).
    pub input_id: Option<String>,
    /// The normalised credit code of its user; empty when it has none.
    pub user: String,
    pub land_use: Option<String>,
    pub park: Option<String>,
    pub registered_mu: Option<f64>,
    pub status: Option<String>,
    /// The feature's properties that name no parcel column, carried to the outputs.
    pub other_properties: Map<String, Value>,
    /// Polygon coordinates as read; `None` for a null or unusable geometry.
    pub raw: Option<RawPolygons>,
}

impl ParcelFeature {
    /// SPEC §2: industrial when land_use contains 工业 or `industrial`, starts with `0601`, or
    /// is `M1`/`M2`/`M3` not followed by a digit; empty land_use counts as industrial.
    pub fn is_industrial(&self) -> bool {
        self.land_use.as_deref().is_none_or(is_industrial_use)
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

/// The parcel file, read.
#[derive(Debug)]
pub struct ParcelFile {
    pub features: Vec<ParcelFeature>,
    pub crs: Crs,
    /// The legacy `crs` member as read, carried to the outputs.
    pub crs_member: Option<Value>,
}

/// The top level of the file: features kept as raw JSON, each parsed on its own.
#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(borrow)]
    features: Option<Vec<&'a RawValue>>,
    crs: Option<Value>,
}

pub fn read_parcels(path: &Path, configured_crs: Option<&str>, ledger: &Ledger) -> Result<ParcelFile, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let text = decode_text(bytes);
    let root: RawCollection<'_> = serde_json::from_str(&text).map_err(|e| {
        let what = match e.classify() {
            Category::Data => "not a GeoJSON FeatureCollection",
            _ => "not valid JSON",
        };
        InputError::new(path, format!("{what}: {e}")).at(e.line() as u64, Some(e.column() as u64))
    })?;
    let features = root
        .features
        .ok_or_else(|| InputError::new(path, "not a GeoJSON FeatureCollection: it has no `features` array"))?;
    let mut parsed: Vec<ParcelFeature> =
        features.par_iter().enumerate().map(|(i, f)| read_feature(i + 1, f, ledger)).collect();
    name_duplicates(&mut parsed, ledger);
    let crs = resolve_crs(path, root.crs.as_ref(), configured_crs, &parsed)?;
    Ok(ParcelFile { features: parsed, crs, crs_member: root.crs })
}

fn resolve_crs(
    path: &Path,
    member: Option<&Value>,
    configured: Option<&str>,
    features: &[ParcelFeature],
) -> Result<Crs, InputError> {
    if let Some(name) = member.and_then(legacy_crs_name) {
        return Crs::parse(name).map_err(|m| InputError::new(path, format!("its `crs` member: {m}")));
    }
    if let Some(name) = configured {
        return Crs::parse(name).map_err(|m| InputError::new(path, format!("land.crs: {m}")));
    }
    let outside = features
        .iter()
        .filter_map(|f| f.raw.as_ref())
        .flatten()
        .flatten()
        .flatten()
        .find(|p| p[0].abs() > 180.0 || p[1].abs() > 90.0);
    match outside {
        None => Ok(Crs::LonLat),
        Some(p) => Err(InputError::new(
            path,
            format!(
                "coordinate [{:e}, {:e}] is outside ±180/±90, so it is not longitude/latitude, and neither the file's `crs` member nor land.crs says which projection it is; set land.crs (e.g. \"EPSG:4549\") in the configuration",
                p[0], p[1]
            ),
        )),
    }
}

fn property_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A feature as it should be; anything else is read leniently from its JSON value.
#[derive(Deserialize)]
struct TypedFeature<'a> {
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(borrow, default)]
    geometry: Option<TypedGeometry<'a>>,
}

#[derive(Deserialize)]
struct TypedGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

/// The properties split into those that name a parcel column (by canonical name) and the
/// others (names repeat in every feature, so each is matched once).
fn split_properties(properties: Map<String, Value>) -> (Vec<(&'static str, Value)>, Map<String, Value>) {
    thread_local! {
        static SEEN: std::cell::RefCell<HashMap<String, Option<&'static str>>> = Default::default();
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        let (mut named, mut others) = (Vec::new(), Map::new());
        for (k, v) in properties {
            match *seen.entry(k.clone()).or_insert_with(|| canonical(headers::PARCELS, &k).map(|c| c.name)) {
                Some(name) => named.push((name, v)),
                None => {
                    others.insert(k, v);
                }
            }
        }
        (named, others)
    })
}

fn read_feature(index: usize, raw: &RawValue, ledger: &Ledger) -> ParcelFeature {
    let (properties, geometry) = match serde_json::from_str::<TypedFeature>(raw.get()) {
        Ok(f) => {
            (f.properties.unwrap_or_default(), f.geometry.map_or(Err(GeometryProblem::Null), |g| read_geometry(&g)))
        }
        Err(_) => lenient_feature(raw),
    };
    let (named, other_properties) = split_properties(properties);
    let field = |name: &str| named.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
    let text = |name: &str| field(name).map(property_text).and_then(|t| cells::text(&t));
    let input_id = text("parcel_id");
    let key = input_id.clone().unwrap_or_else(|| format!("#{index}"));
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
        other_properties,
        raw,
    }
}

fn read_user(value: Option<&Value>, key: &str, index: usize, ledger: &Ledger) -> String {
    let Some(value) = value else { return String::new() };
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

enum GeometryProblem {
    Null,
    Unusable(Message),
}

/// A feature that does not parse as [`TypedFeature`]: its properties if it has an object of
/// them, and why its geometry cannot be used.
fn lenient_feature(raw: &RawValue) -> (Map<String, Value>, Result<Option<RawPolygons>, GeometryProblem>) {
    let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let properties = match value.get("properties") {
        Some(Value::Object(p)) => p.clone(),
        _ => Map::new(),
    };
    let why = if value.is_object() {
        Message::new(
            "the geometry is not a GeoJSON Polygon or MultiPolygon of [x, y] numbers",
            "图形不是由 [x, y] 数值构成的 GeoJSON Polygon 或 MultiPolygon",
        )
    } else {
        Message::new("the feature is not a JSON object", "要素不是 JSON 对象")
    };
    (properties, Err(GeometryProblem::Unusable(why)))
}

/// Polygon or MultiPolygon coordinates as read (2-D; extra dimensions are dropped).
fn read_geometry(geometry: &TypedGeometry<'_>) -> Result<Option<RawPolygons>, GeometryProblem> {
    let coordinates = geometry.coordinates.map_or("null", RawValue::get);
    let unusable = |_| {
        GeometryProblem::Unusable(Message::new(
            format!("the {} coordinates are not arrays of [x, y] numbers", geometry.kind),
            format!("{} 的坐标不是 [x, y] 数值数组", geometry.kind),
        ))
    };
    match geometry.kind.as_str() {
        "Polygon" => serde_json::from_str::<Vec<Vec<Position>>>(coordinates)
            .map(|p| Some(vec![ring_points(p)]))
            .map_err(unusable),
        "MultiPolygon" => serde_json::from_str::<Vec<Vec<Vec<Position>>>>(coordinates)
            .map(|ps| Some(ps.into_iter().map(ring_points).collect()))
            .map_err(unusable),
        other => Err(GeometryProblem::Unusable(Message::new(
            format!("a `{other}` geometry is not a polygon"),
            format!("{other} 图形不是多边形"),
        ))),
    }
}

fn ring_points(rings: Vec<Vec<Position>>) -> Vec<Vec<[f64; 2]>> {
    rings.into_iter().map(|ring| ring.into_iter().map(|p| p.0).collect()).collect()
}

/// A GeoJSON position: two finite numbers, further dimensions ignored.
struct Position([f64; 2]);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PositionVisitor;
        impl<'de> serde::de::Visitor<'de> for PositionVisitor {
            type Value = Position;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a position [x, y]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let mut next = || -> Result<f64, A::Error> {
                    let v: f64 =
                        seq.next_element()?.ok_or_else(|| serde::de::Error::custom("a position needs x and y"))?;
                    if v.is_finite() { Ok(v) } else { Err(serde::de::Error::custom("a coordinate is not finite")) }
                };
                let (x, y) = (next()?, next()?);
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Position([x, y]))
            }
        }
        deserializer.deserialize_seq(PositionVisitor)
    }
}

/// A repeated parcel id is an error; repeats are named `id#2`, `id#3`, … in file order.
fn name_duplicates(features: &mut [ParcelFeature], ledger: &Ledger) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in features.iter_mut() {
        let Some(id) = f.input_id.clone() else { continue };
        let count = seen.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            f.parcel_id = format!("{id}#{count}");
            ledger.error(
                At::new(TABLE, f.index, &id, "parcel_id"),
                "duplicate_parcel_id",
                Message::new(
                    format!("parcel id {id} is used again; this feature is named {}", f.parcel_id),
                    format!("宗地编号 {id} 重复使用，本要素命名为 {}", f.parcel_id),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industrial_uses() {
        for yes in ["工业用地", "Industrial", "0601", "060101", "M1", "m2", "M3 工业", ""] {
            assert!(is_industrial_use(yes), "{yes}");
        }
        for no in ["住宅", "M12", "0701", "商业", "M"] {
            assert!(!is_industrial_use(no), "{no}");
        }
    }

    #[test]
    fn features_read_leniently() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"宗地编号":"P1","权利人代码":"９１４４０３００７０８４６１１３６ｔ","登记面积(亩)":"1,500"},
           "geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}},
          {"type":"Feature","properties":{"宗地编号":"P1"},"geometry":null},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},
          7
        ]}"#;
        std::fs::write(&path, text).expect("write");
        let ledger = Ledger::new();
        let file = read_parcels(&path, None, &ledger).expect("reads");
        assert_eq!(file.crs, Crs::LonLat);
        let ids: Vec<&str> = file.features.iter().map(|f| f.parcel_id.as_str()).collect();
        assert_eq!(ids, vec!["P1", "P1#2", "#3", "#4"]);
        assert_eq!(file.features[0].user, "91440300708461136T");
        assert_eq!(file.features[0].registered_mu, Some(1500.0));
        assert!(file.features[0].raw.is_some());
        assert!(file.features[1].raw.is_none());
        let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
        assert_eq!(codes, vec!["duplicate_parcel_id", "no_geometry", "invalid_geometry", "invalid_geometry"]);
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        std::fs::write(&path, "{\"type\":\"FeatureCollection\",\n\"features\":[NaN]}").expect("write");
        let err = read_parcels(&path, None, &Ledger::new()).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("line 2, column"), "{err}");
    }

    #[test]
    fn projected_coordinates_without_crs_stop_the_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.geojson");
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
          "geometry":{"type":"Polygon","coordinates":[[[500000,3300000],[500100,3300000],[500100,3300100],[500000,3300000]]]}}]}"#;
        std::fs::write(&path, text).expect("write");
        let err = read_parcels(&path, None, &Ledger::new()).unwrap_err().to_string();
        assert!(err.contains("land.crs"), "{err}");
        let ok = read_parcels(&path, Some("EPSG:4549"), &Ledger::new()).expect("with crs");
        assert_eq!(ok.crs, Crs::GaussKruger { epsg: 4549 });
    }
}
