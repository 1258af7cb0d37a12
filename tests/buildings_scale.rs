//! The buildings stage on a province-size input (SPEC §15): ≈ 120,000 parcels and ≈ 300,000
//! buildings, a fifth of them across two parcels. Ignored by default; run with
//! `cargo test --release --test buildings_scale -- --ignored --nocapture`.

use geo::{MultiPolygon, Rect, coord};
use muchan::buildings::{Building, layer_figures};
use muchan::parcels::Column;
use muchan::quality::Ledger;

fn square(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![Rect::new(coord! { x: x, y: y }, coord! { x: x + w, y: y + h }).to_polygon()])
}

#[test]
#[ignore]
fn a_province_of_buildings() {
    let side = 347; // 347² ≈ 120,409 parcels of 100 × 100 m
    let parcels: Vec<Option<MultiPolygon<f64>>> = (0..side * side)
        .map(|i| {
            Some(square(500_000.0 + 100.0 * (i % side) as f64, 3_300_000.0 + 100.0 * (i / side) as f64, 100.0, 100.0))
        })
        .collect();
    let n = parcels.len();
    let metric = Column::from_vec(parcels, n).expect("parcels");
    let mut buildings = Vec::with_capacity(300_000);
    for i in 0..n {
        let (x, y) = (500_000.0 + 100.0 * (i % side) as f64, 3_300_000.0 + 100.0 * (i / side) as f64);
        buildings.push(Building {
            index: buildings.len() + 1,
            geometry: square(x + 5.0, y + 5.0, 40.0, 30.0),
            floors: 3.0,
            storey_factor: 1.0,
        });
        buildings.push(Building {
            index: buildings.len() + 1,
            geometry: square(x + 5.0, y + 50.0, 30.0, 20.0),
            floors: 1.0,
            storey_factor: 2.0,
        });
        if i % 2 == 0 {
            // across the border with the next parcel to the east
            buildings.push(Building {
                index: buildings.len() + 1,
                geometry: square(x + 80.0, y + 80.0, 40.0, 15.0),
                floors: 2.0,
                storey_factor: 1.0,
            });
        }
    }
    let ledger = Ledger::new();
    let start = std::time::Instant::now();
    let figures = layer_figures(&buildings, &metric, &ledger);
    let elapsed = start.elapsed();
    let touched = figures.values().iter().filter(|f| f.is_some()).count();
    eprintln!("{} parcels, {} buildings: layer_figures {:.2?}, {touched} parcels touched", n, buildings.len(), elapsed);
    assert!(touched == n);
}
