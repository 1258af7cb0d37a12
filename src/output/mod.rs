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
use crate::quality::Ledger;
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

type Writer = fn(&Evaluation, &mut dyn Write) -> anyhow::Result<()>;

impl GeoFormat {
    /// The parcel and block files of this format, each with its writer.
    fn files(self) -> [(&'static str, Writer); 2] {
        match self {
            GeoFormat::Geojson => {
                [("parcels.geojson", parcels::parcels_geojson), ("reclaim_blocks.geojson", blocks::blocks_geojson)]
            }
            GeoFormat::Geoparquet => [
                ("parcels.parquet", geoparquet::parcels_geoparquet),
                ("reclaim_blocks.parquet", geoparquet::blocks_geoparquet),
            ],
        }
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

/// Writes every output of an evaluation into `out`, the files side by side and the manifest
/// last (with the timings of the pipeline and of the writing).
pub fn write_all(eval: &Evaluation, ledger: &Ledger, out: &Path, extras: Extras) -> anyhow::Result<Vec<Lap>> {
    let lang = extras.lang;
    std::fs::create_dir_all(out)?;
    let mut laps = eval.timings.clone();
    let mut built = None;
    timed(&mut laps, "output tables", || {
        let issues = ledger.sorted();
        let table = enterprises::EnterpriseTable::build(eval, &issues)?;
        built = Some((issues, table));
        Ok(())
    })?;
    let (issues, table) = built.ok_or_else(|| anyhow::anyhow!("the enterprise table was not built"))?;
    let (issues, table) = (&issues, &table);
    let tasks: Vec<Task> = vec![
        Box::new(|laps| {
            timed(laps, "write enterprises", || {
                write_atomic_with(out, "enterprises.csv", |w| table.write_csv(lang, w))?;
                write_atomic(out, "enterprises.parquet", &table.to_parquet()?)?;
                Ok(())
            })
        }),
        Box::new(|laps| {
            timed(laps, "write parcels", || {
                for (name, write) in extras.format.files() {
                    write_atomic_with(out, name, |w| write(eval, w))?;
                }
                Ok(())
            })
        }),
        Box::new(|laps| {
            let mut summary = Vec::new();
            timed(laps, "write summary", || {
                summary = summary::summary_json(eval)?;
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
        Box::new(|laps| {
            timed(laps, "write report", || {
                let data = report_data::report_data(eval, issues, lang)?;
                write_atomic(out, "report.html", report::report_html(&data).as_bytes())?;
                Ok(())
            })
        }),
        Box::new(|laps| {
            timed(laps, "write history", || {
                write_atomic_with(out, "history.csv", |w| history::history_csv(eval, lang, w))?;
                write_atomic_with(out, "alerts.csv", |w| alerts::alerts_csv(eval, lang, w))?;
                if eval.rating.partitioned {
                    write_atomic_with(out, "counties.csv", |w| counties::counties_csv(eval, lang, w))?;
                }
                Ok(())
            })
        }),
        Box::new(|laps| {
            let Some(reviews) = &eval.commitments else { return Ok(()) };
            timed(laps, "write commitments", || {
                write_atomic_with(out, "commitments.csv", |w| commitments::write_csv(reviews, issues, lang, w))?;
                Ok(())
            })
        }),
        Box::new(|laps| {
            timed(laps, "write low_efficiency", || {
                write_atomic_with(out, "low_efficiency.csv", |w| low_efficiency::low_efficiency_csv(eval, lang, w))?;
                Ok(())
            })
        }),
        Box::new(|laps| {
            timed(laps, "write data_quality", || {
                write_atomic(out, "data_quality.csv", &quality::data_quality_csv(issues, lang)?)?;
                Ok(())
            })
        }),
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
    write_atomic(out, "manifest.json", &manifest::manifest_json(eval, &laps)?)?;
    Ok(laps)
}
