//! ESRI Shapefile parcel layers (SPEC §13): `parcels.shp` with its `.shx` and `.dbf`, and
//! `.prj` and `.cpg` when present. Shapes come from the `shapefile` crate, attributes from its
//! `dbase` dependency; feature order is record order and a null shape is a feature with no
//! geometry. Rings are grouped into polygons by nesting (even-odd), not by their winding.
//!
//! **Text encoding of the .dbf**, the first that applies: `land.dbf_encoding`; the `.cpg`
//! (`GBK`, `936`, `CP936`, `GB2312`, `GB18030` all read as GB18030; other labels as the WHATWG
//! encoding of that label); the dBase language driver byte (byte 29: `0x4D` or `0x7A` is
//! GB18030); then detection (UTF-8 when every text field decodes as UTF-8, else GB18030). A
//! `.cpg` and a language byte that disagree: the `.cpg` wins, a `dbf_encoding_conflict` notice.
//!
//! The `dbase` crate decodes text with one encoding it is given and replaces what does not
//! decode, so it cannot tell us which field failed, nor let us detect the encoding. We give it
//! WHATWG windows-1252, which maps every byte to one character and back: each text field's
//! bytes are recovered exactly (re-encoded) and decoded here, field by field, so that a field
//! that does not decode is an `undecodable_text` warning naming its record and field.

use super::InputError;
use super::crs::{Crs, from_wkt};
use super::parcels::{GeometryProblem, Layer, ParcelFeature, feature_from, rings_by_nesting};
use crate::land::repair::RawPolygons;
use crate::quality::{At, Ledger, Message};
use encoding_rs::{Encoding, GB18030, UTF_8, WINDOWS_1252};
use serde_json::{Map, Value};
use shapefile::{PolygonRing, Shape, ShapeReader};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Reads a Shapefile layer; `setting` is `land.dbf_encoding`.
pub fn read_layer(path: &Path, setting: Option<&str>, ledger: &Ledger) -> Result<Layer, InputError> {
    let shapes = read_shapes(path)?;
    let dbf = sidecar(path, "dbf")
        .ok_or_else(|| InputError::new(path, "the Shapefile's .dbf (its attributes) is missing"))?;
    let table = read_dbf(&dbf)?;
    let (encoding, decided) = choose_encoding(path, &dbf, setting, &table, ledger)?;
    let records = table.decode(encoding, ledger);
    let stated = match sidecar(path, "prj") {
        Some(prj) => {
            let wkt = std::fs::read_to_string(&prj)
                .map_err(|e| InputError::new(&prj, format!("cannot read the file: {e}")))?;
            Some((from_wkt(wkt.trim()).map_err(|m| InputError::new(&prj, m))?, "its .prj".to_string()))
        }
        None => None,
    };
    if records.len() != shapes.len() {
        ledger.warning(
            At::new(super::parcels::TABLE, 0, "", "attributes"),
            "shapefile_mismatch",
            format!(
                "the .shp has {} shapes and the .dbf {} records; missing ones are empty",
                shapes.len(),
                records.len()
            ),
        );
    }
    let mut records = records.into_iter();
    let features: Vec<ParcelFeature> = shapes
        .into_iter()
        .enumerate()
        .map(|(i, geometry)| feature_from(i + 1, records.next().unwrap_or_default(), geometry, ledger))
        .collect();
    let declared = stated.as_ref().map(|(crs, _): &(Crs, String)| crs.name());
    Ok(Layer { features, stated, declared, encoding: Some(format!("{} ({decided})", encoding.name())) })
}

/// The file beside `path` with the same stem and extension `ext` (any case).
fn sidecar(path: &Path, ext: &str) -> Option<PathBuf> {
    let stem = path.file_stem()?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
        p.file_stem() == Some(stem)
            && p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// Each record's polygons (`Ok(None)` for a null shape).
fn read_shapes(path: &Path) -> Result<Vec<Result<Option<RawPolygons>, GeometryProblem>>, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    check_record_sizes(&bytes).map_err(|(record, why)| {
        InputError::new(path, format!("not a readable Shapefile: record {record} is damaged ({why})"))
            .at(record as u64, None)
    })?;
    let unreadable = |e: shapefile::Error| InputError::new(path, format!("not a readable Shapefile: {e}"));
    let mut reader = ShapeReader::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let mut shapes = Vec::new();
    for (i, shape) in reader.iter_shapes().enumerate() {
        let shape = shape.map_err(|e| unreadable(e).at(i as u64 + 1, None))?;
        shapes.push(polygons(shape));
    }
    Ok(shapes)
}

