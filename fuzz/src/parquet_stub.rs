//! Stand-in for `src/input/parquet.rs`, which reads Parquet with polars: the fuzz crate does
//! not build polars, so a `.parquet` table is an error here. Same signature as the real one.

use super::InputError;
use super::source::RawTable;
use std::path::Path;

pub fn read_parquet(path: &Path) -> Result<RawTable, InputError> {
    Err(InputError::new(path, "Parquet is not read in the fuzz build (no polars)"))
}
