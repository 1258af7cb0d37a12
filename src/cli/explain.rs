//! `muchan explain CODE`: how one enterprise's class came about, step by step.

use super::Common;
use clap::Args;
use muchan::explain::{Explanation, explain, show as number};
use muchan::keys::normalize_code;
use muchan::pipeline::{self, Context};
use muchan::quality::Ledger;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The unified social credit code (any case, full-width allowed).
    pub code: String,
    /// Print JSON for machines instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub common: Common,
}

fn print_text(e: &Explanation) {
    println!(
        "{} {} — {} ({})",
        e.credit_code,
        e.name.as_deref().unwrap_or(""),
        e.year,
        e.group.map_or("no group", |g| g.as_str())
    );
    println!("status: {}", e.status.map_or("", |s| s.as_str()));
    println!("\nfigures by year:");
    e.rows.iter().for_each(|r| println!("  {r}"));
    println!("\nparcels (own):");
    for p in &e.parcels {
        println!("  {} {} mu {} {}", p.parcel_id, p.area_mu, p.land_use.as_deref().unwrap_or(""), p.reasons);
    }
    e.leases.iter().for_each(|l| println!("  {l}"));
    println!("land_mu = {} (own − leased out + leased in, rounded to 6 decimals)", number(e.land_mu));
    println!("\nindicators: score = weight × min(max(value ÷ benchmark, 0), cap)");
    for i in &e.indicators {
        println!(
            "  {:<20} {} {} ÷ {} {} × {} = {}; benchmark {}; ratio {}; weight {} cap {} → score {}",
            i.name,
            i.numerator,
            number(i.numerator_value),
            i.denominator,
            number(i.denominator_value),
            i.factor,
            number(i.value),
            number(i.benchmark),
            number(i.ratio),
            number(i.weight),
            i.cap,
            number(i.score)
        );
    }
    println!("  adjustment {}", number(e.adjustment));
    println!("total = Σ scores + adjustment = {}", number(e.total_score));
    println!(
        "rank {} of {}; class {}",
        number(e.rank.map(|r| r as f64)),
        number(e.rated_in_group.map(|n| n as f64)),
        e.class.map_or("", |c| c.as_str())
    );
    println!("why: {}", e.class_reason);
    println!("surcharge: {} yuan", number(e.surcharge_yuan));
    println!(
        "\nflags: zombie {}, 双高 {}, fragmented pieces {}",
        e.zombie,
        e.high_energy_emission.map_or("—".into(), |b| b.to_string()),
        e.fragmented_pieces
    );
    e.zombie_evidence.iter().for_each(|z| println!("  {z}"));
    if !e.problems.is_empty() {
        println!("\ndata problems:");
        e.problems.iter().for_each(|p| println!("  {p}"));
    }
}

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let ledger = Ledger::new();
    let eval = pipeline::evaluate(&args.common.data_dir(), args.common.config()?, Context::new(&ledger))?;
    let code = normalize_code(&args.code);
    let Some(explanation) = explain(&eval, &ledger.sorted(), &code) else {
        eprintln!("muchan: {code} is not in the data of {}", args.common.data_dir().display());
        return Ok(ExitCode::from(1));
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&explanation)?);
    } else {
        print_text(&explanation);
    }
    Ok(ExitCode::SUCCESS)
}
