//! 国土 TXT parcel layers (SPEC §13): the 建设用地报批 coordinate exchange text.
//!
//! ```text
//! [属性描述]
//! 坐标系=2000国家大地坐标系
//! 几度分带=3
//! 带号=40
//! [地块坐标]
//! 5,0.6667,P001,一号地块,面,,工业用地,0601,@      ← 界址点数,地块面积(公顷),地块编号,地块名称,
//! J1,1,3301000.000,40512000.000                     图形属性,图幅号,地块用途,地类编码,@
//! J2,1,3301000.000,40512100.000                   ← 点号,圈号,X (north),Y (east)
//! ```
//!
//! Consecutive points of one 圈号 form a ring (closed if not); a parcel's rings form its
//! polygons by nesting (a ring inside another is a hole). The file may be UTF-8 or GBK. A line
//! that does not parse is an error naming the line; its parcel keeps the rings that parse. A
//! TXT has no users: the parcel ledger gives them.

use super::InputError;
use super::crs::{Crs, Datum, Zone};
use super::parcels::{GeometryProblem, Layer, ParcelFeature, feature_from, rings_by_nesting};
use super::text::decode_text;
use crate::quality::{At, Ledger};
use serde_json::{Map, Value};
use std::path::Path;

/// One parcel as its lines give it.
#[derive(Default)]
struct Block {
    id: Option<String>,
    name: Option<String>,
    land_use: Option<String>,
    hectares: Option<f64>,
    /// (圈号, points [easting, northing]) in file order.
    rings: Vec<(String, Vec<[f64; 2]>)>,
}

/// Reads a 国土 TXT layer; the CRS its header states, if any.
pub fn read_layer(path: &Path, ledger: &Ledger) -> Result<Layer, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let text = decode_text(bytes);
    let (header, blocks) = parse(&text, ledger);
    if blocks.is_empty() && header.is_empty() {
        return Err(InputError::new(path, "not a 国土 TXT: it has no [属性描述] or [地块坐标] section"));
    }
    let eastings: Vec<f64> = blocks.iter().flat_map(|b| &b.rings).flat_map(|(_, r)| r).map(|p| p[0]).collect();
    let stated = stated_crs(&header, &eastings).map(|c| (c, "its [属性描述] header".to_string()));
    let features: Vec<ParcelFeature> =
        blocks.into_iter().enumerate().map(|(i, block)| feature(i + 1, block, ledger)).collect();
    let declared = stated.as_ref().map(|(crs, _): &(Crs, String)| crs.name());
    Ok(Layer { features, stated, declared, encoding: None })
}

/// The `key=value` lines of [属性描述], and the parcels of [地块坐标].
fn parse(text: &str, ledger: &Ledger) -> (Vec<(String, String)>, Vec<Block>) {
    let mut header = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut section = "";
    for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            section = if line.contains("属性描述") {
                "header"
            } else if line.contains("地块坐标") {
                "parcels"
            } else {
                ""
            };
            continue;
        }
        match section {
            "header" => {
                if let Some((k, v)) = line.split_once('=') {
                    header.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "parcels" => parcel_line(n, line, &mut blocks, ledger),
            _ => {}
        }
    }
    (header, blocks)
}

/// One line of [地块坐标]: a parcel's header (ending in `@`) or a point of the current parcel.
fn parcel_line(n: usize, line: &str, blocks: &mut Vec<Block>, ledger: &Ledger) {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.last() == Some(&"@") {
        let text = |i: usize| fields.get(i).filter(|f| !f.is_empty()).map(|f| f.to_string());
        let hectares = text(1).and_then(|a| a.parse::<f64>().ok());
        let land_use = text(6).or_else(|| text(7));
        blocks.push(Block { id: text(2), name: text(3), land_use, hectares, rings: Vec::new() });
        return;
    }
    let point = match (fields.as_slice(), blocks.last_mut()) {
        ([_, ring, x, y, ..], Some(block)) => {
            x.parse::<f64>().ok().zip(y.parse::<f64>().ok()).map(|(x, y)| (block, ring, x, y))
        }
        _ => None,
    };
    match point {
        Some((block, ring, north, east)) if north.is_finite() && east.is_finite() => match block.rings.last_mut() {
            Some((current, points)) if current == ring => points.push([east, north]),
            _ => block.rings.push((ring.to_string(), vec![[east, north]])),
        },
        _ => {
            let key = blocks.last().and_then(|b| b.id.clone()).unwrap_or_default();
            ledger.error(
                At::new(super::parcels::TABLE, n, &key, "line"),
                "unreadable_line",
                format!("line {n} `{line}` is neither a parcel header nor a point 点号,圈号,X,Y; skipped"),
            );
        }
    }
}

