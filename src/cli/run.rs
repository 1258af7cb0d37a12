//! `muchan run`: evaluate a data folder and write every output.

use super::{RunArgs, problem_counts};
use muchan::output::{self, Lang};
use muchan::pipeline::{self, Context};
use muchan::quality::Ledger;
use std::process::ExitCode;

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let config = args.setting.config()?;
    let ledger = Ledger::new();
    let data = args.setting.data.dir();
    let written = &args.written;
    let mut eval = pipeline::evaluate(&data, config, Context::with_progress(&ledger, !written.quiet))?;
    let extras = output::Extras { lang: written.lang.into(), xlsx: args.xlsx, format: args.format.into() };
    let laps = output::write_all(&mut eval, &ledger, &written.out, extras)?;
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
        let classes = counts.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<String>>().join(", ");
        let (codes, problems) = (eval.rating.frame.height(), problem_counts(&ledger, extras.lang));
        match extras.lang {
            Lang::En => {
                println!("muchan: evaluated {} for {}", data.display(), eval.year);
                println!("  codes: {codes} ({classes})");
                println!("  data problems: {problems} (data_quality.csv)");
                println!("  outputs in {}", written.out.display());
            }
            Lang::Zh => {
                println!("muchan：已评价 {}（{} 年）", data.display(), eval.year);
                println!("  信用代码：{codes} 个（{classes}）");
                println!("  数据问题：{problems}（data_quality.csv）");
                println!("  输出目录：{}", written.out.display());
            }
        }
    }
    // The process ends here: freeing millions of rows one by one would only cost time.
    std::mem::forget(eval);
    Ok(ExitCode::SUCCESS)
}
