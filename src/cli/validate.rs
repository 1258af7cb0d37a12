//! `muchan validate`: check inputs only — data_quality.csv and join rates per table; exit 1
//! when any error-severity problem exists.

use super::Common;
use crate::output::{quality::data_quality_csv, write_atomic};
use crate::pipeline::{self, Evaluation};
use crate::quality::{Ledger, Severity};
use std::collections::HashSet;
use std::process::ExitCode;

/// (table, distinct codes, codes with an enterprises row in the evaluation year).
fn join_rates(eval: &Evaluation) -> Vec<(&'static str, usize, usize)> {
    let year = eval.year;
    let matched: HashSet<&str> = eval
        .inputs
        .enterprises
        .rows
        .iter()
        .filter(|r| r.year.unwrap_or(year) == year)
        .map(|r| r.code.as_str())
        .collect();
    let rate = |table: &'static str, codes: Vec<&str>| {
        let distinct: HashSet<&str> = codes.into_iter().filter(|c| !c.is_empty()).collect();
        let joined = distinct.iter().filter(|c| matched.contains(*c)).count();
        (table, distinct.len(), joined)
    };
    let i = &eval.inputs;
    vec![
        rate("tax", i.tax.iter().map(|r| r.code.as_str()).collect()),
        rate("energy", i.energy.years.iter().map(|(code, _, _)| code.as_str()).collect()),
        rate("parcels", i.parcels.features.iter().map(|f| f.user.as_str()).collect()),
        rate("leases", i.leases.iter().map(|r| r.lessee.as_str()).collect()),
        rate("adjustments", i.adjustments.iter().map(|r| r.code.as_str()).collect()),
    ]
}

pub fn validate(args: &Common) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(&args.data_dir(), config, &ledger)?;
    std::fs::create_dir_all(&args.out)?;
    write_atomic(&args.out, "data_quality.csv", &data_quality_csv(&ledger.sorted(), args.lang)?)?;
    let errors = ledger.count(Severity::Error);
    if !args.quiet {
        println!("join rates with enterprises ({}):", eval.year);
        for (table, codes, joined) in join_rates(&eval) {
            let share = if codes == 0 { 100.0 } else { joined as f64 / codes as f64 * 100.0 };
            println!("  {table:<12} {joined:>7} of {codes:>7} codes ({share:.1}%)");
        }
        println!(
            "{errors} errors, {} warnings, {} notices: {}",
            ledger.count(Severity::Warning),
            ledger.count(Severity::Notice),
            args.out.join("data_quality.csv").display()
        );
    }
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
