//! Firms and their yearly figures: scale, industry, land need, revenue and the figures that
//! follow from it (value added, profit, tax, staff, R&D, balance sheet, energy), plus the
//! planted cases the evaluation must find — zombie-like and 双高-like firms, exempt utilities,
//! new firms.

use rand::Rng;
use rand::rngs::SmallRng;

use super::names::{self, Industry};

/// What the evaluation should find in a firm.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Normal,
    /// Three years of losses, insolvent, revenue halving, dormant electricity.
    Zombie,
    /// High energy use and emissions per value added.
    DoubleHigh,
}

/// One firm of a park.
pub struct Firm {
    pub code: [u8; 18],
    pub name: String,
    pub industry: &'static Industry,
    pub above: bool,
    pub kind: Kind,
    pub exempt: bool,
    pub start_year: i32,
    /// Parcel areas (mu) it holds; empty for a tenant, who leases `lease_mu` instead.
    pub parcels_mu: Vec<f64>,
    pub lease_mu: f64,
    /// Whether its last parcel lies far from the others (a fragmented holding).
    pub far_parcel: bool,
    pub has_energy: bool,
    pub reports_emissions: bool,
    /// Figures for each year the firm reports, oldest first.
    pub years: Vec<Year>,
    /// Months (1-based, inclusive range) of the latest year with dormant electricity.
    pub dormant: Option<(u32, u32)>,
}

/// One firm-year (money in 万元).
pub struct Year {
    pub year: i32,
    pub revenue: f64,
    pub value_added: f64,
    pub profit: f64,
    pub employees: u32,
    pub rd: f64,
    pub assets: f64,
    pub liabilities: f64,
    pub tax: f64,
    pub kwh: f64,
    pub tce: f64,
    pub emissions: f64,
}

/// Ratios a firm keeps from year to year (with a little noise).
struct Profile {
    va_share: f64,
    margin: f64,
    tax_rate: f64,
    revenue_per_employee: f64,
    rd_share: f64,
    asset_turnover: f64,
    debt_ratio: f64,
    kwh_per_revenue: f64,
    tce_per_kwh: f64,
    emission_per_tce: f64,
}

/// Log-normal draw with the given median and log standard deviation.
pub fn lognormal(rng: &mut SmallRng, median: f64, sigma: f64) -> f64 {
    // Sum of uniforms approximates a normal well enough for synthetic data.
    let z: f64 = (0..6).map(|_| rng.random::<f64>()).sum::<f64>() - 3.0;
    median * (z * sigma * std::f64::consts::SQRT_2).exp()
}

/// Context for making a park's firms.
pub struct FirmContext<'a> {
    pub region: &'a [u8; 6],
    pub county_name: &'a str,
    pub year: i32,
    pub seed: u64,
}

/// Makes firm number `index` (nation-wide) of a park.
pub fn make_firm(rng: &mut SmallRng, ctx: &FirmContext, index: u64) -> Firm {
    let industry = names::pick_industry(rng);
    let above = rng.random_bool(0.4);
    let kind = pick_kind(rng, industry);
    let new = kind == Kind::Normal && rng.random_bool(0.03);
    let start_year = if new { ctx.year - rng.random_range(0..2) } else { rng.random_range(1990..=ctx.year - 3) };
    let land = land_need(rng, above);
    let tenant = rng.random_bool(if above { 0.02 } else { 0.12 });
    let parcels_mu = if tenant { Vec::new() } else { split_land(rng, land) };
    let far_parcel = parcels_mu.len() >= 2 && rng.random_bool(0.25);
    let revenue = latest_revenue(rng, above, land);
    let profile = profile(rng, industry, kind);
    let years = yearly(rng, &profile, kind, revenue, start_year.max(ctx.year - 2), ctx.year);
    let dormant = (kind == Kind::Zombie).then(|| {
        let first = rng.random_range(1..=5);
        (first, (first + rng.random_range(5..=7)).min(12))
    });
    Firm {
        code: names::credit_code(ctx.region, index, ctx.seed),
        name: names::company_name(rng, ctx.county_name, industry),
        industry,
        above,
        kind,
        exempt: industry.utility,
        start_year,
        lease_mu: if tenant { lognormal(rng, 8.0, 0.5).clamp(2.0, 20.0) } else { 0.0 },
        parcels_mu,
        far_parcel,
        has_energy: kind == Kind::Zombie || rng.random_bool(0.96),
        reports_emissions: kind != Kind::Normal || rng.random_bool(0.85),
        years,
        dormant,
    }
}

fn pick_kind(rng: &mut SmallRng, industry: &Industry) -> Kind {
    if industry.utility {
        return Kind::Normal;
    }
    let double_high = if industry.heavy { 0.15 } else { 0.01 };
    if rng.random_bool(0.02) {
        Kind::Zombie
    } else if rng.random_bool(double_high) {
        Kind::DoubleHigh
    } else {
        Kind::Normal
    }
}

