//! Coordinate reference systems of the parcel layer (SPEC §2, §13): longitude/latitude
//! (EPSG:4326, 4490, CRS84) or Gauss-Krüger metres on CGCS2000, Xian 1980 or Beijing 1954, in
//! 3° or 6° zones, with or without the zone number in front of the easting.
//!
//! A CRS comes from the data (a GeoJSON `crs` member, a `.prj`, a GeoPackage's spatial
//! reference, a 国土 TXT's header) or from `land.crs`, and is checked against the coordinates;
//! where none is stated, the zone is inferred from zone-prefixed eastings (and north-first
//! coordinates are exchanged back). Any other projection stops the run: areas in it would be
//! wrong.
//!
//! ```
//! use muchan::input::crs::{Crs, Datum, Zone};
//! let zone = Crs::GaussKruger { epsg: 4527 }.zone().expect("a zone");
//! assert_eq!((zone.datum, zone.width, zone.number, zone.central_meridian), (Datum::Cgcs2000, 3, Some(39), 117));
//! assert_eq!(Zone::of_prefixed_easting(39_500_000.0, 3_000_000.0).map(|z| z.epsg()), Some(4527));
//! ```

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Crs {
    /// Degrees, [longitude, latitude]: areas are ellipsoidal.
    LonLat,
    /// Gauss-Krüger metres, [easting, northing]: areas are planar.
    GaussKruger { epsg: u32 },
}

/// The geodetic datum of a Gauss-Krüger zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datum {
    Cgcs2000,
    Xian1980,
    Beijing1954,
}

/// A Gauss-Krüger zone: its datum, width (3° or 6°), number when eastings carry it, and
/// central meridian (degrees east).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub datum: Datum,
    pub width: u32,
    /// The zone number written in front of the easting (`39500000`), or `None` (`500000`).
    pub number: Option<u32>,
    pub central_meridian: u32,
}

/// (datum, width, prefixed?, first EPSG code, first zone number or central meridian, count).
/// Zones 25–45 of 3° (central meridians 75–135 step 3), 13–23 of 6° (75–135 step 6).
const ZONE_TABLE: [(Datum, u32, bool, u32); 12] = [
    (Datum::Cgcs2000, 3, true, 4513),
    (Datum::Cgcs2000, 3, false, 4534),
    (Datum::Cgcs2000, 6, true, 4491),
    (Datum::Cgcs2000, 6, false, 4502),
    (Datum::Xian1980, 3, true, 2349),
    (Datum::Xian1980, 3, false, 2370),
    (Datum::Xian1980, 6, true, 2327),
    (Datum::Xian1980, 6, false, 2338),
    (Datum::Beijing1954, 3, true, 2401),
    (Datum::Beijing1954, 3, false, 2422),
    (Datum::Beijing1954, 6, true, 21413),
    (Datum::Beijing1954, 6, false, 21453),
];

/// Zones of each width: (first zone number, count).
fn zones_of(width: u32) -> (u32, u32) {
    if width == 3 { (25, 21) } else { (13, 11) }
}

impl Zone {
    /// The zone of an EPSG code of [`ZONE_TABLE`].
    fn of_epsg(epsg: u32) -> Option<Zone> {
        ZONE_TABLE.iter().find_map(|&(datum, width, prefixed, first)| {
            let (first_zone, count) = zones_of(width);
            let k = epsg.checked_sub(first).filter(|k| *k < count)?;
            let number = first_zone + k;
            Some(Zone {
                datum,
                width,
                number: prefixed.then_some(number),
                central_meridian: central_meridian(width, number),
            })
        })
    }

    /// The EPSG code of the zone.
    pub fn epsg(&self) -> u32 {
        let (first_zone, _) = zones_of(self.width);
        let number = zone_number(self.width, self.central_meridian);
        let first = ZONE_TABLE
            .iter()
            .find(|&&(d, w, p, _)| d == self.datum && w == self.width && p == self.number.is_some())
            .map_or(0, |z| z.3);
        first + number - first_zone
    }

