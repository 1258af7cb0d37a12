//! Sources: finding a table's file in the data folder and reading it as text records.
//!
//! CSV may be UTF-8 (with or without BOM) or GBK/GB18030, detected automatically. Every
//! reader yields the same [`RawTable`]: the header row and the data records as text.

use super::headers::{ColumnSpec, canonical};
use std::path::{Path, PathBuf};

/// A fatal input problem: the run stops with exit code 2 and this message.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", location(*.line, *.column))]
pub struct InputError {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

fn location(line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(", line {l}, column {c}"),
        (Some(l), None) => format!(", line {l}"),
        _ => String::new(),
    }
}

impl InputError {
    pub fn new(path: &Path, message: impl Into<String>) -> Self {
        InputError { path: path.display().to_string(), line: None, column: None, message: message.into() }
    }

    pub fn at(mut self, line: u64, column: Option<u64>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

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

/// A table as text: its headers and its data records, with where each record starts.
pub struct RawTable {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub records: Vec<csv::StringRecord>,
    /// 1-based file line of each record (for CSV; the sheet row for XLSX).
    pub lines: Vec<u64>,
    /// Cells that a spreadsheet stored as numbers, by (record index, column index): a code
    /// there has lost its digits beyond the 15th.
    pub numeric_cells: Vec<(usize, usize)>,
}

impl RawTable {
    /// The column index of each canonical column of `schema` (first match wins), and the
    /// headers that match none (carried along). A missing required column stops the run.
    pub fn map_columns(&self, schema: &[ColumnSpec]) -> Result<ColumnMap, InputError> {
        let mut index = vec![None; schema.len()];
        let mut extra = Vec::new();
        for (i, header) in self.headers.iter().enumerate() {
            match canonical(schema, header) {
                Some(spec) => {
                    let slot = schema.iter().position(|s| s.name == spec.name).unwrap_or(0);
                    index[slot].get_or_insert(i);
                }
                None => extra.push((header.trim().to_string(), i)),
            }
        }
        for (spec, found) in schema.iter().zip(&index) {
            if spec.required && found.is_none() {
                return Err(InputError::new(
                    &self.path,
                    format!(
                        "required column `{}` (or {}) is missing; the header row has: {}",
                        spec.name,
                        spec.aliases.join(", "),
                        self.headers.join(", ")
                    ),
                )
                .at(1, None));
            }
        }
        let names = schema.iter().map(|s| s.name).collect();
        Ok(ColumnMap { names, index, extra })
    }
}

/// Where each canonical column of a schema stands in a table.
pub struct ColumnMap {
    names: Vec<&'static str>,
    index: Vec<Option<usize>>,
    /// Columns that match no canonical name: (header, index).
    pub extra: Vec<(String, usize)>,
}

impl ColumnMap {
    /// The index of canonical column `name`, when the table has it.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| *n == name).and_then(|i| self.index[i])
    }
}

/// Reads a table file of any supported kind.
pub fn read_table(path: &Path) -> Result<RawTable, InputError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    match ext.as_str() {
        "csv" => read_csv(path),
        other => Err(InputError::new(path, format!("reading .{other} tables is not supported yet; save it as CSV"))),
    }
}

/// Decodes bytes as UTF-8 (a BOM dropped) or, when they are not UTF-8, as GB18030 (a
/// superset of GBK, which Excel writes on Chinese Windows).
pub fn decode_text(bytes: &[u8]) -> String {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(body).0.into_owned(),
    }
}

fn read_csv(path: &Path) -> Result<RawTable, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let text = decode_text(&bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let line = e.position().map(|p| p.line());
        let err = InputError::new(path, format!("not a readable CSV file: {e}"));
        match line {
            Some(l) => err.at(l, None),
            None => err,
        }
    };
    let headers: Vec<String> = reader.headers().map_err(csv_error)?.iter().map(str::to_string).collect();
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        lines.push(record.position().map_or(0, |p| p.line()));
        records.push(record);
    }
    Ok(RawTable { path: path.to_path_buf(), headers, records, lines, numeric_cells: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_bom_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("统一社会信用代码,年份\n");
        assert_eq!(decode_text(&gbk), "统一社会信用代码,年份\n");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "年份".as_bytes()].concat();
        assert_eq!(decode_text(&bom), "年份");
    }
}
