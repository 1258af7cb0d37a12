//! Enterprise flags (SPEC §8): zombie enterprises, 双高, and fragmented holdings, per code.

pub mod high_emission;
pub mod zombie;

use crate::config::Config;
use crate::domain::Group;
use crate::facts::Universe;
use crate::input::energy::MonthlyElectricity;
use crate::rating::Rating;
use crate::rating::indicators::value_column;
use compact_str::CompactString;
use foldhash::HashMap;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use zombie::{Verdict, YearFigures};

/// The flags of one code, borrowed from [`Flags`].
#[derive(Debug, Clone, Copy)]
pub struct CodeFlags<'a> {
    pub zombie: &'a Verdict,
    /// `None` for a code with no group (not judged).
    pub high_energy_emission: Option<bool>,
    /// Connected pieces of its own parcels (0 when it holds none with geometry).
    pub fragmented_pieces: usize,
}

/// The flags of every code the rating has a row of, by code id: a nation's three million
/// codes in vectors, the zombie verdicts as they were judged, rather than a map of its own
/// keyed by every code.
pub struct Flags {
    universe: Arc<Universe>,
    zombie: Vec<Verdict>,
    high_energy_emission: Vec<Option<bool>>,
    fragmented_pieces: Vec<usize>,
    /// Whether the rating has a row of the code.
    rated: Vec<bool>,
}

impl Flags {
    /// The flags of `code`, when the rating has a row of it.
    pub fn get(&self, code: &str) -> Option<CodeFlags<'_>> {
        self.of_id(self.universe.lookup(code)?)
    }

    /// The flags of the code with id `id`, when the rating has a row of it.
    pub fn of_id(&self, id: u32) -> Option<CodeFlags<'_>> {
        let id = id as usize;
        self.rated.get(id).copied()?.then(|| CodeFlags {
            zombie: &self.zombie[id],
            high_energy_emission: self.high_energy_emission[id],
            fragmented_pieces: self.fragmented_pieces[id],
        })
    }
}

fn f64_column<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<&'a Float64Chunked> {
    df.column(name)?.f64()
}

/// The columns of the yearly figures frame (sorted by code and year) that the zombie rules
/// read, and where each code's rows lie.
struct YearlyFigures<'a> {
    year: &'a Int32Chunked,
    has_row: &'a BooleanChunked,
    /// profit, tax, revenue, total_assets, total_liabilities.
    numbers: [&'a Float64Chunked; 5],
    /// By code id.
    rows_of: Vec<std::ops::Range<usize>>,
}

impl<'a> YearlyFigures<'a> {
    fn new(yearly: &'a DataFrame) -> PolarsResult<Self> {
        let [profit, tax, revenue, assets, debt] =
            ["profit", "tax", "revenue", "total_assets", "total_liabilities"].map(|c| f64_column(yearly, c));
        let mut rows_of: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, id) in yearly.column("code_id")?.u32()?.iter().enumerate() {
            if let Some(id) = id.map(|id| id as usize) {
                if rows_of.len() <= id {
                    rows_of.resize(id + 1, 0..0);
                }
                let start = if rows_of[id].end == 0 { i } else { rows_of[id].start };
                rows_of[id] = start..i + 1;
            }
        }
        Ok(YearlyFigures {
            year: yearly.column("year")?.i32()?,
            has_row: yearly.column("has_row")?.bool()?,
            numbers: [profit?, tax?, revenue?, assets?, debt?],
            rows_of,
        })
    }

    /// The figures of the code with id `code_id` by year.
    fn of_code(&self, code_id: u32) -> BTreeMap<i32, YearFigures> {
        let rows = self.rows_of.get(code_id as usize).cloned().unwrap_or_default();
        let [profit, tax, revenue, assets, debt] = self.numbers;
        rows.filter_map(|i| {
            let figures = YearFigures {
                has_row: self.has_row.get(i).unwrap_or(false),
                profit: profit.get(i),
                tax: tax.get(i),
                revenue: revenue.get(i),
                total_assets: assets.get(i),
                total_liabilities: debt.get(i),
            };
            Some((self.year.get(i)?, figures))
        })
        .collect()
    }
}

