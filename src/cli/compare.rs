//! `muchan compare BEFORE.toml AFTER.toml`: the same data under two settings.

use super::{Data, Written, with_year};
use clap::Args;
use muchan::compare::compare;
use muchan::config::Config;
use muchan::output::{Lang, write_atomic};
use muchan::pipeline::{self, Context};
use muchan::quality::Ledger;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The setting before (e.g. this year's policy).
    #[arg(value_name = "BEFORE.toml")]
    pub before: PathBuf,
    /// The setting after (the one proposed).
    #[arg(value_name = "AFTER.toml")]
    pub after: PathBuf,
    #[command(flatten)]
    pub data: Data,
    /// The evaluation year (default: the latest year in enterprises).
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,
    #[command(flatten)]
    pub written: Written,
}

/// The words of the terminal summary.
struct Words {
    setting: [&'static str; 2],
    matrix: &'static str,
    movers: &'static str,
    surcharge: &'static str,
}

const EN: Words = Words {
    setting: ["before", "after"],
    matrix: "class before (down) → after (across)",
    movers: "enterprises change class (compare.csv):",
    surcharge: "surcharge (yuan):",
};

const ZH: Words = Words {
    setting: ["调整前", "调整后"],
    matrix: "调整前类别（行）→ 调整后类别（列）",
    movers: "家企业类别变化（compare.csv）：",
    surcharge: "差别化电价加价（元）：",
};

pub fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let data = args.data.dir();
    let with = |path: &PathBuf| -> anyhow::Result<pipeline::Evaluation> {
        let config = with_year(Config::load(path)?, args.year);
        Ok(pipeline::evaluate(&data, config, Context::new(&Ledger::new()))?)
    };
    let (before, after) = (with(&args.before)?, with(&args.after)?);
    let comparison = compare(&before, &after)?;
    let lang: Lang = args.written.lang.into();
    std::fs::create_dir_all(&args.written.out)?;
    write_atomic(&args.written.out, "compare.csv", &comparison.movers_csv(lang)?)?;
    if args.written.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    println!(
        "{} ({}) → {} ({}), {}",
        args.before.display(),
        w.setting[0],
        args.after.display(),
        w.setting[1],
        before.year
    );
    for &group in comparison.transitions.keys() {
        println!("\n{}: {}", lang.group(group), w.matrix);
        comparison.matrix_lines(group, lang).iter().for_each(|l| println!("{l}"));
    }
    println!("\n{} {}", comparison.movers.len(), w.movers);
    let t = |x: Option<f64>| x.map_or("—".into(), |v| format!("{v:.2}"));
    for m in comparison.movers.iter().take(20) {
        println!(
            "  {} {} {} → {} ({} → {})",
            m.credit_code,
            m.name.as_deref().unwrap_or(""),
            m.class_before,
            m.class_after,
            t(m.total_before),
            t(m.total_after)
        );
    }
    println!("\n{} {:.2} → {:.2}", w.surcharge, comparison.surcharge_before, comparison.surcharge_after);
    Ok(ExitCode::SUCCESS)
}