/// Checks the sizes a .shp's records claim before the `shapefile` crate trusts them: each
/// record lies within the file, a polygon's parts and points fit in its record, and its parts
/// start in order within its points (the crate reserves memory for the counts it reads, and
/// for the difference of two part starts, so a damaged count of 10⁹ parts, or a part starting
/// at −2³¹, would exhaust memory instead of being an error); so do multipoints' and
/// multipatches' counts. `Err` is (record number from 1, why).
fn check_record_sizes(bytes: &[u8]) -> Result<(), (usize, String)> {
    let be = |at: usize| bytes.get(at..at + 4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let le = |at: usize| bytes.get(at..at + 4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let (mut at, mut record) = (100, 0);
    while at + 8 <= bytes.len() {
        record += 1;
        let length = be(at + 4).and_then(|words| usize::try_from(words).ok()).map(|w| w * 2);
        let Some(length) = length.filter(|l| at + 8 + l <= bytes.len()) else {
            return Err((record, "its length runs past the end of the file".into()));
        };
        let content = at + 8;
        let (header, per_part) = match le(content) {
            Some(3 | 5 | 13 | 15 | 23 | 25) => (44, 4),
            Some(31) => (44, 8),
            Some(8 | 18 | 28) => (40, 0),
            _ => (0, 0),
        };
        if header > 0 {
            let (parts, points) = if per_part == 0 {
                (Some(0), le(content + 36).map(i64::from))
            } else {
                (le(content + 36).map(i64::from), le(content + 40).map(i64::from))
            };
            let (Some(parts), Some(points)) = (parts, points) else {
                return Err((record, "its shape is cut short".into()));
            };
            if parts < 0 || points < 0 || header + per_part * parts + 16 * points > length as i64 {
                return Err((record, format!("{parts} parts and {points} points do not fit in {length} bytes")));
            }
            let starts = (0..parts as usize).map(|part| le(content + header as usize + 4 * part).map(i64::from));
            parts_in_order(starts, points).map_err(|why| (record, why))?;
        }
        at = content + length;
    }
    Ok(())
}

/// Part starts (read from the record, `None` when cut short) that rise, never fall, from 0 up
/// to at most `points`.
fn parts_in_order(starts: impl Iterator<Item = Option<i64>>, points: i64) -> Result<(), String> {
    let mut previous = 0;
    for (part, start) in starts.enumerate() {
        let start = start.ok_or("its shape is cut short")?;
        if start < previous || start > points {
            return Err(format!("part {} starts at point {start}, outside {previous}..={points}", part + 1));
        }
        previous = start;
    }
    Ok(())
}

fn polygons(shape: Shape) -> Result<Option<RawPolygons>, GeometryProblem> {
    let rings: Vec<Vec<[f64; 2]>> = match shape {
        Shape::NullShape => return Err(GeometryProblem::Null),
        Shape::Polygon(p) => p.rings().iter().map(|r| ring_points(r, |p| [p.x, p.y])).collect(),
        Shape::PolygonM(p) => p.rings().iter().map(|r| ring_points(r, |p| [p.x, p.y])).collect(),
        Shape::PolygonZ(p) => p.rings().iter().map(|r| ring_points(r, |p| [p.x, p.y])).collect(),
        other => {
            let why = Message::new(
                format!("a {} shape is not a polygon", other.shapetype()),
                format!("{} 图形不是多边形", other.shapetype()),
            );
            return Err(GeometryProblem::Unusable(why));
        }
    };
    Ok(Some(rings_by_nesting(rings)))
}

fn ring_points<P>(ring: &PolygonRing<P>, xy: impl Fn(&P) -> [f64; 2]) -> Vec<[f64; 2]> {
    ring.points().iter().map(xy).collect()
}

/// A .dbf read with every text field's bytes recovered, not yet decoded.
struct DbfTable {
    /// Field names as bytes.
    names: Vec<Vec<u8>>,
    /// Per record, per field.
    records: Vec<Vec<Cell>>,
    /// The dBase language driver byte (byte 29).
    language: u8,
}

/// One attribute: text still as bytes, or a typed value.
#[derive(Debug, Clone)]
enum Cell {
    Text(Vec<u8>),
    Value(Value),
}

/// WHATWG windows-1252 maps every byte to a character and back: decoding with it and
/// encoding again gives the bytes of the file.
fn bytes_of(text: &str) -> Vec<u8> {
    WINDOWS_1252.encode(text).0.into_owned()
}

fn read_dbf(path: &Path) -> Result<DbfTable, InputError> {
    let unreadable = |e: shapefile::dbase::Error| InputError::new(path, format!("not a readable .dbf: {e}"));
    let mut head = [0u8; 32];
    let mut file =
        std::fs::File::open(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    file.read_exact(&mut head).map_err(|e| InputError::new(path, format!("not a readable .dbf: {e}")))?;
    let file = std::fs::File::open(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let mut reader = shapefile::dbase::ReaderBuilder::new()
        .with_encoding(shapefile::dbase::encoding::EncodingRs::from(WINDOWS_1252))
        .build(std::io::BufReader::new(file))
        .map_err(unreadable)?;
    let names: Vec<String> = reader.fields().iter().map(|f| f.name().to_string()).collect();
    let mut records = Vec::new();
    for (i, record) in reader.iter_records().enumerate() {
        let record = record.map_err(|e| unreadable(e).at(i as u64 + 1, None))?;
        records.push(names.iter().map(|n| record.get(n).map_or(Cell::Value(Value::Null), cell)).collect());
    }
    Ok(DbfTable { names: names.iter().map(|n| bytes_of(n)).collect(), records, language: head[29] })
}

fn cell(value: &shapefile::dbase::FieldValue) -> Cell {
    use shapefile::dbase::FieldValue as F;
    let number = |x: f64| Cell::Value(serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number));
    match value {
        F::Character(Some(text)) | F::Memo(text) => Cell::Text(bytes_of(text)),
        F::Character(None) | F::Numeric(None) | F::Logical(None) | F::Date(None) | F::Float(None) => {
            Cell::Value(Value::Null)
        }
        F::Numeric(Some(x)) | F::Currency(x) | F::Double(x) => number(*x),
        F::Float(Some(x)) => number(f64::from(*x)),
        F::Integer(i) => Cell::Value(Value::from(*i)),
        F::Logical(Some(b)) => Cell::Value(Value::Bool(*b)),
        F::Date(Some(d)) => Cell::Value(Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))),
        F::DateTime(dt) => {
            let d = dt.date();
            Cell::Value(Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())))
        }
    }
}

