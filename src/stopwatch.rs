//! Stage timings of a run, for the manifest and `--timings`.

use std::time::Instant;

/// Times the stages of a run.
#[derive(Default)]
pub struct Stopwatch {
    pub laps: Vec<(String, f64)>,
}

impl Stopwatch {
    pub fn time<T>(&mut self, stage: &str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = work();
        self.laps.push((stage.to_string(), start.elapsed().as_secs_f64()));
        out
    }
}