    /// The CGCS2000 zone of a vertex whose easting carries its zone number (3° zones 25–45 or
    /// 6° zones 13–23, which do not overlap) and whose northing lies in China (1.5–6 million m).
    pub fn of_prefixed_easting(easting: f64, northing: f64) -> Option<Zone> {
        if !(1.5e6..=6e6).contains(&northing) {
            return None;
        }
        let number = (easting / 1e6).floor();
        let width = match number as i64 {
            25..=45 => 3,
            13..=23 => 6,
            _ => return None,
        };
        let number = number as u32;
        Some(Zone {
            datum: Datum::Cgcs2000,
            width,
            number: Some(number),
            central_meridian: central_meridian(width, number),
        })
    }

    /// Whether a vertex fits the zone: eastings of its number when it carries one, else
    /// within 500,000 ± 400,000 m.
    fn fits(&self, easting: f64) -> bool {
        match self.number {
            Some(z) => (z as f64 * 1e6..(z + 1) as f64 * 1e6).contains(&easting),
            None => (100_000.0..=900_000.0).contains(&easting),
        }
    }
}

fn central_meridian(width: u32, number: u32) -> u32 {
    if width == 3 { 3 * number } else { 6 * number - 3 }
}

fn zone_number(width: u32, central_meridian: u32) -> u32 {
    if width == 3 { central_meridian / 3 } else { (central_meridian + 3) / 6 }
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
                format!("`{name}` is not a coordinate system muchan knows (use EPSG:4326, 4490 or a Gauss-Krüger zone)")
            })?;
        Crs::of_epsg(code)
    }

    /// The CRS of an EPSG code: longitude/latitude, or a Gauss-Krüger zone.
    pub fn of_epsg(code: u32) -> Result<Crs, String> {
        match code {
            4326 | 4490 | 4610 | 4214 => Ok(Crs::LonLat),
            _ if Zone::of_epsg(code).is_some() => Ok(Crs::GaussKruger { epsg: code }),
            _ => Err(format!(
                "EPSG:{code} is not supported: parcels must be longitude/latitude (EPSG:4326, 4490, CRS84) or Gauss-Krüger metres on CGCS2000, Xian 1980 or Beijing 1954; areas in another projection would be wrong"
            )),
        }
    }

    /// The zone of a Gauss-Krüger CRS.
    pub fn zone(self) -> Option<Zone> {
        match self {
            Crs::LonLat => None,
            Crs::GaussKruger { epsg } => Zone::of_epsg(epsg),
        }
    }

    /// The name written to outputs.
    pub fn name(self) -> String {
        match self {
            Crs::LonLat => "OGC:CRS84".to_string(),
            Crs::GaussKruger { epsg } => format!("EPSG:{epsg}"),
        }
    }

    /// The legacy GeoJSON `crs` member of outputs in this CRS: its EPSG code for projected
    /// coordinates (QGIS and GeoPandas open them in place); none for longitude/latitude
    /// (RFC 7946).
    pub fn legacy_member(self) -> Option<serde_json::Value> {
        match self {
            Crs::LonLat => None,
            Crs::GaussKruger { epsg } => Some(serde_json::json!({
                "type": "name",
                "properties": {"name": format!("urn:ogc:def:crs:EPSG::{epsg}")}
            })),
        }
    }

    /// Whether a vertex can be in this CRS (SPEC §13).
    fn fits(self, [x, y]: [f64; 2]) -> bool {
        match self {
            Crs::LonLat => x.abs() <= 180.0 && y.abs() <= 90.0,
            Crs::GaussKruger { .. } => self.zone().is_some_and(|z| z.fits(x)),
        }
    }
}

/// The name of a legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":…}}`).
pub fn legacy_crs_name(crs: &serde_json::Value) -> Option<&str> {
    crs.get("properties")?.get("name")?.as_str()
}

/// How the CRS of a layer was settled.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// As the data or `land.crs` state it (checked against the coordinates).
    Stated(Crs),
    /// Inferred from zone-prefixed eastings (a `crs_inferred` notice).
    Inferred(Crs),
    /// Inferred after exchanging north-first coordinates (an `axes_swapped` warning).
    Swapped(Crs),
    /// Nothing stated and every vertex within ±180/±90: longitude/latitude.
    LonLat,
}

impl Settled {
    pub fn crs(&self) -> Crs {
        match self {
            Settled::Stated(c) | Settled::Inferred(c) | Settled::Swapped(c) => *c,
            Settled::LonLat => Crs::LonLat,
        }
    }
}

