//! Leases (SPEC §4): enterprise land = own parcels − area leased out + area leased in.
//!
//! Leases of one parcel apply in file order, each capped at what is not yet leased out.

use crate::input::tables::LeaseRow;
use crate::numbers::{round6, sorted_sum};
use crate::parcels::{ParcelIx, Parcels};
use crate::quality::{At, Ledger, Message};
use foldhash::{HashMap, HashMapExt};

/// The land of every code that holds or leases any.
#[derive(Debug, Default, Clone)]
pub struct LandBook {
    pub own_mu: HashMap<String, f64>,
    pub leased_out_mu: HashMap<String, f64>,
    pub leased_in_mu: HashMap<String, f64>,
}

impl LandBook {
    /// land_mu = own − leased out + leased in, rounded to 6 decimals; `None` for a code
    /// that holds and leases nothing.
    pub fn land_mu(&self, code: &str) -> Option<f64> {
        let own = self.own_mu.get(code);
        let out = self.leased_out_mu.get(code);
        let inn = self.leased_in_mu.get(code);
        if own.is_none() && inn.is_none() && out.is_none() {
            return None;
        }
        Some(round6(own.unwrap_or(&0.0) - out.unwrap_or(&0.0) + inn.unwrap_or(&0.0)))
    }
}

/// Books own land per user, then applies the leases of the evaluation year.
pub fn book_land(parcels: &Parcels, leases: &[LeaseRow], year: i32, ledger: &Ledger) -> LandBook {
    let (features, land) = (&parcels.features, &parcels.land);
    let mut book = LandBook::default();
    let mut own: HashMap<&str, Vec<f64>> = HashMap::new();
    for (ix, f) in features.iter().filter(|(_, f)| !f.user.is_empty()) {
        own.entry(f.user.as_str()).or_default().push(land[ix].area_mu);
    }
    book.own_mu = own.into_iter().map(|(user, areas)| (user.to_string(), sorted_sum(areas))).collect();
    let mut first_with_id: HashMap<&str, ParcelIx> = HashMap::new();
    for (ix, f) in features.iter() {
        if let Some(id) = &f.input_id {
            first_with_id.entry(id.as_str()).or_insert(ix);
        }
    }
    let mut leased_so_far: HashMap<ParcelIx, f64> = HashMap::new();
    for lease in leases {
        let at = At::new("leases", lease.row, &lease.parcel_id, "area_mu");
        if lease.year.is_some_and(|y| y != year) {
            ledger.notice(
                at,
                "other_year",
                Message::new(
                    format!("lease of year {} ignored (evaluating {year})", lease.year.unwrap_or(0)),
                    format!("{} 年的租赁记录不予采用（评价年度 {year}）", lease.year.unwrap_or(0)),
                ),
            );
            continue;
        }
        let ignore = |why: &Message| {
            let message = Message::new(
                format!("{}; the lease is ignored", why.en),
                format!("{}，该租赁记录不予采用", why.zh_or_en()),
            );
            ledger.warning(at, "lease_ignored", message)
        };
        let Some(&p) = first_with_id.get(lease.parcel_id.as_str()) else {
            ignore(&Message::new(
                format!("parcel `{}` is not in the parcel file", lease.parcel_id),
                format!("宗地“{}”不在宗地文件中", lease.parcel_id),
            ));
            continue;
        };
        let parcel = &features[p];
        let area = match &lease.area_mu {
            _ if lease.lessee.is_empty() => {
                ignore(&Message::new("the lease names no lessee", "租赁记录未写明承租方"));
                continue;
            }
            _ if lease.lessee == parcel.user => {
                ignore(&Message::new(
                    format!("the lessee {} is the parcel's own user", lease.lessee),
                    format!("承租方 {} 就是该宗地的使用权人", lease.lessee),
                ));
                continue;
            }
            Err(why) => {
                ignore(why);
                continue;
            }
            Ok(area) => *area,
        };
        let so_far = leased_so_far.entry(p).or_insert(0.0);
        let left = (land[p].area_mu - *so_far).max(0.0);
        let taken = match area {
            Some(a) if a > left => {
                ledger.warning(
                    at,
                    "lease_capped",
                    Message::new(
                        format!(
                            "lease of {a} mu of parcel {} exceeds the {left} mu not yet leased out; capped",
                            parcel.parcel_id
                        ),
                        format!("宗地 {} 租出 {a} 亩，超过尚未租出的 {left} 亩，按 {left} 亩计", parcel.parcel_id),
                    ),
                );
                left
            }
            Some(a) => a,
            None => left,
        };
        *so_far += taken;
        if !parcel.user.is_empty() {
            *book.leased_out_mu.entry(parcel.user.to_string()).or_insert(0.0) += taken;
        }
        *book.leased_in_mu.entry(lease.lessee.clone()).or_insert(0.0) += taken;
    }
    book
}
