//! XLSX output: sheets of typed cells written as one workbook (`enterprises.xlsx`, SPEC §10).
//!
//! Each sheet gets a bold, frozen header row with an autofilter, columns as wide as their
//! content (CJK characters count double, capped), a number format per column, and text cells
//! neutralised against formula injection (OWASP: a text starting with `=`, `+`, `-`, `@`, tab
//! or carriage return gets a leading `'`). NaN and infinite numbers are written as empty cells.
//! The workbook carries a fixed creation date, so identical sheets give identical bytes.

use super::cells;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// One cell of an output sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum XCell {
    Empty,
    Text(String),
    Number(f64),
    Integer(i64),
    Bool(bool),
}

/// One worksheet: its name, header row, data rows and, per column, an optional Excel number
/// format such as `"0.00"` or `"#,##0"` (applied to number cells).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<XCell>>,
    pub number_formats: Vec<Option<String>>,
}

/// The widest a column is made, in character widths.
const MAX_WIDTH: f64 = 60.0;
/// The narrowest a column is made.
const MIN_WIDTH: f64 = 6.0;
/// The longest text Excel keeps in one cell.
const MAX_TEXT_CHARS: usize = 32_767;
/// The most data rows a sheet holds below its header.
const MAX_ROWS: usize = 1_048_575;
/// Characters Excel forbids in sheet names.
const NAME_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

/// The bytes of an `.xlsx` workbook holding `sheets` in order.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    for sheet in sheets {
        add_sheet(book.add_worksheet(), sheet).map_err(|e| format!("sheet `{}`: {e}", sheet.name))?;
    }
    book.save_to_buffer().map_err(err)
}

fn err(e: XlsxError) -> String {
    e.to_string()
}

/// Writes one sheet: header, rows, widths, frozen header and autofilter.
fn add_sheet(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), String> {
    if sheet.rows.len() > MAX_ROWS {
        return Err(format!("{} rows do not fit in one sheet (at most {MAX_ROWS})", sheet.rows.len()));
    }
    ws.set_name(sheet_name(&sheet.name)).map_err(err)?;
    let formats = column_formats(sheet);
    write_header(ws, &sheet.headers)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        write_row(ws, r as u32 + 1, row, &formats)?;
    }
    for (c, width) in column_widths(sheet).into_iter().enumerate() {
        ws.set_column_width(col(c)?, width).map_err(err)?;
    }
    let last_col = sheet.headers.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0));
    if last_col > 0 {
        ws.set_freeze_panes(1, 0).map_err(err)?;
        ws.autofilter(0, 0, sheet.rows.len() as u32, col(last_col - 1)?).map_err(err)?;
    }
    Ok(())
}

/// A valid sheet name: forbidden characters replaced, at most 31 characters, not empty.
fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().map(|c| if NAME_FORBIDDEN.contains(&c) { '_' } else { c }).take(31).collect();
    let clean = clean.trim_matches('\'').to_string();
    if clean.is_empty() { "Sheet".to_string() } else { clean }
}

fn col(c: usize) -> Result<u16, String> {
    u16::try_from(c).map_err(|_| format!("column {c} is beyond Excel's columns"))
}

/// The format of each column's number cells.
fn column_formats(sheet: &Sheet) -> Vec<Option<Format>> {
    sheet.number_formats.iter().map(|f| f.as_deref().map(|f| Format::new().set_num_format(f))).collect()
}

fn write_header(ws: &mut Worksheet, headers: &[String]) -> Result<(), String> {
    let bold = Format::new().set_bold();
    for (c, header) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, safe_text(header), &bold).map_err(err)?;
    }
    Ok(())
}

fn write_row(ws: &mut Worksheet, r: u32, row: &[XCell], formats: &[Option<Format>]) -> Result<(), String> {
    for (c, cell) in row.iter().enumerate() {
        let format = formats.get(c).and_then(Option::as_ref);
        write_cell(ws, r, col(c)?, cell, format).map_err(err)?;
    }
    Ok(())
}

/// Writes one cell; empty cells and numbers that are not finite write nothing.
fn write_cell(ws: &mut Worksheet, r: u32, c: u16, cell: &XCell, format: Option<&Format>) -> Result<(), XlsxError> {
    match cell {
        XCell::Empty => Ok(()),
        XCell::Text(text) => ws.write_string(r, c, safe_text(text)).map(drop),
        XCell::Bool(b) => ws.write_boolean(r, c, *b).map(drop),
        XCell::Number(x) => write_number(ws, r, c, *x, format),
        XCell::Integer(i) => write_number(ws, r, c, *i as f64, format),
    }
}

