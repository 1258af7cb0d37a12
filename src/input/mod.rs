//! Input: the data folder's tables and parcel file, found by name and read into typed rows
//! (SPEC §2). Fatal problems are [`InputError`]s; everything else goes to the ledger.

pub mod cells;
pub mod crs;
pub mod headers;
pub mod parcels;
pub mod source;
pub mod tables;

use crate::quality::Ledger;
use parcels::ParcelFile;
use sha2::{Digest, Sha256};
pub use source::InputError;
use source::{PARCEL_EXTENSIONS, RawTable, TABLE_EXTENSIONS, find_file, read_table};
use std::path::{Path, PathBuf};
use tables::{AdjustmentRow, EnergyRow, Enterprises, LeaseRow, TaxRow};

/// One input file as the manifest lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputFile {
    pub table: String,
    pub path: PathBuf,
    pub sha256: String,
    pub rows: usize,
}

/// Everything read from a data folder.
pub struct Inputs {
    pub enterprises: Enterprises,
    pub tax: Vec<TaxRow>,
    pub energy: Vec<EnergyRow>,
    pub leases: Vec<LeaseRow>,
    pub adjustments: Vec<AdjustmentRow>,
    pub parcels: ParcelFile,
    pub files: Vec<InputFile>,
}

fn sha256_of(path: &Path) -> Result<String, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
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

/// Reads a data folder.
pub fn load(dir: &Path, configured_crs: Option<&str>, ledger: &Ledger) -> Result<Inputs, InputError> {
    if !dir.is_dir() {
        return Err(InputError::new(dir, "the data folder does not exist"));
    }
    let mut files = Vec::new();
    let raw = required_table(dir, "enterprises")?;
    files.push(file_entry("enterprises", &raw.path, raw.records.len())?);
    let enterprises = tables::read_enterprises(&raw, ledger)?;
    drop(raw);

    let mut read_optional = |name: &str| -> Result<Option<RawTable>, InputError> {
        let raw = optional_table(dir, name)?;
        if let Some(r) = &raw {
            files.push(file_entry(name, &r.path, r.records.len())?);
        }
        Ok(raw)
    };
    let tax = read_optional("tax")?.map(|r| tables::read_tax(&r, ledger)).transpose()?.unwrap_or_default();
    let energy = read_optional("energy")?.map(|r| tables::read_energy(&r, ledger)).transpose()?.unwrap_or_default();
    let leases = read_optional("leases")?.map(|r| tables::read_leases(&r, ledger)).transpose()?.unwrap_or_default();
    let adjustments =
        read_optional("adjustments")?.map(|r| tables::read_adjustments(&r, ledger)).transpose()?.unwrap_or_default();

    let parcel_path = find_file(dir, "parcels", PARCEL_EXTENSIONS)?
        .ok_or_else(|| InputError::new(dir, "the required parcel file `parcels.geojson` is missing"))?;
    let parcels = parcels::read_parcels(&parcel_path, configured_crs, ledger)?;
    files.push(file_entry("parcels", &parcel_path, parcels.features.len())?);
    Ok(Inputs { enterprises, tax, energy, leases, adjustments, parcels, files })
}
