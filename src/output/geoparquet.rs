//! `parcels.parquet` and `reclaim_blocks.parquet` (`--format geoparquet`): the features of the
//! GeoJSON outputs as GeoParquet 1.1. One row per feature, in the same order; its properties as
//! typed columns of the same names; `geometry` as ISO WKB in the GeoJSON's coordinates; a
//! `bbox` covering column; and the `geo` file metadata (with the CRS as PROJJSON unless it is
//! OGC:CRS84).

use super::blocks::block_properties;
use super::parcels::{Users, parcel_properties};
use super::{projjson, wkb};
use crate::input::crs::Crs;
use crate::parcels::ParcelIx;
use crate::pipeline::Evaluation;
use foldhash::HashMap;
use geo::{BoundingRect, MultiPolygon, Rect};
use polars::prelude::*;
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::io::Write;

/// The type of a property column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Boolean,
    Integer,
    Float,
    Text,
}

/// Types of muchan's own non-text properties, which hold even when every value is null.
const PARCEL_KINDS: &[(&str, Kind)] = &[
    ("area_mu", Kind::Float),
    ("registered_mu", Kind::Float),
    ("total_score", Kind::Float),
    ("zombie", Kind::Boolean),
    ("enclosure", Kind::Float),
    ("surrounding_share", Kind::Float),
    ("scattered", Kind::Boolean),
    ("block_id", Kind::Integer),
    ("floor_area_m2", Kind::Float),
    ("footprint_m2", Kind::Float),
    ("plot_ratio", Kind::Float),
    ("coverage", Kind::Float),
];
const BLOCK_KINDS: &[(&str, Kind)] = &[
    ("block_id", Kind::Integer),
    ("area_mu", Kind::Float),
    ("current_tax", Kind::Float),
    ("potential_tax", Kind::Float),
    ("gain", Kind::Float),
];

/// The geometry column and its covering bounding-box column.
const GEOMETRY: &str = "geometry";
const BBOX: &str = "bbox";
/// Geometry types in the order the metadata lists them.
const TYPES: [&str; 2] = ["Polygon", "MultiPolygon"];

/// parcels.parquet: every input feature, in input order.
pub fn parcels_geoparquet(eval: &Evaluation, users: &Users<'_>, w: &mut dyn Write) -> anyhow::Result<()> {
    let geometries: Vec<_> = eval.parcels.parcels.land.values().iter().map(|m| m.geometry.as_ref()).collect();
    Ok(w.write_all(&geoparquet(
        &|i| parcel_properties(eval.parcels.row(ParcelIx::at(i)), users, eval.rating.partitioned).to_map(),
        &geometries,
        PARCEL_KINDS,
        crs(eval),
    )?)?)
}

/// reclaim_blocks.parquet: one row per block, in block order.
pub fn blocks_geoparquet(eval: &Evaluation, users: &Users<'_>, w: &mut dyn Write) -> anyhow::Result<()> {
    let blocks = &eval.blocks;
    let geometries: Vec<_> = blocks.iter().map(|b| b.geometry.as_ref()).collect();
    Ok(w.write_all(&geoparquet(&|i| block_properties(&blocks[i], users), &geometries, BLOCK_KINDS, crs(eval))?)?)
}

/// The `crs` of the metadata: PROJJSON for CGCS2000 Gauss-Krüger, and for longitude/latitude
/// named CGCS2000 (EPSG:4490); `None` (OGC:CRS84) for other longitude/latitude.
fn crs(eval: &Evaluation) -> Option<Value> {
    let epsg = match eval.parcels.parcels.crs {
        Crs::GaussKruger { epsg } => Some(epsg),
        Crs::LonLat => named_epsg(eval).filter(|&code| code == 4490),
    };
    epsg.and_then(projjson::cgcs2000)
}

/// The EPSG code the data name (the file's `crs` member, else `land.crs`), as the reader
/// resolves it.
fn named_epsg(eval: &Evaluation) -> Option<u32> {
    let name = eval.parcels.parcels.declared.as_deref()?.trim().to_uppercase();
    if !name.contains("EPSG") {
        return None;
    }
    name.rsplit(':').next()?.trim().parse().ok()
}

