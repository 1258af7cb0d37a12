//! The CSV piece cutter: a CSV file is read once in blocks and cut into pieces of whole
//! records (by the csv crate's quoting rules), which are counted in parallel and read again, in
//! parallel, whenever the table is walked. A large table is never held whole, as text or as
//! millions of small records.
//!
//! The encoding (UTF-8, else GB18030) is settled while the pieces are counted. Before the
//! first quote of the file, line ends are found with `memchr`; from there on the parser state
//! decides where a record ends.

use super::InputError;
use super::source::RawTable;
use super::text::from_gb18030;
use rayon::prelude::*;
use std::ops::Range;
use std::path::Path;

/// How a CSV file is cut into pieces, and how its bytes read as text.
pub(super) struct CsvPieces {
    encoding: Encoding,
    pieces: Vec<Piece>,
    records: usize,
}

/// A piece of a CSV file: whole records (the first piece also holds the header row).
struct Piece {
    /// Its byte range in the file.
    bytes: Range<u64>,
    /// The 0-based index of its first data record.
    first_record: usize,
    /// The line ends before it in the file.
    lines_before: u64,
}

impl Piece {
    /// Whether the piece starts the file (and so holds the header row).
    fn is_first(&self) -> bool {
        self.lines_before == 0
    }
}

/// How the bytes of a CSV file read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    /// GB18030, a superset of GBK (what Excel writes on Chinese Windows).
    Gb18030,
}

impl CsvPieces {
    /// The number of data records.
    pub(super) fn records(&self) -> usize {
        self.records
    }

    /// The first `n` data records of the file (all in its first piece, or fewer when the file
    /// is shorter).
    pub(super) fn first_records(&self, path: &Path, n: usize) -> Result<Vec<csv::StringRecord>, InputError> {
        let mut out = Vec::new();
        for piece in &self.pieces {
            let text = piece_text(path, piece, self.encoding)?;
            let mut reader = csv_reader(&text, piece.is_first());
            let mut record = csv::StringRecord::new();
            while out.len() < n && matches!(reader.read_record(&mut record), Ok(true)) {
                if has_content(&record) {
                    out.push(record.clone());
                }
            }
            if out.len() >= n {
                break;
            }
        }
        Ok(out)
    }

    /// Maps the data records of each piece (read from `path` again, in parallel) to at most one
    /// `T` each, handing each piece's results to `finish`; the outcomes come in file order.
    pub(super) fn par_map_pieces<T, R: Send>(
        &self,
        path: &Path,
        map: impl Fn(usize, &csv::StringRecord) -> Option<T> + Sync,
        finish: impl Fn(Vec<T>) -> R + Sync,
    ) -> Result<Vec<R>, InputError> {
        self.pieces
            .par_iter()
            .enumerate()
            .map(|(k, piece)| {
                let text = piece_text(path, piece, self.encoding)?;
                let mut out = Vec::with_capacity(self.records_in(k));
                each_record(&text, piece.is_first(), |i, r| out.extend(map(piece.first_record + i, r)));
                Ok(finish(out))
            })
            .collect()
    }

    /// The number of data records of piece `k` (so that its rows are collected without
    /// growing, copying and faulting in their vector again and again).
    fn records_in(&self, k: usize) -> usize {
        let end = self.pieces.get(k + 1).map_or(self.records, |next| next.first_record);
        end.saturating_sub(self.pieces[k].first_record)
    }
}

/// Bytes of CSV text each parallel task parses.
const CHUNK_BYTES: u64 = 4 << 20;

/// Bytes read at a time while the file is cut into pieces.
const READ_BYTES: usize = 1 << 20;

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

    /// The state after byte `b` when no quote came before it.
    fn before_any_quote(b: Option<u8>) -> Quoting {
        match b {
            None | Some(b',' | b'\n' | b'\r') => Quoting::FieldStart,
            Some(_) => Quoting::Unquoted,
        }
    }
}

/// Cuts a CSV file, fed to it block by block, into pieces of about `size` bytes, each just
/// after a line end that is not inside a quoted field, so every piece holds whole records.
/// The bytes that matter (quote, comma, line ends) are never part of a multi-byte character
/// in UTF-8 or GB18030, so the raw bytes are cut before they are decoded.
struct Cutter {
    size: u64,
    /// The file's length: no piece starts at its end.
    len: u64,
    /// The offset of the next byte fed.
    at: u64,
    next_cut: u64,
    line_ends: u64,
    /// The parser state, once a quote has been seen (before that, every line end ends a
    /// record and nothing needs tracking).
    state: Option<Quoting>,
    last: Option<u8>,
    /// (offset, line ends before) of each piece.
    starts: Vec<(u64, u64)>,
}

impl Cutter {
    fn new(start: u64, len: u64, size: u64) -> Cutter {
        let starts = vec![(start, 0)];
        Cutter { size, len, at: start, next_cut: start + size, line_ends: 0, state: None, last: None, starts }
    }

