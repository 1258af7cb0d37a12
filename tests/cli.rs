//! The command line as a county user meets it: each subcommand's `--help` lists only the flags
//! it uses, a configuration that cannot be read says why once, `compare` names its columns so
//! that they cannot be read as classes, and `explain` tells why in plain words, in either
//! language.

use std::path::Path;
use std::process::Command;

fn muchan(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_muchan")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").display().to_string()
}

/// The long flags a `--help` text lists.
fn flags(help: &str) -> Vec<String> {
    let mut out: Vec<String> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.']).split('=').next().unwrap_or("").to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn each_help_lists_only_its_own_flags() {
    let expected: [(&str, &[&str]); 4] = [
        ("compare", &["--data", "--help", "--lang", "--out", "--quiet", "--year"]),
        ("explain", &["--config", "--data", "--help", "--json", "--lang", "--month", "--year"]),
        ("validate", &["--config", "--data", "--help", "--lang", "--month", "--out", "--quiet", "--year"]),
        (
            "run",
            &[
                "--config",
                "--data",
                "--format",
                "--help",
                "--lang",
                "--month",
                "--out",
                "--quiet",
                "--timings",
                "--xlsx",
                "--year",
            ],
        ),
    ];
    for (command, wanted) in expected {
        let (code, help, _) = muchan(&[command, "--help"]);
        assert_eq!(code, 0, "{command} --help");
        assert_eq!(flags(&help), wanted, "{command} --help:\n{help}");
    }
}

#[test]
fn an_unreadable_configuration_names_the_os_error_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nothing.toml");
    let (code, _, stderr) =
        muchan(&["run", "--quiet", "--data", &sample(), "--config", &missing.display().to_string()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read configuration"), "{stderr}");
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
}

#[test]
fn compare_columns_read_as_before_and_after_in_either_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let before = dir.path().join("before.toml");
    let after = dir.path().join("after.toml");
    std::fs::write(&before, "").expect("write");
    std::fs::write(&after, "[groups.above]\nclasses = { mode = \"share\", a = 0.4, b = 0.6, c = 0.95 }\n")
        .expect("write");
    let out = dir.path().join("en");
    let args = |out: &Path, lang: &str| {
        let v = [&before, &after].map(|p| p.display().to_string());
        muchan(&["compare", &v[0], &v[1], "--data", &sample(), "--out", &out.display().to_string(), "--lang", lang])
    };
    let (code, stdout, stderr) = args(&out, "en");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("before \\ after"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("compare.csv")).expect("compare.csv");
    let header = csv.lines().next().expect("header").trim_start_matches('\u{feff}');
    assert_eq!(
        header,
        "credit_code,name,group,class_before,class_after,total_before,total_after,surcharge_before,surcharge_after"
    );
    assert!(csv.lines().nth(1).is_some_and(|l| l.contains(",B,A,")), "B moves up to A:\n{csv}");
    let zh = dir.path().join("zh");
    let (code, stdout, _) = args(&zh, "zh");
    assert_eq!(code, 0);
    assert!(stdout.contains("调整前"), "{stdout}");
    let csv = std::fs::read_to_string(zh.join("compare.csv")).expect("compare.csv");
    assert!(csv.starts_with("\u{feff}统一社会信用代码,企业名称,组别,调整前类别,调整后类别"), "{csv}");
    assert!(csv.contains(",规上,鼓励提升类,优先发展类,"), "{csv}");
}

/// A rated code of the sample that is not A, and its points_to_next_class, from the
/// enterprises.csv of a run.
fn rated_not_a(out: &Path) -> (String, String) {
    let mut reader = csv::Reader::from_path(out.join("enterprises.csv")).expect("csv");
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).expect(name);
    let (group, status, class, points) =
        (column("group"), column("status"), column("class"), column("points_to_next_class"));
    let row = reader
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[group] == "above" && &r[status] == "rated" && &r[class] == "B")
        .expect("a rated B");
    (row[0].to_string(), row[points].to_string())
}

#[test]
fn explain_says_why_in_plain_words_with_numbers_for_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) =
        muchan(&["run", "--quiet", "--data", &sample(), "--out", &dir.path().display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    let (credit_code, points) = rated_not_a(dir.path());
    let points: f64 = points.parse().expect("points_to_next_class is filled for a B");
    let (code, text, stderr) = muchan(&["explain", &credit_code, "--data", &sample()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("in the above group: the top 20% ("), "{text}");
    assert!(text.contains(" — so it is B"), "{text}");
    let shown = format!("{} points more (a total of", muchan::explain::readable(Some(points)));
    assert!(text.contains(&shown), "{shown}\n{text}");
    assert!(text.contains("would have made it A"), "{text}");
    let long_decimals = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|w| w.split_once('.').is_some_and(|(_, fraction)| fraction.len() > 4));
    assert!(!long_decimals, "numbers are rounded for reading:\n{text}");
    let (code, zh, _) = muchan(&["explain", &credit_code, "--data", &sample(), "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(zh.contains("在规上组") && zh.contains("即可升为A类（优先发展类）"), "{zh}");
    for english in ["points more", "figures by year", "status", "benchmark", "ranked"] {
        assert!(!zh.contains(english), "{english} in:\n{zh}");
    }
}

#[test]
fn run_and_validate_speak_chinese_on_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().display().to_string();
    let (code, text, stderr) = muchan(&["run", "--data", &sample(), "--out", &out, "--lang", "zh"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("已评价") && text.contains("数据问题：错误"), "{text}");
    let (_, text, _) = muchan(&["validate", "--data", &sample(), "--out", &out, "--lang", "zh"]);
    assert!(text.contains("关联率") && text.contains("税收数据") && !text.contains("codes"), "{text}");
}