/// A GeoParquet file of `geometries.len()` rows; `properties(i)` gives row i's properties.
fn geoparquet(
    properties: &(dyn Fn(usize) -> Map<String, Value> + Sync),
    geometries: &[Option<&MultiPolygon<f64>>],
    kinds: &[(&str, Kind)],
    crs: Option<Value>,
) -> anyhow::Result<Vec<u8>> {
    let table = Table::collect(geometries.len(), properties);
    let mut columns = table.into_columns(kinds);
    let boxes: Vec<Option<Rect<f64>>> = geometries.par_iter().map(|g| g.and_then(|g| g.bounding_rect())).collect();
    columns.push(geometry_column(geometries));
    columns.push(bbox_column(&boxes)?);
    let mut frame = DataFrame::new(geometries.len(), columns)?;
    let metadata = geo_metadata(geometries, &boxes, crs);
    Ok(parquet_bytes(&mut frame, &metadata)?)
}

/// Property values by column: columns in order of first appearance, `Null` where a row
/// lacks the property.
#[derive(Default)]
struct Table {
    names: Vec<String>,
    index: HashMap<String, usize>,
    values: Vec<Vec<Value>>,
    rows: usize,
}

impl Table {
    /// The properties of rows `0..rows`, gathered in parallel and joined in row order.
    fn collect(rows: usize, properties: &(dyn Fn(usize) -> Map<String, Value> + Sync)) -> Table {
        (0..rows)
            .into_par_iter()
            .fold(Table::default, |mut table, i| {
                table.push(properties(i));
                table
            })
            .reduce(Table::default, Table::append)
    }

    fn push(&mut self, row: Map<String, Value>) {
        for (key, value) in row {
            let column = self.column(key);
            self.values[column].push(value);
        }
        self.pad(self.rows + 1);
    }

    /// The rows of `other` after these.
    fn append(mut self, other: Table) -> Table {
        let rows = self.rows + other.rows;
        for (key, values) in other.names.into_iter().zip(other.values) {
            let column = self.column(key);
            self.values[column].extend(values);
        }
        self.pad(rows);
        self
    }

    /// The index of a column, added (null so far) when new.
    fn column(&mut self, key: String) -> usize {
        if let Some(&column) = self.index.get(&key) {
            return column;
        }
        self.index.insert(key.clone(), self.names.len());
        self.names.push(key);
        self.values.push(vec![Value::Null; self.rows]);
        self.names.len() - 1
    }

    /// Fills every column with nulls up to `rows`.
    fn pad(&mut self, rows: usize) {
        self.rows = rows;
        for column in &mut self.values {
            column.resize(rows, Value::Null);
        }
    }

    fn into_columns(self, kinds: &[(&str, Kind)]) -> Vec<Column> {
        let mut taken = self.names.clone();
        let declared = |name: &str| kinds.iter().find(|(n, _)| *n == name).map(|&(_, k)| k);
        self.names
            .iter()
            .zip(self.values)
            .map(|(name, values)| {
                let kind = declared(name).or_else(|| values.iter().filter_map(kind_of).reduce(widen));
                typed_column(column_name(name, &mut taken), values, kind.unwrap_or(Kind::Text))
            })
            .collect()
    }
}

/// A property named like the geometry or bbox column gets `_` appended until it is unique.
fn column_name(name: &str, taken: &mut Vec<String>) -> String {
    let mut out = name.to_string();
    if name == GEOMETRY || name == BBOX {
        while taken.contains(&out) || out == GEOMETRY || out == BBOX {
            out.push('_');
        }
        taken.push(out.clone());
    }
    out
}

fn kind_of(value: &Value) -> Option<Kind> {
    match value {
        Value::Null => None,
        Value::Bool(_) => Some(Kind::Boolean),
        Value::Number(n) if n.is_i64() => Some(Kind::Integer),
        Value::Number(_) => Some(Kind::Float),
        _ => Some(Kind::Text),
    }
}

/// The kind holding values of two kinds: integers and floats are floats; any other mix is text.
fn widen(a: Kind, b: Kind) -> Kind {
    match (a, b) {
        _ if a == b => a,
        (Kind::Integer, Kind::Float) | (Kind::Float, Kind::Integer) => Kind::Float,
        _ => Kind::Text,
    }
}

/// Text of a value in a text column: a string as is, another value as its JSON.
fn text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn typed_column(name: String, values: Vec<Value>, kind: Kind) -> Column {
    let series = match kind {
        Kind::Boolean => Series::new(name.into(), values.iter().map(Value::as_bool).collect::<Vec<_>>()),
        Kind::Integer => Series::new(name.into(), values.iter().map(Value::as_i64).collect::<Vec<_>>()),
        Kind::Float => Series::new(name.into(), values.iter().map(Value::as_f64).collect::<Vec<_>>()),
        Kind::Text => Series::new(name.into(), values.into_iter().map(text).collect::<Vec<_>>()),
    };
    series.into_column()
}

