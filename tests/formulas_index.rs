//! docs/formulas.md names, for every formula, the file and the function (or const) that
//! implements it: "`src/path.rs` · `name`". Every such reference must point to a file that
//! exists and defines that name, so that the index cannot go stale when code moves.

use std::path::Path;

/// The (file, name) references of the index, in order.
fn references(index: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = index;
    while let Some(start) = rest.find("`src/") {
        let after = &rest[start + 1..];
        let Some(file_end) = after.find('`') else { break };
        let file = &after[..file_end];
        let tail = &after[file_end + 1..];
        if let Some(named) = tail.strip_prefix(" · `")
            && let Some(name_end) = named.find('`')
        {
            out.push((file.to_string(), named[..name_end].to_string()));
        }
        rest = &after[file_end + 1..];
    }
    out
}

/// Whether `source` defines `name` as a function, const or static.
fn defines(source: &str, name: &str) -> bool {
    ["fn ", "const ", "static "].iter().any(|kind| {
        let needle = format!("{kind}{name}");
        source.match_indices(&needle).any(|(at, _)| {
            let next = source[at + needle.len()..].chars().next();
            !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn every_reference_of_the_formula_index_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = std::fs::read_to_string(root.join("docs/formulas.md")).expect("docs/formulas.md");
    let refs = references(&index);
    assert!(refs.len() > 100, "the index names {} places; expected every formula", refs.len());
    let stale: Vec<String> = refs
        .iter()
        .filter(|(file, name)| std::fs::read_to_string(root.join(file)).map_or(true, |src| !defines(&src, name)))
        .map(|(file, name)| format!("{file} · {name}"))
        .collect();
    assert!(stale.is_empty(), "docs/formulas.md names places that do not exist:\n{}", stale.join("\n"));
}

#[test]
fn the_reference_reader_reads_what_it_should() {
    let text = "| a | b | `src/x.rs` · `f`; `src/y.rs` · `G_H` |\n`src/z.rs` alone";
    assert_eq!(references(text), [("src/x.rs".into(), "f".into()), ("src/y.rs".into(), "G_H".into())]);
    assert!(defines("pub fn evaluate(x)", "evaluate"));
    assert!(!defines("pub fn evaluate_all(x)", "evaluate"));
    assert!(defines("pub const M2_PER_MU: f64", "M2_PER_MU"));
}
