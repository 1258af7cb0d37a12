//! Explanations: how one enterprise's class came about, step by step — its input rows,
//! parcels and leases, land, each indicator's numbers, total, rank, class and why, flags
//! with their evidence, and the data problems touching it. Printed by `muchan explain`.

use crate::config::{ClassMode, Config};
use crate::domain::{Class, Group, Status};
use crate::pipeline::Evaluation;
use crate::quality::Issue;
use crate::rating::classes::{ranked_within, share_bound};
use crate::rating::indicators::{benchmark_column, score_column, value_column};
use polars::prelude::*;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct IndicatorLine {
    pub name: String,
    pub numerator: String,
    pub numerator_value: Option<f64>,
    pub denominator: String,
    pub denominator_value: Option<f64>,
    pub factor: f64,
    pub value: Option<f64>,
    pub benchmark: Option<f64>,
    pub ratio: Option<f64>,
    pub weight: Option<f64>,
    pub cap: f64,
    pub score: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct ParcelLine {
    pub parcel_id: String,
    pub area_mu: f64,
    pub land_use: Option<String>,
    pub reasons: String,
    pub block_id: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub credit_code: String,
    pub name: Option<String>,
    pub year: i32,
    pub group: Option<Group>,
    pub status: Option<Status>,
    pub rows: Vec<String>,
    pub parcels: Vec<ParcelLine>,
    pub leases: Vec<String>,
    pub land_mu: Option<f64>,
    pub indicators: Vec<IndicatorLine>,
    pub adjustment: Option<f64>,
    pub total_score: Option<f64>,
    pub rank: Option<i64>,
    pub rated_in_group: Option<i64>,
    pub class: Option<Class>,
    pub class_reason: String,
    pub surcharge_yuan: Option<f64>,
    pub zombie: bool,
    pub zombie_evidence: Vec<String>,
    pub high_energy_emission: Option<bool>,
    pub fragmented_pieces: usize,
    pub problems: Vec<String>,
}

/// A number as printed: in full, or `—` when missing.
pub fn show(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{v}"))
}

/// Reads one row of the rating frame by column name.
struct Row<'a> {
    frame: &'a DataFrame,
    i: usize,
}

impl Row<'_> {
    fn f64(&self, name: &str) -> Option<f64> {
        let c = self.frame.column(name).ok()?.cast(&DataType::Float64).ok()?;
        c.f64().ok()?.get(self.i)
    }

    fn flag(&self, name: &str) -> bool {
        self.frame.column(name).ok().and_then(|c| c.bool().ok()?.get(self.i)) == Some(true)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.frame.column(name).ok()?.str().ok()?.get(self.i).map(str::to_string)
    }
}

/// The explanation of `code` (normalised), or `None` when the code is not in the run.
pub fn explain(eval: &Evaluation, issues: &[Issue], code: &str) -> Option<Explanation> {
    let frame = &eval.rating.frame;
    let i = frame.column("code").ok()?.str().ok()?.iter().position(|c| c == Some(code))?;
    let row = Row { frame, i };
    let group = row.text("group").as_deref().and_then(Group::parse);
    let status = row.text("status").as_deref().and_then(Status::parse);
    let flags = eval.flags.get(code);
    Some(Explanation {
        credit_code: code.to_string(),
        name: row.text("name"),
        year: eval.year,
        status,
        rows: input_rows(eval, code),
        parcels: parcels(eval, code),
        leases: leases(eval, code),
        land_mu: row.f64("land_mu"),
        indicators: indicator_lines(eval, &row, group),
        adjustment: row.f64("adjustment"),
        total_score: row.f64("total_score"),
        rank: row.f64("rank").map(|r| r as i64),
        rated_in_group: row.f64("rated_in_group").map(|n| n as i64),
        class: row.text("class").as_deref().and_then(Class::parse),
        class_reason: class_reason(&eval.config, &row, group, status),
        surcharge_yuan: row.f64("surcharge_yuan"),
        zombie: flags.is_some_and(|f| f.zombie.zombie),
        zombie_evidence: flags
            .map(|f| f.zombie.rules.iter().zip(&f.zombie.evidence).map(|(r, e)| format!("{r}: {e}")).collect())
            .unwrap_or_default(),
        high_energy_emission: flags.and_then(|f| f.high_energy_emission),
        fragmented_pieces: flags.map_or(0, |f| f.fragmented_pieces),
        problems: issues
            .iter()
            .filter(|p| p.key == code)
            .map(|p| {
                format!("{} {} row {} {}: {} — {}", p.severity.as_str(), p.table, p.row, p.field, p.code, p.message)
            })
            .collect(),
        group,
    })
}

