//! A GeoJSON FeatureCollection split into its features' texts while the file is read a slice
//! at a time, so that a layer's text is never held whole (a nation's buildings layer is
//! 1.5 GB). Each batch of complete features is handed on as it is found, to be parsed (in
//! parallel) before the next slice is read.
//!
//! The split only finds where each value ends (strings, escapes and nesting), which is much
//! faster than parsing: the features themselves are then parsed by serde_json from their
//! texts. A file it does not read as a plain FeatureCollection (no `features` array, a
//! repeated member, an escaped member name, text after the object, bytes that are not UTF-8, a
//! truncated file) is [`Split::Unusual`]: the caller then reads it whole, the way that says
//! exactly what is wrong and where, or decodes GB18030.
//!
//! ```
//! use muchan::input::feature_split::{Split, split};
//! let text = br#"{"type": "FeatureCollection", "features": [{"a": "]"}, {"b": [1, 2]}]}"#;
//! let mut found = Vec::new();
//! let split = split(&text[..], |batch| {
//!     found.extend(batch.iter().map(|f| f.to_string()));
//!     true
//! });
//! assert!(matches!(split.unwrap(), Split::Collection { crs: None }));
//! assert_eq!(found, [r#"{"a": "]"}"#, r#"{"b": [1, 2]}"#]);
//! ```

use std::io::Read;

/// How much of the file is read at a time, in bytes (a value longer than this is read whole
/// before it is handed on).
const SLICE: usize = 8 << 20;

/// What a split found.
#[derive(Debug, PartialEq)]
pub enum Split {
    /// Every feature was handed on; the text of the collection's `crs` member, if any.
    Collection { crs: Option<String> },
    /// Not read as a plain FeatureCollection, or a batch was refused: read the file whole.
    Unusual,
}

/// Splits the FeatureCollection read from `reader`, handing each batch of feature texts, in
/// file order, to `batch`; `batch` returns `false` to stop the split ([`Split::Unusual`]).
pub fn split(reader: impl Read, batch: impl FnMut(&[&str]) -> bool) -> std::io::Result<Split> {
    split_by(reader, SLICE, batch)
}

/// [`split`], reading `slice` bytes at a time.
fn split_by(reader: impl Read, slice: usize, mut batch: impl FnMut(&[&str]) -> bool) -> std::io::Result<Split> {
    let mut text = Slices { reader, slice, buf: Vec::new(), pos: 0, eof: false };
    let mut state = State::Open;
    let (mut crs, mut features_seen, mut member) = (None, false, Vec::new());
    let mut pending: Vec<(usize, usize)> = Vec::new();
    while text.buf.len() < 3 && !text.eof {
        text.fill()?;
    }
    if text.buf.starts_with(b"\xEF\xBB\xBF") {
        text.pos = 3;
    }
    loop {
        let scanned = step(&text.buf, text.pos, text.eof, state);
        match scanned {
            Step::Done(next, end, found) => {
                text.pos = end;
                match found {
                    Found::Nothing => {}
                    Found::Feature(start) => pending.push((start, end)),
                    Found::Member(name) => {
                        if name == b"features" && std::mem::replace(&mut features_seen, true) {
                            return Ok(Split::Unusual);
                        }
                        member = name;
                    }
                    Found::Value(start) if member == b"crs" => {
                        let Ok(value) = std::str::from_utf8(&text.buf[start..end]) else { return Ok(Split::Unusual) };
                        if crs.replace(value.to_string()).is_some() {
                            return Ok(Split::Unusual);
                        }
                    }
                    Found::Value(_) => {}
                }
                state = next;
                if state == State::End {
                    break;
                }
            }
            Step::More if !text.eof => {
                if !hand_on(&text.buf, &mut pending, &mut batch) {
                    return Ok(Split::Unusual);
                }
                text.fill()?;
            }
            Step::More | Step::Bad => return Ok(Split::Unusual),
        }
    }
    if !features_seen || !hand_on(&text.buf, &mut pending, &mut batch) {
        return Ok(Split::Unusual);
    }
    Ok(Split::Collection { crs })
}

/// Hands the pending features on as texts (after checking they are UTF-8) and forgets them.
fn hand_on(buf: &[u8], pending: &mut Vec<(usize, usize)>, batch: &mut impl FnMut(&[&str]) -> bool) -> bool {
    let (Some(&(first, _)), Some(&(_, last))) = (pending.first(), pending.last()) else { return true };
    // One check over the whole run; every span starts and ends at ASCII structure.
    let Ok(run) = std::str::from_utf8(&buf[first..last]) else { return false };
    let texts: Vec<&str> = pending.iter().map(|&(s, e)| &run[s - first..e - first]).collect();
    pending.clear();
    batch(&texts)
}

