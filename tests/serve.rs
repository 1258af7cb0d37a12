//! `muchan serve` (SPEC §18) as a person or a script meets it: the binary started on the
//! bundled sample on an ephemeral port, every route asked over plain HTTP/1.1 — the page, the
//! summary, evaluations (against `muchan run` under the same settings), the output files, the
//! errors (malformed and oversized bodies, keys read at start, path traversal, unknown paths
//! and methods) and two evaluations at once — and the page driven in headless Chromium
//! through settings in its URL (skipped without a browser unless `MUCHAN_REQUIRE_BROWSER=1`).

mod common;

use common::browser::{browser, run_headless};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The bundled sample county.
fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A running `muchan serve`, stopped when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// `muchan serve --port 0 --quiet` on the sample with `extra` flags; waits for its URL.
    fn start(extra: &[&str]) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_muchan"))
            .args(["serve", "--port", "0", "--quiet", "--data"])
            .arg(sample())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("muchan serve starts");
        // Owned before anything can panic, so that the server is stopped whatever happens.
        let mut server = Server { child, address: SocketAddr::from(([127, 0, 0, 1], 0)) };
        let mut line = String::new();
        let stdout = server.child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut line).expect("the URL line");
        let at = line.find("http://").unwrap_or_else(|| panic!("no URL in {line:?}"));
        let url = line[at..].split_whitespace().next().unwrap_or_default();
        assert!(url.starts_with("http://127.0.0.1:"), "serves on 127.0.0.1 by default: {url}");
        server.address = url.trim_start_matches("http://").trim_end_matches('/').parse().expect("an address");
        server
    }

    /// Sends a raw request (`target` exactly as written on the request line); the status and
    /// the body.
    fn request(&self, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(self.address).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(120))).expect("timeout");
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.address,
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("send head");
        // A refused body may be cut off half-way: the answer is read all the same.
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the answer");
        parse_response(&raw)
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        self.request("GET", path, b"")
    }

    fn json(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let (status, bytes) = self.request(method, path, body.as_bytes());
        (status, serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {bytes:?}")))
    }

    fn evaluate(&self, toml: &str) -> Value {
        let (status, answer) = self.json("POST", "/api/evaluate", toml);
        assert_eq!(status, 200, "{answer}");
        answer
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status and body of an HTTP/1.1 response (a chunked body joined).
fn parse_response(raw: &[u8]) -> (u16, Vec<u8>) {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head") + 4;
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let mut body = raw[end..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let (mut joined, mut rest) = (Vec::new(), &body[..]);
        loop {
            let line = rest.windows(2).position(|w| w == b"\r\n").expect("chunk size");
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line]).expect("hex").trim(), 16).expect("size");
            if size == 0 {
                break;
            }
            joined.extend_from_slice(&rest[line + 2..line + 2 + size]);
            rest = &rest[line + 4 + size..];
        }
        body = joined;
    }
    (status, body)
}

/// The above scheme of the defaults with tax_per_mu weighing `weight` (the others as they are).
fn tax_weight(weight: u32) -> String {
    format!(
        "[groups.above]\nindicators = [\n  {{ name = \"tax_per_mu\", weight = {weight} }},\n  {{ name = \"va_per_mu\", weight = 20 }},\n  \
         {{ name = \"va_per_energy\", weight = 20 }},\n  {{ name = \"va_per_emission\", weight = 10, missing = \"average\" }},\n  \
         {{ name = \"labor_productivity\", weight = 10 }},\n  {{ name = \"rd_intensity\", weight = 10 }},\n]\n"
    )
}

/// `muchan run` on the sample under `toml` (laid over the defaults): the output folder.
fn run_with(toml: &str, dir: &Path) -> PathBuf {
    let (config, out) = (dir.join("settings.toml"), dir.join("out"));
    std::fs::write(&config, toml).expect("write settings");
    common::run_muchan_with(&sample(), &out, &["--config", config.to_str().expect("utf-8 path")]);
    out
}

/// The class counts of a `run`'s manifest.
fn run_counts(out: &Path) -> Value {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest")).expect("JSON");
    manifest["counts"]["class"].clone()
}

/// The sum of a `run`'s enterprises.csv surcharge_yuan column.
fn run_surcharge(out: &Path) -> f64 {
    let mut reader = csv::Reader::from_path(out.join("enterprises.csv")).expect("enterprises.csv");
    let at = reader.headers().expect("headers").iter().position(|h| h == "surcharge_yuan").expect("surcharge_yuan");
    reader.records().filter_map(|r| r.expect("row").get(at).and_then(|v| v.parse::<f64>().ok())).sum()
}