fn geometry_column(geometries: &[Option<&MultiPolygon<f64>>]) -> Column {
    let wkb: Vec<Option<Vec<u8>>> = geometries.par_iter().map(|g| g.map(wkb::to_wkb)).collect();
    Series::new(GEOMETRY.into(), wkb).into_column()
}

/// The covering column: {xmin, ymin, xmax, ymax} per row, null where there is no geometry.
fn bbox_column(boxes: &[Option<Rect<f64>>]) -> PolarsResult<Column> {
    let side = |name: &str, pick: fn(&Rect<f64>) -> f64| {
        Series::new(name.into(), boxes.iter().map(|b| b.as_ref().map(pick)).collect::<Vec<_>>())
    };
    let fields = [
        side("xmin", |r| r.min().x),
        side("ymin", |r| r.min().y),
        side("xmax", |r| r.max().x),
        side("ymax", |r| r.max().y),
    ];
    let present = BooleanChunked::from_iter_values(PlSmallStr::EMPTY, boxes.iter().map(Option::is_some));
    let validity = present.downcast_as_array().values().clone();
    let bbox = StructChunked::from_series(BBOX.into(), boxes.len(), fields.iter())?.with_outer_validity(Some(validity));
    Ok(bbox.into_series().into_column())
}

/// The `geo` metadata of GeoParquet 1.1.
fn geo_metadata(geometries: &[Option<&MultiPolygon<f64>>], boxes: &[Option<Rect<f64>>], crs: Option<Value>) -> Value {
    let present: Vec<&str> = geometries.iter().flatten().map(|g| wkb::type_name(g)).collect();
    let types: Vec<&str> = TYPES.into_iter().filter(|t| present.contains(t)).collect();
    let mut column = json!({"encoding": "WKB", "geometry_types": types});
    if let Some(crs) = crs {
        column["crs"] = crs;
    }
    if let Some(total) = boxes.iter().flatten().copied().reduce(union) {
        column["bbox"] = json!([total.min().x, total.min().y, total.max().x, total.max().y]);
    }
    column["covering"] = json!({"bbox": {
        "xmin": [BBOX, "xmin"], "ymin": [BBOX, "ymin"], "xmax": [BBOX, "xmax"], "ymax": [BBOX, "ymax"],
    }});
    json!({"version": "1.1.0", "primary_column": GEOMETRY, "columns": {GEOMETRY: column}})
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

fn parquet_bytes(frame: &mut DataFrame, geo: &Value) -> PolarsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let metadata = KeyValueMetadata::from_static(vec![("geo".to_string(), geo.to_string())]);
    ParquetWriter::new(&mut bytes).with_key_value_metadata(Some(metadata)).finish(frame)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn property_columns_are_typed_in_order_of_first_appearance() {
        let rows = [
            row(json!({"a": 1, "b": "x", "geometry": "g", "n": null})),
            row(json!({"a": 2.5, "c": true, "d": 7})),
            row(json!({"b": 3, "c": null, "d": [1]})),
        ];
        let table = Table::collect(rows.len(), &|i| rows[i].clone());
        let frame = DataFrame::new(3, table.into_columns(&[("n", Kind::Float)])).expect("frame");
        let names: Vec<&str> = frame.get_column_names().into_iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "geometry_", "n", "c", "d"]);
        let column = |name: &str| frame.column(name).expect("column").as_materialized_series().clone();
        let texts =
            |name: &str| column(name).str().expect("str").iter().map(|s| s.map(str::to_string)).collect::<Vec<_>>();
        let text = |s: &str| Some(s.to_string());
        assert_eq!(column("a").f64().expect("f64").to_vec(), [Some(1.0), Some(2.5), None]);
        assert_eq!(texts("b"), [text("x"), None, text("3")]);
        assert_eq!(texts("geometry_"), [text("g"), None, None]);
        assert_eq!(column("n").f64().expect("declared f64").to_vec(), [None, None, None]);
        assert_eq!(column("c").bool().expect("bool").iter().collect::<Vec<_>>(), [None, Some(true), None]);
        assert_eq!(texts("d"), [None, text("7"), text("[1]")]);
    }

    #[test]
    fn bbox_is_null_where_there_is_no_geometry() {
        let boxes = [Some(Rect::new((1.0, 2.0), (3.0, 5.0))), None];
        let bbox = bbox_column(&boxes).expect("bbox");
        let bbox = bbox.struct_().expect("struct");
        assert_eq!(bbox.null_count(), 1);
        let fields = bbox.fields_as_series();
        let values: Vec<Option<f64>> = fields.iter().map(|f| f.f64().expect("f64").get(0)).collect();
        assert_eq!(values, [Some(1.0), Some(2.0), Some(3.0), Some(5.0)]);
    }
}