/// The file as it is read: the slices not yet consumed.
struct Slices<R> {
    reader: R,
    /// How much is read at a time.
    slice: usize,
    buf: Vec<u8>,
    /// Where scanning goes on in `buf`.
    pos: usize,
    eof: bool,
}

impl<R: Read> Slices<R> {
    /// Drops what is consumed and reads up to one more slice (the buffer grows only as far as
    /// the file goes: a county's small layer takes no slice-sized buffer).
    fn fill(&mut self) -> std::io::Result<()> {
        self.buf.drain(..self.pos);
        self.pos = 0;
        let slice = self.slice as u64;
        let read = (&mut self.reader).take(slice).read_to_end(&mut self.buf)?;
        self.eof = (read as u64) < slice;
        Ok(())
    }
}

/// Where the split is in the collection.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Before the top-level `{`.
    Open,
    /// After `{`: a member name or `}`.
    FirstMember,
    /// After a member: `,` or `}`.
    NextMember,
    /// After a member name other than `features`, whose value comes next.
    Value,
    /// After `"features": [`: a feature or `]`.
    FirstFeature,
    /// After a feature: `,` or `]`.
    NextFeature,
    /// After the top-level `}`: only white space.
    Trailing,
    End,
}

/// What one step found, besides moving on.
enum Found {
    Nothing,
    /// A feature, from this offset to the step's end.
    Feature(usize),
    /// A member name (its raw bytes), its `:` read.
    Member(Vec<u8>),
    /// The value of the member last named, from this offset to the step's end.
    Value(usize),
}

enum Step {
    /// The next state, the offset after what was read, and what it was.
    Done(State, usize, Found),
    /// The slice ends before the step does.
    More,
    /// Not a plain FeatureCollection.
    Bad,
}

/// Reads one token (or one whole value) of the collection from `buf[pos..]`.
fn step(buf: &[u8], pos: usize, eof: bool, state: State) -> Step {
    let i = skip_space(buf, pos);
    let Some(&byte) = buf.get(i) else {
        return match (state, eof) {
            (State::Trailing, true) => Step::Done(State::End, i, Found::Nothing),
            _ => cut_short(eof),
        };
    };
    let done = |next, end, found| Step::Done(next, end, found);
    match (state, byte) {
        (State::Open, b'{') => done(State::FirstMember, i + 1, Found::Nothing),
        (State::FirstMember, b'}') | (State::NextMember, b'}') => done(State::Trailing, i + 1, Found::Nothing),
        (State::NextMember, b',') => member(buf, skip_space(buf, i + 1), eof),
        (State::FirstMember, b'"') => member(buf, i, eof),
        (State::Value, _) => value(buf, i, eof, State::NextMember, Found::Value(i)),
        (State::FirstFeature, b']') | (State::NextFeature, b']') => done(State::NextMember, i + 1, Found::Nothing),
        (State::NextFeature, b',') => {
            let start = skip_space(buf, i + 1);
            value(buf, start, eof, State::NextFeature, Found::Feature(start))
        }
        (State::FirstFeature, _) => value(buf, i, eof, State::NextFeature, Found::Feature(i)),
        _ => Step::Bad,
    }
}

/// The value at `buf[start]`, read whole, then `next`.
fn value(buf: &[u8], start: usize, eof: bool, next: State, found: Found) -> Step {
    match value_end(buf, start, eof) {
        Some(Ok(end)) => Step::Done(next, end, found),
        Some(Err(())) => Step::Bad,
        None => Step::More,
    }
}

/// The slice ended before a step did: more is needed, or the file ended too soon.
fn cut_short(eof: bool) -> Step {
    if eof { Step::Bad } else { Step::More }
}

/// A member name at `buf[i]` (a `"`), its `:` and, for `features`, the `[` that opens it.
fn member(buf: &[u8], i: usize, eof: bool) -> Step {
    match buf.get(i) {
        None => return cut_short(eof),
        Some(b'"') => {}
        Some(_) => return Step::Bad,
    }
    let Some(end) = string_end(buf, i) else { return cut_short(eof) };
    let name = &buf[i + 1..end - 1];
    if name.contains(&b'\\') {
        return Step::Bad;
    }
    let colon = skip_space(buf, end);
    match buf.get(colon) {
        None => return cut_short(eof),
        Some(b':') => {}
        Some(_) => return Step::Bad,
    }
    if name != b"features" {
        return Step::Done(State::Value, colon + 1, Found::Member(name.to_vec()));
    }
    let open = skip_space(buf, colon + 1);
    match buf.get(open) {
        None => cut_short(eof),
        Some(b'[') => Step::Done(State::FirstFeature, open + 1, Found::Member(name.to_vec())),
        Some(_) => Step::Bad,
    }
}

