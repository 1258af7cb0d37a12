//! Explanations: how one enterprise's class came about, step by step — its figures year by
//! year, adjustments, parcels (with their building intensity and 低效 tests), leases and 标准地
//! commitments, land, each indicator's numbers, total, rank, class and why in plain words,
//! how far the next class is, flags with their evidence, its class over the years (SPEC §16),
//! how stable its class is, its early warnings, and the data
//! problems touching it. [`explain`] gathers the numbers (`muchan explain --json` prints them);
//! [`Explanation::text`] tells them in English or Chinese ([`text`]).

mod text;

pub use text::readable;

use crate::alerts::Alert;
use crate::config::{ClassMode, Config};
use crate::domain::{Class, Evidence, Group, LowTest, ReviewStatus, Status};
use crate::history::YearResult;
use crate::input::tables::COMMITTED;
use crate::numbers::round6;
use crate::pipeline::Evaluation;
use crate::quality::{Issue, Message};
use crate::rating::classes::{forced_d, ranks_within};
use crate::rating::indicators::{benchmark_column, score_column, value_column};
use crate::rating::stability::Spread;
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

/// One year of the code's figures as the yearly table joined them (SPEC §2).
#[derive(Debug, Serialize)]
pub struct YearLine {
    pub year: i32,
    /// Whether the code has an enterprises row that year.
    pub has_row: bool,
    pub revenue: Option<f64>,
    pub value_added: Option<f64>,
    pub profit: Option<f64>,
    pub employees: Option<f64>,
    pub rd_expense: Option<f64>,
    pub tax: Option<f64>,
    pub tax_rows: Option<f64>,
    pub electricity_kwh: Option<f64>,
    pub energy_tce: Option<f64>,
    pub emissions: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct AdjustmentLine {
    pub row: usize,
    pub points: Option<f64>,
    pub veto: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ParcelLine {
    pub parcel_id: String,
    pub area_mu: f64,
    pub land_use: Option<String>,
    pub reasons: String,
    pub block_id: Option<usize>,
    /// Building intensity and the 低效 tests (SPEC §15).
    pub plot_ratio: Option<f64>,
    pub coverage: Option<f64>,
    pub min_plot_ratio: Option<f64>,
    pub low_efficiency: Vec<LowTest>,
}

/// One committed indicator of a 标准地 review.
#[derive(Debug, Serialize)]
pub struct CommittedLine {
    pub indicator: &'static str,
    pub committed: Option<f64>,
    pub actual: Option<f64>,
    pub ratio: Option<f64>,
}

/// One 标准地 commitment of the code (SPEC §14).
#[derive(Debug, Serialize)]
pub struct CommitmentLine {
    pub parcel_id: String,
    pub review_year: Option<i32>,
    pub review_status: ReviewStatus,
    pub indicators: Vec<CommittedLine>,
    /// Damages (万元); `None` while pending.
    pub penalty_total: Option<f64>,
    pub idle_years: u32,
    pub idle_fee: Option<f64>,
    pub due_next_year: bool,
}

/// A lease of one of the code's parcels, or to the code.
#[derive(Debug, Serialize)]
pub struct LeaseLine {
    pub row: usize,
    pub parcel_id: String,
    pub lessee: String,
    /// `None`: the rest of the parcel.
    pub area_mu: Option<f64>,
    /// Why the area cannot be used (the lease is then ignored), in English.
    pub unusable: Option<String>,
    #[serde(skip)]
    unusable_zh: Option<String>,
}

/// One band of share classes: `class` holds ranks up to `last_rank` (the top `share`).
#[derive(Debug, Serialize)]
pub struct Band {
    pub class: Class,
    pub share: f64,
    pub last_rank: i64,
}

/// Why the class is what it is.
#[derive(Debug, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum ClassReason {
    NotRated {
        status: Option<Status>,
    },
    /// A veto adjustment forces D (the rank does not count).
    Veto {
        rank: i64,
        n: i64,
    },
    /// A zombie under `zombie.class_d` is D (the rank does not count).
    Zombie {
        rank: i64,
        n: i64,
    },
    /// Share classes: the rank among n, and the bands A, B, C (D is the rest).
    Share {
        rank: i64,
        n: i64,
        bands: [Band; 3],
    },
    /// Score classes: the cut-offs of A, B, C and the rounded total.
    Score {
        cut_offs: [f64; 3],
        rounded_total: f64,
    },
}

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub credit_code: String,
    pub name: Option<String>,
    pub year: i32,
    pub group: Option<Group>,
    pub status: Option<Status>,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub years: Vec<YearLine>,
    pub adjustments: Vec<AdjustmentLine>,
    pub parcels: Vec<ParcelLine>,
    pub leases: Vec<LeaseLine>,
    /// Its 标准地 commitments, in file order.
    pub commitments: Vec<CommitmentLine>,
    pub land_mu: Option<f64>,
    pub indicators: Vec<IndicatorLine>,
    pub adjustment: Option<f64>,
    pub total_score: Option<f64>,
    pub rank: Option<i64>,
    pub rated_in_group: Option<i64>,
    pub class: Option<Class>,
    pub class_reason: ClassReason,
    /// The next better class its total can reach, and the points it needs (clarification 12).
    pub next_class: Option<Class>,
    pub points_to_next_class: Option<f64>,
    pub surcharge_yuan: Option<f64>,
    pub zombie: bool,
    pub zombie_evidence: Vec<Evidence>,
    pub high_energy_emission: Option<bool>,
    pub fragmented_pieces: usize,
    /// Its result in each year of the history (SPEC §16), oldest first.
    pub history: Vec<YearResult>,
    pub class_prev: Option<Class>,
    pub d_streak: Option<i64>,
    /// Its classes over the stability draws (rated enterprises, with draws).
    pub stability: Option<Spread>,
    /// Its early warnings at `alert_month`, in the rules' order.
    pub alerts: Vec<Alert>,
    pub alert_month: Option<u32>,
    pub problems: Vec<Issue>,
}

