//! `manifest.json`: version, resolved configuration, each input's path, SHA-256 and row
//! count, counts per status, and stage timings.

use crate::pipeline::Evaluation;
use crate::stopwatch::Lap;
use polars::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Counts per value of a text column of the rating frame.
pub fn counts(frame: &DataFrame, column: &str) -> PolarsResult<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for v in frame.column(column)?.str()?.iter().flatten() {
        *out.entry(v.to_string()).or_insert(0) += 1;
    }
    Ok(out)
}

pub fn manifest_json(eval: &Evaluation, timings: &[Lap]) -> anyhow::Result<Vec<u8>> {
    let inputs = serde_json::to_value(&eval.files)?;
    let stages: Vec<Value> = timings
        .iter()
        .map(|l| json!({"stage": l.stage, "seconds": l.seconds, "cpu_seconds": l.cpu_seconds, "peak_mib": l.peak_mib}))
        .collect();
    let manifest = json!({
        "muchan": env!("CARGO_PKG_VERSION"),
        "year": eval.year,
        "crs": eval.parcels.parcels.crs.name(),
        "configuration": serde_json::to_value(&eval.config)?,
        "inputs": inputs,
        "counts": { "status": counts(&eval.rating.frame, "status")?, "class": counts(&eval.rating.frame, "class")? },
        "timings": stages,
    });
    Ok(serde_json::to_vec_pretty(&manifest)?)
}
