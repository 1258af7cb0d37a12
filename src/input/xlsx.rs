//! Spreadsheet tables: the first worksheet of an XLSX or XLS (Excel 97–2003) workbook read as
//! text records (SPEC §2, §3, §13).
//!
//! The first non-empty row is the file's first row; each later row with any content is a
//! record (the header block, title rows included, is found later: see `header_block`). A merged
//! cell among the sheet's first rows gives its value to every column it spans, so that a
//! merged header names each column under it. Cells
//! are read as Excel stores them: text as is, numbers in shortest round-trip form (integral
//! values without a decimal point, large ones in full digits), booleans `true`/`false`, dates
//! as ISO `YYYY-MM-DD` (with `THH:MM:SS` when they carry a time), empty and error cells as
//! empty text. Every cell stored as a number is listed in [`RawTable::numeric_cells`], so a
//! credit code that lost its digits beyond the 15th can be reported.
//!
//! The sheet is streamed cell by cell and only the cells that hold a value are kept, so a
//! stray cell at Excel's last cell (XFD1048576) costs one cell, not a dense grid. A cell
//! placed beyond that last cell, or values scattered so thinly that their records would span
//! far more blank cells than values, stop the run with an input error.

use super::InputError;
use super::header_block::SEARCHED_ROWS;
use super::source::RawTable;
use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Reader, SheetType, Xls, Xlsx, XlsxError, open_workbook};
use std::collections::HashMap;
use std::path::Path;

/// Excel's last row and column, 0-based: a sheet has at most 1,048,576 rows and 16,384
/// columns (its last cell is XFD1048576).
const LAST_ROW: u32 = 1_048_575;
const LAST_COLUMN: u32 = 16_383;

/// The cells the records of a sheet may span, blanks between values included: at least
/// [`MIN_SPAN`], else [`SPAN_PER_VALUE`] per cell that holds a value. A few values scattered
/// far apart would otherwise fill millions of empty cells.
const MIN_SPAN: usize = 1 << 24;
const SPAN_PER_VALUE: usize = 16;

/// A cell that holds a value: (0-based row, 0-based column, value).
type SparseCell = (u32, u32, Data);

/// The first worksheet's name, its cells that hold a value and its merged regions.
type Sheet = (String, Vec<SparseCell>, Vec<Dimensions>);

/// Reads the first worksheet of the workbook at `path` (`.xls` as Excel 97–2003, else XLSX).
pub fn read_spreadsheet(path: &Path) -> Result<RawTable, InputError> {
    let xls = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xls"));
    // calamine can panic on a malformed workbook (found by fuzzing: a build with overflow
    // checks panics on a cell reference of 7+ letters): that is an unreadable file, not a crash.
    let read = || if xls { first_xls_worksheet(path) } else { first_worksheet(path) };
    let (sheet, mut cells, merged) = std::panic::catch_unwind(read)
        .unwrap_or_else(|_| Err(InputError::new(path, "not a readable workbook: it is malformed")))?;
    fill_merged_header_cells(&mut cells, &merged);
    let mut rows = sheet_rows(path, cells)?.into_iter().filter(|(record, _)| !is_blank(record));
    let Some((headers, _)) = rows.next() else {
        return Err(InputError::new(path, format!("sheet `{sheet}` is empty: it has no header row")));
    };
    let headers = headers.iter().map(str::to_string).collect();
    let mut records = Vec::new();
    let mut numeric_cells = Vec::new();
    for (record, numeric) in rows {
        numeric_cells.extend(numeric.into_iter().map(|col| (records.len(), col)));
        records.push(record);
    }
    Ok(RawTable::split(path, headers, records, numeric_cells))
}

/// The name of the workbook's first worksheet (chart sheets skipped), its cells that hold a
/// value, in stream order, and its merged regions.
fn first_worksheet(path: &Path) -> Result<Sheet, InputError> {
    let mut workbook: Xlsx<_> =
        open_workbook(path).map_err(|e| InputError::new(path, format!("not a readable XLSX file: {e}")))?;
    let name = first_sheet_name(path, workbook.sheets_metadata())?;
    let unreadable = |e: XlsxError| InputError::new(path, format!("sheet `{name}` is not readable: {e}"));
    let mut reader = match workbook.worksheet_cells_reader(&name) {
        Ok(reader) => reader,
        Err(XlsxError::NotAWorksheet(_)) => return Ok((name, Vec::new(), Vec::new())),
        Err(e) => return Err(unreadable(e)),
    };
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        if row > LAST_ROW || col > LAST_COLUMN {
            return Err(InputError::new(
                path,
                format!(
                    "sheet `{name}` has a cell at {} (row {}, column {}), beyond Excel's last cell \
                     XFD1048576; the workbook is damaged",
                    cell_name(row, col),
                    u64::from(row) + 1,
                    u64::from(col) + 1
                ),
            ));
        }
        cells.push((row, col, Data::from(cell.get_value().clone())));
    }
    drop(reader);
    let merged = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
    Ok((name, cells, merged))
}

