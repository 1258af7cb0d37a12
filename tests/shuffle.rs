//! SPEC §10: shuffling the rows of the tables and the features of the GeoJSON changes no
//! enterprise result — enterprises.csv, summary.json and reclaim_blocks.geojson are
//! byte-identical (leases keep their order, which §4 uses). A fixed permutation here;
//! tests/properties.rs draws random ones.

mod common;
use common::{assert_no_duplicates, assert_same_results, run_muchan, write_reordered_county};
use muchan::generate::{GenerateOptions, OutputCrs, generate};

/// A fixed permutation of `0..n`: odd positions reversed, then even ones.
fn permutation(n: usize) -> Vec<usize> {
    let odd = (1..n).step_by(2).rev();
    odd.chain((0..n).step_by(2)).collect()
}

#[test]
fn shuffled_inputs_give_identical_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, shuffled) = (dir.path().join("data"), dir.path().join("shuffled"));
    let options =
        GenerateOptions { enterprises: 600, seed: 9, crs: OutputCrs::LonLat, year: 2024, messy: false, counties: None };
    generate(&options, &data).expect("generate");
    write_reordered_county(&data, &shuffled, &mut permutation);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_muchan(&data, &a);
    run_muchan(&shuffled, &b);
    assert_no_duplicates(&a);
    assert_same_results(&a, &b);
}