/// Judges the zombie rules for every code of the universe (SPEC §8), by code id, with monthly
/// electricity read up to `month`, the latest month (SPEC §16), else December. The verdict
/// needs nothing of the rating, so it can be taken before classes (`zombie.class_d`).
pub fn judge_zombies(
    yearly: &DataFrame,
    energy: &MonthlyElectricity,
    universe: &Universe,
    config: &Config,
    year: i32,
    month: Option<u32>,
) -> PolarsResult<Vec<Verdict>> {
    let figures = YearlyFigures::new(yearly)?;
    Ok((0..universe.codes.len() as u32)
        .into_par_iter()
        .map(|id| {
            let months = zombie::monthly_electricity(energy, id, year);
            zombie::judge(&figures.of_code(id), months.as_ref(), month.unwrap_or(12), year, &config.zombie)
        })
        .collect())
}

/// The `zombie` column of the facts, aligned with the universe's codes.
pub fn zombie_column(verdicts: &[Verdict]) -> Column {
    Column::new("zombie".into(), verdicts.iter().map(|v| v.zombie).collect::<Vec<bool>>())
}

/// Every code's flags: its zombie verdict (by code id, from [`judge_zombies`]), 双高 against
/// its county's group's benchmarks, and `pieces` for fragmented holdings.
pub fn flag_enterprises(
    mut zombies: Vec<Verdict>,
    rating: &Rating,
    universe: Arc<Universe>,
    pieces: &HashMap<CompactString, usize>,
) -> PolarsResult<Flags> {
    let frame = &rating.frame;
    let code = frame.column("code")?.str()?;
    let code_id = frame.column("code_id")?.u32()?;
    let group = frame.column("group")?.str()?;
    let energy_value = f64_column(frame, &value_column("va_per_energy"))?;
    let emission_value = f64_column(frame, &value_column("va_per_emission"))?;
    let codes = universe.codes.len();
    zombies.resize_with(codes, Verdict::default);
    let (mut high_energy_emission, mut fragmented_pieces, mut rated) =
        (vec![None; codes], vec![0; codes], vec![false; codes]);
    for (i, county) in rating.county_of_rows().enumerate() {
        let (Some(c), Some(id)) = (code.get(i), code_id.get(i).map(|id| id as usize).filter(|&id| id < codes)) else {
            continue;
        };
        high_energy_emission[id] = group.get(i).and_then(Group::parse).map(|g| {
            high_emission::is_high_energy_emission(
                energy_value.get(i),
                rating.benchmark(county, g, "va_per_energy"),
                emission_value.get(i),
                rating.benchmark(county, g, "va_per_emission"),
            )
        });
        fragmented_pieces[id] = pieces.get(c).copied().unwrap_or(0);
        rated[id] = true;
    }
    Ok(Flags { universe, zombie: zombies, high_energy_emission, fragmented_pieces, rated })
}

/// The flag columns of the output, aligned with the rating frame's codes.
pub fn flag_columns(frame: &DataFrame, flags: &Flags) -> PolarsResult<Vec<Column>> {
    let of_row: Vec<Option<CodeFlags>> = frame.column("code")?.str()?.iter().map(|c| flags.get(c?)).collect();
    let zombie: Vec<Option<bool>> = of_row.iter().map(|f| f.map(|f| f.zombie.zombie)).collect();
    let rules: Vec<Option<String>> = of_row.iter().map(|f| f.map(|f| f.zombie.rules_text())).collect();
    let high: Vec<Option<bool>> = of_row.iter().map(|f| f.and_then(|f| f.high_energy_emission)).collect();
    let pieces: Vec<Option<i64>> = of_row.iter().map(|f| f.map(|f| f.fragmented_pieces as i64)).collect();
    Ok(vec![
        Column::new("zombie".into(), zombie),
        Column::new("zombie_rules".into(), rules),
        Column::new("high_energy_emission".into(), high),
        Column::new("fragmented_pieces".into(), pieces),
    ])
}