/// The name of the first worksheet among a workbook's sheets (chart sheets skipped).
fn first_sheet_name(path: &Path, sheets: &[calamine::Sheet]) -> Result<String, InputError> {
    let first = sheets.iter().find(|s| s.typ == SheetType::WorkSheet);
    first.map(|s| s.name.clone()).ok_or_else(|| InputError::new(path, "the workbook has no worksheet"))
}

/// [`first_worksheet`] of an Excel 97–2003 workbook (read whole: such files are small).
fn first_xls_worksheet(path: &Path) -> Result<Sheet, InputError> {
    let mut workbook: Xls<_> =
        open_workbook(path).map_err(|e| InputError::new(path, format!("not a readable XLS file: {e}")))?;
    let name = first_sheet_name(path, workbook.sheets_metadata())?;
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| InputError::new(path, format!("sheet `{name}` is not readable: {e}")))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let cells = range
        .used_cells()
        .map(|(row, col, value)| (top + row as u32, left + col as u32, value.clone()))
        .filter(|(_, _, value)| !matches!(value, Data::Empty))
        .collect();
    let merged = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
    Ok((name, cells, merged))
}

/// Gives the value of each merged region's first cell to the other cells of its first row,
/// for regions among the sheet's first rows (where headers are; a merged cell further down
/// is data and keeps one value).
fn fill_merged_header_cells(cells: &mut Vec<SparseCell>, merged: &[Dimensions]) {
    let Some(top) = cells.iter().map(|&(row, _, _)| row).min() else { return };
    let header_rows = top..top.saturating_add(SEARCHED_ROWS as u32 + 2);
    let mut header: HashMap<(u32, u32), Data> = cells
        .iter()
        .filter(|&&(row, _, _)| header_rows.contains(&row))
        .map(|(row, col, value)| ((*row, *col), value.clone()))
        .collect();
    for region in merged.iter().filter(|m| header_rows.contains(&m.start.0) && m.end.1 > m.start.1) {
        let (row, first) = region.start;
        let Some(value) = header.get(&(row, first)).cloned() else { continue };
        for col in first + 1..=region.end.1.min(LAST_COLUMN) {
            if let std::collections::hash_map::Entry::Vacant(slot) = header.entry((row, col)) {
                slot.insert(value.clone());
                cells.push((row, col, value.clone()));
            }
        }
    }
}

/// The sheet's rows that hold a value, top to bottom, each as the text of its cells from the
/// sheet's leftmost used column to its own last value (and the columns holding a number).
/// Rows with no value are not built, so memory follows the cells present, not the sheet's
/// extent; records that would span more blank cells than the file justifies stop the run.
fn sheet_rows(path: &Path, mut cells: Vec<SparseCell>) -> Result<Vec<(csv::StringRecord, Vec<usize>)>, InputError> {
    // Stable: of two cells at one position, the later in the file wins, as in calamine's range.
    cells.sort_by_key(|&(row, col, _)| (row, col));
    let left = cells.iter().map(|&(_, col, _)| col).min().unwrap_or(0);
    let budget = MIN_SPAN.max(SPAN_PER_VALUE * cells.len());
    let mut spanned = 0;
    let mut rows = Vec::new();
    for row in cells.chunk_by_mut(|a, b| a.0 == b.0) {
        spanned += row.last().map_or(0, |&(_, col, _)| (col - left) as usize + 1);
        if spanned > budget {
            return Err(InputError::new(
                path,
                format!(
                    "the sheet's {} values are scattered over more than {budget} cells; delete the stray \
                     cells far below or right of the table",
                    cells.len()
                ),
            ));
        }
        rows.push(row_text(&dense_row(row, left)));
    }
    Ok(rows)
}