    /// A line end at `offset`; `ends_record` when it is not inside a quoted field.
    fn line_end(&mut self, offset: u64, ends_record: bool) {
        self.line_ends += 1;
        let next = offset + 1;
        if ends_record && next >= self.next_cut && next < self.len {
            self.starts.push((next, self.line_ends));
            self.next_cut = next + self.size;
        }
    }

    fn feed(&mut self, block: &[u8]) {
        let mut from = 0;
        if self.state.is_none() {
            let quote = memchr::memchr(b'"', block).unwrap_or(block.len());
            for end in memchr::memchr_iter(b'\n', &block[..quote]) {
                self.line_end(self.at + end as u64, true);
            }
            if quote < block.len() {
                let before = if quote > 0 { Some(block[quote - 1]) } else { self.last };
                self.state = Some(Quoting::before_any_quote(before));
            }
            from = quote;
        }
        if let Some(mut state) = self.state {
            for (i, &b) in block.iter().enumerate().skip(from) {
                state = state.next(b);
                if b == b'\n' {
                    self.line_end(self.at + i as u64, state == Quoting::FieldStart);
                }
            }
            self.state = Some(state);
        }
        self.last = block.last().copied().or(self.last);
        self.at += block.len() as u64;
    }
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

fn csv_reader(text: &str, has_header: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().flexible(true).has_headers(has_header).from_reader(text.as_bytes())
}

/// Calls `visit` with each data record of a piece and its 0-based index in the piece. The
/// piece was checked when the file was read, so a parse error cannot occur here; should one,
/// the rest of the piece is skipped.
fn each_record(piece: &str, has_header: bool, mut visit: impl FnMut(usize, &csv::StringRecord)) {
    let mut reader = csv_reader(piece, has_header);
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
    let ends = memchr::memchr2_iter(b'\n', b'\r', piece).chain([piece.len()]);
    let mut start = 0;
    ends.filter(|&end| {
        let line = &piece[start..end];
        start = end + 1;
        plain_line_has_content(line)
    })
    .count()
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

/// Counts the data records of a piece (after the header row, in the first piece); a parse
/// error names its line in the file.
fn count_records(path: &Path, piece: &str, has_header: bool, line_offset: u64) -> Result<usize, InputError> {
    match !has_header && memchr::memchr(b'"', piece.as_bytes()).is_none() {
        true => Ok(count_plain_records(piece.as_bytes())),
        false => count_parsed_records(path, piece, has_header, line_offset),
    }
}

/// [`count_records`] by the csv parser.
fn count_parsed_records(path: &Path, piece: &str, has_header: bool, line_offset: u64) -> Result<usize, InputError> {
    let mut reader = csv_reader(piece, has_header);
    let mut record = csv::StringRecord::new();
    let mut count = 0;
    while reader.read_record(&mut record).map_err(|e| csv_error(path, &e, line_offset))? {
        count += usize::from(has_content(&record));
    }
    Ok(count)
}

fn unreadable(path: &Path, e: std::io::Error) -> InputError {
    InputError::new(path, format!("cannot read the file: {e}"))
}

/// The file, open at byte `offset`.
fn open_at(path: &Path, offset: u64) -> Result<std::fs::File, InputError> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
    file.seek(SeekFrom::Start(offset)).map_err(|e| unreadable(path, e))?;
    Ok(file)
}

/// The bytes of `range` of a file.
fn read_range(path: &Path, range: &Range<u64>) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    let mut file = open_at(path, range.start)?;
    let mut bytes = vec![0; (range.end - range.start) as usize];
    file.read_exact(&mut bytes).map_err(|e| unreadable(path, e))?;
    Ok(bytes)
}

/// Bytes as text in `encoding`; `None` when they are not UTF-8 and UTF-8 is asked for.
fn decode(bytes: Vec<u8>, encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Utf8 => String::from_utf8(bytes).ok(),
        Encoding::Gb18030 => Some(from_gb18030(&bytes)),
    }
}

/// A piece of a CSV file as text.
fn piece_text(path: &Path, piece: &Piece, encoding: Encoding) -> Result<String, InputError> {
    decode(read_range(path, &piece.bytes)?, encoding)
        .ok_or_else(|| InputError::new(path, "the file changed while it was being read"))
}

/// The pieces of a CSV file from byte `start` (after any byte-order mark): (byte range, line
/// ends before), read block by block.
fn cut_file(path: &Path, start: u64, len: u64) -> Result<Vec<(Range<u64>, u64)>, InputError> {
    use std::io::Read;
    let mut file = open_at(path, start)?;
    let mut cutter = Cutter::new(start, len, CHUNK_BYTES);
    let mut block = vec![0; READ_BYTES];
    loop {
        let n = file.read(&mut block).map_err(|e| unreadable(path, e))?;
        if n == 0 {
            break;
        }
        cutter.feed(&block[..n]);
    }
    let ends = cutter.starts.iter().skip(1).map(|(offset, _)| *offset).chain([cutter.at]);
    Ok(cutter.starts.iter().zip(ends).map(|(&(from, lines), to)| (from..to, lines)).collect())
}

