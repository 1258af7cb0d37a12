//! Cells: how one text cell reads as a number, a year, a boolean, a text or a code (SPEC §2).
//!
//! Each reader answers `Ok(Some(v))`, `Ok(None)` for a missing cell, or `Err(Unreadable)` for text
//! that cannot be read; the caller turns `Err` into a data_quality row. Missing is never zero.

use crate::keys::is_blank;
use crate::quality::Message;
use std::borrow::Cow;

/// Tokens that mean *missing* in number, year and boolean cells (compared case-insensitively).
const MISSING_TOKENS: [&str; 9] = ["", "-", "—", "–", "/", "na", "n/a", "null", "无"];

/// Text that cannot be read as the cell's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

/// What a cell should have held, for the message of an unreadable one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Number,
    Boolean,
    Year,
    Scale,
}

/// The message of an unreadable `cell` read as missing.
pub fn unreadable(cell: &str, expected: Expected) -> Message {
    let (en, zh) = match expected {
        Expected::Number => ("a number", "数字"),
        Expected::Boolean => ("a yes/no value", "是/否值"),
        Expected::Year => ("a year", "年份"),
        Expected::Scale => ("a scale (规上/规下)", "规模（规上/规下）"),
    };
    Message::new(format!("`{cell}` is not {en}; read as missing"), format!("“{cell}”不是{zh}，按缺失处理"))
}

pub type Read<T> = Result<Option<T>, Unreadable>;

/// The longest missing token, in bytes.
const LONGEST_MISSING_TOKEN: usize = {
    let (mut longest, mut i) = (0, 0);
    while i < MISSING_TOKENS.len() {
        if MISSING_TOKENS[i].len() > longest {
            longest = MISSING_TOKENS[i].len();
        }
        i += 1;
    }
    longest
};

/// A cell without surrounding white space or invisible characters (see [`is_blank`]).
pub fn trim(cell: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if printable(cell.as_bytes().first()) && printable(cell.as_bytes().last()) {
        return cell;
    }
    cell.trim_matches(is_blank)
}

/// Whether a cell, once trimmed, is one of the missing tokens.
pub fn is_missing(cell: &str) -> bool {
    is_missing_token(trim(cell))
}

/// No missing token begins with a digit, so most cells of a number column (`2024`, `1.5`)
/// are told apart by their first byte instead of against each token.
fn is_missing_token(trimmed: &str) -> bool {
    let starts_with_digit = trimmed.as_bytes().first().is_some_and(u8::is_ascii_digit);
    !starts_with_digit
        && trimmed.len() <= LONGEST_MISSING_TOKEN
        && MISSING_TOKENS.iter().any(|m| trimmed.eq_ignore_ascii_case(m))
}

/// A number, with optional thousands separators in groups of three (`1,234.5`).
pub fn number(cell: &str) -> Read<f64> {
    let t = trim(cell);
    if is_missing_token(t) {
        return Ok(None);
    }
    let plain: Cow<str> = if t.contains(',') { strip_thousands(t).ok_or(Unreadable)?.into() } else { t.into() };
    if !plain.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return Err(Unreadable);
    }
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(Unreadable),
    }
}

