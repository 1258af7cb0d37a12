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
    /// CSV text cut into pieces of whole records, parsed again each time they are walked, so
    /// that a large table is never held as millions of small records.
    Csv(CsvPieces),
}

/// CSV text and the pieces it is cut into.
struct CsvPieces {
    text: String,
    /// Each piece: its byte range in `text` and the index of its first data record.
    pieces: Vec<(std::ops::Range<usize>, usize)>,
    records: usize,
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

    /// The number of data records.
    pub fn len(&self) -> usize {
        match &self.records {
            Records::Split(records) => records.len(),
            Records::Csv(csv) => csv.records,
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
    pub fn par_filter_map<T: Send>(&self, map: impl Fn(usize, &csv::StringRecord) -> Option<T> + Sync) -> Vec<T> {
        concat(self.par_map_pieces(map, |piece| piece))
    }

    /// Maps the data records as [`Self::par_filter_map`] does, piece by piece, handing each
    /// piece's results to `finish` as soon as the piece is read; the pieces' outcomes come in
    /// file order.
    pub fn par_map_pieces<T, R: Send>(
        &self,
        map: impl Fn(usize, &csv::StringRecord) -> Option<T> + Sync,
        finish: impl Fn(Vec<T>) -> R + Sync,
    ) -> Vec<R> {
        match &self.records {
            Records::Split(records) => records
                .par_chunks(CHUNK_ROWS)
                .enumerate()
                .map(|(k, chunk)| {
                    finish(chunk.iter().enumerate().filter_map(|(i, r)| map(k * CHUNK_ROWS + i, r)).collect())
                })
                .collect(),
            Records::Csv(csv) => csv
                .pieces
                .par_iter()
                .map(|(range, first)| {
                    let mut out = Vec::new();
                    each_record(&csv.text.as_bytes()[range.clone()], |i, r| out.extend(map(first + i, r)));
                    finish(out)
                })
                .collect(),
        }
    }

    /// Every data record, split (for tests and small tables).
    pub fn records(&self) -> Vec<csv::StringRecord> {
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
        "csv" => read_csv(path),
        "xlsx" => super::xlsx::read_xlsx(path),
        "parquet" => super::parquet::read_parquet(path),
        other => Err(InputError::new(path, format!("a .{other} table cannot be read; use .csv, .xlsx or .parquet"))),
    }
}

/// Decodes bytes as UTF-8 (a BOM dropped) or, when they are not UTF-8, as GB18030 (a
/// superset of GBK, which Excel writes on Chinese Windows).
pub fn decode_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|e| encoding_rs::GB18030.decode_without_bom_handling(e.as_bytes()).0.into_owned())
}

/// Bytes of CSV text each parallel task parses.
const CHUNK_BYTES: usize = 4 << 20;

/// Where the CSV parser stands within a record, as far as quoting goes.
#[derive(Clone, Copy, PartialEq)]
enum Quoting {
    /// At the start of a field (or a record): a quote here opens a quoted field.
    FieldStart,
    /// In an unquoted field: quotes are plain characters.
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field unless a second quote follows.
    QuoteInQuoted,
}

impl Quoting {
    /// The state after byte `b`, by the csv parser's rules.
    fn next(self, b: u8) -> Quoting {
        use Quoting::*;
        match (self, b) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (FieldStart, b'"') | (QuoteInQuoted, b'"') => Quoted,
            (_, b',' | b'\n' | b'\r') => FieldStart,
            _ => Unquoted,
        }
    }
}

