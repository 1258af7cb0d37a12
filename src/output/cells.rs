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
    fn numbers_in_full() {
        assert_eq!(number(30.0), "30");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(1e21), "1000000000000000000000");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(86.15), "86.15");
    }
}