impl DbfTable {
    /// Every text byte string of the table: names and text fields.
    fn texts(&self) -> impl Iterator<Item = &[u8]> {
        let fields = self.records.iter().flatten().filter_map(|c| match c {
            Cell::Text(bytes) => Some(bytes.as_slice()),
            Cell::Value(_) => None,
        });
        self.names.iter().map(Vec::as_slice).chain(fields)
    }

    /// The records as properties, text decoded in `encoding`; a field that does not decode
    /// is a warning and keeps its text with U+FFFD in place of the bad bytes.
    fn decode(&self, encoding: &'static Encoding, ledger: &Ledger) -> Vec<Map<String, Value>> {
        let names: Vec<String> =
            self.names.iter().map(|n| encoding.decode_without_bom_handling(n).0.into_owned()).collect();
        self.records
            .iter()
            .enumerate()
            .map(|(i, record)| {
                names
                    .iter()
                    .zip(record)
                    .map(|(name, cell)| {
                        let value = match cell {
                            Cell::Value(v) => v.clone(),
                            Cell::Text(bytes) => Value::String(decode_field(encoding, bytes, i + 1, name, ledger)),
                        };
                        (name.clone(), value)
                    })
                    .collect()
            })
            .collect()
    }
}

fn decode_field(encoding: &'static Encoding, bytes: &[u8], record: usize, field: &str, ledger: &Ledger) -> String {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => text.into_owned(),
        None => {
            let text = encoding.decode_without_bom_handling(bytes).0.into_owned();
            ledger.warning(
                At::new(super::parcels::TABLE, record, "", field),
                "undecodable_text",
                format!("record {record}, field {field}: not {}; read as `{text}`", encoding.name()),
            );
            text
        }
    }
}

/// The encoding of a label (`.cpg` or `land.dbf_encoding`): the Chinese code pages as GB18030
/// (a superset of each), others as the WHATWG encoding of that label.
fn encoding_of_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_start_matches('\u{feff}').trim();
    let upper = label.to_uppercase();
    if ["GBK", "936", "CP936", "GB2312", "GB18030", "CP_936", "MS936"].contains(&upper.as_str()) {
        return Some(GB18030);
    }
    if ["UTF-8", "UTF8", "65001"].contains(&upper.as_str()) {
        return Some(UTF_8);
    }
    Encoding::for_label(label.as_bytes())
}

/// The encoding of the language driver byte: 0x4D or 0x7A (code page 936) is GB18030.
fn encoding_of_language(byte: u8) -> Option<&'static Encoding> {
    matches!(byte, 0x4D | 0x7A).then_some(GB18030)
}