/// The answer's transitions and movers agree: every coded mover is an off-diagonal pair and
/// the off-diagonal pairs add up to the movers.
fn assert_consistent(answer: &Value) {
    let transitions = answer["transitions"].as_object().expect("transitions");
    let moved: u64 = transitions
        .iter()
        .filter(|(pair, _)| pair.split("->").collect::<Vec<_>>().windows(2).all(|w| w[0] != w[1]))
        .map(|(_, n)| n.as_u64().expect("count"))
        .sum();
    let movers = answer["movers"].as_array().expect("movers");
    assert_eq!(moved, movers.len() as u64, "{transitions:?}");
    for m in movers {
        assert_ne!(m["from"], m["to"], "{m}");
        let pair = format!("{}->{}", m["from"].as_str().expect("from"), m["to"].as_str().expect("to"));
        assert!(transitions.get(&pair).and_then(Value::as_u64).unwrap_or(0) > 0, "{pair} not in the transitions");
        assert!(m["credit_code"].as_str().is_some_and(|c| c.len() == 18), "{m}");
    }
}

#[test]
fn the_page_the_summary_and_the_outputs_are_those_of_a_run() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let run = run_with("", dir.path());

    let (status, page) = server.get("/");
    let page = String::from_utf8(page).expect("utf-8");
    assert_eq!(status, 200);
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("<section id=\"whatif\">"),
        "the report with the panel"
    );
    assert!(page.contains("id=\"serve-data\"") && page.contains("<canvas id=\"map\""));

    let (status, summary) = server.json("GET", "/api/summary", "");
    assert_eq!(status, 200);
    assert_eq!(
        summary.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["year".to_string(), "counts".to_string(), "surcharge_total".to_string()])
    );
    assert_eq!(summary["year"], json!(2024));
    assert_eq!(summary["counts"], run_counts(&run));
    let total = summary["surcharge_total"].as_f64().expect("a number");
    assert!(total > 0.0 && (total - run_surcharge(&run)).abs() < 1e-6 * total, "{total} vs the run's");

    let files = std::fs::read_dir(&run).expect("the run's outputs").map(|e| e.expect("entry").file_name());
    let mut names: Vec<String> =
        files.map(|n| n.to_string_lossy().to_string()).filter(|n| n != "manifest.json").collect();
    names.sort();
    assert_eq!(names.len(), 11, "{names:?}");
    for name in &names {
        let (status, bytes) = server.get(&format!("/api/outputs/{name}"));
        assert_eq!(status, 200, "{name}");
        assert!(bytes == std::fs::read(run.join(name)).expect("the run's file"), "{name} differs from the run's");
        assert!(page.contains(&format!("\"{name}\"")), "the page offers {name}");
    }
    let (status, manifest) = server.json("GET", "/api/outputs/manifest.json", "");
    assert_eq!(status, 200);
    assert_eq!(manifest["counts"]["class"], run_counts(&run));
}

#[test]
fn an_evaluation_moves_enterprises_as_a_run_with_those_settings_does() {
    let server = Server::start(&[]);
    let start = server.evaluate("");
    assert_eq!(start["movers"], json!([]), "the start settings move no one");
    assert!(start["transitions"].as_object().expect("transitions").keys().all(|k| k[..1] == k[3..]), "{start}");

    let changed = tax_weight(80);
    let answer = server.evaluate(&changed);
    let keys: Vec<&String> = answer.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["counts", "transitions", "movers", "surcharge_total", "config_toml"]);
    assert_consistent(&answer);
    assert!(!answer["movers"].as_array().expect("movers").is_empty(), "a weight of 80 moves someone");
    // Every code with a group is in the matrix once.
    let in_matrix: u64 = answer["transitions"].as_object().expect("t").values().filter_map(Value::as_u64).sum();
    let start_in_matrix: u64 = start["transitions"].as_object().expect("t").values().filter_map(Value::as_u64).sum();
    assert_eq!(in_matrix, start_in_matrix);
    let echoed: toml::Value = toml::from_str(answer["config_toml"].as_str().expect("TOML")).expect("valid TOML");
    assert_eq!(echoed["groups"]["above"]["indicators"][0]["weight"].as_float(), Some(80.0));
    assert_eq!(echoed["groups"]["below"]["indicators"][0]["weight"].as_float(), Some(50.0), "kept from the start");

    let dir = tempfile::tempdir().expect("temp dir");
    let run = run_with(&changed, dir.path());
    assert_eq!(answer["counts"], run_counts(&run));
    let total = answer["surcharge_total"].as_f64().expect("a number");
    assert!((total - run_surcharge(&run)).abs() < 1e-6 * total.max(1.0));
    let (_, summary) = server.json("GET", "/api/summary", "");
    assert_eq!(summary["counts"], answer["counts"], "the summary is of the latest evaluation");
    for name in ["enterprises.csv", "summary.json", "alerts.csv"] {
        let (status, bytes) = server.get(&format!("/api/outputs/{name}"));
        assert_eq!(status, 200);
        assert_eq!(bytes, std::fs::read(run.join(name)).expect("the run's"), "{name} of the latest settings");
    }
    // The movers are those of `muchan compare` between the two settings.
    let compared = dir.path().join("compare");
    let before = dir.path().join("before.toml");
    std::fs::write(&before, "").expect("write");
    let status = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["compare", "--quiet", "--data"])
        .arg(sample())
        .arg("--out")
        .arg(&compared)
        .arg(&before)
        .arg(dir.path().join("settings.toml"))
        .status()
        .expect("compare runs");
    assert!(status.success());
    let mut rows = csv::Reader::from_path(compared.join("compare.csv")).expect("compare.csv");
    let codes: Vec<String> = rows.records().map(|r| r.expect("row")[0].to_string()).collect();
    let movers: Vec<&str> =
        answer["movers"].as_array().expect("m").iter().filter_map(|m| m["credit_code"].as_str()).collect();
    assert_eq!(movers, codes);
}

