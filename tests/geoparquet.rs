//! `--format geoparquet`: parcels.parquet and reclaim_blocks.parquet hold the features of the
//! GeoJSON outputs (same rows, properties, coordinates), a bbox covering column and the `geo`
//! metadata of GeoParquet 1.1; their bytes do not depend on the thread count.

use muchan::generate::{GenerateOptions, OutputCrs, generate};
use polars::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

/// A generated county whose parcels carry extra properties of each JSON type, one feature
/// without geometry and one of two parts.
fn county(dir: &Path, crs: OutputCrs) {
    let options = GenerateOptions { enterprises: 150, seed: 5, crs, year: 2024, messy: true, counties: None };
    generate(&options, dir).expect("generate");
    let path = dir.join("parcels.geojson");
    let mut collection: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    let features = collection["features"].as_array_mut().expect("features");
    for (i, f) in features.iter_mut().enumerate() {
        let props = f["properties"].as_object_mut().expect("properties");
        if i % 3 == 0 {
            props.insert("note".into(), json!(format!("n{i}")));
        }
        props.insert("floors".into(), json!(i % 7));
        props.insert("ratio".into(), if i % 2 == 0 { json!(i) } else { json!(i as f64 / 4.0) });
        props.insert("checked".into(), json!(i % 5 == 0));
    }
    features[1]["geometry"] = Value::Null;
    let shell = features[2]["geometry"]["coordinates"][0].clone();
    let shift = if crs == OutputCrs::LonLat { 0.02 } else { 2_000.0 };
    let moved: Vec<Value> =
        shell.as_array().expect("ring").iter().map(|p| json!([p[0].as_f64().expect("x") + shift, p[1]])).collect();
    features[2]["geometry"] = json!({"type": "MultiPolygon", "coordinates": [[shell], [moved]]});
    std::fs::write(&path, serde_json::to_vec(&collection).expect("bytes")).expect("write");
}

fn run(data: &Path, out: &Path, args: &[&str], threads: &str) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .env("POLARS_MAX_THREADS", threads)
        .status();
    assert!(status.expect("runs").success(), "muchan run {args:?}");
}

fn read_parquet(path: &Path) -> (DataFrame, Value) {
    let mut reader = ParquetReader::new(std::fs::File::open(path).expect("open"));
    let metadata = reader.get_metadata().expect("metadata").key_value_metadata().clone().unwrap_or_default();
    let geo = metadata.iter().find(|kv| kv.key == "geo").and_then(|kv| kv.value.clone()).expect("geo metadata");
    (reader.finish().expect("read parquet"), serde_json::from_str(&geo).expect("geo is JSON"))
}

/// Polygons → rings → [x, y], from a tiny ISO WKB reader (little-endian Polygon/MultiPolygon).
fn decode_wkb(bytes: &[u8]) -> (u32, Vec<Vec<Vec<[f64; 2]>>>) {
    let mut at = 0;
    let kind = header(bytes, &mut at);
    let polygons = match kind {
        3 => vec![polygon_body(bytes, &mut at)],
        6 => (0..u32_at(bytes, &mut at))
            .map(|_| {
                assert_eq!(header(bytes, &mut at), 3, "a MultiPolygon holds Polygons");
                polygon_body(bytes, &mut at)
            })
            .collect(),
        other => panic!("WKB type {other}"),
    };
    assert_eq!(at, bytes.len(), "no trailing bytes");
    (kind, polygons)
}

fn header(bytes: &[u8], at: &mut usize) -> u32 {
    assert_eq!(bytes[*at], 1, "little-endian");
    *at += 1;
    u32_at(bytes, at)
}

fn u32_at(bytes: &[u8], at: &mut usize) -> u32 {
    *at += 4;
    u32::from_le_bytes(bytes[*at - 4..*at].try_into().expect("4 bytes"))
}

fn f64_at(bytes: &[u8], at: &mut usize) -> f64 {
    *at += 8;
    f64::from_le_bytes(bytes[*at - 8..*at].try_into().expect("8 bytes"))
}

