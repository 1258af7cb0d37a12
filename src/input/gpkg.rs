//! GeoPackage parcel layers (SPEC §13): the one feature table of polygons in the SQLite file
//! (the one named `parcels` when there are several), its rows in record order, its spatial
//! reference read (an EPSG code, else the definition's WKT). Geometries are GeoPackage binary:
//! a `GP` header, then WKB, read with the `wkb` crate.

use super::InputError;
use super::crs::{Crs, from_wkt};
use super::parcels::{GeometryProblem, Layer, ParcelFeature, feature_from};
use crate::land::repair::RawPolygons;
use crate::quality::Ledger;
use geo_traits::{CoordTrait, GeometryTrait, GeometryType, LineStringTrait, MultiPolygonTrait, PolygonTrait};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};
use std::path::Path;

/// A feature table of the file: (table, geometry column, srs_id).
type FeatureTable = (String, String, i64);

/// Reads the polygon feature table of a GeoPackage.
pub fn read_layer(path: &Path, ledger: &Ledger) -> Result<Layer, InputError> {
    let fail = |what: &str, e: rusqlite::Error| InputError::new(path, format!("{what}: {e}"));
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| fail("not a readable GeoPackage", e))?;
    let (table, column, srs_id) = polygon_table(path, &db)?;
    let stated = spatial_reference(path, &db, srs_id)?;
    let mut statement = db
        .prepare(&format!("SELECT * FROM \"{}\"", table.replace('"', "\"\"")))
        .map_err(|e| fail("cannot read its feature table", e))?;
    let names: Vec<String> = statement.column_names().map(str::to_string).collect();
    let mut rows = statement.query([]).map_err(|e| fail("cannot read its feature table", e))?;
    let mut features: Vec<ParcelFeature> = Vec::new();
    while let Some(row) = rows.next().map_err(|e| fail("cannot read its feature table", e))? {
        let index = features.len() + 1;
        let mut properties = Map::new();
        let mut geometry = Err(GeometryProblem::Null);
        for (i, name) in names.iter().enumerate() {
            let value = row.get_ref(i).map_err(|e| fail("cannot read a row", e))?;
            if *name == column {
                geometry = match value {
                    ValueRef::Blob(blob) => gpkg_geometry(blob),
                    _ => Err(GeometryProblem::Null),
                };
            } else if let Some(v) = json_value(value) {
                properties.insert(name.clone(), v);
            }
        }
        features.push(feature_from(index, properties, geometry, ledger));
    }
    let declared = stated.as_ref().map(|(crs, _): &(Crs, String)| crs.name());
    Ok(Layer { features, stated, declared, encoding: None })
}

