//! A headless browser for the tests that open pages: found on PATH (or `MUCHAN_BROWSER`),
//! skipped when there is none unless `MUCHAN_REQUIRE_BROWSER=1`, run with `--dump-dom`,
//! `--screenshot` or `--print-to-pdf`, and the dumped `<body>`'s attributes read.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BROWSERS: [&str; 5] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const TIMEOUT: Duration = Duration::from_secs(180);

/// The browser to use, or `None` after printing why the test is skipped (a panic when one
/// is required).
pub fn browser(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("MUCHAN_BROWSER").map(PathBuf::from).filter(|p| p.is_file()).or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).flat_map(|dir| BROWSERS.map(|b| dir.join(b))).find(|p| p.is_file())
    });
    if found.is_none() {
        let required = std::env::var("MUCHAN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(!required, "{test}: MUCHAN_REQUIRE_BROWSER=1 but no browser ({}) on PATH", BROWSERS.join(", "));
        eprintln!("{test}: SKIPPED — no browser ({}) on PATH", BROWSERS.join(", "));
    }
    found
}

/// Runs the browser headless on `url` with `extra` arguments; returns stdout and stderr.
pub fn run_headless(browser: &Path, url: &str, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
    ]
    .map(String::from)
    .to_vec();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    args.extend_from_slice(extra);
    args.push(url.to_string());
    let mut child = Command::new(browser)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish within {TIMEOUT:?}", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out.join().unwrap_or_default(), err.join().unwrap_or_default())
}

/// The value of attribute `name` on the dumped `<body>` tag.
pub fn body_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<body")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!("{name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}
