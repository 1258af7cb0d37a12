//! Outputs (SPEC §10): the files of an output folder, each written to a temporary name and
//! renamed when complete, so a partial run never leaves a file that looks finished.

pub mod alerts;
pub mod blocks;
pub mod cells;
pub mod commitments;
pub mod counties;
pub mod enterprises;
pub mod geoparquet;
pub mod history;
pub mod lang;
pub mod low_efficiency;
pub mod manifest;
pub mod parcels;
pub mod projjson;
pub mod quality;
pub mod report;
pub mod report_data;
pub mod summary;
pub mod wkb;
pub mod workbook;
pub mod xlsx;

use crate::pipeline::Evaluation;
use crate::quality::{Issue, Ledger};
use crate::stopwatch::{Lap, Start};
pub use lang::Lang;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `dir/name` through a temporary file in the same folder.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    write_atomic_with(dir, name, |w| Ok(w.write_all(bytes)?)).map_err(std::io::Error::other)
}

/// Streams `dir/name` out through `write` into a temporary file in the same folder, renamed
/// when complete, so a large file is never held whole in memory.
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    let temp = dir.join(format!(".{name}.partial"));
    {
        let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&temp)?);
        write(&mut file)?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    std::fs::rename(&temp, &path)?;
    Ok(path)
}

/// What to write besides the SPEC's files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    pub lang: Lang,
    /// Also `enterprises.xlsx`.
    pub xlsx: bool,
    /// The format of the parcel and block outputs.
    pub format: GeoFormat,
}

/// The format of the parcel and block outputs (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeoFormat {
    /// `parcels.geojson` and `reclaim_blocks.geojson` (SPEC §10).
    #[default]
    Geojson,
    /// `parcels.parquet` and `reclaim_blocks.parquet` (GeoParquet 1.1) instead.
    Geoparquet,
}

impl GeoFormat {
    /// The parcel and block files of this format.
    fn files(self) -> [&'static str; 2] {
        match self {
            GeoFormat::Geojson => ["parcels.geojson", "reclaim_blocks.geojson"],
            GeoFormat::Geoparquet => ["parcels.parquet", "reclaim_blocks.parquet"],
        }
    }
}

/// The files of an output folder (SPEC §10, and §14–§17's) with GeoJSON parcels, in the order
/// they are listed; `commitments.csv` and `counties.csv` only when the evaluation has them
/// ([`Sources::has`]). `muchan serve` offers these and no other names.
pub const FILES: [&str; 13] = [
    "enterprises.csv",
    "enterprises.parquet",
    "parcels.geojson",
    "reclaim_blocks.geojson",
    "summary.json",
    "report.html",
    "history.csv",
    "alerts.csv",
    "counties.csv",
    "commitments.csv",
    "low_efficiency.csv",
    "data_quality.csv",
    "manifest.json",
];

/// What the output files of an evaluation are written from: the evaluation, its data problems
/// (sorted), its enterprise table, what the parcel outputs say of each user and the language of
/// the files.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub eval: &'a Evaluation,
    pub issues: &'a [Issue],
    pub table: &'a enterprises::EnterpriseTable,
    pub users: &'a parcels::Users<'a>,
    pub lang: Lang,
}

/// Whether `eval` has the output file `name` (of [`FILES`] or the GeoParquet pair).
pub fn has_file(eval: &Evaluation, name: &str) -> bool {
    match name {
        "counties.csv" => eval.rating.partitioned,
        "commitments.csv" => eval.commitments.is_some(),
        "parcels.parquet" | "reclaim_blocks.parquet" => true,
        _ => FILES.contains(&name),
    }
}

impl Sources<'_> {
    /// Whether the evaluation has the output file `name` ([`has_file`]).
    pub fn has(&self, name: &str) -> bool {
        has_file(self.eval, name)
    }

    /// Writes the output file `name` to `w` (the manifest with the timings `laps`); an error
    /// for a file the evaluation does not have.
    pub fn write(&self, name: &str, laps: &[Lap], w: &mut dyn Write) -> anyhow::Result<()> {
        let Sources { eval, issues, table, users, lang } = *self;
        match name {
            _ if !self.has(name) => anyhow::bail!("this evaluation has no output file {name}"),
            "enterprises.csv" => table.write_csv(lang, w)?,
            "enterprises.parquet" => table.write_parquet(w)?,
            "parcels.geojson" => parcels::parcels_geojson(eval, users, w)?,
            "reclaim_blocks.geojson" => blocks::blocks_geojson(eval, users, w)?,
            "parcels.parquet" => geoparquet::parcels_geoparquet(eval, users, w)?,
            "reclaim_blocks.parquet" => geoparquet::blocks_geoparquet(eval, users, w)?,
            "summary.json" => w.write_all(&summary::summary_json(eval)?)?,
            "report.html" => report::write_report_html(&report_data::report_data(eval, users, issues, lang)?, w)?,
            "history.csv" => history::history_csv(eval, lang, w)?,
            "alerts.csv" => alerts::alerts_csv(eval, lang, w)?,
            "counties.csv" => counties::counties_csv(eval, lang, w)?,
            "commitments.csv" => {
                if let Some(reviews) = &eval.commitments {
                    commitments::write_csv(reviews, issues, lang, w)?;
                }
            }
            "low_efficiency.csv" => low_efficiency::low_efficiency_csv(eval, users, lang, w)?,
            "data_quality.csv" => w.write_all(&quality::data_quality_csv(issues, lang)?)?,
            _ => w.write_all(&manifest::manifest_json(eval, laps)?)?,
        }
        Ok(())
    }

    /// The output file `name` in memory.
    pub fn bytes(&self, name: &str, laps: &[Lap]) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write(name, laps, &mut out)?;
        Ok(out)
    }

    /// Writes the output files `names` that the evaluation has into `out`, each through a
    /// temporary file.
    fn write_into(&self, out: &Path, names: &[&str]) -> anyhow::Result<()> {
        for &name in names.iter().filter(|n| self.has(n)) {
            write_atomic_with(out, name, |w| self.write(name, &[], w))?;
        }
        Ok(())
    }
}