/// The .dbf's encoding by the chain of SPEC §13, and what decided it.
fn choose_encoding(
    shp: &Path,
    dbf: &Path,
    setting: Option<&str>,
    table: &DbfTable,
    ledger: &Ledger,
) -> Result<(&'static Encoding, &'static str), InputError> {
    if let Some(label) = setting {
        let encoding = encoding_of_label(label).ok_or_else(|| {
            InputError::new(dbf, format!("land.dbf_encoding `{label}` is not an encoding muchan knows"))
        })?;
        return Ok((encoding, "land.dbf_encoding"));
    }
    let language = encoding_of_language(table.language);
    if let Some(cpg) = sidecar(shp, "cpg") {
        let label = std::fs::read_to_string(&cpg).unwrap_or_default();
        if let Some(encoding) = encoding_of_label(&label) {
            if let Some(byte) = language.filter(|l| *l != encoding) {
                ledger.notice(
                    At::new(super::parcels::TABLE, 0, "", "encoding"),
                    "dbf_encoding_conflict",
                    format!(
                        "the .cpg says {} and the .dbf's language byte 0x{:02X} says {}; the .cpg wins",
                        encoding.name(),
                        table.language,
                        byte.name()
                    ),
                );
            }
            return Ok((encoding, ".cpg"));
        }
    }
    if let Some(encoding) = language {
        return Ok((encoding, "language byte"));
    }
    let utf8 = table.texts().all(|bytes| std::str::from_utf8(bytes).is_ok());
    Ok((if utf8 { UTF_8 } else { GB18030 }, "detected"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_record_sizes_are_errors_not_allocations() {
        let mut shp = vec![0u8; 100];
        let record = |parts: i32, points: i32, words: i32| {
            let mut r = Vec::new();
            r.extend(1i32.to_be_bytes());
            r.extend(words.to_be_bytes());
            r.extend(5i32.to_le_bytes());
            r.extend([0u8; 32]);
            r.extend(parts.to_le_bytes());
            r.extend(points.to_le_bytes());
            r.resize(8 + words as usize * 2, 0);
            r
        };
        let good = [shp.clone(), record(1, 4, (44 + 4 + 64) / 2)].concat();
        assert_eq!(check_record_sizes(&good), Ok(()));
        let mut backwards = record(2, 4, (44 + 8 + 64) / 2);
        backwards[8 + 44..8 + 52].copy_from_slice(&[0, 0, 0, 0, 0xb8, 0xff, 0xff, 0xff]);
        let backwards = [shp.clone(), backwards].concat();
        assert!(
            check_record_sizes(&backwards).is_err_and(|(n, why)| n == 1 && why.contains("part 2 starts at point -72"))
        );
        let huge = [shp.clone(), record(750_000_000, 4, (44 + 4 + 64) / 2)].concat();
        assert!(check_record_sizes(&huge).is_err_and(|(n, why)| n == 1 && why.contains("750000000 parts")));
        let mut cut = record(1, 4, 1_000_000);
        cut.truncate(8 + 112);
        shp.extend(cut);
        assert!(check_record_sizes(&shp).is_err_and(|(_, why)| why.contains("past the end")));
    }

    #[test]
    fn windows_1252_gives_every_byte_back() {
        let all: Vec<u8> = (0..=255).collect();
        let text = WINDOWS_1252.decode_without_bom_handling(&all).0.into_owned();
        assert_eq!(bytes_of(&text), all);
    }

    #[test]
    fn labels_and_language_bytes() {
        for gbk in ["GBK", "936", "cp936", "GB2312", "gb18030", "\u{feff}GBK\r\n"] {
            assert_eq!(encoding_of_label(gbk), Some(GB18030), "{gbk:?}");
        }
        assert_eq!(encoding_of_label("UTF-8"), Some(UTF_8));
        assert_eq!(encoding_of_label("big5").map(|e| e.name()), Some("Big5"));
        assert_eq!(encoding_of_label("no such"), None);
        assert_eq!(encoding_of_language(0x4D), Some(GB18030));
        assert_eq!(encoding_of_language(0x7A), Some(GB18030));
        assert_eq!(encoding_of_language(0x57), None);
    }

    #[test]
    fn detection_and_undecodable_fields() {
        let (gbk, _, _) = encoding_rs::GBK.encode("工业用地");
        let table = DbfTable {
            names: vec![b"YT".to_vec()],
            records: vec![vec![Cell::Text(gbk.to_vec())], vec![Cell::Text(vec![0xFF, 0xFF])]],
            language: 0,
        };
        assert!(!table.texts().all(|b| std::str::from_utf8(b).is_ok()), "GBK bytes are not UTF-8");
        let ledger = Ledger::new();
        let records = table.decode(GB18030, &ledger);
        assert_eq!(records[0]["YT"], Value::String("工业用地".into()));
        let issues = ledger.sorted();
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].code, issues[0].row, issues[0].field.as_str()), ("undecodable_text", 2, "YT"));
    }
}
