//! Stage timings of a run, for the manifest and `--timings`, and the progress spinner shown
//! on a terminal while a stage runs.

use indicatif::ProgressBar;
use std::time::{Duration, Instant};

/// Times the stages of a run.
#[derive(Default)]
pub struct Stopwatch {
    pub laps: Vec<(String, f64)>,
    progress: bool,
}

impl Stopwatch {
    /// A stopwatch that shows each running stage on stderr (indicatif hides it when stderr
    /// is not a terminal).
    pub fn with_progress(show: bool) -> Self {
        Stopwatch { laps: Vec::new(), progress: show }
    }

    pub fn time<T>(&mut self, stage: &str, work: impl FnOnce() -> T) -> T {
        let spinner = self.progress.then(|| {
            let bar = ProgressBar::new_spinner().with_message(stage.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let start = Instant::now();
        let out = work();
        self.laps.push((stage.to_string(), start.elapsed().as_secs_f64()));
        if let Some(bar) = spinner {
            bar.finish_and_clear();
        }
        out
    }
}