/// The cells of one row (sorted by column) from column `left` to the row's last value.
fn dense_row(row: &mut [SparseCell], left: u32) -> Vec<Data> {
    let width = row.last().map_or(0, |&(_, col, _)| (col - left) as usize + 1);
    let mut dense = vec![Data::Empty; width];
    for (_, col, value) in row {
        dense[(*col - left) as usize] = std::mem::take(value);
    }
    dense
}

/// A cell's A1-style name: `XFD1048576`.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), u64::from(row) + 1)
}

/// The text of each cell of a row, and the columns whose cell is a number.
fn row_text(row: &[Data]) -> (csv::StringRecord, Vec<usize>) {
    let cells = row.iter().map(cell_text).collect();
    let numeric = row.iter().enumerate().filter(|(_, c)| matches!(c, Data::Int(_) | Data::Float(_))).map(|(i, _)| i);
    (cells, numeric.collect())
}

/// A row with nothing but blanks is not a record.
fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|c| c.trim().is_empty())
}

/// One cell as text, the way Excel stores it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A number in shortest round-trip form, never in exponent notation: `2023`, `1234.5`,
/// `914403001922038000`.
fn number_text(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    format!("{value}")
}

/// A date as `YYYY-MM-DD`, a date with a time as `YYYY-MM-DDTHH:MM:SS[.mmm]`, a time of day
/// alone as `HH:MM:SS[.mmm]`, a duration as `[-]H:MM:SS[.mmm]`.
fn datetime_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        return duration_text(dt.as_f64());
    }
    let (year, month, day, hour, min, sec, milli) = dt.to_ymd_hms_milli();
    let time = time_text(hour, min, sec, milli);
    let date = format!("{year:04}-{month:02}-{day:02}");
    match (day, hour, min, sec, milli) {
        (0, ..) => time,
        (_, 0, 0, 0, 0) => date,
        _ => format!("{date}T{time}"),
    }
}

fn time_text(hour: u8, min: u8, sec: u8, milli: u16) -> String {
    match milli {
        0 => format!("{hour:02}:{min:02}:{sec:02}"),
        _ => format!("{hour:02}:{min:02}:{sec:02}.{milli:03}"),
    }
}

