//! Many counties in one run (SPEC §17). Under `evaluation.partition = "county"` the rating
//! rates every county on its own (see `rating::rate`); this module says which county each
//! code and parcel belongs to, and holds the work report's indicators ([`indicators`]).
//!
//! A code's county is its evaluation-year enterprises row's; a parcel's is its own `county`
//! property (or the ledger's), else its user's. One with none is the empty county, with a
//! `no_county` warning when the run is partitioned (without the setting counties are not
//! looked at, and every parcel is in the empty county).

pub mod indicators;

use crate::domain::County;
use crate::input::parcels::TABLE as PARCELS;
use crate::input::source::Pieces;
use crate::input::tables::EnterpriseRow;
use crate::parcels::Parcels;
use crate::quality::{At, Ledger, Message};
use crate::rating::Rating;
use foldhash::HashMap;
use polars::prelude::PolarsResult;

/// A `no_county` warning for each evaluation-year enterprises row that names no county.
pub fn report_codes_without_county(rows: &Pieces<EnterpriseRow>, year: i32, ledger: &Ledger) {
    let without = rows.iter().filter(|r| r.year.unwrap_or(year) == year && County::new(r.county.as_deref()).is_none());
    for r in without {
        ledger.warning(
            At::new("enterprises", r.row, &r.code, "county"),
            "no_county",
            Message::new(
                format!("{} names no county; it is rated with the others that name none", r.code),
                format!("{} 未填区县，与其他未填区县的企业一起评价", r.code),
            ),
        );
    }
}

/// Each parcel's county: its `county` property, else its user's county in the rating; a
/// `no_county` warning for each parcel with neither. Without partition, the empty county for
/// every parcel. In the parcels' order.
pub fn parcel_counties(parcels: &Parcels, rating: &Rating, ledger: &Ledger) -> PolarsResult<Vec<County>> {
    if !rating.partitioned {
        return Ok(vec![County::default(); parcels.len()]);
    }
    let of_code = code_counties(rating)?;
    let counties = parcels.features.values().iter().map(|f| {
        let own = f.county().map(|c| County::new(Some(&c)));
        let county = own.or_else(|| of_code.get(f.user.as_str()).map(|c| (*c).clone())).unwrap_or_default();
        if county.is_none() {
            ledger.warning(
                At::new(PARCELS, f.index, &f.parcel_id, "county"),
                "no_county",
                Message::new(
                    format!("parcel {} names no county, nor does its user; it counts in none", f.parcel_id),
                    format!("宗地 {} 及其使用者均未填区县，不计入任何区县", f.parcel_id),
                ),
            );
        }
        county
    });
    Ok(counties.collect())
}

/// The county of each code of the rating that has one.
fn code_counties(rating: &Rating) -> PolarsResult<HashMap<&str, &County>> {
    let codes = rating.frame.column("code")?.str()?;
    Ok(codes
        .iter()
        .zip(rating.county_of_rows())
        .filter_map(|(code, county)| Some((code?, county)).filter(|(_, c)| !c.is_none()))
        .collect())
}
