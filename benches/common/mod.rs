//! What the benches share: a generated county.

use muchan::generate::{GenerateOptions, OutputCrs, generate};

/// A county of `enterprises` enterprises (seed 7, longitude/latitude, 2024) in a temporary
/// folder.
pub fn county(enterprises: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let options =
        GenerateOptions { enterprises, seed: 7, crs: OutputCrs::LonLat, year: 2024, messy: false, counties: None };
    generate(&options, dir.path()).expect("generate");
    dir
}
