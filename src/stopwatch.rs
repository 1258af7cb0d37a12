//! Stage timings of a run (wall time and the peak memory so far), for the manifest and
//! `--timings`, and the progress spinner shown on a terminal while a stage runs.

use indicatif::ProgressBar;
use std::time::{Duration, Instant};

/// One timed stage.
#[derive(Debug, Clone)]
pub struct Lap {
    pub stage: String,
    pub seconds: f64,
    /// The process's peak resident memory when the stage ended, in MiB (Linux only).
    pub peak_mib: Option<f64>,
}

impl Lap {
    /// The lap of `stage`, begun at `start`, ending now.
    pub fn since(stage: &str, start: Instant) -> Lap {
        Lap { stage: stage.to_string(), seconds: start.elapsed().as_secs_f64(), peak_mib: peak_memory_mib() }
    }
}

/// The peak resident memory of this process so far (`VmHWM`), in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// Times the stages of a run.
#[derive(Default)]
pub struct Stopwatch {
    pub laps: Vec<Lap>,
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
        self.laps.push(Lap::since(stage, start));
        if let Some(bar) = spinner {
            bar.finish_and_clear();
        }
        out
    }
}