/// One output file (or a few written together), writing its laps as it goes.
type Task<'a> = Box<dyn FnOnce(&mut Vec<Lap>) -> anyhow::Result<()> + Send + 'a>;

/// Runs `work` and adds its lap.
fn timed(laps: &mut Vec<Lap>, stage: &str, work: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let start = Start::now();
    work()?;
    laps.push(Lap::since(stage, start));
    Ok(())
}

/// The columns of the yearly figures that the outputs read: each row's code, year and
/// whether it has an enterprises row, and the figures compared with the year before.
fn yearly_columns_written() -> impl Iterator<Item = &'static str> {
    ["code_id", "year", "has_row"].into_iter().chain(summary::YOY_FIGURES)
}

/// Writes every output of an evaluation into `out`, the files side by side and the manifest
/// last (with the timings of the pipeline and of the writing). The yearly figures' columns
/// that no output reads are let go first: a nation's names, parks and figures of every year
/// take gigabytes that the writers need.
pub fn write_all(eval: &mut Evaluation, ledger: &Ledger, out: &Path, extras: Extras) -> anyhow::Result<Vec<Lap>> {
    eval.yearly = eval.yearly.select(yearly_columns_written())?;
    let eval = &*eval;
    let lang = extras.lang;
    std::fs::create_dir_all(out)?;
    let mut laps = eval.timings.clone();
    let mut built = None;
    timed(&mut laps, "output tables", || {
        let issues = ledger.sorted();
        let table = enterprises::EnterpriseTable::build(eval, &issues)?;
        built = Some((issues, table, parcels::users(eval)?));
        Ok(())
    })?;
    let (issues, table, users) = built.ok_or_else(|| anyhow::anyhow!("the enterprise table was not built"))?;
    let sources = Sources { eval, issues: &issues, table: &table, users: &users, lang };
    let (issues, table) = (&issues, &table);
    let files = move |laps: &mut Vec<Lap>, stage: &'static str, names: &'static [&'static str]| -> anyhow::Result<()> {
        if !names.iter().any(|n| sources.has(n)) {
            return Ok(());
        }
        timed(laps, stage, || sources.write_into(out, names))
    };
    let tasks: Vec<Task> = vec![
        Box::new(move |laps| {
            timed(laps, "write enterprises", || {
                let (csv, parquet) = rayon::join(
                    || sources.write_into(out, &["enterprises.csv"]),
                    || sources.write_into(out, &["enterprises.parquet"]),
                );
                csv.and(parquet)
            })
        }),
        Box::new(move |laps| timed(laps, "write parcels", || sources.write_into(out, &extras.format.files()))),
        Box::new(|laps| {
            let mut summary = Vec::new();
            timed(laps, "write summary", || {
                summary = sources.bytes("summary.json", &[])?;
                write_atomic(out, "summary.json", &summary)?;
                Ok(())
            })?;
            if !extras.xlsx {
                return Ok(());
            }
            timed(laps, "write xlsx", || {
                let summary: serde_json::Value = serde_json::from_slice(&summary)?;
                write_atomic(out, "enterprises.xlsx", &workbook::enterprises_xlsx(table, &summary, issues, lang)?)?;
                Ok(())
            })
        }),
        Box::new(move |laps| files(laps, "write report", &["report.html"])),
        Box::new(move |laps| files(laps, "write history", &["history.csv", "alerts.csv", "counties.csv"])),
        Box::new(move |laps| files(laps, "write commitments", &["commitments.csv"])),
        Box::new(move |laps| files(laps, "write low_efficiency", &["low_efficiency.csv"])),
        Box::new(move |laps| files(laps, "write data_quality", &["data_quality.csv"])),
    ];
    let written: Vec<anyhow::Result<Vec<Lap>>> = tasks
        .into_par_iter()
        .map(|task| {
            let mut task_laps = Vec::new();
            task(&mut task_laps).map(|()| task_laps)
        })
        .collect();
    for task_laps in written {
        laps.extend(task_laps?);
    }
    write_atomic(out, "manifest.json", &sources.bytes("manifest.json", &laps)?)?;
    Ok(laps)
}
