//! CGCS2000 3-degree Gauss-Krüger projection (SPEC §9): transverse Mercator by Krüger's series
//! to sixth order in n (Karney 2011, "Transverse Mercator with an accuracy of a few
//! nanometers"), scale 1 on the central meridian, false easting 500,000 m, no zone prefix.

use crate::input::crs::Crs;
use geo::{Coord, LineString, MultiPolygon, Polygon};

/// CGCS2000 semi-major axis (m).
pub const CGCS2000_A: f64 = 6_378_137.0;
/// CGCS2000 flattening.
pub const CGCS2000_F: f64 = 1.0 / 298.257_222_101;
/// False easting (m).
pub const FALSE_EASTING: f64 = 500_000.0;

/// Central meridian of the 3-degree zone for a mean longitude: 3 × round(λ ÷ 3), halves
/// rounded away from zero.
pub fn central_meridian_for(mean_lon: f64) -> f64 {
    3.0 * (mean_lon / 3.0).round()
}

/// Mean longitude of all finite vertices (closing vertices of rings excluded), or `None`.
pub fn mean_vertex_longitude<'a>(geometries: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Option<f64> {
    let mut sum = 0.0;
    let mut count = 0usize;
    for mp in geometries {
        for ring in mp.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())) {
            for c in open_ring(ring) {
                if c.x.is_finite() && c.y.is_finite() {
                    sum += c.x;
                    count += 1;
                }
            }
        }
    }
    (count > 0).then(|| sum / count as f64)
}

/// The projection to metres of SPEC §9 for geometries in `crs`: none for Gauss-Krüger input
/// (already metres); for longitude/latitude the CGCS2000 3-degree zone of the mean vertex
/// longitude (none without any vertex).
pub fn metric_projection<'a>(
    crs: Crs,
    geometries: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> Option<GaussKruger> {
    match crs {
        Crs::LonLat => mean_vertex_longitude(geometries).map(GaussKruger::for_mean_longitude),
        Crs::GaussKruger { .. } => None,
    }
}

/// The ring's coordinates without the closing repeat of the first.
fn open_ring(ring: &LineString<f64>) -> &[Coord<f64>] {
    let cs = &ring.0;
    match (cs.first(), cs.last()) {
        (Some(first), Some(last)) if cs.len() > 1 && first == last => &cs[..cs.len() - 1],
        _ => cs,
    }
}

/// Forward transverse Mercator on the CGCS2000 ellipsoid about one central meridian.
#[derive(Debug, Clone, PartialEq)]
pub struct GaussKruger {
    lon0_deg: f64,
    e: f64,
    /// Rectifying radius A (m), times the scale factor 1.
    big_a: f64,
    alpha: [f64; 6],
}

impl GaussKruger {
    /// The projection for the central meridian `lon0_deg` (degrees).
    pub fn new(lon0_deg: f64) -> Self {
        let f = CGCS2000_F;
        let n = f / (2.0 - f);
        let (n2, n3) = (n * n, n * n * n);
        let (n4, n5, n6) = (n2 * n2, n2 * n3, n3 * n3);
        let big_a = CGCS2000_A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        let alpha = [
            n / 2.0 - 2.0 / 3.0 * n2 + 5.0 / 16.0 * n3 + 41.0 / 180.0 * n4 - 127.0 / 288.0 * n5 + 7891.0 / 37800.0 * n6,
            13.0 / 48.0 * n2 - 3.0 / 5.0 * n3 + 557.0 / 1440.0 * n4 + 281.0 / 630.0 * n5 - 1983433.0 / 1935360.0 * n6,
            61.0 / 240.0 * n3 - 103.0 / 140.0 * n4 + 15061.0 / 26880.0 * n5 + 167603.0 / 181440.0 * n6,
            49561.0 / 161280.0 * n4 - 179.0 / 168.0 * n5 + 6601661.0 / 7257600.0 * n6,
            34729.0 / 80640.0 * n5 - 3418889.0 / 1995840.0 * n6,
            212378941.0 / 319334400.0 * n6,
        ];
        Self { lon0_deg, e: (f * (2.0 - f)).sqrt(), big_a, alpha }
    }

    /// The projection of the zone whose central meridian suits `mean_lon`.
    pub fn for_mean_longitude(mean_lon: f64) -> Self {
        Self::new(central_meridian_for(mean_lon))
    }

    pub fn central_meridian(&self) -> f64 {
        self.lon0_deg
    }

