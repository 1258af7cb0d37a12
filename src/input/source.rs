//! Sources: a table file read as text records. Every reader (CSV, XLSX, Parquet) yields the
//! same [`RawTable`]: the header row and the data records as text, walked in parallel pieces.

use super::InputError;
use super::csv_pieces::CsvPieces;
use super::header_block::{self, BlockError, SEARCHED_ROWS};
use super::headers::{ColumnSpec, canonical, key_column};
use super::units::Conversion;
use crate::quality::{At, Ledger};
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
    /// Records that belong to the header block (sub-header, units row, or title rows and the
    /// header row itself when the header is not the file's first row): not data.
    skip: usize,
    /// The conversion of each column given a unit (by column position).
    conversions: Vec<Option<Conversion>>,
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

/// Rows read in parallel pieces, kept in their pieces in file order. Joined into one vector,
/// every row would be held twice while it is joined (a nation's enterprises rows are 2 GB);
/// kept, each piece can be let go as soon as it is used ([`Pieces::into_pieces`]).
#[derive(Debug)]
pub struct Pieces<T>(Vec<Vec<T>>);

impl<T> Pieces<T> {
    pub fn new(pieces: Vec<Vec<T>>) -> Pieces<T> {
        Pieces(pieces)
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Vec::is_empty)
    }

    /// The rows in file order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten()
    }

    /// Keeps the rows `keep` says yes to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        for piece in &mut self.0 {
            piece.retain(&mut keep);
        }
    }

    /// The pieces in file order, each let go when the caller is done with it.
    pub fn into_pieces(self) -> impl Iterator<Item = Vec<T>> {
        self.0.into_iter()
    }
}

impl<T> Default for Pieces<T> {
    fn default() -> Pieces<T> {
        Pieces(Vec::new())
    }
}

impl<'a, T> IntoIterator for &'a Pieces<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().flatten()
    }
}

impl<T> IntoIterator for Pieces<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().flatten()
    }
}

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
        RawTable::new(path, headers, Records::Split(records), numeric_cells)
    }

    /// A CSV table cut into pieces.
    pub(super) fn csv(path: &Path, headers: Vec<String>, pieces: CsvPieces) -> RawTable {
        RawTable::new(path, headers, Records::Csv(pieces), Vec::new())
    }

    fn new(path: &Path, headers: Vec<String>, records: Records, numeric_cells: Vec<(usize, usize)>) -> RawTable {
        RawTable { path: path.to_path_buf(), headers, records, numeric_cells, skip: 0, conversions: Vec::new() }
    }

    /// The table with its header block found (SPEC §13): title rows above the header row
    /// skipped (a `title_rows_skipped` notice), a sub-header naming the columns under it, a
    /// units row giving their units. No header row among the first 20 rows stops the run,
    /// naming the missing key column; so does a unit its column does not accept.
    pub fn with_header_block(
        mut self,
        table: &str,
        schema: &[ColumnSpec],
        ledger: &Ledger,
    ) -> Result<RawTable, InputError> {
        let Some(key) = key_column(schema) else { return Ok(self) };
        let mut rows = vec![self.headers.clone()];
        rows.extend(self.first_records(SEARCHED_ROWS)?.iter().map(|r| r.iter().map(str::to_string).collect()));
        let block = header_block::locate(&rows, schema, key).map_err(|e| match e {
            BlockError::NoKey => self.missing_column(key, &self.headers).at(1, None),
            BlockError::Unit(why) => InputError::new(&self.path, why),
        })?;
        if block.title_rows > 0 {
            ledger.notice(
                At::new(table, 0, "", "header"),
                "title_rows_skipped",
                format!("{} rows above the header row skipped (titles)", block.title_rows),
            );
        }
        for (name, conversion) in block.names.iter().zip(&block.conversions) {
            if let Some(c) = conversion.as_ref().filter(|c| !c.is_identity()) {
                ledger.notice(
                    At::new(table, 0, "", name),
                    "unit_converted",
                    format!("column `{name}` is in {}: converted", c.unit),
                );
            }
        }
        self.headers = block.names;
        self.conversions = block.conversions;
        self.skip = block.rows - 1;
        Ok(self)
    }

    /// The first `n` records of the file (header block and data alike).
    fn first_records(&self, n: usize) -> Result<Vec<csv::StringRecord>, InputError> {
        match &self.records {
            Records::Split(records) => Ok(records.iter().take(n).cloned().collect()),
            Records::Csv(csv) => csv.first_records(&self.path, n),
        }
    }

    /// The columns given in a unit other than the SPEC's: (column name, unit).
    pub fn converted_columns(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .zip(&self.conversions)
            .filter_map(|(name, c)| c.as_ref().filter(|c| !c.is_identity()).map(|c| (name.clone(), c.unit.clone())))
            .collect()
    }

    /// The number of data records.
    pub fn len(&self) -> usize {
        let records = match &self.records {
            Records::Split(records) => records.len(),
            Records::Csv(csv) => csv.records(),
        };
        records.saturating_sub(self.skip)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the spreadsheet stored cell (data record, column) as a number.
    pub fn is_numeric_cell(&self, record: usize, column: usize) -> bool {
        self.numeric_cells.binary_search(&(record + self.skip, column)).is_ok()
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
        let skip = self.skip;
        let map = |i: usize, r: &csv::StringRecord| i.checked_sub(skip).and_then(|i| map(i, r));
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
        if let Some((spec, _)) = schema.iter().zip(&index).find(|(spec, found)| spec.required && found.is_none()) {
            return Err(self.missing_column(spec, &self.headers).at(self.skip as u64 + 1, None));
        }
        let conversions = index.iter().map(|i| i.and_then(|i| self.conversions.get(i).cloned().flatten())).collect();
        let names = schema.iter().map(|s| s.name).collect();
        Ok(ColumnMap { names, index, extra, conversions })
    }

    fn missing_column(&self, spec: &ColumnSpec, headers: &[String]) -> InputError {
        InputError::new(
            &self.path,
            format!(
                "required column `{}` (or {}) is missing; the header row has: {}",
                spec.name,
                spec.aliases.join(", "),
                headers.join(", ")
            ),
        )
    }
}

/// Where each canonical column of a schema stands in a table.
pub struct ColumnMap {
    names: Vec<&'static str>,
    index: Vec<Option<usize>>,
    /// Columns that match no canonical name: (header, index).
    pub extra: Vec<(String, usize)>,
    /// The unit conversion of each canonical column, by slot.
    conversions: Vec<Option<Conversion>>,
}

impl ColumnMap {
    /// The index of canonical column `name`, when the table has it.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.slot(name).and_then(|i| self.index[i])
    }

    fn slot(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| *n == name)
    }

    /// A value of canonical column `name` in the SPEC's unit (converted when the column is
    /// given in another).
    pub fn in_spec_unit(&self, name: &str, value: f64) -> f64 {
        match self.slot(name).and_then(|i| self.conversions[i].as_ref()) {
            Some(c) => c.apply(value),
            None => value,
        }
    }
}

/// Reads a table file of any supported kind.
pub fn read_table(path: &Path) -> Result<RawTable, InputError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    match ext.as_str() {
        "csv" => super::csv_pieces::read_csv(path),
        "xlsx" | "xls" => super::xlsx::read_spreadsheet(path),
        "parquet" => super::parquet::read_parquet(path),
        other => {
            Err(InputError::new(path, format!("a .{other} table cannot be read; use .csv, .xlsx, .xls or .parquet")))
        }
    }
}