#[test]
fn bodies_that_are_not_settings_get_400_with_line_column_and_key() {
    let server = Server::start(&[]);
    let cases: [(&str, &[&str]); 5] = [
        ("[scoring]\ncap = \"high\"\n", &["line 2, column 7", "key `scoring.cap`", "expected f64"]),
        ("[groups.above]\nbenchmark = \"mode\"\n", &["line 2", "key `groups.above.benchmark`"]),
        ("[scoring]\ncapp = 2.0\n", &["capp"]),
        ("[scoring\ncap = 2.0\n", &["line 1, column"]),
        ("[land]\ncrs = \"EPSG:4528\"\n", &["`land`", "restart muchan serve"]),
    ];
    for (body, words) in cases {
        let (status, answer) = server.json("POST", "/api/evaluate", body);
        assert_eq!(status, 400, "{body:?}: {answer}");
        let message = answer["error"].as_str().expect("an error message");
        assert!(message.starts_with("configuration request body: "), "{message}");
        for w in words {
            assert!(message.contains(w), "{body:?}: {message:?} lacks {w:?}");
        }
    }
    let (status, _) = server.request("POST", "/api/evaluate", &[0xff, 0xfe, b'[', b'x']);
    assert_eq!(status, 400, "a body that is not UTF-8");
    let (status, _) = server.request("POST", "/api/evaluate", &vec![b'#'; (1 << 20) + 1]);
    assert_eq!(status, 413, "a body over 1 MiB");
    let (status, answer) =
        server.json("POST", "/api/evaluate", &format!("{}\n#{}\n", tax_weight(30), "x".repeat(1000)));
    assert_eq!(status, 200, "a body under 1 MiB: {answer}");
    assert_eq!(answer["movers"], json!([]));
    let (_, summary) = server.json("GET", "/api/summary", "");
    assert_eq!(summary["counts"], answer["counts"], "refused bodies changed nothing");
}

#[test]
fn paths_off_the_list_get_404_and_never_reach_the_file_system() {
    let server = Server::start(&[]);
    let paths = [
        "/api/outputs/../Cargo.toml",
        "/api/outputs/..%2fCargo.toml",
        "/api/outputs/%2e%2e%2fCargo.toml",
        "/api/outputs/%2e%2e/%2e%2e/Cargo.toml",
        "/api/outputs/..%5cCargo.toml",
        "/api/outputs/%2fetc%2fpasswd",
        "/api/outputs/Cargo.toml",
        "/api/outputs/enterprises.xlsx",
        "/api/outputs/counties.csv",
        "/api/outputs/",
        "/api/outputs",
        "/api/outputs/enterprises.csv/",
        "/../Cargo.toml",
        "/Cargo.toml",
        "/data/enterprises.csv",
        "/api",
        "/api/summary/x",
        "/index.html",
    ];
    for path in paths {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert_eq!(serde_json::from_slice::<Value>(&body).ok(), Some(json!({"error": "not found"})), "{path}");
    }
    for (method, path) in
        [("GET", "/api/evaluate"), ("POST", "/api/summary"), ("DELETE", "/"), ("PUT", "/api/outputs/enterprises.csv")]
    {
        assert_eq!(server.request(method, path, b"").0, 404, "{method} {path}");
    }
    assert_eq!(server.get("/api/outputs/enterprises.csv").0, 200, "the server still answers");
}

