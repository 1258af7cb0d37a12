//! The state behind `muchan serve`: the data read and measured once ([`Prepared`]), the
//! evaluation under the settings the server started with, and the latest one; re-rating under
//! a TOML text laid over the start settings, and the answers of the JSON API (SPEC §18). Knows
//! nothing of HTTP.

use crate::compare::compare;
use crate::config::Config;
use crate::domain::Class;
use crate::output::enterprises::EnterpriseTable;
use crate::output::parcels::users;
use crate::output::summary::headline;
use crate::output::{FILES, Lang, Sources, has_file, manifest, report, report_data};
use crate::pipeline::{self, Context, Evaluation, Prepared, RunError, Stopwatch};
use crate::quality::{Issue, Ledger};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What the request body is called in configuration messages.
const BODY: &str = "request body";

/// One evaluation with the data problems met on the way and its settings as TOML.
struct Settled {
    eval: Evaluation,
    issues: Vec<Issue>,
    config_toml: String,
}

impl Settled {
    fn new(eval: Evaluation, ledger: &Ledger) -> Result<Settled, ServeError> {
        let config_toml = toml::to_string(&eval.config).map_err(|e| ServeError::Internal(e.into()))?;
        Ok(Settled { eval, issues: ledger.sorted(), config_toml })
    }

    /// Class counts and the surcharge total.
    fn figures(&self) -> anyhow::Result<(BTreeMap<String, u64>, f64)> {
        Ok((manifest::counts(&self.eval.rating.frame, "class")?, headline(&self.eval)?.surcharge_yuan))
    }
}

/// `GET /api/summary`: the latest evaluation's year, class counts and surcharge total (yuan).
#[derive(Debug, Serialize)]
pub struct Summary {
    pub year: i32,
    pub counts: BTreeMap<String, u64>,
    pub surcharge_total: f64,
}

/// One enterprise whose class differs from the one it had under the start settings.
#[derive(Debug, Serialize)]
pub struct Mover {
    pub credit_code: String,
    pub name: Option<String>,
    pub from: Class,
    pub to: Class,
    pub total_from: Option<f64>,
    pub total_to: Option<f64>,
}

/// `POST /api/evaluate`: the class counts under the new settings, the transitions from the
/// start settings (`"A->B": n`, every pair with n > 0, the groups added up), the movers (by
/// credit code), the surcharge total and the settings in force as TOML.
#[derive(Debug, Serialize)]
pub struct Answer {
    pub counts: BTreeMap<String, u64>,
    pub transitions: BTreeMap<String, u64>,
    pub movers: Vec<Mover>,
    pub surcharge_total: f64,
    pub config_toml: String,
}

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The body is not a valid configuration (HTTP 400), or changes a key read at start.
    #[error("{0}")]
    Settings(String),
    /// The evaluation failed (HTTP 500).
    #[error("{0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<RunError> for ServeError {
    fn from(e: RunError) -> ServeError {
        ServeError::Internal(e.into())
    }
}

/// The settings [`pipeline::prepare`] reads that `config` changes from `start`: an
/// evaluation under other values of these would need the data read again, so a body that
/// changes one is refused.
fn changed_at_start(start: &Config, config: &Config) -> Vec<&'static str> {
    let (a, b) = (&start.evaluation, &config.evaluation);
    let alerts = |c: &Config| (c.alerts.months, c.alerts.month);
    [
        ("evaluation.year", a.year != b.year),
        ("evaluation.partition", a.partition != b.partition),
        ("land", start.land != config.land),
        ("spatial", start.spatial != config.spatial),
        ("custom_indicators", start.custom_indicators != config.custom_indicators),
        ("alerts.months, alerts.month", alerts(start) != alerts(config)),
    ]
    .into_iter()
    .filter_map(|(key, changed)| changed.then_some(key))
    .collect()
}

/// The data of one server, evaluated once at start and again on every request to.
pub struct Evaluator {
    prepared: Prepared,
    /// The data problems met while reading and measuring.
    ledger: Ledger,
    start: Arc<Settled>,
    latest: Mutex<Arc<Settled>>,
    lang: Lang,
}

