//! Sources: a table file read as text records. Every reader (CSV, XLSX, Parquet) yields the
//! same [`RawTable`]: the header row and the data records as text, walked in parallel pieces.

use super::InputError;
use super::csv_pieces::CsvPieces;
use super::headers::{ColumnSpec, canonical};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A table as text: its headers and its data records (a record of empty cells only is not a
/// data record).
pub struct RawTable {
    pub path: PathBuf,
    pub headers: Vec<String>,
    records: Records,
    /// Cells that a spreadsheet stored as numbers, by (record index, column index), sorted: a
    /// code there has lost its digits beyond the 15th.
    pub numeric_cells: Vec<(usize, usize)>,
}

/// The data records of a table.
enum Records {
    /// Records already split into cells (XLSX, Parquet).
    Split(Vec<csv::StringRecord>),
    /// A CSV file cut into pieces of whole records (see [`super::csv_pieces`]).
    Csv(CsvPieces),
}

/// Records per parallel task when walking split records.
const CHUNK_ROWS: usize = 16_384;

/// The pieces of a parallel task's output, joined in order.
pub(super) fn concat<T>(pieces: Vec<Vec<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        out.extend(piece);
    }
    out
}

impl RawTable {
    /// A table whose records are already split into cells.
    pub fn split(
        path: &Path,
        headers: Vec<String>,
        records: Vec<csv::StringRecord>,
        mut numeric_cells: Vec<(usize, usize)>,
    ) -> RawTable {
        numeric_cells.sort_unstable();
        RawTable { path: path.to_path_buf(), headers, records: Records::Split(records), numeric_cells }
    }

    /// A CSV table cut into pieces.
    pub(super) fn csv(path: &Path, headers: Vec<String>, pieces: CsvPieces) -> RawTable {
        RawTable { path: path.to_path_buf(), headers, records: Records::Csv(pieces), numeric_cells: Vec::new() }
    }

    /// The number of data records.
    pub fn len(&self) -> usize {
        match &self.records {
            Records::Split(records) => records.len(),
            Records::Csv(csv) => csv.records(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the spreadsheet stored cell (record, column) as a number.
    pub fn is_numeric_cell(&self, record: usize, column: usize) -> bool {
        self.numeric_cells.binary_search(&(record, column)).is_ok()
    }

    /// Maps every data record to at most one `T`, in parallel pieces; the results come in
    /// file order. `map` gets the record's 0-based index among the data records.
    pub fn par_filter_map<T: Send>(
        &self,
        map: impl Fn(usize, &csv::StringRecord) -> Option<T> + Sync,
    ) -> Result<Vec<T>, InputError> {
        Ok(concat(self.par_map_pieces(map, |piece| piece)?))
    }

    /// Maps the data records as [`Self::par_filter_map`] does, piece by piece, handing each
    /// piece's results to `finish` as soon as the piece is read; the pieces' outcomes come in
    /// file order.
    pub fn par_map_pieces<T, R: Send>(
        &self,
        map: impl Fn(usize, &csv::StringRecord) -> Option<T> + Sync,
        finish: impl Fn(Vec<T>) -> R + Sync,
    ) -> Result<Vec<R>, InputError> {
        match &self.records {
            Records::Split(records) => Ok(records
                .par_chunks(CHUNK_ROWS)
                .enumerate()
                .map(|(k, chunk)| {
                    finish(chunk.iter().enumerate().filter_map(|(i, r)| map(k * CHUNK_ROWS + i, r)).collect())
                })
                .collect()),
            Records::Csv(csv) => csv.par_map_pieces(&self.path, map, finish),
        }
    }

    /// Every data record, split (for tests and small tables).
    pub fn records(&self) -> Result<Vec<csv::StringRecord>, InputError> {
        self.par_filter_map(|_, r| Some(r.clone()))
    }

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
        "csv" => super::csv_pieces::read_csv(path),
        "xlsx" => super::xlsx::read_xlsx(path),
        "parquet" => super::parquet::read_parquet(path),
        other => Err(InputError::new(path, format!("a .{other} table cannot be read; use .csv, .xlsx or .parquet"))),
    }
}
