//! The readers of `muchan`, compiled from the main crate's own source files without polars.
//!
//! The fuzz crate does not depend on `muchan` (whose polars dependency takes a long time to
//! build, and longer with sanitizer instrumentation). Instead the files the readers need are
//! mounted here with `#[path]`, in the same module tree as in `src/lib.rs`, so that their
//! `crate::…` and `super::…` paths resolve unchanged:
//!
//! | module            | file(s)                                                        |
//! |-------------------|----------------------------------------------------------------|
//! | `keys`            | src/keys.rs                                                    |
//! | `quality`         | src/quality.rs                                                 |
//! | `config`          | src/config.rs                                                  |
//! | `domain`          | src/domain.rs                                                  |
//! | `dates`           | src/dates.rs                                                   |
//! | `input::*`        | src/input/ (every file but mod.rs)                             |
//! | `input::parquet`  | fuzz/src/parquet_stub.rs (an error: Parquet needs polars)      |
//! | `land::*`         | src/land/{area,repair}.rs                                      |
//! | `rating::catalog` | src/rating/catalog.rs                                          |
//! | `spatial`         | src/spatial/ (its mod.rs and every submodule)                  |
//!
//! `input/mod.rs`, `land/mod.rs` and `rating/mod.rs` themselves are not mounted (they pull in
//! sha2, the stopwatch, the pipeline configuration and polars); only the leaf files are.
//! A `#[path]` on an inline module sets the folder its children are read from. What the
//! unmounted files use of the mounted ones (e.g. `buildings.rs` of `input/parcels.rs`'s
//! `layer_feature!`) is unused here, hence `dead_code` and `unused_imports`.
#![allow(dead_code, unused_imports, clippy::all)]

#[path = "../../src/keys.rs"]
pub mod keys;

#[path = "../../src/quality.rs"]
pub mod quality;

#[path = "../../src/config.rs"]
pub mod config;

#[path = "../../src/domain.rs"]
pub mod domain;

#[path = "../../src/dates.rs"]
pub mod dates;

#[path = "../../src/spatial/mod.rs"]
pub mod spatial;

#[path = "../../src/input"]
pub mod input {
    pub mod cadastre_txt;
    pub mod cells;
    pub mod crs;
    mod csv_pieces;
    pub mod discovery;
    pub mod energy;
    mod error;
    pub mod feature_split;
    pub mod geojson_layer;
    pub mod gpkg;
    pub mod header_block;
    pub mod headers;
    pub mod parcels;
    pub mod shp;
    pub mod source;
    pub mod tables;
    pub mod text;
    pub mod units;
    pub mod xlsx;

    /// Relative to src/input/: the stub in fuzz/src/.
    #[path = "../../fuzz/src/parquet_stub.rs"]
    pub mod parquet;

    pub use error::InputError;
}

#[path = "../../src/land"]
pub mod land {
    pub mod area;
    pub mod repair;
}

#[path = "../../src/rating"]
pub mod rating {
    pub mod catalog;
}

/// A folder of this process's own for the temporary files the targets write (readers take a
/// path), so that parallel fuzzing jobs (`-jobs`, `-fork`) do not overwrite each other's.
pub fn scratch_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("muchan-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        dir
    })
}

/// Writes `bytes` to `name` in the scratch folder and returns its path.
pub fn scratch_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = scratch_dir().join(name);
    std::fs::write(&path, bytes).expect("write the scratch file");
    path
}

/// The crates whose panics `land::repair::make_valid` catches by design (it runs i_overlay
/// inside `catch_unwind`, because i_overlay can panic on degenerate input).
const CAUGHT_BY_REPAIR: &[&str] = &["/i_overlay-", "/i_float-", "/i_shape-", "/i_tree-", "/i_key_sort-"];

/// libFuzzer's panic hook aborts on every panic, even one that the code under test catches.
/// This wraps it so that a panic raised inside i_overlay (and its helper crates) unwinds to
/// repair's `catch_unwind` as it does in muchan; every other panic still aborts. Call it from
/// a target's `init`.
pub fn let_repair_catch_overlay_panics() {
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let caught = info.location().is_some_and(|l| CAUGHT_BY_REPAIR.iter().any(|c| l.file().contains(c)));
        if !caught {
            fuzzer_hook(info);
        }
    }));
}

/// calamine 0.38 does its position arithmetic on `u32` without checks: a cell reference such as
/// `r="AAAAAAAA1"` (`get_row_and_optional_column` in its xlsx/mod.rs; found by fuzzing, see
/// regressions/table_calamine_reference_overflow*.xlsx), a reversed `<dimension>` or a row
/// number near 2³² overflow it, which panics in a build with overflow checks (as fuzz builds
/// are) and wraps in a release build. `input::xlsx::read_xlsx` catches such a panic by design
/// and reports an unreadable file, but libFuzzer's panic hook aborts even on a caught panic.
/// This lets exactly the overflow panics raised inside calamine unwind to read_xlsx's
/// `catch_unwind`; every other panic still aborts. Call it from a target's `init`.
pub fn let_xlsx_catch_calamine_overflow() {
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_calamine = info.location().is_some_and(|l| l.file().contains("/calamine-"));
        let overflow = info.payload_as_str().is_some_and(|m| m.contains("with overflow"));
        if !(in_calamine && overflow) {
            fuzzer_hook(info);
        }
    }));
}

/// The largest absolute coordinate of a geometry: areas of coordinates beyond about 1e150
/// overflow f64 (inf, or inf − inf = NaN), which is arithmetic, not a bug of the code.
pub fn max_abs_coordinate(mp: &geo::MultiPolygon<f64>) -> f64 {
    use geo::CoordsIter;
    mp.coords_iter().map(|c| c.x.abs().max(c.y.abs())).fold(0.0, f64::max)
}

/// Whether every coordinate is a longitude in ±180 and a latitude in ±90.
pub fn lon_lat_in_range(mp: &geo::MultiPolygon<f64>) -> bool {
    use geo::CoordsIter;
    mp.coords_iter().all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
}
