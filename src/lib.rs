//! muchan — a land-efficiency ("亩产论英雄") evaluation engine.
//!
//! The pipeline, in the order data flows: [`input`] (tables and parcels) → [`keys`] (credit
//! codes) → [`land`] (areas, leases) → yearly figures and facts (per code and year, per code)
//! → [`rating`] (indicators, benchmarks, scores, classes, class stability) and history (each
//! year of the history rated as its own) → flags (zombie, 双高, fragmented holdings) → alerts
//! (the monthly early warning) → [`spatial`] (neighbours, scattered plots) → reclaim
//! (candidates and blocks) → [`output`]. Every stage reports data problems to the [`quality`]
//! ledger; [`pipeline`] runs the stages and owns their scheduling. The command line lives in
//! the binary, not here.
//!
//! The library's surface is deliberate: [`pipeline::evaluate`] with its [`config::Config`]
//! gives an [`pipeline::Evaluation`]; [`output::write_all`] writes it; [`explain`] and
//! [`compare`] read it; `serve` (with the `serve` feature) re-rates it for the what-if page;
//! [`counties`] says which county each code and parcel is in and gives
//! the work report's indicators; [`domain`] holds the values it speaks in (and [`industry`] the GB/T
//! 4754 divisions its industry codes name), [`parcels`] its parcel table. The readers ([`input`]), land measurement ([`land`]), credit codes ([`keys`]), the
//! spatial algorithms ([`spatial`]) and the synthetic data ([`generate`]) are public for tools,
//! tests and benchmarks. The stages in between are private to the crate.
//!
//! ```no_run
//! use muchan::{config::Config, output, pipeline, quality::Ledger};
//! let ledger = Ledger::new();
//! let mut eval = pipeline::evaluate("data".as_ref(), Config::default(), pipeline::Context::new(&ledger))?;
//! output::write_all(&mut eval, &ledger, "out".as_ref(), output::Extras::default())?;
//! # Ok::<(), anyhow::Error>(())
//! ```

pub(crate) mod alerts;
pub mod buildings;
pub mod commitments;
pub mod compare;
pub mod config;
pub mod counties;
pub mod dates;
pub mod domain;
pub mod explain;
pub(crate) mod facts;
pub(crate) mod flags;
pub mod generate;
pub(crate) mod grouped;
pub(crate) mod history;
pub mod industry;
pub mod input;
pub mod keys;
pub mod land;
pub mod low_efficiency;
pub(crate) mod numbers;
pub mod output;
pub mod parcels;
pub mod pipeline;
pub mod quality;
pub mod rating;
pub(crate) mod reclaim;
#[cfg(feature = "serve")]
pub mod serve;
pub mod spatial;
pub(crate) mod stopwatch;
pub(crate) mod yearly;