/// The data records of each piece, counted in parallel in `encoding`; `None` when a piece
/// is not UTF-8 and UTF-8 is asked for.
fn count_pieces(path: &Path, cuts: &[(Range<u64>, u64)], encoding: Encoding) -> Result<Option<Vec<usize>>, InputError> {
    let counts: Vec<Option<usize>> = cuts
        .par_iter()
        .map(|(range, lines_before)| match decode(read_range(path, range)?, encoding) {
            Some(text) => count_records(path, &text, *lines_before == 0, *lines_before).map(Some),
            None => Ok(None),
        })
        .collect::<Result<_, InputError>>()?;
    Ok(counts.into_iter().collect())
}

/// Reads a CSV file: UTF-8 (a byte-order mark dropped) or, when it is not UTF-8, GB18030.
/// The file is cut into pieces of whole records, which are counted in parallel; they are read
/// again, in parallel, when the table is typed.
pub(super) fn read_csv(path: &Path) -> Result<RawTable, InputError> {
    let len = std::fs::metadata(path).map_err(|e| unreadable(path, e))?.len();
    let start = if read_range(path, &(0..len.min(3)))? == b"\xEF\xBB\xBF" { 3 } else { 0 };
    let cuts = cut_file(path, start, len)?;
    let (encoding, counts) = match count_pieces(path, &cuts, Encoding::Utf8)? {
        Some(counts) => (Encoding::Utf8, counts),
        None => (Encoding::Gb18030, count_pieces(path, &cuts, Encoding::Gb18030)?.unwrap_or_default()),
    };
    let first = cuts.first().map(|(range, _)| range.clone()).unwrap_or(start..len);
    let head = decode(read_range(path, &first)?, encoding).unwrap_or_default();
    let mut reader = csv_reader(&head, true);
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(path, &e, 0))?.iter().map(str::to_string).collect();
    let firsts = counts.iter().scan(0, |n, c| {
        let first = *n;
        *n += c;
        Some(first)
    });
    let pieces = cuts
        .into_iter()
        .zip(firsts)
        .map(|((bytes, lines_before), first_record)| Piece { bytes, first_record, lines_before })
        .collect();
    Ok(RawTable::csv(path, headers, CsvPieces { encoding, pieces, records: counts.iter().sum() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The piece starts a [`Cutter`] gives for `text` fed in blocks of `block` bytes.
    fn chunk_starts(text: &[u8], size: usize, block: usize) -> Vec<usize> {
        let mut cutter = Cutter::new(0, text.len() as u64, size as u64);
        for piece in text.chunks(block.max(1)) {
            cutter.feed(piece);
        }
        cutter.starts.iter().map(|(at, _)| *at as usize).collect()
    }

    #[test]
    fn pieces_hold_whole_records() {
        let text = b"a,b\n\"x\ny\",2\nc,3\n";
        assert_eq!(chunk_starts(text, 1, 100), vec![0, 4, 12]);
        // A quote inside an unquoted field is a plain character; `""` inside quotes is one.
        assert_eq!(chunk_starts(b"x,a\"b\ny,\"\"\"\n\"\n", 1, 100), vec![0, 6]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        let rows: String = (0..200_000).map(|i| format!("{i},\"q\nuoted {i}\"\n")).collect();
        std::fs::write(&path, format!("id,text\n{rows}")).expect("write");
        let raw = read_csv(&path).expect("reads");
        assert_eq!(raw.len(), 200_000);
        let found = raw.par_filter_map(|i, r| (i == 123_456).then(|| r[1].to_string())).expect("reads");
        assert_eq!(found, vec!["q\nuoted 123456".to_string()]);
        let indices = raw.par_filter_map(|i, r| Some((i, r[0].parse::<usize>().expect("id")))).expect("reads");
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
            let parsed = count_parsed_records(Path::new("t.csv"), &text, false, 0).expect("no quotes, no error");
            proptest::prop_assert_eq!(count_plain_records(text.as_bytes()), parsed, "{:?}", text);
        }

        /// Cutting before the first quote without the parser state, block by block, gives the
        /// same cuts.
        #[test]
        fn quote_free_cuts_agree_with_the_parser_state(
            picks in proptest::collection::vec(0usize..6, 0..300),
            size in 1usize..40,
            block in 1usize..50,
        ) {
            let text: Vec<u8> = picks.iter().map(|&k| b"a,\"\n\rb"[k]).collect();
            proptest::prop_assert_eq!(chunk_starts(&text, size, block), chunk_starts_by_state(&text, size));
        }
    }

    #[test]
    fn blank_records_are_not_data_records() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "id,v\n1,a\n,\n\n\" \",\n2,b\n").expect("write");
        let raw = read_csv(&path).expect("reads");
        assert_eq!(raw.len(), 2);
        assert_eq!(raw.par_filter_map(|i, r| Some(format!("{i}:{}", &r[1]))).expect("reads"), vec!["0:a", "1:b"]);
    }
}
