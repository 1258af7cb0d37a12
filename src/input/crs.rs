//! Coordinate reference systems of the parcel file (SPEC §2): longitude/latitude
//! (EPSG:4326, 4490, CRS84) or CGCS2000 Gauss-Krüger metres (EPSG:4491–4554).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Crs {
    /// Degrees, [longitude, latitude]: areas are ellipsoidal.
    LonLat,
    /// CGCS2000 Gauss-Krüger metres, [easting, northing]: areas are planar.
    GaussKruger { epsg: u32 },
}

impl Crs {
    /// Reads a CRS name: `EPSG:4549`, `urn:ogc:def:crs:EPSG::4549`, `CRS84`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`. `Err` names what is not supported.
    pub fn parse(name: &str) -> Result<Crs, String> {
        let upper = name.trim().to_uppercase();
        if upper.ends_with("CRS84") {
            return Ok(Crs::LonLat);
        }
        let code = upper
            .rsplit(':')
            .next()
            .and_then(|c| c.trim().parse::<u32>().ok())
            .filter(|_| upper.contains("EPSG"))
            .ok_or_else(|| {
                format!("`{name}` is not a coordinate system muchan knows (use EPSG:4326, 4490 or 4491–4554)")
            })?;
        match code {
            4326 | 4490 => Ok(Crs::LonLat),
            4491..=4554 => Ok(Crs::GaussKruger { epsg: code }),
            _ => Err(format!(
                "EPSG:{code} is not supported: parcels must be longitude/latitude (EPSG:4326, 4490, CRS84) or CGCS2000 Gauss-Krüger (EPSG:4491–4554)"
            )),
        }
    }

    /// The name written to outputs.
    pub fn name(self) -> String {
        match self {
            Crs::LonLat => "OGC:CRS84".to_string(),
            Crs::GaussKruger { epsg } => format!("EPSG:{epsg}"),
        }
    }
}

/// The name of a legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":…}}`).
pub fn legacy_crs_name(crs: &serde_json::Value) -> Option<&str> {
    crs.get("properties")?.get("name")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::4549"), Ok(Crs::GaussKruger { epsg: 4549 }));
        assert_eq!(Crs::parse("EPSG:4490"), Ok(Crs::LonLat));
        assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"), Ok(Crs::LonLat));
        assert_eq!(Crs::parse("EPSG:4527"), Ok(Crs::GaussKruger { epsg: 4527 }));
        assert!(Crs::parse("EPSG:3857").unwrap_err().contains("3857"));
        assert!(Crs::parse("wgs").is_err());
    }
}