/// The code's figures year by year as the evaluation joined them (SPEC §2: enterprise
/// figures, tax and energy summed per year), then its adjustments rows.
fn input_rows(eval: &Evaluation, code: &str) -> Vec<String> {
    let years = eval.yearly.clone().lazy().filter(col("code").eq(lit(code))).collect().unwrap_or_default();
    let yearly = (0..years.height()).map(|i| {
        let row = Row { frame: &years, i };
        let enterprise = if row.flag("has_row") {
            format!(
                "revenue {}, value added {}, profit {}, employees {}, R&D {}",
                show(row.f64("revenue")),
                show(row.f64("value_added")),
                show(row.f64("profit")),
                show(row.f64("employees")),
                show(row.f64("rd_expense"))
            )
        } else {
            "no enterprises row".into()
        };
        format!(
            "{}: {enterprise}; tax {} ({} rows); energy {} kWh, {} tce, {} t",
            row.f64("year").map_or(String::new(), |y| format!("{y}")),
            show(row.f64("tax")),
            show(row.f64("tax_rows")),
            show(row.f64("electricity_kwh")),
            show(row.f64("energy_tce")),
            show(row.f64("emissions"))
        )
    });
    let adjustments = eval.adjustments.iter().filter(|r| r.code == code).map(|r| {
        format!(
            "adjustments row {}: points {}, veto {}, reason {}",
            r.row,
            show(r.points),
            r.veto,
            r.reason.as_deref().unwrap_or("")
        )
    });
    yearly.chain(adjustments).collect()
}

fn parcels(eval: &Evaluation, code: &str) -> Vec<ParcelLine> {
    eval.parcels
        .rows()
        .filter(|p| p.feature.user == code)
        .map(|p| ParcelLine {
            parcel_id: p.feature.parcel_id.clone(),
            area_mu: p.land.area_mu,
            land_use: p.feature.land_use.clone(),
            reasons: p.reclaim.reasons_text(),
            block_id: p.reclaim.block_id,
        })
        .collect()
}

fn leases(eval: &Evaluation, code: &str) -> Vec<String> {
    let owned: Vec<&str> =
        eval.parcels.rows().filter(|p| p.feature.user == code).filter_map(|p| p.feature.input_id.as_deref()).collect();
    eval.leases
        .iter()
        .filter(|l| l.lessee == code || owned.contains(&l.parcel_id.as_str()))
        .map(|l| {
            let area = match &l.area_mu {
                Ok(a) => a.map_or("the rest of the parcel".into(), |a| format!("{a} mu")),
                Err(why) => why.clone(),
            };
            format!("leases row {}: parcel {} to {}, {area}", l.row, l.parcel_id, l.lessee)
        })
        .collect()
}

fn indicator_lines(eval: &Evaluation, row: &Row<'_>, group: Option<Group>) -> Vec<IndicatorLine> {
    let Some(group) = group else { return Vec::new() };
    let scheme = eval.config.groups.scheme(group);
    let cap = eval.config.scoring.cap;
    scheme
        .indicators
        .iter()
        .filter_map(|w| {
            let ind = eval.rating.indicators.iter().find(|i| i.name == w.name)?;
            let value = row.f64(&value_column(&ind.name));
            let benchmark = row.f64(&benchmark_column(&ind.name));
            Some(IndicatorLine {
                name: ind.name.clone(),
                numerator: ind.numerator.clone(),
                numerator_value: row.f64(&ind.numerator),
                denominator: ind.denominator.clone(),
                denominator_value: row.f64(&ind.denominator),
                factor: ind.factor,
                value,
                benchmark,
                ratio: value.zip(benchmark.filter(|b| *b > 0.0)).map(|(v, b)| v / b),
                weight: Some(w.weight),
                cap,
                score: row.f64(&score_column(&ind.name)),
            })
        })
        .collect()
}

fn class_reason(config: &Config, row: &Row<'_>, group: Option<Group>, status: Option<Status>) -> String {
    let (Some(group), Some(Status::Rated)) = (group, status) else {
        return format!("not rated: status {}", status.map_or("", Status::as_str));
    };
    if row.flag("veto") {
        return "a veto adjustment (一票否决) forces class D".into();
    }
    let classes = &config.groups.scheme(group).classes;
    let (r, n, total) =
        (row.f64("rank").unwrap_or(0.0), row.f64("rated_in_group").unwrap_or(0.0), row.f64("total_score"));
    match classes.mode {
        ClassMode::Share => {
            let tests: Vec<String> = [(Class::A, classes.a), (Class::B, classes.b), (Class::C, classes.c)]
                .iter()
                .map(|(k, cut)| {
                    let holds = ranked_within(r as i64, n as i64, *cut);
                    format!(
                        "{k}: (r−1)×10⁴ = {} {} round({cut}×10⁴)×n = {}",
                        (r - 1.0) * 1e4,
                        if holds { "<" } else { "≥" },
                        share_bound(*cut) as f64 * n
                    )
                })
                .collect();
            format!(
                "rank {r} of {n} in the {group} group, share ranked ahead {:.4}; {}",
                (r - 1.0) / n,
                tests.join("; ")
            )
        }
        ClassMode::Score => format!(
            "score cut-offs A ≥ {}, B ≥ {}, C ≥ {}; rounded total {}",
            classes.a,
            classes.b,
            classes.c,
            total.map_or("—".into(), |t| format!("{:.6}", crate::numbers::round6(t)))
        ),
    }
}
