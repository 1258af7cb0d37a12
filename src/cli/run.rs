//! `muchan run`: evaluate a data folder and write every output.

use super::RunArgs;
use muchan::output;
use muchan::pipeline::{self, Context};
use muchan::quality::{Ledger, Severity};
use std::process::ExitCode;

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let config = args.setting.config()?;
    let ledger = Ledger::new();
    let data = args.setting.data.dir();
    let written = &args.written;
    let eval = pipeline::evaluate(&data, config, Context::with_progress(&ledger, !written.quiet))?;
    let extras = output::Extras { lang: written.lang.into(), xlsx: args.xlsx, format: args.format.into() };
    let laps = output::write_all(&eval, &ledger, &written.out, extras)?;
    if args.timings {
        for lap in &laps {
            let cpu = lap.cpu_seconds.map(|c| format!("{c:>7.2} s cpu")).unwrap_or_default();
            let peak = lap.peak_mib.map(|m| format!("{m:>9.0} MiB peak")).unwrap_or_default();
            eprintln!("{:<24} {:>9.3} s {cpu} {peak}", lap.stage, lap.seconds);
        }
        // Some stages run side by side, so the wall time is less than the sum of the laps.
        eprintln!("{:<24} {:>9.3} s", "total (wall)", started.elapsed().as_secs_f64());
    }
    if !written.quiet {
        let counts = output::manifest::counts(&eval.rating.frame, "class")?;
        let classes: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("muchan: evaluated {} for {}", data.display(), eval.year);
        println!("  codes: {} ({})", eval.rating.frame.height(), classes.join(", "));
        println!(
            "  data problems: {} errors, {} warnings, {} notices (data_quality.csv)",
            ledger.count(Severity::Error),
            ledger.count(Severity::Warning),
            ledger.count(Severity::Notice)
        );
        println!("  outputs in {}", written.out.display());
    }
    // The process ends here: freeing millions of rows one by one would only cost time.
    std::mem::forget(eval);
    Ok(ExitCode::SUCCESS)
}