fn polygon_body(bytes: &[u8], at: &mut usize) -> Vec<Vec<[f64; 2]>> {
    (0..u32_at(bytes, at))
        .map(|_| (0..u32_at(bytes, at)).map(|_| [f64_at(bytes, at), f64_at(bytes, at)]).collect())
        .collect()
}

/// The GeoJSON geometry as (WKB type, polygons → rings → [x, y]).
fn geojson_polygons(geometry: &Value) -> (u32, Vec<Vec<Vec<[f64; 2]>>>) {
    let rings = |polygon: &Value| -> Vec<Vec<[f64; 2]>> {
        let point = |p: &Value| [p[0].as_f64().expect("x"), p[1].as_f64().expect("y")];
        polygon
            .as_array()
            .expect("rings")
            .iter()
            .map(|r| r.as_array().expect("ring").iter().map(point).collect())
            .collect()
    };
    let coordinates = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => (3, vec![rings(coordinates)]),
        Some("MultiPolygon") => (6, coordinates.as_array().expect("parts").iter().map(rings).collect()),
        other => panic!("geometry type {other:?}"),
    }
}

/// A parquet cell as the JSON the GeoJSON writes for it (text columns hold other JSON as text).
fn cell_json(column: &Column, i: usize, geojson: &Value) -> Value {
    match column.get(i).expect("cell") {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => json!(b),
        AnyValue::Int64(n) => json!(n),
        AnyValue::Float64(x) => json!(x),
        AnyValue::String(s) if !geojson.is_string() => serde_json::from_str(s).expect("JSON text"),
        AnyValue::String(s) => json!(s),
        AnyValue::StringOwned(s) => json!(s.as_str()),
        other => panic!("unexpected cell {other:?}"),
    }
}

fn bbox_at(frame: &DataFrame, i: usize) -> Option<[f64; 4]> {
    let bbox = frame.column("bbox").expect("bbox").struct_().expect("struct").clone();
    if bbox.is_null().get(i) == Some(true) {
        return None;
    }
    let fields = bbox.fields_as_series();
    let side = |k: usize| fields[k].f64().expect("f64").get(i).expect("bbox value");
    Some([side(0), side(1), side(2), side(3)])
}