/// A duration in days as hours, minutes and seconds.
fn duration_text(days: f64) -> String {
    let total_ms = (days.abs() * 86_400_000.0).round() as u64;
    let sign = if days < 0.0 && total_ms > 0 { "-" } else { "" };
    let (hours, rest) = (total_ms / 3_600_000, total_ms % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (sec, milli) = (rest / 1000, rest % 1000);
    let time = time_text(0, min as u8, sec as u8, milli as u16);
    format!("{sign}{hours}{}", &time[2..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime as WDate, Format, Workbook};

    fn write(workbook: &mut Workbook) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("enterprises.xlsx");
        workbook.save(&path).expect("save");
        (dir, path)
    }

    #[test]
    fn reads_headers_numbers_codes_and_dates() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let headers = ["统一社会信用代码", "企业名称", "年份", "营业收入(万元)", "规上", "登记日期", "更新时间"];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("header");
        }
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        ws.write_string(1, 0, "914403001922038216").expect("code");
        ws.write_string(1, 1, "甲公司").expect("name");
        ws.write_number(1, 2, 2023.0).expect("year");
        ws.write_number(1, 3, 1234.5).expect("revenue");
        ws.write_boolean(1, 4, true).expect("bool");
        ws.write_datetime_with_format(1, 5, WDate::from_ymd(2021, 3, 9).expect("date"), &date).expect("date");
        let dt = WDate::from_ymd(2024, 12, 31).expect("date").and_hms(8, 30, 5).expect("time");
        ws.write_datetime_with_format(1, 6, dt, &stamp).expect("datetime");
        // Excel keeps 15 significant digits of a typed code: 914403001922038216 becomes this.
        ws.write_number(2, 0, 9.14403001922038e17).expect("numeric code");
        ws.write_string(2, 1, "乙公司").expect("name");
        ws.write_number(2, 2, 2023.0).expect("year");
        ws.write_number(2, 3, 0.1 + 0.2).expect("float");
        let (_dir, path) = write(&mut wb);

        let raw = read_spreadsheet(&path).expect("reads");
        assert_eq!(raw.headers, headers);
        assert_eq!(raw.len(), 2);
        let records = raw.records().expect("records");
        let first: Vec<&str> = records[0].iter().collect();
        assert_eq!(
            first,
            ["914403001922038216", "甲公司", "2023", "1234.5", "true", "2021-03-09", "2024-12-31T08:30:05"]
        );
        let second: Vec<&str> = records[1].iter().collect();
        // A record ends at its last value, as a short CSV row does.
        assert_eq!(second, ["914403001922038000", "乙公司", "2023", "0.30000000000000004"]);
        assert_eq!(raw.numeric_cells, [(0, 2), (0, 3), (1, 0), (1, 2), (1, 3)]);
    }

    #[test]
    fn empty_rows_are_skipped_and_first_non_empty_row_is_the_header() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(2, 1, "credit_code").expect("header");
        ws.write_string(2, 2, "tax").expect("header");
        ws.write_string(3, 1, "914403001922038216").expect("code");
        ws.write_number(3, 2, -0.0).expect("zero");
        ws.write_string(5, 1, "  ").expect("blank");
        ws.write_string(7, 1, "91440300708461136T").expect("code");
        ws.write_number(7, 2, 12.0).expect("tax");
        let (_dir, path) = write(&mut wb);

        let raw = read_spreadsheet(&path).expect("reads");
        assert_eq!(raw.headers, ["credit_code", "tax"]);
        assert_eq!(raw.len(), 2);
        assert_eq!(&raw.records().expect("records")[0][1], "0");
        assert_eq!(&raw.records().expect("records")[1][0], "91440300708461136T");
        assert_eq!(raw.numeric_cells, [(0, 1), (1, 1)]);
    }

    #[test]
    fn only_the_first_sheet_is_read() {
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("税务").expect("name").write_string(0, 0, "tax").expect("write");
        wb.add_worksheet().write_string(0, 0, "other").expect("write");
        let (_dir, path) = write(&mut wb);
        let raw = read_spreadsheet(&path).expect("reads");
        assert_eq!(raw.headers, ["tax"]);
        assert!(raw.is_empty());
    }

    #[test]
    fn corrupt_or_empty_files_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tax.xlsx");
        std::fs::write(&path, b"PK\x03\x04 this is not a workbook").expect("write");
        let err = read_spreadsheet(&path).err().expect("an error");
        assert!(err.to_string().contains("tax.xlsx"), "{err}");
        assert!(err.message.contains("not a readable XLSX file"), "{err}");

        let mut wb = Workbook::new();
        wb.add_worksheet();
        let (_dir, empty) = write(&mut wb);
        let err = read_spreadsheet(&empty).err().expect("an error");
        assert!(err.message.contains("Sheet1") && err.message.contains("empty"), "{err}");
    }

    #[test]
    fn a_stray_cell_far_away_costs_one_record() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(1, 2, "credit_code").expect("header");
        ws.write_string(2, 2, "914403001922038216").expect("code");
        ws.write_number(1_048_575, 3, 7.0).expect("last row");
        let (_dir, path) = write(&mut wb);
        let raw = read_spreadsheet(&path).expect("reads");
        assert_eq!(raw.headers, ["credit_code"]);
        assert_eq!(raw.len(), 2);
        assert_eq!(raw.records().expect("records")[1].iter().collect::<Vec<_>>(), ["", "7"]);
        assert_eq!(raw.numeric_cells, [(1, 1)]);
    }

    #[test]
    fn values_scattered_over_millions_of_blank_cells_are_an_error() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        // 1,100 rows from column A to XFD: 18 million cells for 2,200 values.
        for row in 0..1100 {
            ws.write_string(row, 0, "a").expect("first column");
            ws.write_string(row, 16_383, "b").expect("last column");
        }
        let (_dir, path) = write(&mut wb);
        let err = read_spreadsheet(&path).err().expect("an error");
        assert!(err.to_string().contains("enterprises.xlsx"), "{err}");
        assert!(err.message.contains("2200 values are scattered"), "{err}");
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(2, 26), "AA3");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(1, 16_384), "XFE2");
        assert_eq!(cell_name(u32::MAX, u32::MAX), "MWLQKWV4294967296");
    }

    #[test]
    fn numbers_are_written_as_stored() {
        assert_eq!(number_text(2023.0), "2023");
        assert_eq!(number_text(1234.5), "1234.5");
        assert_eq!(number_text(9.14403001922038e17), "914403001922038000");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(1e-7), "0.0000001");
        assert_eq!(duration_text(1.5), "36:00:00");
        assert_eq!(duration_text(-0.5), "-12:00:00");
    }
}
