//! The pipeline: input → keys → land → yearly figures → zombies → rating → flags → spatial →
//! reclaim, each stage timed. [`evaluate`] is its one entry point; it returns an [`Evaluation`] that
//! the outputs write, and never writes files. It is two steps, which `muchan serve` takes
//! apart: [`prepare`] reads and measures what no rating setting changes (inputs, land, yearly
//! figures, geometry, buildings) into a [`Prepared`], and [`rerate`] rates that under a
//! configuration (zombies, rating, history, stability, flags, alerts, commitments, 低效 land,
//! reclaim).
//!
//! Scheduling lives here and nowhere else. Two sides run side by side: the tables (read, then
//! yearly figures) and the parcels (read and measured while the tables are still being read,
//! then projected to metres, neighbours, overlaps and pieces). Zombies are judged before the
//! rating because `zombie.class_d` lets them decide classes; the other flags (双高, fragmented
//! holdings) and reclaim need both sides. The rows of enterprises and tax are let go as soon as
//! the yearly figures hold them, the energy totals then too but for the electricity by month
//! that the rules read (by code id), and that once the alerts are judged, so that the outputs
//! are written in less memory: an
//! [`Evaluation`] holds per-code figures, never input rows.

use crate::alerts::{self, Alerts, TaxToDate};
use crate::buildings::{self, Intensity};
use crate::commitments::{self, CommitmentReviews};
use crate::config::{Config, ConfigError};
use crate::counties::{
    self,
    indicators::{WorkReport, work_report},
};
use crate::domain::{County, Group};
use crate::facts;
use crate::flags::{self, Flags, zombie::Verdict};
use crate::history::{self, History};
use crate::input::energy::{EnergyTotals, MonthlyElectricity};
use crate::input::tables::{AdjustmentRow, Commitments, Enterprises, LeaseRow, TaxRow};
use crate::input::{self, Folder, InputError, InputFile, Table, Tables};
use crate::land::{self, leases::book_land};
use crate::low_efficiency;
use crate::parcels::{Column, MisalignedColumn, ParcelTable, Parcels};
use crate::quality::Ledger;
use crate::rating::stability::{self, Stability};
use crate::rating::{self, ClassAndTax, Rating};
use crate::reclaim::{self, Owners, ReclaimBlock};
use crate::spatial::{self, ParcelMetrics};
pub use crate::stopwatch::{Lap, Stopwatch, at_each_stage_end};
use crate::yearly;
use compact_str::CompactString;
use foldhash::HashMap;
use geo::MultiPolygon;
use polars::prelude::{Column as FrameColumn, DataFrame, PolarsError, PolarsResult};
use std::path::Path;
use std::sync::Arc;

/// Why a run stopped (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("table engine: {0}")]
    Polars(#[from] PolarsError),
    #[error("internal error: {0}")]
    Misaligned(#[from] MisalignedColumn),
}

/// What a run brings to an evaluation besides its data and configuration: the ledger that
/// data problems go to, and the stopwatch that times (and may show) the stages.
pub struct Context<'a> {
    pub ledger: &'a Ledger,
    pub watch: Stopwatch,
}

