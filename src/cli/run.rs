//! `muchan run`: evaluate a data folder and write every output.

use super::Common;
use crate::output;
use crate::pipeline;
use crate::quality::{Ledger, Severity};
use std::process::ExitCode;

pub fn run(args: &Common) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let ledger = Ledger::new();
    let data = args.data_dir();
    let eval = pipeline::evaluate(&data, config, &ledger)?;
    output::write_all(&eval, &ledger, &args.out)?;
    if !args.quiet {
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
        println!("  outputs in {}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}
