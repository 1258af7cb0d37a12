//! Input: the data folder's tables and parcel file, found by name and read into typed rows
//! (SPEC §2, §13). Fatal problems are [`InputError`]s; everything else goes to the ledger.

pub mod cadastre_txt;
pub mod cells;
pub mod crs;
mod csv_pieces;
pub mod discovery;
pub mod energy;
mod error;
pub mod feature_split;
pub mod geojson_layer;
pub mod gpkg;
pub mod header_block;
pub mod headers;
pub mod parcels;
pub mod parquet;
pub mod shp;
pub mod source;
pub mod tables;
pub mod text;
pub mod units;
pub mod xlsx;

use crate::quality::Ledger;
use crate::stopwatch::Stopwatch;
pub use discovery::{Folder, Table};
use energy::EnergyTotals;
pub use error::InputError;
use headers::ColumnSpec;
use parcels::ParcelFile;
use sha2::{Digest, Sha256};
use source::{RawTable, read_table};
use std::path::{Path, PathBuf};
use tables::{AdjustmentRow, Commitments, Enterprises, LeaseRow, TaxRow};

/// One input file as the manifest lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputFile {
    pub table: String,
    pub path: PathBuf,
    pub sha256: String,
    pub rows: usize,
    /// Columns given in a unit other than the SPEC's, and converted: (column, unit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub converted: Vec<(String, String)>,
    /// The text encoding of a Shapefile's .dbf, and where it was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// The SHA-256 of a file, read in pieces so that a large file is not held twice.
pub(crate) fn sha256_of(path: &Path) -> Result<String, InputError> {
    let unreadable = |e: std::io::Error| InputError::new(path, format!("cannot read the file: {e}"));
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path).map_err(unreadable)?, &mut hasher).map_err(unreadable)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn file_entry(table: Table, raw: &RawTable) -> Result<InputFile, InputError> {
    Ok(InputFile {
        table: table.name().into(),
        path: raw.path.clone(),
        sha256: sha256_of(&raw.path)?,
        rows: raw.len(),
        converted: raw.converted_columns(),
        encoding: None,
    })
}

/// The schema of a table read as rows.
fn schema(table: Table) -> &'static [ColumnSpec] {
    match table {
        Table::Enterprises => headers::ENTERPRISES,
        Table::Tax => headers::TAX,
        Table::Energy => headers::ENERGY,
        Table::Leases => headers::LEASES,
        Table::Adjustments => headers::ADJUSTMENTS,
        Table::ParcelLedger => headers::PARCEL_LEDGER,
        Table::Commitments => headers::COMMITMENTS,
        Table::Parcels | Table::Buildings => &[],
    }
}

/// Reads a table's file with its header block found; `None` when the folder has none.
fn optional_table(folder: &Folder, table: Table, ledger: &Ledger) -> Result<Option<RawTable>, InputError> {
    let Some(path) = folder.find(table)? else { return Ok(None) };
    Ok(Some(read_table(&path)?.with_header_block(table.name(), schema(table), ledger)?))
}

fn required_table(folder: &Folder, table: Table, ledger: &Ledger) -> Result<RawTable, InputError> {
    folder.require(table)?;
    optional_table(folder, table, ledger)?.ok_or_else(|| InputError::new(&folder.dir, "the table vanished"))
}

/// Reads and types a table (empty when the folder has none and it is optional), timed.
fn typed_table<T: Default + Send>(
    folder: &Folder,
    table: Table,
    files: &mut Vec<InputFile>,
    ledger: &Ledger,
    watch: &mut Stopwatch,
    typed: impl FnOnce(&RawTable) -> Result<T, InputError> + Send,
) -> Result<T, InputError> {
    watch.time(&format!("read {}", table.name()), || {
        let raw = if table.required() {
            Some(required_table(folder, table, ledger)?)
        } else {
            optional_table(folder, table, ledger)?
        };
        let Some(raw) = raw else { return Ok(T::default()) };
        let (entry, rows) = rayon::join(|| file_entry(table, &raw), || typed(&raw));
        files.push(entry?);
        rows
    })
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
    /// The 标准地 commitments (SPEC §14), in file order; empty without the table.
    pub commitments: Commitments,
    pub files: Vec<InputFile>,
}