/// Reads one row of a frame by column name.
struct Row<'a> {
    frame: &'a DataFrame,
    i: usize,
}

impl Row<'_> {
    fn f64(&self, name: &str) -> Option<f64> {
        let c = self.frame.column(name).ok()?.cast(&DataType::Float64).ok()?;
        c.f64().ok()?.get(self.i)
    }

    fn int(&self, name: &str) -> Option<i64> {
        self.f64(name).map(|v| v as i64)
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
    let id = row.int("code_id").map(|id| id as u32);
    Some(Explanation {
        credit_code: code.to_string(),
        name: row.text("name"),
        year: eval.year,
        status,
        park: row.text("park"),
        industry: row.text("industry"),
        years: year_lines(eval, code),
        adjustments: eval
            .adjustments
            .iter()
            .filter(|r| r.code == code)
            .map(|r| AdjustmentLine { row: r.row, points: r.points, veto: r.veto, reason: r.reason.clone() })
            .collect(),
        parcels: parcels(eval, code),
        leases: leases(eval, code),
        commitments: commitments(eval, code),
        land_mu: row.f64("land_mu"),
        indicators: indicator_lines(eval, &row, group),
        adjustment: row.f64("adjustment"),
        total_score: row.f64("total_score"),
        rank: row.int("rank"),
        rated_in_group: row.int("rated_in_group"),
        class: row.text("class").as_deref().and_then(Class::parse),
        class_reason: class_reason(&eval.config, &row, group, status),
        next_class: row.text("next_class").as_deref().and_then(Class::parse),
        points_to_next_class: row.f64("points_to_next_class"),
        surcharge_yuan: row.f64("surcharge_yuan"),
        zombie: flags.is_some_and(|f| f.zombie.zombie),
        zombie_evidence: flags.map(|f| f.zombie.evidence.clone()).unwrap_or_default(),
        high_energy_emission: flags.and_then(|f| f.high_energy_emission),
        fragmented_pieces: flags.map_or(0, |f| f.fragmented_pieces),
        history: id.map_or(Vec::new(), |id| eval.history.of(id).to_vec()),
        class_prev: id.and_then(|id| eval.history.class_prev(id, eval.year)),
        d_streak: row.int("d_streak"),
        stability: eval.stability.by_row.get(i).copied().flatten(),
        alerts: eval.alerts.by_row.get(i).cloned().unwrap_or_default(),
        alert_month: eval.alerts.month,
        problems: issues.iter().filter(|p| p.key == code).cloned().collect(),
        group,
    })
}

