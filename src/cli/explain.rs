//! `muchan explain CODE`: how one enterprise's class came about, step by step.

use super::Setting;
use crate::cli::LangArg;
use clap::Args;
use muchan::explain::explain;
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
    pub setting: Setting,
    /// Language of the text (en or zh).
    #[arg(long, value_enum, default_value = "en")]
    pub lang: LangArg,
}

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let ledger = Ledger::new();
    let data = args.setting.data.dir();
    let eval = pipeline::evaluate(&data, args.setting.config()?, Context::new(&ledger))?;
    let code = normalize_code(&args.code);
    let Some(explanation) = explain(&eval, &ledger.sorted(), &code) else {
        eprintln!("muchan: {code} is not in the data of {}", data.display());
        return Ok(ExitCode::from(1));
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&explanation)?);
    } else {
        print!("{}", explanation.text(args.lang.into()));
    }
    Ok(ExitCode::SUCCESS)
}
