//! Cells as outputs write them: numbers in full (shortest round-trip form), booleans as
//! `true`/`false`, missing as empty, and text neutralised against spreadsheet formulas.

use polars::prelude::*;
use std::fmt::Write;

/// A text cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading apostrophe (OWASP's rule).
pub fn safe_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    push_safe_text(&mut out, text);
    out
}

fn push_safe_text(out: &mut String, text: &str) {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    out.push_str(text);
}

/// A number in its shortest round-trip form, written in full (no exponent).
pub fn number(x: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, x);
    out
}

fn push_number(out: &mut String, x: f64) {
    if x == 0.0 {
        out.push('0');
    } else {
        push_display(out, x);
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn push_display(out: &mut String, x: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{x}");
}

/// The cell of row `i` of a column, as text.
pub fn cell(column: &Column, i: usize) -> String {
    match column.get(i) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        Ok(AnyValue::Boolean(b)) => bool_text(b).to_string(),
        Ok(AnyValue::String(s)) => safe_text(s),
        Ok(AnyValue::StringOwned(s)) => safe_text(&s),
        Ok(AnyValue::Float64(x)) => number(x),
        Ok(AnyValue::Float32(x)) => number(f64::from(x)),
        Ok(other) => other.to_string(),
    }
}

/// Every cell of a column as [`cell`] writes it, in one buffer (no string per cell), made by
/// walking the column's values in order (much faster than looking each row up).
pub struct ColumnText {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl ColumnText {
    pub fn of(column: &Column) -> ColumnText {
        let mut out = ColumnText { text: String::new(), ends: Vec::with_capacity(column.len()) };
        let walked = match column.dtype() {
            DataType::Float64 => column.f64().ok().map(|v| v.iter().for_each(|v| out.push(v, push_number))),
            DataType::String => column.str().ok().map(|v| v.iter().for_each(|v| out.push(v, push_safe_text))),
            DataType::Boolean => {
                column.bool().ok().map(|v| v.iter().for_each(|v| out.push(v, |t, b| t.push_str(bool_text(b)))))
            }
            d if d.is_integer() => column
                .cast(&DataType::Int64)
                .ok()
                .and_then(|c| c.i64().ok().map(|v| v.iter().for_each(|v| out.push(v, push_display)))),
            _ => None,
        };
        if walked.is_none() {
            (out.text, out.ends) = (String::new(), Vec::with_capacity(column.len()));
            (0..column.len()).for_each(|i| out.push(Some(cell(column, i)), |t, c| t.push_str(&c)));
        }
        out
    }

    /// Appends a cell: `value` written by `write`, or an empty cell.
    fn push<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut String, T)) {
        if let Some(v) = value {
            write(&mut self.text, v);
        }
        self.ends.push(self.text.len());
    }

    /// The cell of row `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The cells, each replaced by `f` of it.
    pub fn map(&self, f: impl Fn(&str) -> String) -> ColumnText {
        let mut out = ColumnText { text: String::new(), ends: Vec::with_capacity(self.ends.len()) };
        (0..self.ends.len()).for_each(|i| out.push(Some(f(self.get(i))), |t, c| t.push_str(&c)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(safe_text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_text("+86"), "'+86");
        assert_eq!(safe_text("-x"), "'-x");
        assert_eq!(safe_text("@cmd"), "'@cmd");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("宁波"), "宁波");
    }

    #[test]
    fn a_column_reads_as_its_cells() {
        let columns = [
            Column::new("x".into(), [Some(1.5), None, Some(0.0)]),
            Column::new("t".into(), [Some("=A1"), None, Some("宁波")]),
            Column::new("b".into(), [Some(true), None, Some(false)]),
            Column::new("i".into(), [Some(3i64), None, Some(-4)]),
        ];
        for column in &columns {
            let by_index: Vec<String> = (0..column.len()).map(|i| cell(column, i)).collect();
            let text = ColumnText::of(column);
            let cells: Vec<&str> = (0..column.len()).map(|i| text.get(i)).collect();
            assert_eq!(cells, by_index, "{}", column.name());
        }
        let text = ColumnText::of(&columns[1]).map(|c| c.repeat(2));
        assert_eq!((0..3).map(|i| text.get(i)).collect::<Vec<_>>(), ["'=A1'=A1", "", "宁波宁波"]);
    }

    #[test]
    fn numbers_in_full() {
        assert_eq!(number(30.0), "30");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(1e21), "1000000000000000000000");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(86.15), "86.15");
    }
}
