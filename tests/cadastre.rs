//! A municipal-cadastre-like file of a few thousand parcels with every oddity real ones have:
//! holes, overlapping lots, self-intersecting rings, a null geometry, a duplicated id, and a
//! parcel with a hundred neighbours. No panic, every feature out, every oddity reported.

mod common;
use common::*;

fn feature(id: &str, user: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{"parcel_id":"{id}","credit_code":"{user}"}},"geometry":{geometry}}}"#)
}

fn polygon(rings: &[Vec<(f64, f64)>]) -> String {
    let rings: Vec<String> = rings
        .iter()
        .map(|r| format!("[{}]", r.iter().map(|(x, y)| format!("[{x},{y}]")).collect::<Vec<_>>().join(",")))
        .collect();
    format!(r#"{{"type":"Polygon","coordinates":[{}]}}"#, rings.join(","))
}

fn square(x: f64, y: f64, w: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]
}

#[test]
fn a_messy_cadastre_runs_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let users: Vec<String> = (0..40).map(|i| code(1000 + i)).collect();
    let (x0, y0) = (500_000.0, 3_300_000.0);
    let mut features = Vec::new();
    // A 60 × 50 grid of 30 m lots sharing edges: 3,000 parcels.
    for r in 0..50 {
        for c in 0..60 {
            let id = format!("G{r}-{c}");
            let user = &users[(r * 7 + c) % users.len()];
            features.push(feature(&id, user, &polygon(&[square(x0 + 30.0 * c as f64, y0 + 30.0 * r as f64, 30.0)])));
        }
    }
    // A hub with a hole, ringed by 100 thin lots along its 4 sides (25 per side).
    let (hx, hy, side) = (x0 + 3000.0, y0, 250.0);
    features.push(feature(
        "HUB",
        &users[0],
        &polygon(&[
            square(hx, hy, side),
            vec![
                (hx + 100.0, hy + 100.0),
                (hx + 100.0, hy + 150.0),
                (hx + 150.0, hy + 150.0),
                (hx + 150.0, hy + 100.0),
                (hx + 100.0, hy + 100.0),
            ],
        ]),
    ));
    for k in 0..25 {
        let t = 10.0 * k as f64;
        for (n, ring) in [
            square(hx + t, hy - 10.0, 10.0),
            square(hx + t, hy + side, 10.0),
            square(hx - 10.0, hy + t, 10.0),
            square(hx + side, hy + t, 10.0),
        ]
        .into_iter()
        .enumerate()
        {
            features.push(feature(&format!("R{k}-{n}"), &users[1 + (k + n) % 39], &polygon(&[ring])));
        }
    }
    // Oddities: an overlapping lot, a bow-tie, a null geometry, a duplicated id.
    features.push(feature("OVER", &users[3], &polygon(&[square(x0 + 15.0, y0 + 15.0, 30.0)])));
    features.push(feature(
        "BOW",
        &users[4],
        &polygon(&[vec![
            (x0, y0 - 100.0),
            (x0 + 20.0, y0 - 80.0),
            (x0 + 20.0, y0 - 100.0),
            (x0, y0 - 80.0),
            (x0, y0 - 100.0),
        ]]),
    ));
    features.push(feature("NULL", &users[5], "null"));
    features.push(feature("G0-0", &users[6], &polygon(&[square(x0 - 500.0, y0, 30.0)])));
    let total = features.len();
    let text = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:4549"}}}},"features":[{}]}}"#,
        features.join(",")
    );
    write(dir.path(), "parcels.geojson", &text);
    let rows: Vec<String> = users.iter().map(|u| format!("{u},2024,3000")).collect();
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{}\n", rows.join("\n")));
    write_no_tax(dir.path());

    let (mut eval, ledger) = evaluate(dir.path(), "");
    assert_eq!(eval.parcels.len(), total);
    let out = dir.path().join("out");
    muchan::output::write_all(&mut eval, &ledger, &out, muchan::output::Extras::default()).expect("writes");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("parcels.geojson")).expect("read")).expect("json");
    assert_eq!(written["features"].as_array().map(Vec::len), Some(total));

    let hub = eval.parcels.rows().find(|p| p.feature.parcel_id == "HUB").expect("hub");
    assert_eq!(hub.neighbourhood.neighbours.len(), 100);
    let issues = ledger.sorted();
    let has = |code: &str, id: &str| issues.iter().any(|i| i.code == code && (i.key == id || i.message.contains(id)));
    assert!(has("parcels_overlap", "OVER"));
    assert!(has("invalid_geometry", "BOW"));
    assert!(has("no_geometry", "NULL"));
    assert!(has("duplicate_parcel_id", "G0-0"));
}
