//! PROJJSON of the coordinate systems muchan writes other than OGC:CRS84: CGCS2000 longitude/
//! latitude (EPSG:4490) and CGCS2000 Gauss-Krüger (EPSG:4491–4554), as the EPSG registry
//! defines them (names, axes and parameters as PROJ writes them, scope and area left out), for
//! the `crs` of GeoParquet.

use serde_json::{Value, json};

/// The PROJJSON of an EPSG code of CGCS2000; `None` for codes outside 4490–4554.
pub fn cgcs2000(epsg: u32) -> Option<Value> {
    let mut crs = match epsg {
        4490 => geographic(),
        _ => projected(epsg)?,
    };
    crs["id"] = id(epsg);
    Some(crs)
}

fn id(code: u32) -> Value {
    json!({"authority": "EPSG", "code": code})
}

fn axis(name: &str, abbreviation: &str, direction: &str, unit: &str) -> Value {
    json!({"name": name, "abbreviation": abbreviation, "direction": direction, "unit": unit})
}

const SCHEMA: &str = "https://proj.org/schemas/v0.7/projjson.schema.json";

fn geographic() -> Value {
    json!({
        "$schema": SCHEMA,
        "type": "GeographicCRS",
        "name": "China Geodetic Coordinate System 2000",
        "datum": {
            "type": "GeodeticReferenceFrame",
            "name": "China 2000",
            "ellipsoid": {"name": "CGCS2000", "semi_major_axis": 6378137, "inverse_flattening": 298.257222101},
        },
        "coordinate_system": {
            "subtype": "ellipsoidal",
            "axis": [
                axis("Geodetic latitude", "Lat", "north", "degree"),
                axis("Geodetic longitude", "Lon", "east", "degree"),
            ],
        },
    })
}

/// The base of a projected CRS: EPSG:4490 as a member (no schema, its type implied).
fn base_crs() -> Value {
    let mut base = geographic();
    if let Some(members) = base.as_object_mut() {
        members.shift_remove("$schema");
        members.shift_remove("type");
    }
    base["id"] = id(4490);
    base
}

/// A Gauss-Krüger zone of EPSG:4491–4554: (CRS name, conversion name, central meridian,
/// false easting).
fn zone(epsg: u32) -> Option<(String, String, u32, u32)> {
    let (name, conversion, cm, zone) = match epsg {
        4491..=4501 => {
            let zone = epsg - 4478;
            (format!("Gauss-Kruger zone {zone}"), format!("6-degree Gauss-Kruger zone {zone}"), zone * 6 - 3, zone)
        }
        4502..=4512 => {
            let cm = 75 + 6 * (epsg - 4502);
            (format!("Gauss-Kruger CM {cm}E"), format!("Gauss-Kruger CM {cm}E"), cm, 0)
        }
        4513..=4533 => {
            let zone = epsg - 4488;
            (format!("3-degree Gauss-Kruger zone {zone}"), format!("3-degree Gauss-Kruger zone {zone}"), zone * 3, zone)
        }
        4534..=4554 => {
            let cm = 75 + 3 * (epsg - 4534);
            // EPSG reuses the 6-degree conversion where the meridians coincide.
            let conversion = if (cm - 75).is_multiple_of(6) { "" } else { "3-degree " };
            (format!("3-degree Gauss-Kruger CM {cm}E"), format!("{conversion}Gauss-Kruger CM {cm}E"), cm, 0)
        }
        _ => return None,
    };
    Some((format!("CGCS2000 / {name}"), conversion, cm, zone * 1_000_000 + 500_000))
}

fn parameter(name: &str, value: u32, unit: &str, code: u32) -> Value {
    json!({"name": name, "value": value, "unit": unit, "id": id(code)})
}

fn projected(epsg: u32) -> Option<Value> {
    let (name, conversion, cm, false_easting) = zone(epsg)?;
    Some(json!({
        "$schema": SCHEMA,
        "type": "ProjectedCRS",
        "name": name,
        "base_crs": base_crs(),
        "conversion": {
            "name": conversion,
            "method": {"name": "Transverse Mercator", "id": id(9807)},
            "parameters": [
                parameter("Latitude of natural origin", 0, "degree", 8801),
                parameter("Longitude of natural origin", cm, "degree", 8802),
                parameter("Scale factor at natural origin", 1, "unity", 8805),
                parameter("False easting", false_easting, "metre", 8806),
                parameter("False northing", 0, "metre", 8807),
            ],
        },
        "coordinate_system": {
            "subtype": "Cartesian",
            "axis": [axis("Northing", "X", "north", "metre"), axis("Easting", "Y", "east", "metre")],
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters(crs: &Value) -> Vec<(String, u64)> {
        let list = crs["conversion"]["parameters"].as_array().expect("parameters");
        list.iter().map(|p| (p["name"].as_str().unwrap_or("").to_string(), p["value"].as_u64().unwrap_or(0))).collect()
    }

    #[test]
    fn zone_40_is_120e_with_the_zone_in_the_easting() {
        let crs = cgcs2000(4528).expect("4528");
        assert_eq!(crs["name"], "CGCS2000 / 3-degree Gauss-Kruger zone 40");
        assert_eq!(crs["conversion"]["name"], "3-degree Gauss-Kruger zone 40");
        assert_eq!(parameters(&crs)[1], ("Longitude of natural origin".to_string(), 120));
        assert_eq!(parameters(&crs)[3], ("False easting".to_string(), 40_500_000));
        assert_eq!(crs["id"], json!({"authority": "EPSG", "code": 4528}));
        assert_eq!(crs["base_crs"]["id"]["code"], 4490);
    }

    #[test]
    fn central_meridian_codes() {
        let cm120 = cgcs2000(4549).expect("4549");
        assert_eq!(cm120["name"], "CGCS2000 / 3-degree Gauss-Kruger CM 120E");
        assert_eq!(cm120["conversion"]["name"], "3-degree Gauss-Kruger CM 120E");
        assert_eq!(parameters(&cm120)[3].1, 500_000);
        let cm135 = cgcs2000(4554).expect("4554");
        assert_eq!(cm135["conversion"]["name"], "Gauss-Kruger CM 135E");
        let zone13 = cgcs2000(4491).expect("4491");
        assert_eq!(zone13["name"], "CGCS2000 / Gauss-Kruger zone 13");
        assert_eq!(parameters(&zone13)[1].1, 75);
        assert_eq!(parameters(&zone13)[3].1, 13_500_000);
        assert_eq!(parameters(&cgcs2000(4512).expect("4512"))[1].1, 135);
    }

    #[test]
    fn geographic_and_unknown_codes() {
        let crs = cgcs2000(4490).expect("4490");
        assert_eq!(crs["type"], "GeographicCRS");
        assert_eq!(crs["id"]["code"], 4490);
        assert!(cgcs2000(4326).is_none());
        assert!(cgcs2000(4555).is_none());
    }
}