impl<'a> Context<'a> {
    /// Problems to `ledger`, stages timed silently.
    pub fn new(ledger: &'a Ledger) -> Context<'a> {
        Context { ledger, watch: Stopwatch::default() }
    }

    /// Problems to `ledger`, stages shown as progress on the terminal when `show`.
    pub fn with_progress(ledger: &'a Ledger, show: bool) -> Context<'a> {
        Context { ledger, watch: Stopwatch::with_progress(show) }
    }
}

/// A finished evaluation, ready to be written.
pub struct Evaluation {
    pub year: i32,
    pub config: Config,
    /// The input files, as the manifest lists them.
    pub files: Vec<InputFile>,
    pub leases: Vec<LeaseRow>,
    pub adjustments: Vec<AdjustmentRow>,
    /// One row per parcel feature: land, geometry in metres, neighbourhood, reclaim.
    pub parcels: ParcelTable,
    /// One row per code and year: enterprise figures, tax and energy sums (SPEC §2), the
    /// columns of [`yearly::KEPT`].
    pub yearly: DataFrame,
    pub rating: Rating,
    /// Each code's results in the evaluation year and the years before it (SPEC §16).
    pub history: History,
    /// The class stability of each row of the rating frame (SPEC §16).
    pub stability: Stability,
    pub flags: Flags,
    /// The early warning at the latest month (SPEC §16).
    pub alerts: Alerts,
    pub blocks: Vec<ReclaimBlock>,
    /// The 标准地 reviews (SPEC §14); `None` without a commitments table.
    pub commitments: Option<CommitmentReviews>,
    /// The work report's indicators, over all and per county (SPEC §17).
    pub work_report: WorkReport,
    /// The stages, in pipeline order.
    pub timings: Vec<Lap>,
}

/// Reads the data folder `data` and evaluates it under `config`: [`prepare`], then [`rerate`].
pub fn evaluate(data: &Path, config: Config, ctx: Context<'_>) -> Result<Evaluation, RunError> {
    let Context { ledger, mut watch } = ctx;
    let prepared = prepare(data, &config, ledger, &mut watch)?;
    rerate(prepared, config, Context { ledger, watch })
}

/// What an evaluation reads and measures once, whatever the settings of the rating: the
/// inputs, land, the yearly figures, the geometry and the buildings layer. [`rerate`] rates
/// it under any settings that agree with the ones it was prepared with on the keys
/// [`prepare`] reads (land, spatial, custom indicators, the year, the partition and the
/// early warning's months). A clone shares the large read-only parts and copies the rest,
/// which an [`Evaluation`] owns.
#[derive(Clone)]
pub struct Prepared {
    year: i32,
    /// The latest month of the early warning.
    month: Option<u32>,
    files: Vec<InputFile>,
    leases: Vec<LeaseRow>,
    adjustments: Vec<AdjustmentRow>,
    commitments: Commitments,
    parcels: Parcels,
    /// Each parcel's geometry in metres.
    metric: Column<Option<MultiPolygon<f64>>>,
    neighbourhood: Column<ParcelMetrics>,
    intensity: Column<Intensity>,
    /// Connected pieces per user.
    pieces: Arc<HashMap<CompactString, usize>>,
    energy: Arc<MonthlyElectricity>,
    universe: Arc<facts::Universe>,
    /// One row per code and year (SPEC §2).
    yearly: DataFrame,
    /// Each code's land_mu, in the order of the universe.
    land: FrameColumn,
    tax_to_date: Arc<TaxToDate>,
    /// The stages timed so far.
    laps: Vec<Lap>,
}

/// Reads the data folder `data` and measures what needs no rating (the first part of
/// [`evaluate`]); the rows of enterprises and tax are let go once the yearly figures hold them.
pub fn prepare(data: &Path, config: &Config, ledger: &Ledger, watch: &mut Stopwatch) -> Result<Prepared, RunError> {
    let folder = Folder::open(data, config.land.parcels.as_deref())?;
    folder.report_unknown(ledger);
    folder.require(Table::Tax)?;
    let (tables, parcels) = watch.side_by_side(
        |watch| input::read_tables(&folder, config.evaluation.year, config.alerts.months, ledger, watch),
        |watch| -> Result<_, RunError> {
            let (file, entries) =
                watch.time("read parcels", || input::read_parcel_file(&folder, &config.land, ledger))?;
            let measured = watch.time("land", || land::measure_parcels(&file.features, file.crs, &config.land, ledger));
            Ok((Parcels::new(file, measured)?, entries))
        },
    );
    let (mut tables, (parcels, parcel_entries)) = (tables?, parcels?);
    tables.files.extend(parcel_entries);
    let Tables { year, mut enterprises, tax, energy, leases, adjustments, commitments, mut files } = tables;
    watch.time("keys", || enterprises.drop_duplicate_rows(year, ledger));
    if config.evaluation.partition.is_some() {
        counties::report_codes_without_county(&enterprises.rows, year, ledger);
    }
    let book = watch.time("leases", || book_land(&parcels, &leases, year, ledger));
    let extra = yearly::custom_columns(config, &enterprises, ledger)?;
    let month = alerts::latest_month(config, &energy, year);
    let tables =
        TableInputs { year, month, enterprises, tax, energy: &energy, leases: &leases, adjustments: &adjustments };
    let (measured, geometry) = watch.side_by_side(
        |watch| measure_tables(tables, &parcels, &book, &extra, ledger, watch),
        |watch| analyse_parcels(&parcels, config, ledger, watch),
    );
    let (Measured { universe, yearly, land, tax_to_date }, geometry) = (measured?, geometry?);
    let energy = energy.into_monthly(universe.codes.len(), |code| universe.id(code).ok());
    let intensity = watch.time("buildings", || -> Result<_, RunError> {
        let layer = buildings::read_layer(&folder, &parcels, &config.land, ledger)?;
        let figures = layer.map(|(b, entry)| {
            files.push(entry);
            buildings::layer_figures(&b, &geometry.metric, ledger)
        });
        Ok(buildings::intensities(&parcels, figures.as_ref(), ledger))
    })?;
    Ok(Prepared {
        year,
        month,
        files,
        leases,
        adjustments,
        commitments,
        parcels,
        metric: geometry.metric,
        neighbourhood: geometry.neighbourhood,
        intensity,
        pieces: Arc::new(geometry.pieces),
        energy: Arc::new(energy),
        universe: Arc::new(universe),
        yearly,
        land,
        tax_to_date: Arc::new(tax_to_date),
        laps: std::mem::take(&mut watch.laps),
    })
}

/// Rates what [`prepare`] read under `config` (the second part of [`evaluate`]): zombies,
/// rating, history, class stability, flags, the work report, alerts, commitments, 低效 land
/// and reclaim. The context's laps follow the preparation's.
pub fn rerate(p: Prepared, config: Config, ctx: Context<'_>) -> Result<Evaluation, RunError> {
    let Context { ledger, mut watch } = ctx;
    watch.laps.splice(0..0, p.laps);
    let (year, month, yearly) = (p.year, p.month, p.yearly);
    let has_commitments = p.files.iter().any(|f| f.table == Table::Commitments.name());
    let tables = RatingInputs {
        year,
        month,
        energy: &p.energy,
        adjustments: &p.adjustments,
        universe: &p.universe,
        land: p.land,
    };
    let partitioned = config.evaluation.partition.is_some();
    let (rated, work_report) = watch.side_by_side(
        |watch| rate_enterprises(tables, &yearly, &config, ledger, watch),
        |watch| watch.time("work report", || work_report(&yearly, year, partitioned, &config.targets)),
    );
    let (Rated { rating, history, stability, zombies }, work_report) = (rated?, work_report?);
    // The yearly columns only the rating and the work report read are let go; the bytes of
    // their texts stay, shared with the rating frame's names and parks gathered from them.
    let yearly = yearly.select(yearly::KEPT)?;
    let (judged, reviewed) = watch.side_by_side(
        |watch| -> Result<_, RunError> {
            let flags = watch
                .time("flags", || flags::flag_enterprises(zombies, &rating, Arc::clone(&p.universe), &p.pieces))?;
            let alerts = watch.time("alerts", || {
                let inputs = alerts::Inputs {
                    rating: &rating,
                    history: &history,
                    stability: &stability,
                    flags: &flags,
                    energy: &p.energy,
                    tax: &p.tax_to_date,
                    config: &config,
                    year,
                    month,
                };
                alerts::judge(&inputs)
            })?;
            Ok((flags, alerts))
        },
        |watch| -> Result<_, RunError> {
            let commitments = watch.time("commitments", || -> Result<_, RunError> {
                let Some(as_of) = config.as_of(year).filter(|_| has_commitments) else { return Ok(None) };
                let enterprises = commitments::EnterpriseLand::of_rating(&rating)?;
                let ctx = commitments::Context {
                    year,
                    as_of,
                    settings: &config.commitments,
                    parcels: &p.parcels,
                    intensity: &p.intensity,
                    enterprises: &enterprises,
                    yearly: &yearly,
                };
                Ok(Some(commitments::review_all(p.commitments, &ctx, ledger)?))
            })?;
            let low_efficiency = watch.time("low efficiency", || -> Result<_, RunError> {
                let users = low_efficiency::Users::of_rating(&rating)?;
                let as_of = config.as_of(year);
                let settings = &config.low_efficiency;
                Ok(low_efficiency::judge_all(&p.parcels, &p.intensity, &users, commitments.as_ref(), as_of, settings))
            })?;
            Ok((commitments, low_efficiency))
        },
    );
    let ((flags, alerts), (commitments, low_efficiency)) = (judged?, reviewed?);
    drop((p.energy, p.tax_to_date));
    let (reclaim, counties) = watch.time("reclaim", || -> Result<_, RunError> {
        let counties = Column::from_vec(counties::parcel_counties(&p.parcels, &rating, ledger)?, p.parcels.len())?;
        let class_and_tax = ClassAndTax::new(&rating)?;
        let tax_per_mu_benchmark = |county: &County| rating.benchmark(county, Group::Above, "tax_per_mu");
        let idle_parcels = commitments.as_ref().map(CommitmentReviews::idle_parcels).unwrap_or_default();
        let owners = Owners {
            flags: &flags,
            rating: &class_and_tax,
            counties: &counties,
            tax_per_mu_benchmark: &tax_per_mu_benchmark,
            idle_parcels: &idle_parcels,
            low_efficiency: &low_efficiency,
        };
        Ok((reclaim::reclaim(&p.parcels, &p.neighbourhood, &owners, ledger), counties))
    })?;
    let parcels =
        ParcelTable::new(p.parcels, p.metric, p.neighbourhood, reclaim.parcels, p.intensity, low_efficiency, counties)?;
    Ok(Evaluation {
        year,
        config,
        files: p.files,
        leases: p.leases,
        adjustments: p.adjustments,
        parcels,
        yearly,
        rating,
        history,
        stability,
        flags,
        alerts,
        blocks: reclaim.blocks,
        commitments,
        work_report,
        timings: watch.laps,
    })
}

/// What the table side of the preparation reads; it owns the rows it lets go.
struct TableInputs<'a> {
    year: i32,
    /// The latest month of the early warning.
    month: Option<u32>,
    enterprises: Enterprises,
    tax: Vec<TaxRow>,
    energy: &'a EnergyTotals,
    leases: &'a [LeaseRow],
    adjustments: &'a [AdjustmentRow],
}

/// What the table side of the preparation gives.
struct Measured {
    universe: facts::Universe,
    yearly: DataFrame,
    land: FrameColumn,
    tax_to_date: TaxToDate,
}

/// The yearly figures, each code's land and the tax of the year to date (for the early
/// warning): the table side of the preparation. The rows of enterprises and tax go here, let
/// go as soon as their frames are built, before the joins need memory.
fn measure_tables(
    tables: TableInputs<'_>,
    parcels: &Parcels,
    book: &land::leases::LandBook,
    extra: &yearly::ExtraColumns,
    ledger: &Ledger,
    watch: &mut Stopwatch,
) -> Result<Measured, RunError> {
    let TableInputs { year, month, enterprises, tax, energy, leases, adjustments } = tables;
    let (universe, yearly, tax_to_date) = watch.time("yearly", || -> Result<_, RunError> {
        let sources = code_sources(&enterprises, &tax, energy, parcels, leases, adjustments);
        let universe = facts::Universe::gather(sources);
        yearly::report_missing_tax(&enterprises.rows, &tax, year, ledger);
        universe.report_unmatched(&enterprises.rows, year, ledger);
        let ent = yearly::enterprise_frame(enterprises.rows, &universe, year, extra)?;
        let tax_frame = yearly::tax_by_year(&tax, &universe, year)?;
        let tax_to_date = TaxToDate::from_rows(&tax, year, month);
        drop(tax);
        let energy = yearly::energy_by_year(energy, &universe)?;
        let yearly = yearly::yearly_figures(&universe, ent, tax_frame, energy)?;
        Ok((universe, yearly, tax_to_date))
    })?;
    let land = facts::land_column(book, &universe);
    Ok(Measured { universe, yearly, land, tax_to_date })
}

/// What the rating reads of the preparation.
struct RatingInputs<'a> {
    year: i32,
    /// The latest month of the early warning.
    month: Option<u32>,
    energy: &'a MonthlyElectricity,
    adjustments: &'a [AdjustmentRow],
    universe: &'a Arc<facts::Universe>,
    land: FrameColumn,
}