/// A parcel's feature: parcel_id = 地块编号, name = 地块名称, land_use = 地块用途 (else
/// 地类编码), registered_mu = 地块面积 (公顷) × 15; its rings closed and nested.
fn feature(index: usize, block: Block, ledger: &Ledger) -> ParcelFeature {
    let mut properties = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            properties.insert(key.to_string(), v);
        }
    };
    put("parcel_id", block.id.map(Value::String));
    put("name", block.name.map(Value::String));
    put("land_use", block.land_use.map(Value::String));
    put("registered_mu", block.hectares.and_then(|ha| serde_json::Number::from_f64(ha * 15.0)).map(Value::Number));
    let rings: Vec<Vec<[f64; 2]>> = block.rings.into_iter().map(|(_, ring)| closed(ring)).collect();
    let geometry = if rings.is_empty() { Err(GeometryProblem::Null) } else { Ok(Some(rings_by_nesting(rings))) };
    feature_from(index, properties, geometry, ledger)
}

fn closed(mut ring: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    if let (Some(first), Some(last)) = (ring.first().copied(), ring.last())
        && first != *last
    {
        ring.push(first);
    }
    ring
}

/// The Gauss-Krüger zone the header states: 坐标系 (2000国家大地坐标系, 80西安坐标系,
/// 54北京坐标系), 几度分带 (3 or 6) and 带号; eastings that carry the zone read in the
/// prefixed zone, others in that zone without prefix (SPEC §17 clarification 10).
fn stated_crs(header: &[(String, String)], eastings: &[f64]) -> Option<Crs> {
    let value = |key: &str| header.iter().find(|(k, _)| k.contains(key)).map(|(_, v)| v.as_str());
    let system = value("坐标系")?;
    let datum = if system.contains("2000") {
        Datum::Cgcs2000
    } else if system.contains("80") || system.contains("西安") {
        Datum::Xian1980
    } else if system.contains("54") || system.contains("北京") {
        Datum::Beijing1954
    } else {
        return None;
    };
    let width: u32 = value("几度分带")?.trim_end_matches('度').trim().parse().ok().filter(|w| *w == 3 || *w == 6)?;
    let number: u32 = value("带号")?.parse().ok()?;
    let prefixed = !eastings.is_empty() && eastings.iter().all(|e| (e / 1e6).floor() as u32 == number);
    let central_meridian = if width == 3 { 3 * number } else { 6 * number - 3 };
    let zone = Zone { datum, width, number: prefixed.then_some(number), central_meridian };
    Some(Crs::GaussKruger { epsg: zone.epsg() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "[属性描述]\n格式版本号=1.01版本\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=40\n精度=0.001\n\
        [地块坐标]\n\
        5,1.5,P001,一号地块,面,,工业用地,0601,@\n\
        J1,1,3301000,40512000\nJ2,1,3301000,40512100\nJ3,1,3301100,40512100\nJ4,1,3301100,40512000\nJ1,1,3301000,40512000\n\
        K1,2,3301040,40512040\nK2,2,3301040,40512060\nK3,2,3301060,40512060\nK4,2,3301060,40512040\n\
        3,,P002,,面,,,0602,@\n\
        bad line\n\
        A1,1,3302000,40513000\nA2,1,3302000,40513010\nA3,1,3302010,40513000\n";

    #[test]
    fn a_txt_by_hand() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("parcels.txt");
        let (gbk, _, _) = encoding_rs::GBK.encode(TXT);
        std::fs::write(&path, gbk).expect("write");
        let ledger = Ledger::new();
        let layer = read_layer(&path, &ledger).expect("reads");
        assert_eq!(layer.stated.as_ref().map(|s| s.0), Some(Crs::GaussKruger { epsg: 4528 }), "CGCS2000 3° zone 40");
        assert_eq!(layer.features.len(), 2);
        let p1 = &layer.features[0];
        assert_eq!(p1.parcel_id, "P001");
        assert_eq!(p1.land_use.as_deref(), Some("工业用地"));
        assert_eq!(p1.registered_mu, Some(22.5), "1.5 公顷 × 15");
        let polygons = p1.raw.as_ref().expect("rings");
        assert_eq!(polygons.len(), 1, "ring 2 lies inside ring 1: a hole");
        assert_eq!(polygons[0][0][0], [40_512_000.0, 3_301_000.0], "Y east first, X north second");
        assert_eq!(polygons[0][1].first(), polygons[0][1].last(), "an unclosed ring is closed");
        let p2 = &layer.features[1];
        assert_eq!(p2.land_use.as_deref(), Some("0602"), "地类编码 when 地块用途 is empty");
        assert_eq!(p2.registered_mu, None);
        let issues = ledger.sorted();
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].code, issues[0].row), ("unreadable_line", 21));
    }

    #[test]
    fn unprefixed_eastings_read_in_the_stated_zone() {
        let header = vec![
            ("坐标系".to_string(), "80西安坐标系".to_string()),
            ("几度分带".into(), "3".into()),
            ("带号".into(), "40".into()),
        ];
        assert_eq!(stated_crs(&header, &[512_000.0]), Some(Crs::GaussKruger { epsg: 2385 }), "Xian 1980 CM 120E");
        assert_eq!(stated_crs(&header, &[40_512_000.0]), Some(Crs::GaussKruger { epsg: 2364 }), "Xian 1980 zone 40");
    }
}
