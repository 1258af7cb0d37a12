//! muchan — a land-efficiency ("亩产论英雄") evaluation engine.
//!
//! The pipeline, in the order data flows: [`input`] (tables and parcels) → [`keys`] (credit
//! codes) → [`land`] (areas, leases) → [`yearly`] and [`facts`] (per-code figures) →
//! [`rating`] (indicators, benchmarks, scores, classes) → outputs ([`output`]). Every stage
//! reports data problems to the [`quality`] ledger. [`pipeline`] runs the stages;
//! [`cli`] is the command line.

pub mod cli;
pub mod compare;
pub mod config;
pub mod explain;
pub mod facts;
pub mod flags;
pub mod generate;
pub mod input;
pub mod keys;
pub mod land;
pub mod numbers;
pub mod output;
pub mod pipeline;
pub mod quality;
pub mod rating;
pub mod reclaim;
pub mod spatial;
pub mod stopwatch;
pub mod yearly;