#[test]
fn two_evaluations_at_once_both_answer_as_alone() {
    let server = Server::start(&[]);
    let bodies = [tax_weight(80), tax_weight(5)];
    let alone: Vec<Value> = bodies.iter().map(|b| server.evaluate(b)).collect();
    assert_ne!(alone[0]["transitions"], alone[1]["transitions"]);
    let together: Vec<Value> = std::thread::scope(|s| {
        let handles: Vec<_> = bodies.iter().map(|b| s.spawn(|| server.evaluate(b))).collect();
        handles.into_iter().map(|h| h.join().expect("answers")).collect()
    });
    assert_eq!(together, alone);
    let (status, summary) = server.json("GET", "/api/summary", "");
    assert_eq!(status, 200);
    assert!(summary["counts"] == alone[0]["counts"] || summary["counts"] == alone[1]["counts"]);
}

#[test]
fn a_bad_listen_address_a_busy_port_or_no_data_stops_with_exit_code_2() {
    let bad_listen = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["serve", "--quiet", "--listen", "not-an-address"])
        .output()
        .expect("runs");
    assert_eq!(bad_listen.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_listen.stderr).contains("--listen not-an-address"));
    let no_data = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["serve", "--quiet", "--port", "0", "--data", "/nonexistent/county"])
        .output()
        .expect("runs");
    assert_eq!(no_data.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_data.stderr).contains("/nonexistent/county"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("bound").port().to_string();
    let busy = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["serve", "--quiet", "--port", &port, "--data"])
        .arg(sample())
        .output()
        .expect("runs");
    assert_eq!(busy.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&busy.stderr).contains(&format!("cannot listen on 127.0.0.1:{port}")));
}

/// The value of attribute `name` of the dumped `<section id="whatif">`.
fn panel_attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<section id=\"whatif\"")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!("{name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(tag[at..at + tag[at..].find('"')?].replace("&quot;", "\"").replace("&gt;", ">"))
}

/// The page in headless Chromium: Evaluate under the start settings moves no one; a weight
/// changed in the panel (through the URL) changes the matrix exactly as the API says; the
/// Chinese page speaks Chinese.
#[test]
fn the_page_evaluates_in_a_browser() {
    let Some(browser) = browser("the_page_evaluates_in_a_browser") else { return };
    let server = Server::start(&[]);
    let dump = |query: &str| {
        let url = format!("http://{}/{query}", server.address);
        let args =
            ["--dump-dom".to_string(), "--virtual-time-budget=20000".to_string(), "--window-size=1366,768".into()];
        let (dom, log) = run_headless(&browser, &url, &args);
        assert!(dom.contains("<section id=\"whatif\""), "no page dumped for {query}; browser said:\n{log}");
        assert!(!dom.contains("data-errors="), "script errors on {query}");
        dom
    };
    let unchanged = dump("?evaluate=1");
    assert_eq!(panel_attr(&unchanged, "data-evaluated").as_deref(), Some("1"), "evaluated once");
    assert_eq!(panel_attr(&unchanged, "data-moved").as_deref(), Some("0"));
    assert!(unchanged.contains("id=\"m-A-A\""), "the matrix is shown");

    let changed = dump("?set=groups.above.weight.tax_per_mu=80&evaluate=1");
    assert_eq!(panel_attr(&changed, "data-unknown"), None);
    let expected = server.evaluate(&tax_weight(80));
    let transitions: Value =
        serde_json::from_str(&panel_attr(&changed, "data-transitions").expect("transitions")).expect("JSON");
    assert_eq!(transitions, expected["transitions"], "the page's matrix is the API's");
    let moved = panel_attr(&changed, "data-moved").expect("moved");
    assert_eq!(moved, expected["movers"].as_array().expect("movers").len().to_string());
    assert_ne!(moved, "0");
    let cell = format!("id=\"m-A-B\" class=\"moved\">{}<", expected["transitions"]["A->B"]);
    assert!(changed.contains(&cell), "the A→B cell shows {}", expected["transitions"]["A->B"]);

    let zh = Server::start(&["--lang", "zh"]);
    let url = format!("http://{}/?evaluate=1", zh.address);
    let args = ["--dump-dom".to_string(), "--virtual-time-budget=20000".to_string()];
    let (dom, _) = run_headless(&browser, &url, &args);
    assert!(dom.contains("模拟测算") && dom.contains("原类别（行）→ 新类别（列）"), "the Chinese panel");
    assert_eq!(panel_attr(&dom, "data-moved").as_deref(), Some("0"));
}
