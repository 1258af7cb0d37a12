//! Stage timings of a run (wall time, processor time of all threads, and the peak memory so
//! far), for the manifest and `--timings`, and the progress spinner shown on a terminal while
//! a stage runs; and the hook that runs at the end of each stage.

use indicatif::ProgressBar;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What runs at the end of every stage (see [`at_each_stage_end`]).
static STAGE_END: OnceLock<fn()> = OnceLock::new();

/// Runs `hook` at the end of every stage of every run of this process, on the thread that ran
/// the stage, within the stage's time; set once, later calls are ignored. The command hands its
/// allocator's freed memory back to the system there (`src/main.rs`).
pub fn at_each_stage_end(hook: fn()) {
    let _ = STAGE_END.set(hook);
}

/// One timed stage.
#[derive(Debug, Clone)]
pub struct Lap {
    pub stage: String,
    pub seconds: f64,
    /// Processor time of all the process's threads during the stage, user and system (Linux
    /// only, in steps of the kernel's clock tick): above `seconds` when the stage ran in parallel.
    pub cpu_seconds: Option<f64>,
    /// The process's peak resident memory when the stage ended, in MiB (Linux only).
    pub peak_mib: Option<f64>,
}

/// When a stage began, by the wall clock and by the processor-time clock.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    wall: Instant,
    cpu: Option<f64>,
}

impl Start {
    pub fn now() -> Start {
        Start { wall: Instant::now(), cpu: cpu_seconds() }
    }
}

impl Lap {
    /// The lap of `stage`, begun at `start`, ending now.
    pub fn since(stage: &str, start: Start) -> Lap {
        if let Some(hook) = STAGE_END.get() {
            hook();
        }
        Lap {
            stage: stage.to_string(),
            seconds: start.wall.elapsed().as_secs_f64(),
            cpu_seconds: cpu_seconds().zip(start.cpu).map(|(end, begin)| end - begin),
            peak_mib: peak_memory_mib(),
        }
    }
}

/// User and system time of all threads so far (`utime` + `stime` of `/proc/self/stat`).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its ')' are plain.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / CLOCK_TICKS_PER_SECOND)
}

/// `sysconf(_SC_CLK_TCK)`: 100 on every Linux architecture this builds for.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

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

    /// Runs two independent parts of a run side by side, each timing its own stages; their
    /// laps follow in the order `first`, then `second`. Stages that ran side by side overlap
    /// in time, and the processor time of each includes the other's. Only `first` shows
    /// progress.
    pub fn side_by_side<A: Send, B: Send>(
        &mut self,
        first: impl FnOnce(&mut Stopwatch) -> A + Send,
        second: impl FnOnce(&mut Stopwatch) -> B + Send,
    ) -> (A, B) {
        let (mut a_watch, mut b_watch) = (Stopwatch::with_progress(self.progress), Stopwatch::default());
        let (a, b) = rayon::join(|| first(&mut a_watch), || second(&mut b_watch));
        self.laps.extend(a_watch.laps.into_iter().chain(b_watch.laps));
        (a, b)
    }

    pub fn time<T>(&mut self, stage: &str, work: impl FnOnce() -> T) -> T {
        let spinner = self.progress.then(|| {
            let bar = ProgressBar::new_spinner().with_message(stage.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let start = Start::now();
        let out = work();
        self.laps.push(Lap::since(stage, start));
        if let Some(bar) = spinner {
            bar.finish_and_clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static ENDS: AtomicUsize = AtomicUsize::new(0);

    fn count_end() {
        ENDS.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn the_hook_runs_at_the_end_of_every_stage() {
        at_each_stage_end(count_end);
        let before = ENDS.load(Ordering::SeqCst);
        let mut watch = Stopwatch::default();
        watch.time("one", || ());
        watch.time("two", || ());
        assert_eq!(watch.laps.len(), 2);
        assert!(ENDS.load(Ordering::SeqCst) >= before + 2, "the hook ran at both ends");
    }
}