/// Offsets that cut `text` into pieces of about `size` bytes, each just after a line end
/// that is not inside a quoted field, so every piece holds whole records.
fn chunk_starts(text: &[u8], size: usize) -> Vec<usize> {
    // Before the first quote every line end ends a record: those cuts need no parser state.
    let first_quote = memchr::memchr(b'"', text).unwrap_or(text.len());
    let mut starts = vec![0];
    let mut next_cut = size;
    while next_cut <= first_quote {
        match memchr::memchr(b'\n', &text[next_cut - 1..first_quote]) {
            Some(at) if next_cut + at < text.len() => {
                starts.push(next_cut + at);
                next_cut += at + size;
            }
            _ => break,
        }
    }
    let quoted_from = memchr::memrchr(b'\n', &text[..first_quote]).map_or(0, |at| at + 1);
    let mut state = Quoting::FieldStart;
    for (i, &b) in text.iter().enumerate().skip(quoted_from) {
        state = state.next(b);
        if b == b'\n' && state == Quoting::FieldStart && i + 1 >= next_cut && i + 1 < text.len() {
            starts.push(i + 1);
            next_cut = i + 1 + size;
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

/// Whether a record is a data record: one with a cell that is not empty.
fn has_content(record: &csv::StringRecord) -> bool {
    !record.iter().all(|c| c.trim().is_empty())
}

/// Calls `visit` with each data record of a piece and its 0-based index in the piece. The
/// piece was checked when the file was read, so a parse error cannot occur here; should one,
/// the rest of the piece is skipped.
fn each_record(piece: &[u8], mut visit: impl FnMut(usize, &csv::StringRecord)) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(piece);
    let mut record = csv::StringRecord::new();
    let mut index = 0;
    while let Ok(true) = reader.read_record(&mut record) {
        if has_content(&record) {
            visit(index, &record);
            index += 1;
        }
    }
}

/// Counts the data records of a piece without quotes, as [`count_records`] would: without
/// quotes every line end (`\n` or `\r`) ends a record, and a line is a data record when one
/// of its cells holds more than white space. Most lines start with a printable character, so
/// this is about as fast as finding the line ends.
fn count_plain_records(piece: &[u8]) -> usize {
    // The csv reader drops a byte-order mark at the start of what it reads.
    let piece = piece.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(piece);
    piece.split(|&b| b == b'\n' || b == b'\r').filter(|line| plain_line_has_content(line)).count()
}

fn plain_line_has_content(line: &[u8]) -> bool {
    let blank = |b: &u8| matches!(b, b',' | b' ' | b'\t' | 0x0B | 0x0C);
    match line.iter().find(|b| !blank(b)) {
        None => false,
        Some(b) if b.is_ascii() => true,
        // White space beyond ASCII (U+3000, say) is trimmed too: look at the cells.
        Some(_) => String::from_utf8_lossy(line).split(',').any(|cell| !cell.trim().is_empty()),
    }
}

/// Counts the data records of a piece; a parse error names its line in the file.
fn count_records(path: &Path, piece: &[u8], line_offset: u64) -> Result<usize, InputError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(piece);
    let mut record = csv::StringRecord::new();
    let mut count = 0;
    while reader.read_record(&mut record).map_err(|e| csv_error(path, &e, line_offset))? {
        count += usize::from(has_content(&record));
    }
    Ok(count)
}

/// Reads a CSV file: the header row, then the body cut into pieces that are counted in
/// parallel (and parsed again in parallel when the table is typed).
fn read_csv(path: &Path) -> Result<RawTable, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read the file: {e}")))?;
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(path, &e, 0))?.iter().map(str::to_string).collect();
    let (body_start, header_lines) = (reader.position().byte() as usize, reader.position().line());
    let body = &text.as_bytes()[body_start..];
    let starts = chunk_starts(body, CHUNK_BYTES);
    let ranges: Vec<std::ops::Range<usize>> =
        starts.iter().zip(starts.iter().skip(1).chain([&body.len()])).map(|(&a, &b)| a..b).collect();
    let line_ends: Vec<u64> = ranges.par_iter().map(|range| line_ends(&body[range.clone()])).collect();
    let line_offsets: Vec<u64> = line_ends
        .iter()
        .scan(header_lines, |line, ends| {
            let first = *line;
            *line += ends;
            Some(first - 1)
        })
        .collect();
    let counts: Vec<usize> = ranges
        .par_iter()
        .zip(line_offsets)
        .map(|(range, offset)| {
            let piece = &body[range.clone()];
            match memchr::memchr(b'"', piece) {
                None => Ok(count_plain_records(piece)),
                Some(_) => count_records(path, piece, offset),
            }
        })
        .collect::<Result<_, _>>()?;
    let firsts = counts.iter().scan(0, |n, c| {
        let first = *n;
        *n += c;
        Some(first)
    });
    let pieces = ranges.into_iter().map(|r| r.start + body_start..r.end + body_start).zip(firsts).collect();
    let records = Records::Csv(CsvPieces { text, pieces, records: counts.iter().sum() });
    Ok(RawTable { path: path.to_path_buf(), headers, records, numeric_cells: Vec::new() })
}

