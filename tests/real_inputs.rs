//! SPEC §13, done when: one generated county given as GeoJSON + CSV, as a Shapefile (GBK with a
//! .cpg; GBK with only the .dbf's language byte), as a GeoPackage, as government spreadsheets
//! (a title row, a merged two-row header, a units row in 元 and 千元, a 合计 row; tax in 元,
//! energy in 千克标准煤), as a 国土 TXT with its parcel ledger, and as north-first coordinates
//! without a CRS, gives the same enterprise results (class, land, total score), and `validate`
//! reports the same data-quality codes (the notices that describe a format aside).

mod common;
use common::write;
use muchan::generate::{GenerateOptions, OutputCrs, generate};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Notices that say how a file was read, not what is wrong with the data.
const FORMAT_NOTICES: [&str; 6] = [
    "title_rows_skipped",
    "unit_converted",
    "total_row_skipped",
    "crs_inferred",
    "axes_swapped",
    "dbf_encoding_conflict",
];

const PRJ: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

/// The parcel attributes every format carries, in the generated file's names.
const ATTRIBUTES: [&str; 6] = ["宗地编号", "权利人代码", "土地用途", "园区", "登记面积", "状态"];

struct Parcel {
    properties: serde_json::Map<String, Value>,
    /// Polygons → rings → [easting, northing].
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

fn parcels(data: &Path) -> Vec<Parcel> {
    let file: Value =
        serde_json::from_slice(&std::fs::read(data.join("parcels.geojson")).expect("read")).expect("json");
    let features = file["features"].as_array().expect("features");
    features
        .iter()
        .map(|f| {
            let geometry = &f["geometry"];
            let coordinates: Vec<Vec<Vec<[f64; 2]>>> = match geometry["type"].as_str() {
                Some("Polygon") => vec![serde_json::from_value(geometry["coordinates"].clone()).expect("rings")],
                Some("MultiPolygon") => serde_json::from_value(geometry["coordinates"].clone()).expect("polygons"),
                _ => Vec::new(),
            };
            Parcel { properties: f["properties"].as_object().cloned().unwrap_or_default(), polygons: coordinates }
        })
        .collect()
}

fn text(p: &Parcel, key: &str) -> String {
    match p.properties.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A copy of the county's folder without its parcel file.
fn tables_only(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("dir") {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n != "parcels.geojson") {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

/// A dBase III table written by hand (the `dbase` crate's field names are limited to 10 UTF-8
/// bytes, which no Chinese name fits): GBK text, the given language byte.
fn write_dbf(path: &Path, parcels: &[Parcel], language: u8) {
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let fields: Vec<(Vec<u8>, u8, u8, u8)> = ATTRIBUTES
        .iter()
        .map(|name| if *name == "登记面积" { (gbk(name), b'N', 14, 2) } else { (gbk(name), b'C', 60, 0) })
        .collect();
    let record_len: u16 = 1 + fields.iter().map(|f| f.2 as u16).sum::<u16>();
    let header_len: u16 = 32 + 32 * fields.len() as u16 + 1;
    let mut out = vec![0x03, 124, 12, 1];
    out.extend((parcels.len() as u32).to_le_bytes());
    out.extend(header_len.to_le_bytes());
    out.extend(record_len.to_le_bytes());
    out.extend([0u8; 17]);
    out.push(language);
    out.extend([0u8; 2]);
    for (name, kind, len, decimals) in &fields {
        let mut descriptor = [0u8; 32];
        descriptor[..name.len()].copy_from_slice(name);
        descriptor[11] = *kind;
        descriptor[16] = *len;
        descriptor[17] = *decimals;
        out.extend(descriptor);
    }
    out.push(0x0D);
    for p in parcels {
        out.push(b' ');
        for (name, (_, kind, len, _)) in ATTRIBUTES.iter().zip(&fields) {
            let value = text(p, name);
            let mut cell = if *kind == b'N' {
                let n: Option<f64> = value.parse().ok();
                n.map_or(vec![b' '; *len as usize], |n| format!("{n:>14.2}").into_bytes())
            } else {
                gbk(&value)
            };
            cell.resize(*len as usize, b' ');
            out.extend(cell);
        }
    }
    out.push(0x1A);
    std::fs::write(path, out).expect("write dbf");
}

fn write_shapefile(data: &Path, to: &Path, cpg: bool) {
    tables_only(data, to);
    let parcels = parcels(data);
    let mut writer = shapefile::ShapeWriter::from_path(to.join("parcels.shp")).expect("shp");
    for p in &parcels {
        let rings = p
            .polygons
            .iter()
            .flat_map(|polygon| {
                polygon.iter().enumerate().map(|(k, ring)| {
                    let points: Vec<shapefile::Point> =
                        ring.iter().map(|[x, y]| shapefile::Point::new(*x, *y)).collect();
                    if k == 0 { shapefile::PolygonRing::Outer(points) } else { shapefile::PolygonRing::Inner(points) }
                })
            })
            .collect();
        writer.write_shape(&shapefile::Polygon::with_rings(rings)).expect("shape");
    }
    writer.finalize().expect("finalize");
    write_dbf(&to.join("parcels.dbf"), &parcels, if cpg { 0x00 } else { 0x4D });
    write(to, "parcels.prj", PRJ);
    if cpg {
        write(to, "parcels.cpg", "GBK");
    }
}

fn write_geopackage(data: &Path, to: &Path) {
    tables_only(data, to);
    let db = rusqlite::Connection::open(to.join("parcels.gpkg")).expect("gpkg");
    db.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
         CREATE TABLE parcels (fid INTEGER PRIMARY KEY, geom BLOB, 宗地编号 TEXT, 权利人代码 TEXT, 土地用途 TEXT, 园区 TEXT, 登记面积 REAL, 状态 TEXT);
         INSERT INTO gpkg_contents VALUES ('parcels', 'features', 'parcels', 4549);
         INSERT INTO gpkg_geometry_columns VALUES ('parcels', 'geom', 'MULTIPOLYGON', 4549, 0, 0);",
    )
    .expect("schema");
    db.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 120E', 4549, 'EPSG', 4549, ?1, '')", [PRJ])
        .expect("srs");
    for p in parcels(data) {
        let polygons: Vec<geo::Polygon<f64>> = p
            .polygons
            .iter()
            .map(|rings| {
                let ring = |r: &Vec<[f64; 2]>| geo::LineString::from(r.clone());
                geo::Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
            })
            .collect();
        let mut blob = b"GP\x00\x00".to_vec();
        blob.extend(4549i32.to_le_bytes());
        blob.extend(muchan::output::wkb::to_wkb(&geo::MultiPolygon(polygons)));
        let registered: Option<f64> = p.properties.get("登记面积").and_then(Value::as_f64);
        db.execute(
            "INSERT INTO parcels (geom, 宗地编号, 权利人代码, 土地用途, 园区, 登记面积, 状态) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![blob, text(&p, "宗地编号"), text(&p, "权利人代码"), text(&p, "土地用途"), text(&p, "园区"), registered, text(&p, "状态")],
        )
        .expect("insert");
    }
}

/// A decimal written in another unit by moving its point: `2214.61` 万元 as 千元 is `22146.1`.
fn shift(value: &str, places: i32) -> String {
    if value.trim().is_empty() {
        return String::new();
    }
    let n: f64 = value.parse().expect("a number");
    let scaled = format!("{:.6}", n * 10f64.powi(places));
    scaled.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let headers = reader.headers().expect("headers").iter().map(str::to_string).collect();
    (headers, reader.records().map(|r| r.expect("row").iter().map(str::to_string).collect()).collect())
}

fn write_government_spreadsheets(data: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for file in ["parcels.geojson", "leases.csv", "adjustments.csv"] {
        std::fs::copy(data.join(file), to.join(file)).expect("copy");
    }
    let (headers, rows) = read_csv(&data.join("enterprises.csv"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let last = headers.len() as u16 - 1;
    sheet
        .merge_range(0, 0, 0, last, "2024年规上工业企业主要经济指标（经信局）", &rust_xlsxwriter::Format::new())
        .expect("title");
    // Row 2: the header; the money columns sit under one merged "经营指标" cell, their names in
    // row 3 (a sub-header); row 4 is the units row.
    let money = |h: &str| h.ends_with("(万元)");
    let first_money = headers.iter().position(|h| money(h)).expect("a money column") as u16;
    let last_money = headers.iter().rposition(|h| money(h)).expect("a money column") as u16;
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        if !(first_money..=last_money).contains(&c) {
            sheet.write_string(2, c, h.trim_end_matches("(万元)")).expect("header");
        }
    }
    sheet.merge_range(2, first_money, 2, last_money, "经营指标", &rust_xlsxwriter::Format::new()).expect("merged");
    let unit_of = |h: &str| match h {
        h if h.starts_with("营业收入") => ("千元", 1),
        h if h.starts_with("利润总额") => ("元", 4),
        h if money(h) => ("万元", 0),
        _ => ("", 0),
    };
    for (c, h) in headers.iter().enumerate().filter(|(c, _)| (first_money..=last_money).contains(&(*c as u16))) {
        sheet.write_string(3, c as u16, h.trim_end_matches("(万元)")).expect("sub-header");
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(4, c as u16, unit_of(h).0).expect("unit");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, (h, cell)) in headers.iter().zip(row).enumerate() {
            let value = match unit_of(h).1 {
                0 => cell.clone(),
                places => shift(cell, places),
            };
            sheet.write_string(5 + r as u32, c as u16, &value).expect("cell");
        }
    }
    // A totals row: no code, 合计 in the name column, the sum of revenue.
    sheet.write_string(5 + rows.len() as u32, 1, " 合 计").expect("totals");
    sheet.write_string(5 + rows.len() as u32, first_money as u32 as u16, "123456").expect("totals");
    book.save(to.join("企业数据.xlsx")).expect("save");

    let (headers, rows) = read_csv(&data.join("tax.csv"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "税务数据（单位：元）").expect("title");
    for (c, h) in headers.iter().enumerate() {
        let name = if h.starts_with("实缴税收") { "实缴税收(元)".to_string() } else { h.clone() };
        sheet.write_string(1, c as u16, &name).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, (h, cell)) in headers.iter().zip(row).enumerate() {
            let value = if h.starts_with("实缴税收") { shift(cell, 4) } else { cell.clone() };
            sheet.write_string(2 + r as u32, c as u16, &value).expect("cell");
        }
    }
    book.save(to.join("TAX.xlsx")).expect("save");

    let (headers, rows) = read_csv(&data.join("energy.csv"));
    let mut out = csv::Writer::from_path(to.join("energy.csv")).expect("energy");
    let renamed: Vec<String> = headers
        .iter()
        .map(|h| if h.starts_with("综合能耗") { "综合能耗(千克标准煤)".into() } else { h.clone() })
        .collect();
    out.write_record(&renamed).expect("header");
    for row in rows {
        let row: Vec<String> = headers
            .iter()
            .zip(row)
            .map(|(h, cell)| if h.starts_with("综合能耗") { shift(&cell, 3) } else { cell })
            .collect();
        out.write_record(&row).expect("row");
    }
    out.flush().expect("flush");
}

fn write_cadastre_txt(data: &Path, to: &Path) {
    tables_only(data, to);
    let parcels = parcels(data);
    let mut txt = String::from(
        "[属性描述]\n格式版本号=1.01版本\n数据产生单位=国土资源局\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n精度=0.001\n[地块坐标]\n",
    );
    let mut ledger = String::from("宗地编号,权利人代码,土地用途,园区,状态\n");
    for p in &parcels {
        let points: usize = p.polygons.iter().flatten().map(Vec::len).sum();
        let hectares =
            p.properties.get("登记面积").and_then(Value::as_f64).map_or(String::new(), |mu| format!("{}", mu / 15.0));
        txt += &format!("{points},{hectares},{},,面,,,,@\n", text(p, "宗地编号"));
        for (k, ring) in p.polygons.iter().flatten().enumerate() {
            for (j, [east, north]) in ring.iter().enumerate() {
                txt += &format!("J{j},{},{north},{east}\n", k + 1);
            }
        }
        ledger += &format!(
            "{},{},{},{},{}\n",
            text(p, "宗地编号"),
            text(p, "权利人代码"),
            text(p, "土地用途"),
            text(p, "园区"),
            text(p, "状态")
        );
    }
    std::fs::write(to.join("宗地.txt"), encoding_rs::GBK.encode(&txt).0).expect("txt");
    write(to, "宗地台账.csv", &ledger);
}

/// GeoJSON without a CRS, each position written [northing, zone 40 easting]: the parcels and
/// the buildings alike.
fn write_north_first(data: &Path, to: &Path) {
    tables_only(data, to);
    fn swap(v: &mut Value) {
        match v.as_array_mut() {
            Some(a) if a.len() == 2 && a.iter().all(Value::is_number) => {
                let (east, north) = (a[0].as_f64().unwrap_or(0.0), a[1].as_f64().unwrap_or(0.0));
                *a = vec![Value::from(north), Value::from(east + 40_000_000.0)];
            }
            Some(a) => a.iter_mut().for_each(swap),
            None => {}
        }
    }
    for layer in ["parcels.geojson", "buildings.geojson"].into_iter().filter(|l| data.join(l).exists()) {
        let mut file: Value = serde_json::from_slice(&std::fs::read(data.join(layer)).expect("read")).expect("json");
        file.as_object_mut().expect("object").remove("crs");
        for f in file["features"].as_array_mut().expect("features") {
            swap(&mut f["geometry"]["coordinates"]);
        }
        std::fs::write(to.join(layer), serde_json::to_vec(&file).expect("json")).expect("write");
    }
}

fn muchan(args: &[&str], data: &Path, out: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(args)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .expect("runs");
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "muchan {args:?} on {}: {}",
        data.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stderr).into()
}

/// (class, land_mu, total_score) per code.
fn results(out: &Path) -> BTreeMap<String, (String, Option<f64>, Option<f64>)> {
    let (headers, rows) = read_csv(&out.join("enterprises.csv"));
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).expect(name);
    let (code, class, land, total) = (col("credit_code"), col("class"), col("land_mu"), col("total_score"));
    rows.iter().map(|r| (r[code].clone(), (r[class].clone(), r[land].parse().ok(), r[total].parse().ok()))).collect()
}

fn codes(out: &Path) -> BTreeSet<String> {
    let (_, rows) = read_csv(&out.join("data_quality.csv"));
    rows.iter().map(|r| r[5].clone()).filter(|c| !FORMAT_NOTICES.contains(&c.as_str())).collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * a.abs().max(1.0),
        (a, b) => a == b,
    }
}

