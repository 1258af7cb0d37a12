//! Sources: finding a table's file in the data folder and reading it as text records.
//!
//! CSV may be UTF-8 (with or without BOM) or GBK/GB18030, detected automatically. Every
//! reader yields the same [`RawTable`]: the header row and the data records as text.

use super::headers::{ColumnSpec, canonical};
use rayon::prelude::*;
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
        "xlsx" => super::xlsx::read_xlsx(path),
        "parquet" => super::parquet::read_parquet(path),
        other => Err(InputError::new(path, format!("a .{other} table cannot be read; use .csv, .xlsx or .parquet"))),
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

/// Bytes of CSV text each parallel task parses.
const CHUNK_BYTES: usize = 4 << 20;

/// Offsets that cut `text` into pieces of about `size` bytes, each just after a line end
/// that is not inside a quoted field, so every piece holds whole records.
fn chunk_starts(text: &[u8], size: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut in_quotes = false;
    let mut next_cut = size;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes && i + 1 >= next_cut && i + 1 < text.len() => {
                starts.push(i + 1);
                next_cut = i + 1 + size;
            }
            _ => {}
        }
    }
    starts
}

fn csv_error(path: &Path, e: &csv::Error, line_offset: u64) -> InputError {
    let err = InputError::new(path, format!("not a readable CSV file: {e}"));
    match e.position() {
        Some(p) => err.at(p.line() + line_offset, None),
        None => err,
    }
}

/// The records of one piece; a record of empty cells only is not a data row.
fn parse_piece(path: &Path, piece: &[u8], line_offset: u64) -> Result<Vec<csv::StringRecord>, InputError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(piece);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e, line_offset))?;
        if !record.iter().all(|c| c.trim().is_empty()) {
            records.push(record);
        }
    }
    Ok(records)
}

/// Reads a CSV file: the header row, then the records, parsed in parallel pieces.
fn read_csv(path: &Path) -> Result<RawTable, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let text = decode_text(&bytes);
    drop(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(path, &e, 0))?.iter().map(str::to_string).collect();
    let body = &text.as_bytes()[reader.position().byte() as usize..];
    let starts = chunk_starts(body, CHUNK_BYTES);
    let pieces: Vec<&[u8]> =
        starts.iter().zip(starts.iter().skip(1).chain([&body.len()])).map(|(&a, &b)| &body[a..b]).collect();
    let line_offsets: Vec<u64> = pieces
        .iter()
        .scan(1 + reader.position().line(), |line, piece| {
            let first = *line;
            *line += piece.iter().filter(|&&b| b == b'\n').count() as u64;
            Some(first - 1)
        })
        .collect();
    let parsed: Vec<Vec<csv::StringRecord>> = pieces
        .par_iter()
        .zip(line_offsets)
        .map(|(piece, offset)| parse_piece(path, piece, offset))
        .collect::<Result<_, _>>()?;
    let records = super::tables::concat(parsed);
    Ok(RawTable { path: path.to_path_buf(), headers, records, numeric_cells: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hold_whole_records() {
        let text = b"a,b\n\"x\ny\",2\nc,3\n";
        assert_eq!(chunk_starts(text, 1), vec![0, 4, 12]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        let rows: String = (0..200_000).map(|i| format!("{i},\"q\nuoted {i}\"\n")).collect();
        std::fs::write(&path, format!("id,text\n{rows}")).expect("write");
        let raw = read_csv(&path).expect("reads");
        assert_eq!(raw.records.len(), 200_000);
        assert_eq!(&raw.records[123_456][1], "q\nuoted 123456");
    }

    #[test]
    fn gbk_and_bom_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("统一社会信用代码,年份\n");
        assert_eq!(decode_text(&gbk), "统一社会信用代码,年份\n");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "年份".as_bytes()].concat();
        assert_eq!(decode_text(&bom), "年份");
    }
}