/// The number of line ends in `bytes`.
fn line_ends(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hold_whole_records() {
        let text = b"a,b\n\"x\ny\",2\nc,3\n";
        assert_eq!(chunk_starts(text, 1), vec![0, 4, 12]);
        // A quote inside an unquoted field is a plain character; `""` inside quotes is one.
        assert_eq!(chunk_starts(b"x,a\"b\ny,\"\"\"\n\"\n", 1), vec![0, 6]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        let rows: String = (0..200_000).map(|i| format!("{i},\"q\nuoted {i}\"\n")).collect();
        std::fs::write(&path, format!("id,text\n{rows}")).expect("write");
        let raw = read_csv(&path).expect("reads");
        assert_eq!(raw.len(), 200_000);
        let found = raw.par_filter_map(|i, r| (i == 123_456).then(|| r[1].to_string()));
        assert_eq!(found, vec!["q\nuoted 123456".to_string()]);
        let indices = raw.par_filter_map(|i, r| Some((i, r[0].parse::<usize>().expect("id"))));
        assert!(indices.iter().enumerate().all(|(k, &(i, id))| k == i && i == id));
    }

    /// The cuts as the parser state alone gives them, byte by byte.
    fn chunk_starts_by_state(text: &[u8], size: usize) -> Vec<usize> {
        let mut starts = vec![0];
        let mut state = Quoting::FieldStart;
        let mut next_cut = size;
        for (i, &b) in text.iter().enumerate() {
            state = state.next(b);
            if b == b'\n' && state == Quoting::FieldStart && i + 1 >= next_cut && i + 1 < text.len() {
                starts.push(i + 1);
                next_cut = i + 1 + size;
            }
        }
        starts
    }

    proptest::proptest! {
        /// Without quotes, counting lines with content gives the parser's count of data records.
        #[test]
        fn plain_counts_agree_with_the_parser(picks in proptest::collection::vec(0usize..11, 0..200)) {
            let alphabet = ["a", ",", " ", "\t", "\r", "\n", "\u{3000}", "\u{a0}", "é", "1", "\u{feff}"];
            let text: String = picks.iter().map(|&k| alphabet[k]).collect();
            let parsed = count_records(Path::new("t.csv"), text.as_bytes(), 0).expect("no quotes, no error");
            proptest::prop_assert_eq!(count_plain_records(text.as_bytes()), parsed, "{:?}", text);
        }

        /// Cutting before the first quote without the parser state gives the same cuts.
        #[test]
        fn quote_free_cuts_agree_with_the_parser_state(
            picks in proptest::collection::vec(0usize..6, 0..300),
            size in 1usize..40,
        ) {
            let text: Vec<u8> = picks.iter().map(|&k| b"a,\"\n\rb"[k]).collect();
            proptest::prop_assert_eq!(chunk_starts(&text, size), chunk_starts_by_state(&text, size));
        }
    }

    #[test]
    fn blank_records_are_not_data_records() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "id,v\n1,a\n,\n\n\" \",\n2,b\n").expect("write");
        let raw = read_csv(&path).expect("reads");
        assert_eq!(raw.len(), 2);
        assert_eq!(raw.par_filter_map(|i, r| Some(format!("{i}:{}", &r[1]))), vec!["0:a", "1:b"]);
    }

    #[test]
    fn gbk_and_bom_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("统一社会信用代码,年份\n");
        assert_eq!(decode_text(gbk.into_owned()), "统一社会信用代码,年份\n");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "年份".as_bytes()].concat();
        assert_eq!(decode_text(bom), "年份");
    }
}
