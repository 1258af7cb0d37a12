//! Cells as outputs write them: numbers in full (shortest round-trip form), booleans as
//! `true`/`false`, missing as empty, and text neutralised against spreadsheet formulas.

use polars::prelude::*;

/// A text cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading apostrophe (OWASP's rule).
pub fn safe_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// A number in its shortest round-trip form, written in full (no exponent).
pub fn number(x: f64) -> String {
    if x == 0.0 { "0".to_string() } else { format!("{x}") }
}

/// The cell of row `i` of a column, as text.
pub fn cell(column: &Column, i: usize) -> String {
    match column.get(i) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        Ok(AnyValue::Boolean(b)) => b.to_string(),
        Ok(AnyValue::String(s)) => safe_text(s),
        Ok(AnyValue::StringOwned(s)) => safe_text(&s),
        Ok(AnyValue::Float64(x)) => number(x),
        Ok(AnyValue::Float32(x)) => number(f64::from(x)),
        Ok(other) => other.to_string(),
    }
}

/// Every cell of a column as [`cell`] writes it, walking the column's values in order
/// (much faster than looking each row up).
pub fn column_cells(column: &Column) -> Vec<String> {
    let texts = |values: Vec<Option<String>>| values.into_iter().map(Option::unwrap_or_default).collect();
    match column.dtype() {
        DataType::Float64 => match column.f64() {
            Ok(values) => texts(values.iter().map(|v| v.map(number)).collect()),
            Err(_) => by_row(column),
        },
        DataType::String => match column.str() {
            Ok(values) => texts(values.iter().map(|v| v.map(safe_text)).collect()),
            Err(_) => by_row(column),
        },
        DataType::Boolean => match column.bool() {
            Ok(values) => texts(values.iter().map(|v| v.map(|b| b.to_string())).collect()),
            Err(_) => by_row(column),
        },
        _ => by_row(column),
    }
}

fn by_row(column: &Column) -> Vec<String> {
    (0..column.len()).map(|i| cell(column, i)).collect()
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
            assert_eq!(column_cells(column), by_index, "{}", column.name());
        }
        assert_eq!(column_cells(&columns[1]), ["'=A1", "", "宁波"]);
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