fn skip_space(buf: &[u8], mut i: usize) -> usize {
    while buf.get(i).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Where the string starting at `buf[i]` (a `"`) ends, after its closing quote; `None` when
/// the slice ends first.
fn string_end(buf: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', buf.get(j..)?)?;
        if buf[j] == b'"' {
            return Some(j + 1);
        }
        j += 2;
    }
}

/// Where the JSON value starting at `buf[i]` ends: `None` when the slice ends first (and more
/// may come), `Err` when it is not a value.
fn value_end(buf: &[u8], i: usize, eof: bool) -> Option<Result<usize, ()>> {
    let first = *buf.get(i)?;
    match first {
        b'"' => string_end(buf, i).map(Ok),
        b'{' | b'[' => nested_end(buf, i),
        b',' | b']' | b'}' | b':' => Some(Err(())),
        _ => {
            let end = buf[i..].iter().position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'));
            match end {
                Some(n) => Some(Ok(i + n)),
                None if eof => Some(Ok(buf.len())),
                None => None,
            }
        }
    }
}

/// Where the object or array opened at `buf[i]` closes (strings skipped whole; whether the
/// brackets match is left to the parser of the value).
fn nested_end(buf: &[u8], i: usize) -> Option<Result<usize, ()>> {
    let mut depth = 0usize;
    let mut j = i;
    while let Some(&b) = buf.get(j) {
        match b {
            b'"' => {
                j = string_end(buf, j)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(Ok(j + 1));
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The features and what the split found, read `slice` bytes at a time.
    fn split_all(text: &[u8], slice: usize) -> (Vec<String>, Split) {
        let mut found = Vec::new();
        let split = split_by(text, slice, |batch| {
            found.extend(batch.iter().map(|f| f.to_string()));
            true
        })
        .expect("reads from memory");
        (found, split)
    }

    #[test]
    fn features_are_split_whatever_the_slices() {
        let text = "\u{FEFF}{ \"type\" : \"FeatureCollection\", \"name\": {\"a\": [1, {\"b\": \"}\"}]},\n \"features\" : [\n\
            {\"properties\": {\"名\": \"宗地 \\\" ] }\"}, \"geometry\": null} ,\n\
            7, \"x\", [1, [2]], null ,{}\n\
            ], \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:4490\"}}, \"n\": -1.5e3 }\n ";
        let features = [
            "{\"properties\": {\"名\": \"宗地 \\\" ] }\"}, \"geometry\": null}",
            "7",
            "\"x\"",
            "[1, [2]]",
            "null",
            "{}",
        ];
        let crs = r#"{"type": "name", "properties": {"name": "EPSG:4490"}}"#;
        for slice in (1..48).chain([4096]) {
            let (found, split) = split_all(text.as_bytes(), slice);
            assert_eq!(found, features, "slices of {slice} bytes");
            assert_eq!(split, Split::Collection { crs: Some(crs.to_string()) }, "slices of {slice} bytes");
        }
        let (found, split) = split_all(br#"{"features":[]}"#, 3);
        assert!(found.is_empty());
        assert_eq!(split, Split::Collection { crs: None });
    }

    #[test]
    fn anything_but_a_plain_collection_is_unusual() {
        let unusual: [&[u8]; 12] = [
            b"",
            b"[]",
            br#"{"type": "FeatureCollection"}"#,
            br#"{"features": null}"#,
            br#"{"features": [], "features": []}"#,
            br#"{"crs": 1, "features": [], "crs": 2}"#,
            br#"{"feat\u0075res": []}"#,
            br#"{"features": [{}]} x"#,
            br#"{"features": [{}"#,
            br#"{"features": [{},, {}]}"#,
            b"{\"features\": [{\"a\": \"\xFF\"}]}",
            br#"{"features" [{}]}"#,
        ];
        for text in unusual {
            for slice in [1, 5, 4096] {
                assert_eq!(split_all(text, slice).1, Split::Unusual, "{:?}", String::from_utf8_lossy(text));
            }
        }
    }

    #[test]
    fn a_refused_batch_stops_the_split() {
        let text = br#"{"features": [1, 2, 3]}"#;
        let mut batches = 0;
        let split = split_by(&text[..], 4, |_| {
            batches += 1;
            false
        });
        assert_eq!(split.expect("reads from memory"), Split::Unusual);
        assert_eq!(batches, 1);
    }
}
