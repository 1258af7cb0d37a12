//! Keys: the unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! Every code read from any table goes through [`normalize_code`]; [`check_code`] tells
//! whether the normalised code carries a valid GB 32100 check character.

use compact_str::CompactString;

/// The 31 characters a credit code is written in, in the order of their values 0–30.
pub const CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Full-width characters made half-width, all white space removed (U+3000 included),
/// letters upper-cased.
pub fn normalize_code(raw: &str) -> CompactString {
    if raw.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return CompactString::from(raw);
    }
    raw.chars().map(to_half_width).filter(|c| !is_blank(*c)).flat_map(char::to_uppercase).collect()
}

/// White space, and the invisible characters spreadsheets leave in cells: a byte-order mark
/// in the middle of a file, zero-width spaces and joiners.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}')
}

fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Each byte's value in the alphabet (0–30), or 255 for a byte outside it.
const VALUES: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < CODE_ALPHABET.len() {
        table[CODE_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Value of one code character (0–30), or `None` for a character outside the alphabet.
fn char_value(c: u8) -> Option<u32> {
    let v = VALUES[c as usize];
    (v != 255).then_some(u32::from(v))
}

/// The check character for the first 17 characters of a code, or `None` when one of them is
/// outside the alphabet.
pub fn check_character(first17: &[u8]) -> Option<char> {
    let mut weight = 1u32;
    let mut sum = 0u32;
    for &c in first17 {
        sum += char_value(c)? * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    Some(CODE_ALPHABET[check as usize] as char)
}

/// Whether a normalised code is 18 characters of the alphabet with a correct check character.
pub fn check_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 18 && char_value(bytes[17]).is_some() && check_character(&bytes[..17]) == Some(bytes[17] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_vectors() {
        assert!(check_code("914403001922038216"));
        assert!(check_code("91440300708461136T"));
        assert!(!check_code("91350100M000100Y4Z"));
        assert_eq!(check_character(b"91350100M000100Y4"), Some('3'));
        assert!(check_code("91350100M000100Y43"));
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize_code(" ９１４４０３００７０８４６１１３６ｔ "), "91440300708461136T");
        assert_eq!(normalize_code("9144\u{3000}0300 7084\t61136t"), "91440300708461136T");
        assert_eq!(normalize_code(""), "");
        assert_eq!(normalize_code("\u{feff}914403001922038216\u{200b}"), "914403001922038216");
    }

    #[test]
    fn wrong_length_or_alphabet_is_invalid() {
        assert!(!check_code("91440300708461136"));
        assert!(!check_code("9144030070846113IT"));
        assert!(!check_code("91440300708461136TT"));
    }
}
