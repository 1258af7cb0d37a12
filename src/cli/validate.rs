//! `muchan validate`: check inputs only — data_quality.csv and join rates per table; exit 1
//! when any error-severity problem exists.

use super::{ValidateArgs, problem_counts};
use muchan::output::{Lang, quality::data_quality_csv, write_atomic};
use muchan::pipeline::{self, Context, Evaluation};
use muchan::quality::{Ledger, Severity};
use std::collections::HashSet;
use std::process::ExitCode;

/// (table, distinct codes, codes with an enterprises row in the evaluation year).
fn join_rates(eval: &Evaluation) -> anyhow::Result<Vec<(&'static str, usize, usize)>> {
    let yearly = &eval.yearly;
    let (codes, years, has_row) =
        (yearly.column("code")?.str()?, yearly.column("year")?.i32()?, yearly.column("has_row")?.bool()?);
    let counted = |column: &str| -> anyhow::Result<Vec<bool>> {
        Ok(yearly.column(column)?.u32()?.iter().map(|n| n.is_some_and(|n| n > 0)).collect())
    };
    let (taxed, metered) = (counted("tax_rows")?, counted("energy_rows")?);
    let rows = || (0..yearly.height()).filter_map(|i| Some((i, codes.get(i)?)));
    let matched: HashSet<&str> = rows()
        .filter(|&(i, _)| has_row.get(i) == Some(true) && years.get(i) == Some(eval.year))
        .map(|(_, code)| code)
        .collect();
    let rate = |table: &'static str, codes: Vec<&str>| {
        let distinct: HashSet<&str> = codes.into_iter().filter(|c| !c.is_empty()).collect();
        let joined = distinct.iter().filter(|c| matched.contains(*c)).count();
        (table, distinct.len(), joined)
    };
    Ok(vec![
        rate("tax", rows().filter(|&(i, _)| taxed[i]).map(|(_, c)| c).collect()),
        rate("energy", rows().filter(|&(i, _)| metered[i]).map(|(_, c)| c).collect()),
        rate("parcels", eval.parcels.parcels.features.values().iter().map(|f| f.user.as_str()).collect()),
        rate("leases", eval.leases.iter().map(|r| r.lessee.as_str()).collect()),
        rate("adjustments", eval.adjustments.iter().map(|r| r.code.as_str()).collect()),
    ])
}

pub fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let config = args.setting.config()?;
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(&args.setting.data.dir(), config, Context::new(&ledger))?;
    let written = &args.written;
    std::fs::create_dir_all(&written.out)?;
    write_atomic(&written.out, "data_quality.csv", &data_quality_csv(&ledger.sorted(), written.lang.into())?)?;
    let errors = ledger.count(Severity::Error);
    let lang: Lang = written.lang.into();
    if !written.quiet {
        match lang {
            Lang::En => println!("join rates with enterprises ({}):", eval.year),
            Lang::Zh => println!("与企业数据的关联率（{} 年）：", eval.year),
        }
        for (table, codes, joined) in join_rates(&eval)? {
            let share = if codes == 0 { 100.0 } else { joined as f64 / codes as f64 * 100.0 };
            let table = lang.table(table);
            match lang {
                Lang::En => println!("  {table:<12} {joined:>7} of {codes:>7} codes ({share:.1}%)"),
                Lang::Zh => println!("  {table:<8} {joined:>7} / {codes:>7} 个代码（{share:.1}%）"),
            }
        }
        println!("{}: {}", problem_counts(&ledger, lang), written.out.join("data_quality.csv").display());
    }
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