/// `1,234,567.5` → `1234567.5`; `None` when the groups are not of three (`12,34`).
fn strip_thousands(t: &str) -> Option<String> {
    let (sign, body) = match t.strip_prefix(['-', '+']) {
        Some(rest) => (&t[..1], rest),
        None => ("", t),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut groups = int.split(',');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !first_ok || !rest_ok || frac.is_some_and(|f| f.contains(',')) {
        return None;
    }
    let mut plain = format!("{sign}{}", int.replace(',', ""));
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    Some(plain)
}

/// A year, written `2023` or `2023年` (a whole number from 1000 to 9999; `2023.0` as a
/// spreadsheet stores it is read too).
pub fn year(cell: &str) -> Read<i32> {
    let t = trim(cell);
    if is_missing_token(t) {
        return Ok(None);
    }
    let digits = trim(t.strip_suffix('年').unwrap_or(t));
    let value: f64 = digits.parse().map_err(|_| Unreadable)?;
    if value.fract() == 0.0 && (1000.0..=9999.0).contains(&value) { Ok(Some(value as i32)) } else { Err(Unreadable) }
}

/// A month, 1–12 once read (a whole number; the range is checked by the caller).
pub fn whole_number(cell: &str) -> Read<i64> {
    match number(cell)? {
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => Ok(Some(v as i64)),
        Some(_) => Err(Unreadable),
        None => Ok(None),
    }
}

/// A boolean: `true t 1 yes y 是 √` / `false f 0 no n 否` (any case).
pub fn boolean(cell: &str) -> Read<bool> {
    const TRUE: [&str; 8] = ["true", "t", "1", "yes", "y", "是", "√", "1.0"];
    const FALSE: [&str; 7] = ["false", "f", "0", "no", "n", "否", "0.0"];
    let t = trim(cell);
    if is_missing_token(t) {
        Ok(None)
    } else if one_of(t, &TRUE) {
        Ok(Some(true))
    } else if one_of(t, &FALSE) {
        Ok(Some(false))
    } else {
        Err(Unreadable)
    }
}

/// The group a scale cell names: `above`/`below`, 规上/规下, or a boolean (是 = above).
pub fn scale(cell: &str) -> Read<bool> {
    let t = trim(cell);
    if one_of(t, &["above", "规上", "规模以上"]) {
        Ok(Some(true))
    } else if one_of(t, &["below", "规下", "规模以下"]) {
        Ok(Some(false))
    } else {
        boolean(cell)
    }
}

/// Whether `text` is one of `words`, ignoring ASCII case (the words have no other case).
fn one_of(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.eq_ignore_ascii_case(w))
}

/// A text cell keeps its text (trimmed); an empty one is `None`.
pub fn text<T: for<'t> From<&'t str>>(cell: &str) -> Option<T> {
    let t = trim(cell);
    (!t.is_empty()).then(|| T::from(t))
}

/// A code cell (credit_code, lessee) holding only a missing token is empty.
pub fn code_text(cell: &str) -> &str {
    if is_missing(cell) { "" } else { cell }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_missing_token_begins_with_a_digit() {
        assert!(MISSING_TOKENS.iter().all(|t| !t.as_bytes().first().is_some_and(u8::is_ascii_digit)));
        assert!(MISSING_TOKENS.iter().all(|t| is_missing_token(t) && is_missing_token(&t.to_uppercase())));
        assert!(!is_missing_token("0") && !is_missing_token("2024"));
    }

    #[test]
    fn numbers() {
        assert_eq!(number(" 1,234.5 "), Ok(Some(1234.5)));
        assert_eq!(number("1,234,567"), Ok(Some(1234567.0)));
        assert_eq!(number("-2,000"), Ok(Some(-2000.0)));
        assert_eq!(number("12,34"), Err(Unreadable));
        assert_eq!(number("1234,567"), Err(Unreadable));
        assert_eq!(number("0"), Ok(Some(0.0)));
        assert_eq!(number("abc"), Err(Unreadable));
        assert_eq!(number("inf"), Err(Unreadable));
        assert_eq!(number("NaN"), Err(Unreadable));
        assert_eq!(number("1e3"), Ok(Some(1000.0)));
        for m in ["", "-", "—", "–", "/", "NA", "n/a", "NULL", "无", "  "] {
            assert_eq!(number(m), Ok(None), "{m:?}");
        }
    }

    #[test]
    fn years() {
        assert_eq!(year("2023"), Ok(Some(2023)));
        assert_eq!(year("2023年"), Ok(Some(2023)));
        assert_eq!(year("2023.0"), Ok(Some(2023)));
        assert_eq!(year("去年"), Err(Unreadable));
        assert_eq!(year("23"), Err(Unreadable));
        assert_eq!(year("-"), Ok(None));
    }

    #[test]
    fn booleans() {
        for t in ["true", "T", "1", "yes", "Y", "是", "√"] {
            assert_eq!(boolean(t), Ok(Some(true)), "{t}");
        }
        for f in ["false", "F", "0", "no", "N", "否"] {
            assert_eq!(boolean(f), Ok(Some(false)), "{f}");
        }
        assert_eq!(boolean("null"), Ok(None));
        assert_eq!(boolean("maybe"), Err(Unreadable));
        assert_eq!(scale("规上"), Ok(Some(true)));
        assert_eq!(scale("below"), Ok(Some(false)));
        assert_eq!(scale("否"), Ok(Some(false)));
    }

    #[test]
    fn codes_and_text() {
        assert_eq!(code_text("N/A"), "");
        assert_eq!(code_text("91x"), "91x");
        assert_eq!(text("  名称 "), Some("名称".to_string()));
        assert_eq!(text::<String>("  "), None);
    }
}
