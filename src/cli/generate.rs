//! `muchan generate`: write a synthetic county, province or nation.

use clap::{Args, ValueEnum};
use muchan::generate::{GenerateOptions, OutputCrs, generate as write_data, scale_enterprises};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scale {
    /// About 2,000 enterprises.
    County,
    /// 100,000 enterprises, about 120,000 parcels.
    Province,
    /// 3,000,000 enterprises, about 5,000,000 parcels.
    Nation,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CrsArg {
    /// Longitude/latitude degrees (no crs member).
    Lonlat,
    /// CGCS2000 Gauss-Krüger metres, EPSG:4549 (a legacy crs member says so).
    Gk,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many enterprises (overrides --scale).
    #[arg(long)]
    pub enterprises: Option<usize>,
    /// A named size.
    #[arg(long, value_enum, default_value = "county")]
    pub scale: Scale,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The latest year (history covers the two years before).
    #[arg(long, default_value_t = 2024)]
    pub year: i32,
    /// Coordinates of parcels.geojson.
    #[arg(long, value_enum, default_value = "lonlat")]
    pub crs: CrsArg,
    /// Inject the problems real exports have (bad cells and codes, GBK, broken rings…).
    #[arg(long)]
    pub messy: bool,
    /// Spread the enterprises over this many counties and name each row's and parcel's county
    /// (a 区县 column), for `evaluation.partition = "county"`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub counties: Option<u32>,
    /// The folder to write.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Print nothing.
    #[arg(long)]
    pub quiet: bool,
}

pub fn generate(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let scale = match args.scale {
        Scale::County => "county",
        Scale::Province => "province",
        Scale::Nation => "nation",
    };
    let enterprises = args.enterprises.or_else(|| scale_enterprises(scale)).unwrap_or(2_000);
    let options = GenerateOptions {
        enterprises,
        seed: args.seed,
        crs: match args.crs {
            CrsArg::Lonlat => OutputCrs::LonLat,
            CrsArg::Gk => OutputCrs::GaussKruger,
        },
        year: args.year,
        messy: args.messy,
        counties: args.counties.map(|n| n as usize),
    };
    std::fs::create_dir_all(&args.out)?;
    let report = write_data(&options, &args.out)?;
    if !args.quiet {
        println!(
            "muchan: wrote {} enterprises ({} rows), {} parcels, {} tax rows, {} energy rows, {} leases, {} adjustments, {} buildings, {} commitments to {}",
            report.enterprises,
            report.enterprise_rows,
            report.parcels,
            report.tax_rows,
            report.energy_rows,
            report.lease_rows,
            report.adjustment_rows,
            report.buildings,
            report.commitment_rows,
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
