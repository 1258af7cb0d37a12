//! The header block of a table as government systems export it (SPEC §13): title rows above
//! the header, the header row (the first of the first 20 rows that holds the table's key
//! column), an optional sub-header row (a two-row header) and an optional units row.
//!
//! It reads only the first rows of a table, as text; what it finds is applied by
//! [`super::source::RawTable::with_header_block`].
//!
//! ```text
//! 2024年规上工业企业主要指标          ← title row (skipped, one notice)
//! 统一社会信用代码 | 企业名称 | 经营指标  | 经营指标  ← header row (a merged cell fills its span)
//!                  |          | 营业收入  | 实缴税金  ← sub-header: names the columns under it
//!                  |          | 千元      | 元        ← units row
//! ```

use super::cells;
use super::headers::{ColumnSpec, canonical, split_unit};
use super::units::{Conversion, is_unit, normalize_unit, unit_of};

/// The header row is searched among this many first rows.
pub const SEARCHED_ROWS: usize = 20;

/// What the first rows of a table say about its layout.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderBlock {
    /// Rows above the header row.
    pub title_rows: usize,
    /// The column names: the sub-header cell when non-empty, else the header cell.
    pub names: Vec<String>,
    /// Rows of the block (title, header, sub-header, units): data starts after them.
    pub rows: usize,
    /// The conversion of each column given a unit (by column position).
    pub conversions: Vec<Option<Conversion>>,
}

/// Why the first rows do not make a header block the run can use.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockError {
    /// No row of the first 20 holds the key column.
    NoKey,
    /// A unit the column does not accept, or a header unit and a units-row unit that differ.
    Unit(String),
}

/// Finds the header block among `rows` (the table's first rows, the file's first row first)
/// for a table whose key column is `key`.
pub fn locate(rows: &[Vec<String>], schema: &[ColumnSpec], key: &ColumnSpec) -> Result<HeaderBlock, BlockError> {
    let searched = &rows[..rows.len().min(SEARCHED_ROWS)];
    let holds_key = |row: &Vec<String>| row.iter().any(|c| canonical(schema, c).is_some_and(|s| s.name == key.name));
    let header = searched.iter().position(holds_key).ok_or(BlockError::NoKey)?;
    let mut names = rows[header].clone();
    let mut next = header + 1;
    if let Some(sub) = rows.get(next).filter(|row| is_sub_header(row, schema)) {
        names = names.iter().enumerate().map(|(i, h)| cell_or(sub, i, h)).collect();
        next += 1;
    }
    let units_row = rows.get(next).filter(|row| is_units_row(row));
    if units_row.is_some() {
        next += 1;
    }
    let conversions = conversions(&names, units_row, schema)?;
    Ok(HeaderBlock { title_rows: header, names, rows: next, conversions })
}

/// The sub-header's cell `i` when non-empty, else the header's.
fn cell_or(sub: &[String], i: usize, header: &str) -> String {
    match sub.get(i).map(|c| c.trim()).filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => header.to_string(),
    }
}

/// A row after the header with no readable number and a cell that names a column.
fn is_sub_header(row: &[String], schema: &[ColumnSpec]) -> bool {
    let has_number = row.iter().any(|c| matches!(cells::number(c), Ok(Some(_))));
    !has_number && row.iter().any(|c| canonical(schema, c).is_some())
}

/// A row whose non-empty cells are all units (and there is one).
fn is_units_row(row: &[String]) -> bool {
    let filled: Vec<&String> = row.iter().filter(|c| !c.trim().is_empty()).collect();
    !filled.is_empty() && filled.iter().all(|c| is_unit(c))
}

/// Each column's conversion, from its header's unit suffix or the units row; a unit the
/// column does not accept, or two units that differ, is an error naming them.
fn conversions(
    names: &[String],
    units_row: Option<&Vec<String>>,
    schema: &[ColumnSpec],
) -> Result<Vec<Option<Conversion>>, BlockError> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let Some(column) = canonical(schema, name).map(|s| s.name) else { return Ok(None) };
            let suffix = split_unit(name).1.filter(|u| !u.is_empty());
            let row_unit = units_row.and_then(|r| r.get(i)).map(|u| u.trim()).filter(|u| !u.is_empty());
            let unit = match (suffix, row_unit) {
                (Some(a), Some(b)) if normalize_unit(a) != normalize_unit(b) => {
                    return Err(BlockError::Unit(format!(
                        "column `{name}` names unit `{a}` in its header and `{b}` in the units row"
                    )));
                }
                (Some(u), _) | (None, Some(u)) => u,
                (None, None) => return Ok(None),
            };
            unit_of(column, unit).map_err(|why| BlockError::Unit(format!("column `{name}`: {why}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::headers::{ENTERPRISES, TAX, key_column};

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    fn key(schema: &[ColumnSpec]) -> &ColumnSpec {
        key_column(schema).expect("a key")
    }

    #[test]
    fn a_plain_header_is_the_first_row() {
        let r = rows(&[&["统一社会信用代码", "营业收入(万元)"], &["914403001922038216", "12"]]);
        let block = locate(&r, ENTERPRISES, key(ENTERPRISES)).expect("found");
        assert_eq!((block.title_rows, block.rows), (0, 1));
        assert!(block.conversions[1].as_ref().is_some_and(Conversion::is_identity));
    }

    #[test]
    fn title_two_row_header_and_units_row() {
        let r = rows(&[
            &["2024年规上工业企业主要指标", "", "", ""],
            &["", "", "", ""],
            &["统一社会信用代码", "企业名称", "经营指标", "经营指标"],
            &["", "", "营业收入", "利润总额"],
            &["", "", "千元", "单位：元"],
            &["914403001922038216", "甲", "52340", "-1200"],
        ]);
        let block = locate(&r, ENTERPRISES, key(ENTERPRISES)).expect("found");
        assert_eq!(block.title_rows, 2);
        assert_eq!(block.rows, 5);
        assert_eq!(block.names, ["统一社会信用代码", "企业名称", "营业收入", "利润总额"]);
        let convert = |i: usize, x: f64| block.conversions[i].as_ref().expect("a unit").apply(x);
        assert_eq!(convert(2, 52_340.0), 5_234.0);
        assert_eq!(convert(3, -1_200.0), -0.12);
    }

    #[test]
    fn a_data_row_is_no_sub_header() {
        let r = rows(&[&["credit_code", "year", "tax"], &["914403001922038216", "2024", "5"]]);
        assert_eq!(locate(&r, TAX, key(TAX)).expect("found").rows, 1);
    }

    #[test]
    fn unknown_or_conflicting_units_stop() {
        let r = rows(&[&["credit_code", "tax(美元)"], &["x", "1"]]);
        assert!(matches!(locate(&r, TAX, key(TAX)), Err(BlockError::Unit(m)) if m.contains("美元")));
        let r = rows(&[&["credit_code", "tax(元)"], &["", "万元"], &["x", "1"]]);
        assert!(matches!(locate(&r, TAX, key(TAX)), Err(BlockError::Unit(m)) if m.contains("units row")));
    }

    #[test]
    fn no_key_in_the_first_twenty_rows() {
        let mut r = vec![vec!["title".to_string()]; 20];
        r.push(vec!["credit_code".into(), "tax".into()]);
        assert_eq!(locate(&r, TAX, key(TAX)), Err(BlockError::NoKey));
    }
}