/// What the rating gives.
struct Rated {
    rating: Rating,
    history: History,
    stability: Stability,
    /// The evaluation year's zombie verdicts, by code id.
    zombies: Vec<Verdict>,
}

/// The zombie verdicts (judged before the classes, which `zombie.class_d` lets them decide),
/// the rating, the history and the class stability.
fn rate_enterprises(
    inputs: RatingInputs<'_>,
    yearly: &DataFrame,
    config: &Config,
    ledger: &Ledger,
    watch: &mut Stopwatch,
) -> Result<Rated, RunError> {
    let RatingInputs { year, month, energy, adjustments, universe, land } = inputs;
    let zombies = watch.time("zombies", || flags::judge_zombies(yearly, energy, universe, config, year, month))?;
    // A year's zombie flags decide classes only under `zombie.class_d`; an earlier year is
    // judged on its own figures then (its months of electricity are not kept).
    let zombie_column = |y: i32| -> PolarsResult<FrameColumn> {
        if y == year {
            return Ok(flags::zombie_column(&zombies));
        }
        let verdicts = if config.zombie.class_d {
            flags::judge_zombies(yearly, energy, universe, config, y, None)?
        } else {
            vec![Verdict::default(); universe.codes.len()]
        };
        Ok(flags::zombie_column(&verdicts))
    };
    // The facts of one year, to be rated as if it were the evaluation year (SPEC §16): its
    // rows, today's land.
    let year_facts = |y: i32, d_before: Vec<u32>| -> PolarsResult<DataFrame> {
        let [adjustment, veto] = facts::adjustment_columns(adjustments, universe, y, year)?;
        let d_before = FrameColumn::new("d_before".into(), d_before);
        let per_code = [land.clone(), adjustment, veto, zombie_column(y)?, d_before];
        facts::facts(universe, yearly, per_code, y)
    };
    let earlier = watch.time("history", || {
        let years = history::years_with_rows(yearly)?;
        let results = |y: i32, d_before: Vec<u32>, ledger: &Ledger| {
            rating::rate_columns(year_facts(y, d_before)?, config, y, ledger, &history::RESULT_COLUMNS)
        };
        history::rate_earlier(&years, year, config.history.years, universe.codes.len(), results)
    })?;
    let rating = watch.time("rating", || -> Result<Rating, RunError> {
        facts::report_other_year_adjustments(adjustments, year, ledger);
        let rating =
            rating::rate(year_facts(year, earlier.d_before(year))?, Arc::clone(universe), config, year, ledger)?;
        rating.report_unrated_vetoes(adjustments, year, ledger)?;
        Ok(rating)
    })?;
    let history = earlier.with_evaluation_year(&rating, year)?;
    let stability = watch.time("stability", || stability::stability(&rating, config))?;
    Ok(Rated { rating, history, stability, zombies })
}