impl Evaluator {
    /// Reads `data` and evaluates it under `config` (the start settings).
    pub fn start(data: &Path, config: Config, lang: Lang, progress: bool) -> Result<Evaluator, ServeError> {
        let ledger = Ledger::new();
        let mut watch = Stopwatch::with_progress(progress);
        let prepared = pipeline::prepare(data, &config, &ledger, &mut watch)?;
        let first = Ledger::clone(&ledger);
        let eval = pipeline::rerate(prepared.clone(), config, Context { ledger: &first, watch })?;
        let start = Arc::new(Settled::new(eval, &first)?);
        Ok(Evaluator { prepared, ledger, latest: Mutex::new(start.clone()), start, lang })
    }

    /// The latest evaluation (the start's until the first request to evaluate).
    fn latest(&self) -> Arc<Settled> {
        self.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The start settings as TOML.
    pub fn start_toml(&self) -> &str {
        &self.start.config_toml
    }

    /// The language of the page and the output files.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// `GET /api/summary`.
    pub fn summary(&self) -> Result<Summary, ServeError> {
        let latest = self.latest();
        let (counts, surcharge_total) = latest.figures()?;
        Ok(Summary { year: latest.eval.year, counts, surcharge_total })
    }

    /// `POST /api/evaluate`: re-rates under `text` laid over the start settings, which then
    /// is the latest evaluation. Callers let one evaluation run at a time.
    pub fn evaluate(&self, text: &str) -> Result<Answer, ServeError> {
        let start = &self.start.eval.config;
        let config = Config::from_toml_over(text, BODY, start).map_err(|e| ServeError::Settings(e.to_string()))?;
        let changed = changed_at_start(start, &config);
        if !changed.is_empty() {
            let keys: Vec<String> = changed.iter().map(|k| format!("`{k}`")).collect();
            return Err(ServeError::Settings(format!(
                "configuration {BODY}: {} {} read with the data at start and cannot change here; restart muchan \
                 serve with --config to change {}",
                keys.join(", "),
                if changed.len() == 1 { "is" } else { "are" },
                if changed.len() == 1 { "it" } else { "them" }
            )));
        }
        let ledger = Ledger::clone(&self.ledger);
        let eval = pipeline::rerate(self.prepared.clone(), config, Context::new(&ledger))?;
        let settled = Arc::new(Settled::new(eval, &ledger)?);
        let answer = self.answer(&settled)?;
        *self.latest.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = settled;
        Ok(answer)
    }

    fn answer(&self, now: &Settled) -> anyhow::Result<Answer> {
        let comparison = compare(&self.start.eval, &now.eval)?;
        let mut transitions = BTreeMap::new();
        for (from, row) in comparison.transitions.values().flatten() {
            for (to, n) in row {
                *transitions.entry(format!("{from}->{to}")).or_insert(0) += n;
            }
        }
        let movers = comparison
            .movers
            .into_iter()
            .map(|m| Mover {
                credit_code: m.credit_code,
                name: m.name,
                from: m.class_before,
                to: m.class_after,
                total_from: m.total_before,
                total_to: m.total_after,
            })
            .collect();
        let (counts, surcharge_total) = now.figures()?;
        Ok(Answer { counts, transitions, movers, surcharge_total, config_toml: now.config_toml.clone() })
    }

    /// The names of [`FILES`] the latest evaluation has.
    pub fn output_names(&self) -> Vec<&'static str> {
        let latest = self.latest();
        FILES.into_iter().filter(|name| has_file(&latest.eval, name)).collect()
    }

    /// `GET /api/outputs/<name>`: the output file of the latest evaluation, made in memory;
    /// `None` for a name not in [`FILES`] or a file the evaluation does not have.
    pub fn output(&self, name: &str) -> Option<Result<Vec<u8>, ServeError>> {
        let latest = self.latest();
        let name = FILES.into_iter().find(|f| *f == name).filter(|f| has_file(&latest.eval, f))?;
        let bytes = || -> anyhow::Result<Vec<u8>> {
            let (eval, issues) = (&latest.eval, &latest.issues[..]);
            let (table, users) = (EnterpriseTable::build(eval, issues)?, users(eval)?);
            let sources = Sources { eval, issues, table: &table, users: &users, lang: self.lang };
            sources.bytes(name, &latest.eval.timings)
        };
        Some(bytes().map_err(ServeError::Internal))
    }

    /// report.html of the start settings (the page the settings panel goes into).
    pub fn start_report(&self) -> Result<String, ServeError> {
        let eval = &self.start.eval;
        let data = users(eval)
            .and_then(|users| report_data::report_data(eval, &users, &self.start.issues, self.lang))
            .map_err(anyhow::Error::from)?;
        Ok(report::report_html(&data))
    }
}
