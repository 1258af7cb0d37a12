//! Finding a table's file in the data folder by its name and extension.

use super::InputError;
use std::path::{Path, PathBuf};

/// The extensions a table may come in, in the order they are listed in messages.
pub const TABLE_EXTENSIONS: &[&str] = &["csv", "xlsx", "parquet"];
pub const PARCEL_EXTENSIONS: &[&str] = &["geojson", "json"];

/// The file of table `name` in `dir`, or `None`; two files for one table stop the run.
pub fn find_file(dir: &Path, name: &str, extensions: &[&str]) -> Result<Option<PathBuf>, InputError> {
    let found: Vec<PathBuf> =
        extensions.iter().map(|ext| dir.join(format!("{name}.{ext}"))).filter(|p| p.is_file()).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        many => {
            let names: Vec<String> = many.iter().map(|p| p.display().to_string()).collect();
            Err(InputError::new(
                dir,
                format!("table `{name}` is given twice ({}); keep one file so none is guessed", names.join(" and ")),
            ))
        }
    }
}
