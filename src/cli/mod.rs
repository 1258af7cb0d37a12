//! The command line (SPEC §12): one file per subcommand; this file holds the groups of flags
//! they share (each subcommand flattens only the groups it uses, so its `--help` lists only its
//! own flags) and turns errors into exit codes (2 for a run that cannot start or finish).

mod compare;
mod explain;
mod generate;
mod run;
mod serve;
mod validate;

use clap::{Args, Parser, Subcommand, ValueEnum};
use muchan::config::Config;
use muchan::output::{GeoFormat, Lang};
use muchan::pipeline::RunError;
use muchan::quality::{Ledger, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "muchan",
    version,
    about = "Land-efficiency (亩产论英雄) evaluation: output per mu, classes A–D, zombie flags, scattered plots and reclaimable land"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a data folder (no arguments: the bundled sample county in data/).
    ///
    /// Example: muchan run --data county/ --out results/ --year 2024
    Run(RunArgs),
    /// Check the inputs only: writes data_quality.csv and prints join rates per table;
    /// exits 1 when any error-severity problem exists.
    ///
    /// Example: muchan validate --data county/
    Validate(ValidateArgs),
    /// Show how one enterprise's class came about: rows, land, each indicator, rank, flags.
    ///
    /// Example: muchan explain 914403001922038216 --data county/
    Explain(explain::ExplainArgs),
    /// Compare two settings on the same data: class transitions, movers, surcharge totals.
    ///
    /// Example: muchan compare muchan.toml tax40.toml --data county/ --out cmp/
    Compare(compare::CompareArgs),
    /// Serve what-if settings in the browser: the report with a settings panel and a JSON API,
    /// on 127.0.0.1 (another address only with --listen).
    ///
    /// Example: muchan serve --data county/ --port 8080, then open http://127.0.0.1:8080/
    Serve(serve::ServeArgs),
    /// Write a synthetic county, province or nation for demos and benchmarks.
    ///
    /// Example: muchan generate --scale province --seed 7 --out province/
    Generate(generate::GenerateArgs),
}

/// The data folder (`--data`), which every evaluating subcommand reads.
#[derive(Debug, Args, Clone)]
pub struct Data {
    /// The data folder (enterprises, tax, energy, leases, adjustments, parcels).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// What is evaluated: the data folder, the configuration and the year.
#[derive(Debug, Args, Clone)]
pub struct Setting {
    #[command(flatten)]
    pub data: Data,
    /// The configuration file (default: muchan.toml in the data folder, else built-in defaults).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The evaluation year (default: the latest year in enterprises).
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,
    /// The early warning's latest month M, 1–12 (default: the last month with energy rows in
    /// the evaluation year); for a run in the middle of the year on data up to M.
    #[arg(long, value_name = "M", value_parser = clap::value_parser!(u32).range(1..=12))]
    pub month: Option<u32>,
}

/// Where files go and how they and the terminal speak: `--out`, `--quiet`, `--lang`.
#[derive(Debug, Args, Clone)]
pub struct Written {
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Print nothing but errors (no progress either).
    #[arg(long)]
    pub quiet: bool,
    /// Language of the files and messages meant for people (en or zh).
    #[arg(long, value_enum, default_value = "en")]
    pub lang: LangArg,
}

/// `muchan run`: every flag of an evaluation.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub setting: Setting,
    #[command(flatten)]
    pub written: Written,
    /// Also write enterprises.xlsx (results, summary and data problems sheets).
    #[arg(long)]
    pub xlsx: bool,
    /// Format of the parcel and block outputs: GeoJSON (parcels.geojson, reclaim_blocks.geojson)
    /// or GeoParquet 1.1 (parcels.parquet, reclaim_blocks.parquet, instead of the GeoJSON).
    #[arg(long, value_enum, default_value = "geojson")]
    pub format: FormatArg,
    /// Print each stage's time on stderr.
    #[arg(long)]
    pub timings: bool,
}

/// `muchan validate`: the evaluation's inputs and where data_quality.csv goes.
#[derive(Debug, Args, Clone)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub setting: Setting,
    #[command(flatten)]
    pub written: Written,
}

/// `--lang`: the library's [`Lang`], as the command line names it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Zh,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

/// `--format`: the library's [`GeoFormat`], as the command line names it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// `parcels.geojson` and `reclaim_blocks.geojson` (SPEC §10).
    Geojson,
    /// `parcels.parquet` and `reclaim_blocks.parquet` (GeoParquet 1.1) instead.
    Geoparquet,
}

impl From<FormatArg> for GeoFormat {
    fn from(arg: FormatArg) -> GeoFormat {
        match arg {
            FormatArg::Geojson => GeoFormat::Geojson,
            FormatArg::Geoparquet => GeoFormat::Geoparquet,
        }
    }
}

impl Data {
    /// The data folder: `--data`, else `data/` here, else the sample bundled with the crate.
    pub fn dir(&self) -> PathBuf {
        if let Some(d) = &self.data {
            return d.clone();
        }
        let here = PathBuf::from("data");
        if here.join("enterprises.csv").is_file() { here } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("data") }
    }
}

/// `year` (when given) set as the configuration's evaluation year.
pub fn with_year(mut config: Config, year: Option<i32>) -> Config {
    if year.is_some() {
        config.evaluation.year = year;
    }
    config
}

impl Setting {
    /// The configuration in force: `--config`, else `muchan.toml` in the data folder, else
    /// the defaults; `--year` overrides `evaluation.year`, `--month` `alerts.month`.
    pub fn config(&self) -> Result<Config, RunError> {
        let in_data = self.data.dir().join("muchan.toml");
        let config = match (&self.config, in_data.is_file()) {
            (Some(path), _) => Config::load(path)?,
            (None, true) => Config::load(&in_data)?,
            (None, false) => Config::default(),
        };
        let mut config = with_year(config, self.year);
        if self.month.is_some() {
            config.alerts.month = self.month;
        }
        Ok(config)
    }
}

/// The ledger's counts per severity, as the terminal says them.
pub fn problem_counts(ledger: &Ledger, lang: Lang) -> String {
    let [errors, warnings, notices] = Severity::ALL.map(|s| ledger.count(s));
    match lang {
        Lang::En => format!("{errors} errors, {warnings} warnings, {notices} notices"),
        Lang::Zh => format!("错误 {errors} 条，警告 {warnings} 条，提示 {notices} 条"),
    }
}

/// Runs a parsed command line; the process exit code.
pub fn main(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Generate(args) => generate::generate(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("muchan: {e:#}");
            ExitCode::from(2)
        }
    }
}
