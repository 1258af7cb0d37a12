//! `muchan compare A.toml B.toml`: the same data under two settings.

use super::Common;
use clap::Args;
use muchan::compare::compare;
use muchan::config::Config;
use muchan::output::write_atomic;
use muchan::pipeline::{self, Context};
use muchan::quality::Ledger;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first setting.
    pub a: PathBuf,
    /// The second setting.
    pub b: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let data = args.common.data_dir();
    let with = |path: &PathBuf| -> anyhow::Result<pipeline::Evaluation> {
        let mut config = Config::load(path)?;
        if args.common.year.is_some() {
            config.evaluation.year = args.common.year;
        }
        Ok(pipeline::evaluate(&data, config, Context::new(&Ledger::new()))?)
    };
    let (a, b) = (with(&args.a)?, with(&args.b)?);
    let comparison = compare(&a, &b)?;
    std::fs::create_dir_all(&args.common.out)?;
    write_atomic(&args.common.out, "compare.csv", &comparison.movers_csv()?)?;
    if !args.common.quiet {
        println!("{} (A) → {} (B), {}", args.a.display(), args.b.display(), a.year);
        for &group in comparison.transitions.keys() {
            println!("\n{group}: class under A (down) → under B (across)");
            comparison.matrix_lines(group).iter().for_each(|l| println!("{l}"));
        }
        println!("\n{} enterprises change class (compare.csv):", comparison.movers.len());
        for m in comparison.movers.iter().take(20) {
            let t = |x: Option<f64>| x.map_or("—".into(), |v| format!("{v:.2}"));
            println!(
                "  {} {} {} → {} ({} → {})",
                m.credit_code,
                m.name.as_deref().unwrap_or(""),
                m.class_a,
                m.class_b,
                t(m.total_a),
                t(m.total_b)
            );
        }
        println!("\nsurcharge: {:.2} → {:.2} yuan", comparison.surcharge_a, comparison.surcharge_b);
    }
    Ok(ExitCode::SUCCESS)
}