fn write_number(ws: &mut Worksheet, r: u32, c: u16, x: f64, format: Option<&Format>) -> Result<(), XlsxError> {
    match format {
        _ if !x.is_finite() => Ok(()),
        Some(f) => ws.write_number_with_format(r, c, x, f).map(drop),
        None => ws.write_number(r, c, x).map(drop),
    }
}

/// Text that a spreadsheet will not run as a formula (see [`cells::safe_text`]), cut to the
/// length Excel keeps in a cell.
pub fn safe_text(text: &str) -> String {
    cells::safe_text(text).chars().take(MAX_TEXT_CHARS).collect()
}

/// The width of each column: its widest cell (header included, with room for the filter
/// button), between [`MIN_WIDTH`] and [`MAX_WIDTH`].
fn column_widths(sheet: &Sheet) -> Vec<f64> {
    let columns = sheet.headers.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut widths: Vec<usize> = (0..columns).map(|c| sheet.headers.get(c).map_or(0, |h| text_width(h) + 3)).collect();
    for row in &sheet.rows {
        for (c, cell) in row.iter().enumerate() {
            let format = sheet.number_formats.get(c).and_then(Option::as_deref);
            widths[c] = widths[c].max(cell_width(cell, format));
        }
    }
    widths.into_iter().map(|w| (w as f64 + 1.0).clamp(MIN_WIDTH, MAX_WIDTH)).collect()
}

/// The width of a cell as displayed, in character widths.
fn cell_width(cell: &XCell, format: Option<&str>) -> usize {
    match cell {
        XCell::Empty => 0,
        XCell::Text(t) => text_width(&safe_text(t)),
        XCell::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        XCell::Number(x) if !x.is_finite() => 0,
        XCell::Number(x) => number_width(*x, format),
        XCell::Integer(i) => number_width(*i as f64, format),
    }
}

/// The width of a number shown with an Excel number format (decimals after the point,
/// thousands separators), or in full where it has none.
fn number_width(x: f64, format: Option<&str>) -> usize {
    let Some(format) = format else {
        return format!("{x}").len().min(12);
    };
    let decimals = format.split_once('.').map_or(0, |(_, d)| d.chars().take_while(|&c| c == '0' || c == '#').count());
    let digits = format!("{:.*}", decimals, x.abs());
    let integer_digits = digits.split('.').next().map_or(0, str::len);
    let separators = if format.contains(",") { integer_digits.saturating_sub(1) / 3 } else { 0 };
    digits.len() + separators + usize::from(x < 0.0) + usize::from(format.contains('%'))
}