/// The one feature table of polygons, or the one named `parcels` among several.
fn polygon_table(path: &Path, db: &Connection) -> Result<FeatureTable, InputError> {
    let tables: Vec<FeatureTable> = db
        .prepare(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns \
             WHERE upper(geometry_type_name) IN ('POLYGON', 'MULTIPOLYGON', 'CURVEPOLYGON', 'MULTISURFACE', 'GEOMETRY')",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .map_err(|e| InputError::new(path, format!("not a GeoPackage with feature tables: {e}")))?;
    match tables.as_slice() {
        [] => Err(InputError::new(path, "the GeoPackage has no feature table of polygons")),
        [one] => Ok(one.clone()),
        many => many.iter().find(|t| t.0.eq_ignore_ascii_case("parcels")).cloned().ok_or_else(|| {
            let names: Vec<&str> = many.iter().map(|t| t.0.as_str()).collect();
            InputError::new(
                path,
                format!(
                    "the GeoPackage has {} polygon tables ({}); name the parcels' table `parcels`",
                    many.len(),
                    names.join(", ")
                ),
            )
        }),
    }
}

/// The CRS of a spatial reference: its EPSG code, else its WKT; none when undefined (0, −1).
fn spatial_reference(path: &Path, db: &Connection, srs_id: i64) -> Result<Option<(Crs, String)>, InputError> {
    if srs_id <= 0 {
        return Ok(None);
    }
    let found: Option<(String, i64, String)> = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok();
    let Some((organization, code, definition)) = found else { return Ok(None) };
    let source = "its spatial reference".to_string();
    let crs = if organization.eq_ignore_ascii_case("EPSG") {
        u32::try_from(code).map_err(|_| format!("EPSG:{code} is not a code")).and_then(Crs::of_epsg)
    } else {
        from_wkt(&definition)
    };
    crs.map(|c| Some((c, source))).map_err(|m| InputError::new(path, m))
}

/// A column value as a property (blobs are not carried).
fn json_value(value: ValueRef<'_>) -> Option<Value> {
    match value {
        ValueRef::Null => Some(Value::Null),
        ValueRef::Integer(i) => Some(Value::from(i)),
        ValueRef::Real(x) => Some(serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        ValueRef::Text(t) => Some(Value::String(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Blob(_) => None,
    }
}

/// The polygons of a GeoPackage binary geometry: `GP`, version, flags (bit 0 byte order, bits
/// 1–3 the envelope's kind, bit 4 empty), srs_id, envelope, then WKB.
pub fn gpkg_geometry(blob: &[u8]) -> Result<Option<RawPolygons>, GeometryProblem> {
    let unusable = |why: &str| GeometryProblem::Unusable(format!("the GeoPackage geometry {why}").into());
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(unusable("has no GP header"));
    }
    let flags = blob[3];
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return Err(unusable("has an unknown envelope")),
    };
    if flags & 0b1_0000 != 0 {
        return Err(GeometryProblem::Null);
    }
    let wkb = blob.get(8 + envelope..).ok_or_else(|| unusable("is cut short"))?;
    let geometry = wkb::reader::read_wkb(wkb).map_err(|e| unusable(&format!("is not WKB ({e})")))?;
    match geometry.as_type() {
        GeometryType::Polygon(p) => Ok(Some(vec![polygon_rings(p)])),
        GeometryType::MultiPolygon(mp) => Ok(Some(mp.polygons().map(|p| polygon_rings(&p)).collect())),
        _ => Err(unusable("is not a polygon")),
    }
}

fn polygon_rings<P: PolygonTrait<T = f64>>(polygon: &P) -> Vec<Vec<[f64; 2]>> {
    let ring = |r: P::RingType<'_>| r.coords().map(|c| [c.x(), c.y()]).collect::<Vec<_>>();
    polygon.exterior().into_iter().map(ring).chain(polygon.interiors().map(ring)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GeoPackage geometry of `wkb` with no envelope (little-endian header).
    fn gp(wkb: &[u8]) -> Vec<u8> {
        [b"GP".as_slice(), &[0, 1], &4549i32.to_le_bytes(), wkb].concat()
    }

    fn square_wkb() -> Vec<u8> {
        let mut out = vec![1u8];
        out.extend(3u32.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        out.extend(5u32.to_le_bytes());
        for [x, y] in [[0.0f64, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]] {
            out.extend(x.to_le_bytes());
            out.extend(y.to_le_bytes());
        }
        out
    }

    #[test]
    fn binary_geometries() {
        let polygons = gpkg_geometry(&gp(&square_wkb())).ok().flatten().expect("a polygon");
        assert_eq!(polygons, vec![vec![vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]]]);
        assert!(matches!(gpkg_geometry(b"XX"), Err(GeometryProblem::Unusable(_))));
        assert!(matches!(gpkg_geometry(&gp(&[1, 2, 3])), Err(GeometryProblem::Unusable(_))));
        let empty = [b"GP".as_slice(), &[0, 0b1_0001], &0i32.to_le_bytes()].concat();
        assert!(matches!(gpkg_geometry(&empty), Err(GeometryProblem::Null)));
    }
}