#[test]
fn one_county_in_every_format_gives_the_same_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("geojson");
    let options = GenerateOptions {
        enterprises: 300,
        seed: 21,
        crs: OutputCrs::GaussKruger,
        year: 2024,
        messy: false,
        counties: None,
    };
    generate(&options, &data).expect("generate");
    let variants: Vec<(&str, PathBuf)> =
        ["shp_cpg", "shp_language_byte", "gpkg", "spreadsheets", "txt_ledger", "north_first"]
            .iter()
            .map(|name| (*name, dir.path().join(name)))
            .collect();
    write_shapefile(&data, &variants[0].1, true);
    write_shapefile(&data, &variants[1].1, false);
    write_geopackage(&data, &variants[2].1);
    write_government_spreadsheets(&data, &variants[3].1);
    write_cadastre_txt(&data, &variants[4].1);
    write_north_first(&data, &variants[5].1);

    let base_out = dir.path().join("out_geojson");
    muchan(&["run"], &data, &base_out);
    let base = results(&base_out);
    assert!(
        base.values().filter(|r| ["A", "B", "C", "D"].contains(&r.0.as_str())).count() > 100,
        "a county worth comparing"
    );
    muchan(&["validate"], &data, &dir.path().join("validate_geojson"));
    let base_codes = codes(&dir.path().join("validate_geojson"));
    for (name, folder) in &variants {
        let out = dir.path().join(format!("out_{name}"));
        muchan(&["run"], folder, &out);
        let got = results(&out);
        assert_eq!(got.keys().collect::<Vec<_>>(), base.keys().collect::<Vec<_>>(), "{name}: the same codes");
        for (code, (class, land, total)) in &base {
            let (c, l, t) = &got[code];
            assert_eq!(c, class, "{name}: class of {code}");
            assert!(close(*l, *land), "{name}: land of {code}: {l:?} vs {land:?}");
            assert!(close(*t, *total), "{name}: total of {code}: {t:?} vs {total:?}");
        }
        let validated = dir.path().join(format!("validate_{name}"));
        muchan(&["validate"], folder, &validated);
        assert_eq!(codes(&validated), base_codes, "{name}: validate reports the same codes");
    }
    let notices = |name: &str| -> BTreeSet<String> {
        let (_, rows) = read_csv(&dir.path().join(format!("out_{name}/data_quality.csv")));
        rows.iter().map(|r| r[5].clone()).collect()
    };
    assert!(
        notices("spreadsheets")
            .is_superset(&["title_rows_skipped", "unit_converted", "total_row_skipped"].map(String::from).into())
    );
    assert!(notices("north_first").is_superset(&["axes_swapped"].map(String::from).into()));
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out_shp_language_byte/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let parcels_entry =
        manifest["inputs"].as_array().expect("inputs").iter().find(|i| i["table"] == "parcels").expect("parcels");
    assert_eq!(parcels_entry["encoding"], "gb18030 (language byte)");
}