/// Land a firm uses (mu): long-tailed, larger for above-scale firms.
fn land_need(rng: &mut SmallRng, above: bool) -> f64 {
    if above { lognormal(rng, 100.0, 0.8).clamp(8.0, 900.0) } else { lognormal(rng, 28.0, 0.6).clamp(3.0, 90.0) }
}

/// Splits a holding into parcels of 3–300 mu; most firms hold one.
fn split_land(rng: &mut SmallRng, land: f64) -> Vec<f64> {
    // Most firms hold one parcel: a province of 100,000 firms has about 120,000 parcels.
    let extra = match rng.random_range(0..100) {
        0..80 => 0,
        80..92 => 1,
        92..97 => 2,
        _ => rng.random_range(3..=4),
    };
    let count = (extra + 1).max((land / 300.0).ceil() as usize);
    let count = count.min((land / 9.0).floor().max(1.0) as usize);
    let weights: Vec<f64> = (0..count).map(|_| rng.random_range(0.5..1.5)).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| (land * w / total).clamp(3.0, 300.0)).collect()
}

/// The latest year's revenue (万元).
fn latest_revenue(rng: &mut SmallRng, above: bool, land: f64) -> f64 {
    if above {
        let revenue = land * lognormal(rng, 300.0, 0.7);
        if revenue < 2000.0 { 2000.0 * rng.random_range(1.0..1.6) } else { revenue.min(200_000.0) }
    } else {
        (land * lognormal(rng, 60.0, 0.6)).clamp(100.0, 1990.0)
    }
}

fn profile(rng: &mut SmallRng, industry: &Industry, kind: Kind) -> Profile {
    let heavy = industry.heavy;
    let mut p = Profile {
        va_share: rng.random_range(0.15..0.30),
        margin: rng.random_range(-0.03..0.14),
        tax_rate: rng.random_range(0.02..0.08),
        revenue_per_employee: rng.random_range(60.0..250.0),
        rd_share: if rng.random_bool(0.25) { 0.0 } else { rng.random_range(0.0..0.05) },
        asset_turnover: rng.random_range(0.6..1.6),
        debt_ratio: rng.random_range(0.25..0.70),
        kwh_per_revenue: if heavy { rng.random_range(300.0..1500.0) } else { rng.random_range(40.0..250.0) },
        tce_per_kwh: 1.229e-4 * if heavy { rng.random_range(1.5..3.0) } else { rng.random_range(1.0..1.6) },
        emission_per_tce: rng.random_range(0.002..0.01),
    };
    match kind {
        Kind::Zombie => {
            p.margin = -rng.random_range(0.02..0.15);
            p.debt_ratio = rng.random_range(0.88..1.25);
            p.tax_rate = rng.random_range(0.0..0.004);
        }
        Kind::DoubleHigh => {
            p.va_share = rng.random_range(0.08..0.14);
            p.kwh_per_revenue *= 4.0;
            p.emission_per_tce *= 4.0;
        }
        Kind::Normal => {}
    }
    p
}

/// Figures for `first..=last`, walking revenue back from the latest year.
fn yearly(rng: &mut SmallRng, p: &Profile, kind: Kind, latest: f64, first: i32, last: i32) -> Vec<Year> {
    let mut revenue = latest;
    let mut out = Vec::with_capacity(3);
    for year in (first..=last).rev() {
        out.push(one_year(rng, p, year, revenue));
        let growth = if kind == Kind::Zombie && year == last {
            rng.random_range(0.25..0.48)
        } else {
            rng.random_range(0.92..1.18)
        };
        revenue /= growth;
    }
    out.reverse();
    out
}

fn one_year(rng: &mut SmallRng, p: &Profile, year: i32, revenue: f64) -> Year {
    let mut noise = || rng.random_range(0.95..1.05);
    let assets = revenue / p.asset_turnover * noise();
    let kwh = revenue * p.kwh_per_revenue * noise();
    let tce = kwh * p.tce_per_kwh * noise();
    Year {
        year,
        revenue,
        value_added: revenue * p.va_share * noise(),
        profit: revenue * p.margin * noise(),
        employees: (revenue / p.revenue_per_employee * noise()).max(3.0).round() as u32,
        rd: revenue * p.rd_share * noise(),
        assets,
        liabilities: assets * p.debt_ratio * noise(),
        tax: revenue * p.tax_rate * noise(),
        kwh,
        tce,
        emissions: tce * p.emission_per_tce * noise(),
    }
}

/// Seasonal share of each month in a year's energy use (sums to 1).
pub const MONTH_SHARE: [f64; 12] = [0.075, 0.06, 0.085, 0.085, 0.085, 0.085, 0.09, 0.09, 0.085, 0.085, 0.085, 0.09];