/// A number in plain decimals, as messages write coordinates (`39512345.6`, never `3.95e7`).
pub fn plain(x: f64) -> String {
    let text = format!("{x:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A parcel's vertices as [`settle`] reads them (x first as written), borrowed: a layer's
/// coordinates are not copied to settle its CRS.
pub trait Vertices {
    fn vertices(&self) -> impl Iterator<Item = &[f64; 2]>;
}

/// Settles the CRS of a layer from its parcels' vertices (x first as written), stated as
/// `stated` (by the data, else `land.crs`; the text says which). `Err` is the message of a run
/// that must stop.
///
/// A stated CRS stops the run when more than half of the parcels with vertices do not fit it
/// (the layer is in another system); fewer misfits are those parcels' own problem, returned
/// for the caller to report (one row never stops a run, SPEC §10).
pub fn settle<P: Vertices>(stated: Option<(Crs, &str)>, parcels: &[P]) -> Result<(Settled, Vec<usize>), String> {
    let vertices = || parcels.iter().flat_map(P::vertices);
    if let Some((crs, source)) = stated {
        let misfits: Vec<usize> =
            (0..parcels.len()).filter(|&i| parcels[i].vertices().any(|v| !crs.fits(*v))).collect();
        let with_vertices = parcels.iter().filter(|p| p.vertices().next().is_some()).count();
        if misfits.len() * 2 > with_vertices {
            let v = parcels[misfits[0]].vertices().find(|v| !crs.fits(**v)).copied().unwrap_or_default();
            return Err(mismatch(crs, source, v, &vertices().copied().collect::<Vec<_>>()));
        }
        return Ok((Settled::Stated(crs), misfits));
    }
    let zone_of = |v: &[f64; 2]| Zone::of_prefixed_easting(v[0], v[1]);
    if let Some(zone) = one_zone(vertices().map(zone_of)) {
        return Ok((Settled::Inferred(Crs::GaussKruger { epsg: zone.epsg() }), Vec::new()));
    }
    if let Some(zone) = one_zone(vertices().map(|v| zone_of(&[v[1], v[0]]))) {
        return Ok((Settled::Swapped(Crs::GaussKruger { epsg: zone.epsg() }), Vec::new()));
    }
    match vertices().find(|v| !Crs::LonLat.fits(**v)) {
        None => Ok((Settled::LonLat, Vec::new())),
        Some(v) => Err(format!(
            "coordinate [{}, {}] is outside ±180/±90, so it is not longitude/latitude, and neither the data nor land.crs says which projection it is; set land.crs (e.g. \"EPSG:4549\") in the configuration",
            plain(v[0]),
            plain(v[1])
        )),
    }
}

/// The one zone every vertex falls in, if they all fall in the same one (and there is one).
fn one_zone(mut zones: impl Iterator<Item = Option<Zone>>) -> Option<Zone> {
    let first = zones.next()??;
    zones.all(|z| z == Some(first)).then_some(first)
}

fn mismatch(crs: Crs, source: &str, v: [f64; 2], vertices: &[[f64; 2]]) -> String {
    let fitting = one_zone(vertices.iter().map(|v| Zone::of_prefixed_easting(v[0], v[1])))
        .map(|z| format!("; the coordinates fit EPSG:{} (CGCS2000 zone {})", z.epsg(), z.number.unwrap_or(0)))
        .unwrap_or_default();
    let expected = match crs.zone() {
        None => "longitude/latitude within ±180/±90".to_string(),
        Some(Zone { number: Some(z), .. }) => format!("eastings of zone {z} ({z}000000–{}000000)", z + 1),
        Some(Zone { number: None, .. }) => "eastings within 500000 ± 400000 m".to_string(),
    };
    format!(
        "{source} says {}, which needs {expected}, but vertex [{}, {}] is not{fitting}",
        crs.name(),
        plain(v[0]),
        plain(v[1])
    )
}

/// The CRS of a `.prj` (ESRI WKT1) or a GeoPackage's spatial reference definition: geographic
/// CGCS2000 or WGS84 → longitude/latitude; a transverse Mercator with scale 1, false northing 0
/// and false easting 500,000 (or zone × 10⁶ + 500,000) on CGCS2000, Xian 1980 or Beijing 1954
/// → its Gauss-Krüger zone. `Err` names any other projection.
pub fn from_wkt(wkt: &str) -> Result<Crs, String> {
    let upper = wkt.to_uppercase();
    let name = wkt.split('"').nth(1).unwrap_or("").to_string();
    if !upper.starts_with("PROJCS") && !upper.starts_with("PROJCRS") {
        return if upper.starts_with("GEOGCS") || upper.starts_with("GEOGCRS") || upper.starts_with("GEODCRS") {
            Ok(Crs::LonLat)
        } else {
            Err(format!("the coordinate system `{name}` cannot be read"))
        };
    }
    let projection = ["TRANSVERSE_MERCATOR", "GAUSS_KRUGER", "GAUSS-KRUGER", "TRANSVERSE MERCATOR"]
        .iter()
        .any(|p| upper.contains(p));
    let parameter = |key: &str| wkt_parameter(&upper, key);
    let datum = if upper.contains("2000") || upper.contains("CGCS") {
        Some(Datum::Cgcs2000)
    } else if upper.contains("XIAN") || upper.contains("1980") {
        Some(Datum::Xian1980)
    } else if upper.contains("BEIJING") || upper.contains("1954") {
        Some(Datum::Beijing1954)
    } else {
        None
    };
    let unsupported =
        || format!("`{name}` is not a Gauss-Krüger projection muchan can measure in; areas in it would be wrong");
    let (Some(datum), true) = (datum, projection) else { return Err(unsupported()) };
    let scale = parameter("SCALE_FACTOR").unwrap_or(1.0);
    let false_northing = parameter("FALSE_NORTHING").unwrap_or(0.0);
    let false_easting = parameter("FALSE_EASTING").ok_or_else(unsupported)?;
    let cm = parameter("CENTRAL_MERIDIAN").or_else(|| parameter("LONGITUDE_OF_ORIGIN")).ok_or_else(unsupported)?;
    if (scale - 1.0).abs() > 1e-9 || false_northing != 0.0 || cm.fract() != 0.0 || cm < 0.0 {
        return Err(unsupported());
    }
    let cm = cm as u32;
    let prefix = ((false_easting - 500_000.0) / 1e6).round();
    if false_easting != prefix * 1e6 + 500_000.0 {
        return Err(unsupported());
    }
    let zone = match prefix as u32 {
        0 => Zone {
            datum,
            width: if cm.is_multiple_of(3) && !upper.contains("6_DEGREE") { 3 } else { 6 },
            number: None,
            central_meridian: cm,
        },
        z @ 25..=45 if central_meridian(3, z) == cm => Zone { datum, width: 3, number: Some(z), central_meridian: cm },
        z @ 13..=23 if central_meridian(6, z) == cm => Zone { datum, width: 6, number: Some(z), central_meridian: cm },
        _ => return Err(unsupported()),
    };
    let crs = Crs::GaussKruger { epsg: zone.epsg() };
    crs.zone().filter(|z| *z == zone).map(|_| crs).ok_or_else(unsupported)
}

/// The value of `PARAMETER["key", value]` in upper-cased WKT.
fn wkt_parameter(upper: &str, key: &str) -> Option<f64> {
    let at = upper.find(&format!("\"{key}\""))?;
    let rest = &upper[at + key.len() + 2..];
    let value = rest.trim_start_matches([',', ' ']).split([']', ',']).next()?;
    value.trim().parse().ok()
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
        assert_eq!(Crs::parse("EPSG:2364"), Ok(Crs::GaussKruger { epsg: 2364 }), "Xian 1980 zone 40");
        assert!(Crs::parse("EPSG:3857").unwrap_err().contains("3857"));
        assert!(Crs::parse("EPSG:32650").is_err(), "UTM");
        assert!(Crs::parse("wgs").is_err());
    }

    #[test]
    fn zones_by_hand() {
        let z = |epsg| Zone::of_epsg(epsg).expect("a zone");
        assert_eq!(z(4549), Zone { datum: Datum::Cgcs2000, width: 3, number: None, central_meridian: 120 });
        assert_eq!(z(4528), Zone { datum: Datum::Cgcs2000, width: 3, number: Some(40), central_meridian: 120 });
        assert_eq!(z(4499), Zone { datum: Datum::Cgcs2000, width: 6, number: Some(21), central_meridian: 123 });
        assert_eq!(z(2364).datum, Datum::Xian1980);
        assert_eq!(z(21453), Zone { datum: Datum::Beijing1954, width: 6, number: None, central_meridian: 75 });
        for epsg in [4491, 4512, 4513, 4554, 2327, 2390, 2401, 2442, 21413, 21463] {
            assert_eq!(z(epsg).epsg(), epsg, "{epsg} round-trips");
        }
    }

    /// A parcel as its vertices alone.
    impl Vertices for Vec<[f64; 2]> {
        fn vertices(&self) -> impl Iterator<Item = &[f64; 2]> {
            self.iter()
        }
    }

    #[test]
    fn settling_a_layer() {
        let gk = vec![vec![[40_512_000.5, 3_301_000.0], [40_512_100.0, 3_301_050.0]]];
        let settled = |stated, parcels: &[Vec<[f64; 2]>]| settle(stated, parcels).map(|(s, _)| s);
        assert_eq!(settled(None, &gk), Ok(Settled::Inferred(Crs::GaussKruger { epsg: 4528 })));
        let swapped: Vec<Vec<[f64; 2]>> = gk.iter().map(|p| p.iter().map(|[x, y]| [*y, *x]).collect()).collect();
        assert_eq!(settled(None, &swapped), Ok(Settled::Swapped(Crs::GaussKruger { epsg: 4528 })));
        assert_eq!(settled(None, &[vec![[120.1, 30.2]]]), Ok(Settled::LonLat));
        let err = settled(None, &[vec![[512_000.0, 3_301_000.0]]]).expect_err("unprefixed metres");
        assert!(err.contains("[512000, 3301000]"), "{err}");
        let stated = settled(Some((Crs::GaussKruger { epsg: 4549 }, "land.crs")), &gk).expect_err("prefixed eastings");
        assert!(
            stated.contains("EPSG:4549") && stated.contains("40512000.5") && stated.contains("EPSG:4528"),
            "{stated}"
        );
        assert!(settled(Some((Crs::LonLat, "the file")), &gk).is_err());
        let zone_40 = Some((Crs::GaussKruger { epsg: 4528 }, "x"));
        assert_eq!(settled(zone_40, &gk), Ok(Settled::Stated(Crs::GaussKruger { epsg: 4528 })));
    }

    #[test]
    fn a_few_parcels_off_the_stated_system_are_their_own_problem() {
        let fits = vec![[40_512_000.0, 3_301_000.0]];
        let parcels = vec![fits.clone(), vec![[0.0, 0.0]], fits.clone(), Vec::new()];
        let (settled, misfits) = settle(Some((Crs::GaussKruger { epsg: 4528 }, "x")), &parcels).expect("most fit");
        assert_eq!((settled, misfits), (Settled::Stated(Crs::GaussKruger { epsg: 4528 }), vec![1]));
        let mostly_off = vec![fits, vec![[0.0, 0.0]], vec![[1.0, 1.0]]];
        assert!(settle(Some((Crs::GaussKruger { epsg: 4528 }, "x")), &mostly_off).is_err());
    }

    #[test]
    fn prj_files() {
        let cgcs_cm = r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(from_wkt(cgcs_cm), Ok(Crs::GaussKruger { epsg: 4549 }));
        let xian_zone = r#"PROJCS["Xian_1980_3_Degree_GK_Zone_40",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",40500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(from_wkt(xian_zone), Ok(Crs::GaussKruger { epsg: 2364 }));
        let geographic = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(from_wkt(geographic), Ok(Crs::LonLat));
        let web = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0]]"#;
        assert!(from_wkt(web).expect_err("web mercator").contains("Web_Mercator"));
        let utm = r#"PROJCS["WGS_1984_UTM_Zone_50N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",0.9996]]"#;
        assert!(from_wkt(utm).is_err(), "UTM's scale is 0.9996");
    }

    #[test]
    fn plain_decimals() {
        assert_eq!(plain(39_512_345.6), "39512345.6");
        assert_eq!(plain(3e6), "3000000");
        assert_eq!(plain(120.123_456_7), "120.123");
    }
}