/// Every code of every table, table by table (the universe of codes gathers them).
fn code_sources<'a>(
    enterprises: &'a Enterprises,
    tax: &'a [TaxRow],
    energy: &'a EnergyTotals,
    parcels: &'a Parcels,
    leases: &'a [LeaseRow],
    adjustments: &'a [AdjustmentRow],
) -> impl Iterator<Item = &'a str> {
    let e = enterprises.rows.iter().map(|r| r.code.as_str());
    let t = tax.iter().map(|r| r.code.as_str());
    let n = energy.years.iter().map(|(code, _, _)| code.as_str());
    let p = parcels.features.values().iter().map(|f| f.user.as_str());
    let l = leases.iter().map(|r| r.lessee.as_str());
    let a = adjustments.iter().map(|r| r.code.as_str());
    e.chain(t).chain(n).chain(p).chain(l).chain(a)
}

/// What the geometry side of the pipeline finds, needing nothing of the tables.
struct ParcelAnalysis {
    /// Each parcel's geometry in metres.
    metric: Column<Option<MultiPolygon<f64>>>,
    neighbourhood: Column<ParcelMetrics>,
    /// Connected pieces per user.
    pieces: HashMap<CompactString, usize>,
}

fn analyse_parcels(
    parcels: &Parcels,
    config: &Config,
    ledger: &Ledger,
    watch: &mut Stopwatch,
) -> Result<ParcelAnalysis, MisalignedColumn> {
    let settings = &config.spatial;
    let in_metres = watch.time("projection", || parcels.in_metres());
    let (boundaries, metrics) = watch.time("neighbours", || {
        let boundaries = spatial::parcel_boundaries(in_metres.values());
        let metrics = spatial::analyse(in_metres.values(), &boundaries, settings);
        (boundaries, metrics)
    });
    watch.time("overlaps", || spatial::report_overlaps(in_metres.values(), &boundaries, settings.snap_m, ledger));
    let pieces = watch.time("pieces", || spatial::fragmented_pieces(in_metres.values(), settings));
    Ok(ParcelAnalysis {
        neighbourhood: Column::from_vec(metrics, parcels.len())?,
        metric: in_metres.into_map(|p| p.geometry),
        pieces,
    })
}