    /// (longitude, latitude) in degrees to (easting, northing) in metres.
    pub fn forward(&self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        let lam = (lon_deg - self.lon0_deg).to_radians();
        let tau = lat_deg.to_radians().tan();
        let e = self.e;
        let sigma = (e * (e * tau / (1.0 + tau * tau).sqrt()).atanh()).sinh();
        let tau_c = tau * (1.0 + sigma * sigma).sqrt() - sigma * (1.0 + tau * tau).sqrt();
        let (sin_lam, cos_lam) = lam.sin_cos();
        let xi_c = tau_c.atan2(cos_lam);
        let eta_c = (sin_lam / (tau_c * tau_c + cos_lam * cos_lam).sqrt()).asinh();
        let (mut xi, mut eta) = (xi_c, eta_c);
        for (j, a) in self.alpha.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi += a * (k * xi_c).sin() * (k * eta_c).cosh();
            eta += a * (k * xi_c).cos() * (k * eta_c).sinh();
        }
        (FALSE_EASTING + self.big_a * eta, self.big_a * xi)
    }

    /// Projects every vertex of a multipolygon given in degrees.
    pub fn project_multipolygon(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon::new(mp.iter().map(|p| self.project_polygon(p)).collect())
    }

    fn project_polygon(&self, p: &Polygon<f64>) -> Polygon<f64> {
        Polygon::new(self.project_ring(p.exterior()), p.interiors().iter().map(|r| self.project_ring(r)).collect())
    }

    /// A closed ring's closing vertex, bit for bit its first, is the first projected again:
    /// the same point for a sixth less work on a parcel of five vertices.
    fn project_ring(&self, ring: &LineString<f64>) -> LineString<f64> {
        let bits = |c: &Coord<f64>| (c.x.to_bits(), c.y.to_bits());
        let closed = ring.0.len() > 1 && ring.0.first().map(bits) == ring.0.last().map(bits);
        let open = &ring.0[..ring.0.len() - usize::from(closed)];
        let mut projected: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
        projected.extend(open.iter().map(|c| {
            let (x, y) = self.forward(c.x, c.y);
            Coord { x, y }
        }));
        if closed {
            projected.push(projected[0]);
        }
        LineString(projected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (lon, lat, central meridian, easting, northing), computed independently with PROJ 9
    /// (pyproj 3.7.2: `+proj=tmerc +lon_0=CM +k=1 +x_0=500000 +a=6378137 +rf=298.257222101`;
    /// the 121.4 / 30.5 point also matches EPSG:4549).
    const REFERENCE: [(f64, f64, f64, f64, f64); 10] = [
        (120.0, 30.0, 120.0, 500000.0000, 3320113.3978),
        (121.4, 30.5, 120.0, 634405.0314, 3376375.2491),
        (118.6, 22.0, 120.0, 355422.5704, 2434462.2535),
        (120.0, 0.0, 120.0, 500000.0000, 0.0000),
        (121.5, 45.0, 120.0, 618270.2740, 4986039.2140),
        (119.2, 35.7, 120.0, 427596.0918, 3952550.7798),
        (114.3, 40.1, 114.0, 525580.7680, 4440675.7270),
        (110.9, 18.3, 111.0, 489427.5501, 2024189.4642),
        (126.4, 53.2, 126.0, 526730.5685, 5896952.7206),
        (87.6, 43.8, 87.0, 548285.1151, 4851775.3027),
    ];

    #[test]
    fn matches_proj_to_the_millimetre() {
        for (lon, lat, cm, x, y) in REFERENCE {
            let (px, py) = GaussKruger::new(cm).forward(lon, lat);
            assert!((px - x).abs() < 1e-3, "{lon},{lat}: easting {px} vs {x}");
            assert!((py - y).abs() < 1e-3, "{lon},{lat}: northing {py} vs {y}");
        }
    }

    #[test]
    fn central_meridian_rounds_halves_away_from_zero() {
        assert_eq!(central_meridian_for(118.5), 120.0);
        assert_eq!(central_meridian_for(118.49), 117.0);
        assert_eq!(central_meridian_for(-1.5), -3.0);
        assert_eq!(central_meridian_for(121.4), 120.0);
        assert_eq!(central_meridian_for(121.5), 123.0);
        assert_eq!(central_meridian_for(87.6), 87.0);
        assert_eq!(GaussKruger::for_mean_longitude(110.9).central_meridian(), 111.0);
    }

    #[test]
    fn a_ring_is_projected_vertex_by_vertex_closed_or_open() {
        let gk = GaussKruger::new(120.0);
        let closed = vec![(120.3, 30.1), (120.4, 30.1), (120.4, 30.2), (120.3, 30.1)];
        let open = vec![(120.3, 30.1), (120.4, 30.1), (120.4, 30.2)];
        for points in [closed, open] {
            let projected = gk.project_ring(&LineString::from(points.clone()));
            let each: Vec<(f64, f64)> = points.iter().map(|&(x, y)| gk.forward(x, y)).collect();
            let got: Vec<(f64, f64)> = projected.0.iter().map(|c| (c.x, c.y)).collect();
            assert_eq!(got, each);
        }
    }

    #[test]
    fn symmetric_about_the_meridian() {
        let gk = GaussKruger::new(120.0);
        let (xe, ye) = gk.forward(121.0, 31.0);
        let (xw, yw) = gk.forward(119.0, 31.0);
        assert!((xe - FALSE_EASTING + (xw - FALSE_EASTING)).abs() < 1e-6);
        assert!((ye - yw).abs() < 1e-6);
    }

    #[test]
    fn mean_longitude_skips_closing_vertices() {
        let mp = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(120.0, 30.0), (122.0, 30.0), (122.0, 31.0), (120.0, 31.0)]),
            vec![],
        )]);
        assert_eq!(mean_vertex_longitude([&mp]), Some(121.0));
        assert_eq!(mean_vertex_longitude([]), None);
        let projected = GaussKruger::new(120.0).project_multipolygon(&mp);
        assert_eq!(projected.0[0].exterior().0.len(), 5);
    }
}