/// Display width of text: East Asian wide characters count two.
pub fn text_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, DataType, Reader, Xlsx};
    use std::io::Cursor;

    fn sample() -> Vec<Sheet> {
        let enterprises = Sheet {
            name: "enterprises".into(),
            headers: vec!["credit_code".into(), "企业名称".into(), "land_mu".into(), "rank".into(), "zombie".into()],
            rows: vec![
                vec![
                    XCell::Text("914403001922038216".into()),
                    XCell::Text("=HYPERLINK(\"http://x\")".into()),
                    XCell::Number(12.345678),
                    XCell::Integer(1),
                    XCell::Bool(false),
                ],
                vec![
                    XCell::Text("91440300708461136T".into()),
                    XCell::Text("深圳市某某科技有限公司".into()),
                    XCell::Number(f64::NAN),
                    XCell::Empty,
                    XCell::Bool(true),
                ],
            ],
            number_formats: vec![None, None, Some("0.00".into()), Some("#,##0".into()), None],
        };
        let quality = Sheet {
            name: "data_quality".into(),
            headers: vec!["severity".into(), "message".into()],
            rows: vec![vec![XCell::Text("error".into()), XCell::Text("-1 is @odd\tcell".into())]],
            number_formats: vec![],
        };
        vec![enterprises, quality]
    }

    fn read_back(bytes: Vec<u8>) -> (Vec<String>, Vec<Vec<Vec<Data>>>) {
        let mut book = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
        let names = book.sheet_names();
        let sheets = names
            .iter()
            .map(|n| book.worksheet_range(n).expect("sheet").rows().map(<[Data]>::to_vec).collect())
            .collect();
        (names, sheets)
    }

    #[test]
    fn round_trips_through_calamine() {
        let (names, sheets) = read_back(workbook(&sample()).expect("writes"));
        assert_eq!(names, ["enterprises", "data_quality"]);
        let e = &sheets[0];
        let header: Vec<String> = e[0].iter().map(ToString::to_string).collect();
        assert_eq!(header, ["credit_code", "企业名称", "land_mu", "rank", "zombie"]);
        assert_eq!(e[1][0], Data::String("914403001922038216".into()));
        assert_eq!(e[1][2], Data::Float(12.345678));
        assert_eq!(e[1][3], Data::Float(1.0));
        assert_eq!(e[1][4], Data::Bool(false));
        assert_eq!(e[2][1], Data::String("深圳市某某科技有限公司".into()));
        assert_eq!(e[2][2], Data::Empty);
        assert_eq!(e[2][3], Data::Empty);
        assert_eq!(e[2][4], Data::Bool(true));
    }

    #[test]
    fn numbers_keep_every_digit() {
        let values = [0.1 + 0.2, 1e-12, 123456789.123456, -5.5e300, 2.0f64.powi(53)];
        let sheet = Sheet {
            name: "n".into(),
            headers: vec!["x".into()],
            rows: values.iter().map(|&v| vec![XCell::Number(v)]).collect(),
            number_formats: vec![Some("0.000000".into())],
        };
        let (_, sheets) = read_back(workbook(&[sheet]).expect("writes"));
        let back: Vec<f64> = sheets[0][1..].iter().map(|r| r[0].as_f64().expect("number")).collect();
        assert_eq!(back, values);
    }

    #[test]
    fn formula_injection_is_neutralised() {
        let (_, sheets) = read_back(workbook(&sample()).expect("writes"));
        assert_eq!(sheets[0][1][1], Data::String("'=HYPERLINK(\"http://x\")".into()));
        assert_eq!(sheets[1][1][1], Data::String("'-1 is @odd\tcell".into()));
        for risky in ["+1", "@SUM(A1)", "\tx", "\rx", "-x"] {
            assert_eq!(safe_text(risky), format!("'{risky}"));
        }
        assert_eq!(safe_text("a=b"), "a=b");
        assert_eq!(safe_text(""), "");
    }

    #[test]
    fn widths_count_cjk_double_and_are_capped() {
        assert_eq!(text_width("企业名称"), 8);
        assert_eq!(text_width("ab（1）"), 7);
        let sheet = Sheet {
            name: "w".into(),
            headers: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            rows: vec![vec![
                XCell::Text("深圳市某某科技有限公司".into()),
                XCell::Text("x".repeat(200)),
                XCell::Number(1234567.0),
                XCell::Text("abcdefghijk".into()),
            ]],
            number_formats: vec![None, None, Some("#,##0.00".into()), None],
        };
        let widths = column_widths(&sheet);
        assert_eq!(widths[0], 23.0);
        assert_eq!(widths[1], MAX_WIDTH);
        assert_eq!(widths[2], "1,234,567.00".len() as f64 + 1.0);
        assert_eq!(widths[3], 12.0);
    }

    #[test]
    fn output_is_deterministic_and_names_are_valid() {
        assert_eq!(workbook(&sample()).expect("writes"), workbook(&sample()).expect("writes"));
        assert_eq!(sheet_name("a/b:c[d]"), "a_b_c_d_");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name(""), "Sheet");
        let sheets = [Sheet { name: "x".into(), ..Sheet::default() }, Sheet { name: "x".into(), ..Sheet::default() }];
        assert!(workbook(&sheets).is_err());
    }

    #[test]
    fn libreoffice_reads_the_numbers() {
        let Some(office) = ["libreoffice", "soffice"].into_iter().find(|p| on_path(p)) else {
            eprintln!("skipped: libreoffice is not on PATH");
            return;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let sheet = Sheet {
            name: "n".into(),
            headers: vec!["code".into(), "x".into()],
            rows: vec![vec![XCell::Text("914403001922038216".into()), XCell::Number(1234.5)]],
            number_formats: vec![None, Some("0.0".into())],
        };
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, workbook(&[sheet]).expect("writes")).expect("write");
        let status = std::process::Command::new(office)
            .args(["--headless", "--convert-to", "csv", "--outdir"])
            .arg(dir.path())
            .arg(&path)
            .status()
            .expect("runs");
        assert!(status.success());
        let csv = std::fs::read_to_string(dir.path().join("t.csv")).expect("csv");
        assert_eq!(csv.lines().nth(1), Some("914403001922038216,1234.5"));
    }

    fn on_path(program: &str) -> bool {
        std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
    }
}