fn bounds(polygons: &[Vec<Vec<[f64; 2]>>]) -> [f64; 4] {
    let points = polygons.iter().flatten().flatten();
    points.fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

/// Checks a parquet file against its GeoJSON twin; the geometry types present.
fn check_twin(geojson: &Path, parquet: &Path, crs: Option<u32>) {
    let collection: Value = serde_json::from_slice(&std::fs::read(geojson).expect("geojson")).expect("json");
    let features = collection["features"].as_array().expect("features");
    let (frame, geo) = read_parquet(parquet);
    assert_eq!(frame.height(), features.len(), "{}", parquet.display());
    let wkb = frame.column("geometry").expect("geometry").binary().expect("binary").clone();
    let (mut types, mut total) = (Vec::new(), [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY]);
    for (i, feature) in features.iter().enumerate() {
        for (key, value) in feature["properties"].as_object().expect("properties") {
            let cell = cell_json(frame.column(key).expect(key), i, value);
            let same = match (cell.as_f64(), value.as_f64()) {
                (Some(a), Some(b)) => a == b,
                _ => cell == *value,
            };
            assert!(same, "row {i} {key}: parquet {cell}, geojson {value}");
        }
        match wkb.get(i) {
            None => {
                assert!(feature["geometry"].is_null(), "row {i}: null WKB for a geometry");
                assert_eq!(bbox_at(&frame, i), None);
            }
            Some(bytes) => {
                let (kind, polygons) = decode_wkb(bytes);
                assert_eq!((kind, polygons.clone()), geojson_polygons(&feature["geometry"]), "row {i}");
                assert_eq!(bbox_at(&frame, i), Some(bounds(&polygons)), "row {i}");
                types.push(feature["geometry"]["type"].as_str().expect("type").to_string());
                let b = bounds(&polygons);
                total = [total[0].min(b[0]), total[1].min(b[1]), total[2].max(b[2]), total[3].max(b[3])];
            }
        }
    }
    let column = &geo["columns"]["geometry"];
    assert_eq!(geo["version"], "1.1.0");
    assert_eq!(geo["primary_column"], "geometry");
    assert_eq!(column["encoding"], "WKB");
    let expected_types: Vec<&str> =
        ["Polygon", "MultiPolygon"].into_iter().filter(|t| types.iter().any(|x| x == t)).collect();
    assert_eq!(column["geometry_types"], json!(expected_types));
    assert_eq!(column["bbox"], json!(total));
    let covering =
        json!({"xmin": ["bbox", "xmin"], "ymin": ["bbox", "ymin"], "xmax": ["bbox", "xmax"], "ymax": ["bbox", "ymax"]});
    assert_eq!(column["covering"]["bbox"], covering);
    match crs {
        None => assert!(column.get("crs").is_none(), "OGC:CRS84 is the default, written as no crs"),
        Some(code) => {
            assert_eq!(column["crs"]["id"], json!({"authority": "EPSG", "code": code}));
            assert_eq!(column["crs"]["type"], "ProjectedCRS");
        }
    }
}

fn dtype(frame: &DataFrame, name: &str) -> DataType {
    frame.column(name).expect(name).dtype().clone()
}

#[test]
fn geoparquet_holds_the_geojson_features() {
    for (crs, code) in [(OutputCrs::LonLat, None), (OutputCrs::GaussKruger, Some(4549))] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (data, json_out, parquet_out) = (dir.path().join("data"), dir.path().join("json"), dir.path().join("pq"));
        county(&data, crs);
        run(&data, &json_out, &[], "2");
        run(&data, &parquet_out, &["--format", "geoparquet"], "2");
        for name in ["parcels", "reclaim_blocks"] {
            assert!(!json_out.join(format!("{name}.parquet")).exists(), "geojson writes no {name}.parquet");
            assert!(!parquet_out.join(format!("{name}.geojson")).exists(), "geoparquet writes no {name}.geojson");
            check_twin(&json_out.join(format!("{name}.geojson")), &parquet_out.join(format!("{name}.parquet")), code);
        }
        let (parcels, geo) = read_parquet(&parquet_out.join("parcels.parquet"));
        assert_eq!(geo["columns"]["geometry"]["geometry_types"], json!(["Polygon", "MultiPolygon"]));
        assert_eq!(parcels.column("geometry").expect("geometry").null_count(), 1, "the feature without geometry");
        assert_eq!(parcels.column("bbox").expect("bbox").null_count(), 1);
        for (name, expected) in [
            ("parcel_id", DataType::String),
            ("area_mu", DataType::Float64),
            ("scattered", DataType::Boolean),
            ("block_id", DataType::Int64),
            ("note", DataType::String),
            ("floors", DataType::Int64),
            ("ratio", DataType::Float64),
            ("checked", DataType::Boolean),
            ("geometry", DataType::Binary),
        ] {
            assert_eq!(dtype(&parcels, name), expected, "{name}");
        }
        let (blocks, _) = read_parquet(&parquet_out.join("reclaim_blocks.parquet"));
        assert!(blocks.height() > 0, "the county has reclaim blocks");
        assert_eq!(dtype(&blocks, "block_id"), DataType::Int64);
        assert_eq!(dtype(&blocks, "gain"), DataType::Float64);
        let names: Vec<String> = parcels.get_column_names().iter().map(|n| n.to_string()).collect();
        assert_eq!(names[..3], ["parcel_id", "credit_code", "land_use"]);
        assert_eq!(names[names.len() - 2..], ["geometry", "bbox"]);
    }
}

#[test]
fn geoparquet_bytes_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    county(&data, OutputCrs::GaussKruger);
    let outs: Vec<_> =
        ["1", "4", "4"].iter().enumerate().map(|(k, t)| (dir.path().join(format!("out{k}")), *t)).collect();
    for (out, threads) in &outs {
        run(&data, out, &["--format", "geoparquet"], threads);
    }
    for name in ["parcels.parquet", "reclaim_blocks.parquet"] {
        let first = std::fs::read(outs[0].0.join(name)).expect("first");
        for (out, _) in &outs[1..] {
            assert!(std::fs::read(out.join(name)).expect("output") == first, "{name} differs in {}", out.display());
        }
    }
}
