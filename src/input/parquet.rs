//! Parquet tables, read with polars into the same text records as CSV.

use super::InputError;
use super::source::RawTable;
use std::path::Path;

/// Reads a Parquet table (polars): every cell as text, numbers in shortest round-trip form.
pub fn read_parquet(path: &Path) -> Result<RawTable, InputError> {
    use polars::prelude::{AnyValue, ParquetReader, SerReader};
    let fail = |e: &dyn std::fmt::Display| InputError::new(path, format!("not a readable Parquet file: {e}"));
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let frame = ParquetReader::new(file).finish().map_err(|e| fail(&e))?;
    let headers: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let text = |v: AnyValue<'_>| match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(x) => format!("{x}"),
        AnyValue::Float32(x) => format!("{x}"),
        other => other.to_string(),
    };
    let records = (0..frame.height())
        .map(|i| {
            let cells: Vec<String> = frame.columns().iter().map(|c| c.get(i).map(text).unwrap_or_default()).collect();
            csv::StringRecord::from(cells)
        })
        .filter(|r| !r.iter().all(|c| c.trim().is_empty()))
        .collect();
    Ok(RawTable::split(path, headers, records, Vec::new()))
}
