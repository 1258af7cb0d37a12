//! Credit-code normalisation (`keys::normalize_code`) and the GB 32100 check (`keys::check_code`).
//!
//! Properties: normalising is idempotent; a code that checks stays the same code when
//! normalised; a valid code built from the input (its first 17 alphabet characters plus the
//! computed check character) stays valid and equal after being written full-width, in lower
//! case and with blanks and invisible characters between its characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use muchan_fuzz::keys::{CODE_ALPHABET, check_character, check_code, normalize_code};

/// How the valid code is written back, one choice per character, steered by the input bytes.
fn disguise(code: &str, steer: &[u8]) -> String {
    const BLANKS: [char; 8] = [' ', '\t', '\u{3000}', '\u{feff}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}'];
    let mut out = String::new();
    for (i, c) in code.chars().enumerate() {
        let s = steer.get(i).copied().unwrap_or(0);
        let c = if s & 1 == 1 { c.to_ascii_lowercase() } else { c };
        let c = if s & 2 == 2 { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c };
        out.push(c);
        if s & 4 == 4 {
            out.push(BLANKS[usize::from(s >> 5)]);
        }
    }
    out
}

fuzz_target!(|text: &str| {
    let once = normalize_code(text);
    let twice = normalize_code(&once);
    assert_eq!(once, twice, "normalize_code is not idempotent on {text:?}");
    assert_eq!(check_code(&once), check_code(&twice));
    if check_code(text) {
        assert_eq!(once, text, "a valid code changed when normalised");
    }
    if check_code(&once) {
        assert_eq!(once.len(), 18);
        assert!(once.bytes().all(|b| CODE_ALPHABET.contains(&b)));
    }

    // A valid code made from the input's alphabet characters.
    let first17: Vec<u8> = once.bytes().filter(|b| CODE_ALPHABET.contains(b)).take(17).collect();
    if first17.len() == 17 {
        let check = check_character(&first17).expect("alphabet characters have a check character");
        let code = format!("{}{check}", String::from_utf8(first17).expect("ASCII"));
        assert!(check_code(&code), "{code} built with its check character does not check");
        assert_eq!(normalize_code(&code), code);
        let written = disguise(&code, text.as_bytes());
        assert_eq!(normalize_code(&written), code, "{written:?} does not normalise to {code}");
        // One character changed breaks the check (GB 32100 detects any single substitution).
        let mut broken = code.clone().into_bytes();
        let at = usize::from(text.as_bytes()[0]) % 17;
        let replacement = CODE_ALPHABET[(CODE_ALPHABET.iter().position(|&c| c == broken[at]).unwrap() + 1) % 31];
        broken[at] = replacement;
        assert!(!check_code(std::str::from_utf8(&broken).unwrap()), "a single substitution still checks");
    }
});
