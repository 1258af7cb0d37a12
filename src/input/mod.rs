//! Input: the data folder's tables and parcel file, found by name and read into typed rows
//! (SPEC §2). Fatal problems are [`InputError`]s; everything else goes to the ledger.

pub mod cells;
pub mod crs;
mod csv_pieces;
mod discovery;
pub mod energy;
mod error;
pub mod headers;
pub mod parcels;
pub mod parquet;
pub mod source;
pub mod tables;
pub mod text;
pub mod xlsx;

use crate::quality::Ledger;
use crate::stopwatch::Stopwatch;
use discovery::{PARCEL_EXTENSIONS, TABLE_EXTENSIONS, find_file};
use energy::EnergyTotals;
pub use error::InputError;
use parcels::ParcelFile;
use sha2::{Digest, Sha256};
use source::{RawTable, read_table};
use std::path::{Path, PathBuf};
use tables::{AdjustmentRow, Enterprises, LeaseRow, TaxRow};

/// One input file as the manifest lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputFile {
    pub table: String,
    pub path: PathBuf,
    pub sha256: String,
    pub rows: usize,
}

/// The SHA-256 of a file, read in pieces so that a large file is not held twice.
fn sha256_of(path: &Path) -> Result<String, InputError> {
    let unreadable = |e: std::io::Error| InputError::new(path, format!("cannot read the file: {e}"));
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path).map_err(unreadable)?, &mut hasher).map_err(unreadable)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn file_entry(table: &str, path: &Path, rows: usize) -> Result<InputFile, InputError> {
    Ok(InputFile { table: table.into(), path: path.to_path_buf(), sha256: sha256_of(path)?, rows })
}

/// Reads an optional table: `None` when the folder has no file for it.
fn optional_table(dir: &Path, name: &str) -> Result<Option<RawTable>, InputError> {
    find_file(dir, name, TABLE_EXTENSIONS)?.map(|p| read_table(&p)).transpose()
}

fn required_table(dir: &Path, name: &str) -> Result<RawTable, InputError> {
    optional_table(dir, name)?.ok_or_else(|| {
        InputError::new(
            dir,
            format!("the required table `{name}` is missing (expected {name}.csv, {name}.xlsx or {name}.parquet)"),
        )
    })
}

/// Reads and types an optional table (empty when the folder has none), timed.
fn optional<T: Default + Send>(
    name: &str,
    dir: &Path,
    files: &mut Vec<InputFile>,
    watch: &mut Stopwatch,
    typed: impl FnOnce(&RawTable) -> Result<T, InputError> + Send,
) -> Result<T, InputError> {
    watch.time(&format!("read {name}"), || match optional_table(dir, name)? {
        None => Ok(T::default()),
        Some(raw) => {
            let (entry, rows) = rayon::join(|| file_entry(name, &raw.path, raw.len()), || typed(&raw));
            files.push(entry?);
            rows
        }
    })
}

/// The data folder, which must exist.
pub fn data_folder(dir: &Path) -> Result<&Path, InputError> {
    if dir.is_dir() { Ok(dir) } else { Err(InputError::new(dir, "the data folder does not exist")) }
}

/// The tables of a data folder, and their files.
pub struct Tables {
    /// The evaluation year: `evaluation.year`, else the latest year in enterprises, else in
    /// any table.
    pub year: i32,
    pub enterprises: Enterprises,
    pub tax: Vec<TaxRow>,
    pub energy: EnergyTotals,
    pub leases: Vec<LeaseRow>,
    pub adjustments: Vec<AdjustmentRow>,
    pub files: Vec<InputFile>,
}

/// Reads the tables of a data folder (each read timed). `configured_year` is
/// `evaluation.year`; rows without a year belong to the evaluation year. `alert_window` is
/// `alerts.months`: the months of electricity the early warning compares (see
/// [`energy::KeptMonths`]).
pub fn read_tables(
    dir: &Path,
    configured_year: Option<i32>,
    alert_window: u32,
    ledger: &Ledger,
    watch: &mut Stopwatch,
) -> Result<Tables, InputError> {
    let mut files = Vec::new();
    // The energy file is cut into pieces while enterprises are read: typing it needs the year.
    let (enterprises, energy_raw) = watch.side_by_side(
        |watch| {
            watch.time("read enterprises", || -> Result<_, InputError> {
                let raw = required_table(dir, "enterprises")?;
                let (entry, rows) = rayon::join(
                    || file_entry("enterprises", &raw.path, raw.len()),
                    || tables::read_enterprises(&raw, ledger),
                );
                Ok((entry?, rows?))
            })
        },
        |watch| watch.time("cut energy", || optional_table(dir, "energy")),
    );
    let (entry, enterprises) = enterprises?;
    files.push(entry);
    let tax = optional("tax", dir, &mut files, watch, |r| tables::read_tax(r, ledger))?;
    let leases = optional("leases", dir, &mut files, watch, |r| tables::read_leases(r, ledger))?;
    let adjustments = optional("adjustments", dir, &mut files, watch, |r| tables::read_adjustments(r, ledger))?;
    let (year, energy) = watch.time("read energy", || -> Result<_, InputError> {
        let raw = energy_raw?;
        let year = match configured_year.or_else(|| enterprises.rows.iter().filter_map(|r| r.year).max()) {
            Some(year) => Some(year),
            None => latest_year_elsewhere(&tax, &leases, &adjustments, raw.as_ref())?,
        }
        .ok_or_else(|| {
            InputError::new(dir, "no table carries a year and none is set: pass --year (or set evaluation.year)")
        })?;
        let Some(raw) = raw else { return Ok((year, EnergyTotals::default())) };
        let kept = energy::KeptMonths::for_year(year, alert_window);
        let (entry, totals) = rayon::join(
            || file_entry("energy", &raw.path, raw.len()),
            || tables::read_energy(&raw, year, kept, ledger),
        );
        files.push(entry?);
        Ok((year, totals?))
    })?;
    Ok(Tables { year, enterprises, tax, energy, leases, adjustments, files })
}

/// The parcel file, read, and its manifest entry.
pub fn read_parcel_file(
    dir: &Path,
    configured_crs: Option<&str>,
    ledger: &Ledger,
) -> Result<(ParcelFile, InputFile), InputError> {
    let path = find_file(dir, "parcels", PARCEL_EXTENSIONS)?
        .ok_or_else(|| InputError::new(dir, "the required parcel file `parcels.geojson` is missing"))?;
    let (parcels, sha256) = rayon::join(|| parcels::read_parcels(&path, configured_crs, ledger), || sha256_of(&path));
    let parcels = parcels?;
    let entry =
        InputFile { table: "parcels".into(), path: path.clone(), sha256: sha256?, rows: parcels.features.len() };
    Ok((parcels, entry))
}

/// The latest year of the tables other than enterprises.
fn latest_year_elsewhere(
    tax: &[TaxRow],
    leases: &[LeaseRow],
    adjustments: &[AdjustmentRow],
    energy: Option<&RawTable>,
) -> Result<Option<i32>, InputError> {
    let t = tax.iter().filter_map(|r| r.year);
    let l = leases.iter().filter_map(|r| r.year);
    let a = adjustments.iter().filter_map(|r| r.year);
    let energy_year = energy.map(|raw| tables::latest_year(raw, headers::ENERGY)).transpose()?.flatten();
    Ok(t.chain(l).chain(a).chain(energy_year).max())
}
