//! Building intensity (SPEC §15): each parcel's floor area and footprint, and from them the
//! plot ratio (容积率) and coverage (建筑系数) of an industrial parcel with a user.
//!
//! This first part reads them from the parcel's own properties or the parcel ledger
//! (`floor_area` 建筑面积, `footprint` 建筑基底面积/建筑占地面积, m²); a buildings layer is not read
//! yet (see docs/decisions.md).

use crate::input::cells;
use crate::input::headers::{ColumnSpec, PARCEL_LEDGER};
use crate::input::parcels::ParcelFeature;
use crate::land::MeasuredParcel;
use crate::parcels::{Column, Parcels};

/// m² per mu (SPEC §1: 1 mu = 10000/15 m²).
const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// One parcel's buildings and intensity.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Intensity {
    pub floor_area_m2: Option<f64>,
    pub footprint_m2: Option<f64>,
    /// floor_area ÷ (area_mu × 10000 / 15); industrial parcels with a user only.
    pub plot_ratio: Option<f64>,
    /// footprint ÷ (area_mu × 10000 / 15); industrial parcels with a user only.
    pub coverage: Option<f64>,
}

/// The parcel's value of a ledger column (by its name or any alias), as a number ≥ 0.
fn property_number(f: &ParcelFeature, spec: &ColumnSpec) -> Option<f64> {
    std::iter::once(spec.name)
        .chain(spec.aliases.iter().copied())
        .find_map(|name| f.property_text(name))
        .and_then(|t| cells::number(&t).ok().flatten())
        .filter(|x| *x >= 0.0)
}

fn spec(name: &str) -> Option<&'static ColumnSpec> {
    PARCEL_LEDGER.iter().find(|c| c.name == name)
}

/// The plot ratio and coverage of a parcel of `area_mu` with these building figures: each
/// figure ÷ (area_mu × 10000 / 15), undefined without the figure or without area.
pub fn intensity(floor_area_m2: Option<f64>, footprint_m2: Option<f64>, area_mu: f64, rated_parcel: bool) -> Intensity {
    let area_m2 = area_mu * M2_PER_MU;
    let per_area = |x: Option<f64>| x.filter(|_| rated_parcel && area_m2 > 0.0).map(|x| x / area_m2);
    Intensity { floor_area_m2, footprint_m2, plot_ratio: per_area(floor_area_m2), coverage: per_area(footprint_m2) }
}

fn of_parcel(f: &ParcelFeature, m: &MeasuredParcel) -> Intensity {
    let floor_area = spec("floor_area").and_then(|s| property_number(f, s));
    let footprint = spec("footprint").and_then(|s| property_number(f, s));
    intensity(floor_area, footprint, m.area_mu, f.is_industrial() && !f.user.is_empty())
}

/// Every parcel's intensity, from its properties (and the ledger applied to them).
pub fn intensities(parcels: &Parcels) -> Column<Intensity> {
    parcels.par_map(|_, f, m| of_parcel(f, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_ratio_and_coverage_by_hand() {
        // 15 mu = 10,000 m²: 12,000 m² of floors is a plot ratio of 1.2; 4,500 m² covered is 0.45.
        let i = intensity(Some(12_000.0), Some(4_500.0), 15.0, true);
        assert_eq!((i.plot_ratio, i.coverage), (Some(1.2), Some(0.45)));
        let none = intensity(None, Some(4_500.0), 15.0, true);
        assert_eq!((none.plot_ratio, none.coverage), (None, Some(0.45)), "missing is never zero");
        let not_rated = intensity(Some(12_000.0), Some(4_500.0), 15.0, false);
        assert_eq!((not_rated.plot_ratio, not_rated.coverage, not_rated.floor_area_m2), (None, None, Some(12_000.0)));
        assert_eq!(intensity(Some(1.0), None, 0.0, true).plot_ratio, None, "no area");
    }
}