/// The code's figures year by year as the evaluation joined them (SPEC §2: enterprise
/// figures, tax and energy summed per year).
fn year_lines(eval: &Evaluation, code: &str) -> Vec<YearLine> {
    let years = eval.yearly.clone().lazy().filter(col("code").eq(lit(code))).collect().unwrap_or_default();
    (0..years.height())
        .filter_map(|i| {
            let row = Row { frame: &years, i };
            Some(YearLine {
                year: row.int("year")? as i32,
                has_row: row.flag("has_row"),
                revenue: row.f64("revenue"),
                value_added: row.f64("value_added"),
                profit: row.f64("profit"),
                employees: row.f64("employees"),
                rd_expense: row.f64("rd_expense"),
                tax: row.f64("tax"),
                tax_rows: row.f64("tax_rows"),
                electricity_kwh: row.f64("electricity_kwh"),
                energy_tce: row.f64("energy_tce"),
                emissions: row.f64("emissions"),
            })
        })
        .collect()
}

fn parcels(eval: &Evaluation, code: &str) -> Vec<ParcelLine> {
    eval.parcels
        .rows()
        .filter(|p| p.feature.user == code)
        .map(|p| ParcelLine {
            parcel_id: p.feature.parcel_id.to_string(),
            area_mu: p.land.area_mu,
            land_use: p.feature.land_use.as_ref().map(ToString::to_string),
            reasons: p.reclaim.reasons_text(),
            block_id: p.reclaim.block_id,
            plot_ratio: p.intensity.plot_ratio,
            coverage: p.intensity.coverage,
            min_plot_ratio: p.low_efficiency.min_plot_ratio,
            low_efficiency: p.low_efficiency.tests.clone(),
        })
        .collect()
}

/// The code's 标准地 commitments (the committed enterprise is the row's, else the parcel's user).
fn commitments(eval: &Evaluation, code: &str) -> Vec<CommitmentLine> {
    let Some(reviews) = &eval.commitments else { return Vec::new() };
    reviews
        .reviews
        .iter()
        .filter(|r| r.code.as_deref() == Some(code))
        .map(|r| CommitmentLine {
            parcel_id: r.parcel_id.clone(),
            review_year: r.review_year,
            review_status: r.status,
            indicators: COMMITTED
                .iter()
                .zip(&r.indicators)
                .filter(|(_, i)| i.committed.is_some())
                .map(|(k, i)| CommittedLine { indicator: k, committed: i.committed, actual: i.actual, ratio: i.ratio })
                .collect(),
            penalty_total: r.damages.map(|d| d.total),
            idle_years: r.idle_years,
            idle_fee: r.idle_fee,
            due_next_year: r.due_next_year,
        })
        .collect()
}

fn leases(eval: &Evaluation, code: &str) -> Vec<LeaseLine> {
    let owned: Vec<&str> =
        eval.parcels.rows().filter(|p| p.feature.user == code).filter_map(|p| p.feature.input_id.as_deref()).collect();
    eval.leases
        .iter()
        .filter(|l| l.lessee == code || owned.contains(&l.parcel_id.as_str()))
        .map(|l| {
            let (area_mu, why) = match &l.area_mu {
                Ok(a) => (*a, None),
                Err(why) => (None, Some(why)),
            };
            LeaseLine {
                row: l.row,
                parcel_id: l.parcel_id.clone(),
                lessee: l.lessee.clone(),
                area_mu,
                unusable: why.map(|w| w.en.clone()),
                unusable_zh: why.map(|w: &Message| w.zh_or_en().to_string()),
            }
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

fn class_reason(config: &Config, row: &Row<'_>, group: Option<Group>, status: Option<Status>) -> ClassReason {
    let (Some(group), Some(Status::Rated)) = (group, status) else { return ClassReason::NotRated { status } };
    let (rank, n) = (row.int("rank").unwrap_or(0), row.int("rated_in_group").unwrap_or(0));
    let (veto, zombie) = (row.flag("veto"), row.flag("zombie"));
    if forced_d(veto, zombie, config) {
        return if veto { ClassReason::Veto { rank, n } } else { ClassReason::Zombie { rank, n } };
    }
    let classes = &config.groups.scheme(group).classes;
    match classes.mode {
        ClassMode::Share => {
            let band = |class, share| Band { class, share, last_rank: ranks_within(n, share) };
            ClassReason::Share {
                rank,
                n,
                bands: [band(Class::A, classes.a), band(Class::B, classes.b), band(Class::C, classes.c)],
            }
        }
        ClassMode::Score => ClassReason::Score {
            cut_offs: [classes.a, classes.b, classes.c],
            rounded_total: row.f64("total_score").map_or(f64::NAN, round6),
        },
    }
}