/// Reads the tables of a data folder (each read timed). `configured_year` is
/// `evaluation.year`; rows without a year belong to the evaluation year. `alert_window` is
/// `alerts.months`: the months of electricity the early warning compares (see
/// [`energy::KeptMonths`]).
pub fn read_tables(
    folder: &Folder,
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
                let raw = required_table(folder, Table::Enterprises, ledger)?;
                let (entry, rows) =
                    rayon::join(|| file_entry(Table::Enterprises, &raw), || tables::read_enterprises(&raw, ledger));
                Ok((entry?, rows?))
            })
        },
        |watch| watch.time("cut energy", || optional_table(folder, Table::Energy, ledger)),
    );
    let (entry, enterprises) = enterprises?;
    files.push(entry);
    check_configured_year(&enterprises, configured_year, &folder.dir)?;
    let tax = typed_table(folder, Table::Tax, &mut files, ledger, watch, |r| tables::read_tax(r, ledger))?;
    let leases = typed_table(folder, Table::Leases, &mut files, ledger, watch, |r| tables::read_leases(r, ledger))?;
    let adjustments =
        typed_table(folder, Table::Adjustments, &mut files, ledger, watch, |r| tables::read_adjustments(r, ledger))?;
    let commitments =
        typed_table(folder, Table::Commitments, &mut files, ledger, watch, |r| tables::read_commitments(r, ledger))?;
    let (year, energy) = watch.time("read energy", || -> Result<_, InputError> {
        let raw = energy_raw?;
        let year = match configured_year.or_else(|| enterprises.rows.iter().filter_map(|r| r.year).max()) {
            Some(year) => Some(year),
            None => latest_year_elsewhere(&tax, &leases, &adjustments, raw.as_ref())?,
        }
        .ok_or_else(|| {
            InputError::new(
                &folder.dir,
                "no table carries a year and none is set: pass --year (or set evaluation.year)",
            )
        })?;
        let Some(raw) = raw else { return Ok((year, EnergyTotals::default())) };
        let kept = energy::KeptMonths::for_year(year, alert_window);
        let (entry, totals) =
            rayon::join(|| file_entry(Table::Energy, &raw), || tables::read_energy(&raw, year, kept, ledger));
        files.push(entry?);
        Ok((year, totals?))
    })?;
    Ok(Tables { year, enterprises, tax, energy, leases, adjustments, commitments, files })
}

/// A year set by `--year` or `evaluation.year` that no enterprises row carries stops the run,
/// listing the years present (a table without a year column belongs to any year).
fn check_configured_year(enterprises: &Enterprises, configured: Option<i32>, dir: &Path) -> Result<(), InputError> {
    let Some(year) = configured.filter(|_| enterprises.has_year) else { return Ok(()) };
    let mut years: Vec<i32> = enterprises.rows.iter().filter_map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    if years.contains(&year) {
        return Ok(());
    }
    let present: Vec<String> = years.iter().map(i32::to_string).collect();
    Err(InputError::new(
        dir,
        format!("no enterprises row is of {year}, the evaluation year asked for; the table has {}", present.join(", ")),
    ))
}

/// The parcel file, read, with the parcel ledger applied, and their manifest entries.
pub fn read_parcel_file(
    folder: &Folder,
    land: &crate::config::Land,
    ledger: &Ledger,
) -> Result<(ParcelFile, Vec<InputFile>), InputError> {
    let path = folder.require(Table::Parcels)?;
    let (parcels, sha256) = rayon::join(|| parcels::read_parcels(&path, land, ledger), || sha256_of(&path));
    let mut parcels = parcels?;
    let entry = InputFile {
        table: Table::Parcels.name().into(),
        path: path.clone(),
        sha256: sha256?,
        rows: parcels.features.len(),
        converted: Vec::new(),
        encoding: parcels.encoding.clone(),
    };
    let mut entries = vec![entry];
    if let Some(raw) = optional_table(folder, Table::ParcelLedger, ledger)? {
        let rows = tables::read_parcel_ledger(&raw, ledger)?;
        parcels::apply_ledger(&mut parcels.features, rows, ledger);
        entries.push(file_entry(Table::ParcelLedger, &raw)?);
    }
    Ok((parcels, entries))
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
