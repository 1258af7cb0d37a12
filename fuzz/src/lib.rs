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
//! | `input::*`        | src/input/{cells,crs,headers,parcels,source,tables,xlsx}.rs    |
//! | `input::parquet`  | fuzz/src/parquet_stub.rs (an error: Parquet needs polars)      |
//! | `land::*`         | src/land/{area,repair}.rs                                      |
//! | `rating::catalog` | src/rating/catalog.rs                                          |
//! | `spatial`         | src/spatial/ (its mod.rs and every submodule)                  |
//!
//! `input/mod.rs`, `land/mod.rs` and `rating/mod.rs` themselves are not mounted (they pull in
//! sha2, the stopwatch, the pipeline configuration and polars); only the leaf files are.
//! A `#[path]` on an inline module sets the folder its children are read from.
#![allow(dead_code, clippy::all)]

#[path = "../../src/keys.rs"]
pub mod keys;

#[path = "../../src/quality.rs"]
pub mod quality;

#[path = "../../src/config.rs"]
pub mod config;

#[path = "../../src/spatial/mod.rs"]
pub mod spatial;

#[path = "../../src/input"]
pub mod input {
    pub mod cells;
    pub mod crs;
    pub mod headers;
    pub mod parcels;
    pub mod source;
    pub mod tables;
    pub mod xlsx;

    /// Relative to src/input/: the stub in fuzz/src/.
    #[path = "../../fuzz/src/parquet_stub.rs"]
    pub mod parquet;

    pub use source::InputError;
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
