//! The pipeline: input → keys → land → yearly figures → rating → flags → spatial, each
//! stage timed. It returns an [`Evaluation`] that the outputs write; it never writes files.

use crate::config::{Config, ConfigError};
use crate::facts;
use crate::flags::{self, Flags};
use crate::input::energy::EnergyTotals;
use crate::input::parcels::{ParcelFeature, ParcelFile};
use crate::input::tables::{AdjustmentRow, EnterpriseRow, Enterprises, LeaseRow, TaxRow};
use crate::input::{self, InputError, Inputs, cells, headers};
use crate::land::leases::{LandBook, book_land};
use crate::land::{self, MeasuredParcel};
use crate::quality::{At, Ledger};
use crate::rating::{self, Rating};
use crate::reclaim::{self, Owners, Reclaim};
use crate::spatial::{self, ParcelMetrics};
pub use crate::stopwatch::Stopwatch;
use crate::yearly;
use foldhash::{HashMap, HashSet, HashSetExt};
use geo::MultiPolygon;
use polars::prelude::{DataFrame, PolarsError};
use std::path::Path;

/// Why a run stopped (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("table engine: {0}")]
    Polars(#[from] PolarsError),
    #[error("{0}")]
    Other(String),
}

/// A finished evaluation, ready to be written.
pub struct Evaluation {
    pub year: i32,
    pub config: Config,
    pub inputs: Inputs,
    pub measured: Vec<MeasuredParcel>,
    /// Each parcel's geometry in metres, as the spatial stage used it (SPEC §9).
    pub projected: Vec<Option<MultiPolygon<f64>>>,
    pub yearly: DataFrame,
    pub rating: Rating,
    pub flags: Flags,
    pub reclaim: Reclaim,
    /// The stages, in pipeline order.
    pub timings: Vec<crate::stopwatch::Lap>,
}

/// What an evaluation keeps of the rows of enterprises, tax and energy once the pipeline has
/// used them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRows {
    /// Kept in [`Evaluation::inputs`], for explaining and validating.
    Keep,
    /// Let go as soon as no stage needs them, so the outputs are written in less memory
    /// (`Evaluation::inputs` then holds no such rows).
    Release,
}

/// Reads a data folder and evaluates it, keeping every input row.
pub fn evaluate(data: &Path, config: Config, ledger: &Ledger) -> Result<Evaluation, RunError> {
    evaluate_timed(data, config, ledger, Stopwatch::default(), InputRows::Keep)
}

/// [`evaluate`] with a stopwatch of the caller's (one that shows progress, say).
pub fn evaluate_timed(
    data: &Path,
    config: Config,
    ledger: &Ledger,
    mut watch: Stopwatch,
    rows: InputRows,
) -> Result<Evaluation, RunError> {
    let (inputs, measured) = input::load_then(
        data,
        config.land.crs.as_deref(),
        config.evaluation.year,
        ledger,
        &mut watch,
        |parcels, watch| {
            watch.time("land", || land::measure_parcels(&parcels.features, parcels.crs, &config.land, ledger))
        },
    )?;
    evaluate_measured(inputs, measured, config, ledger, watch, rows)
}

/// Evaluates inputs already read.
pub fn evaluate_inputs(
    inputs: Inputs,
    config: Config,
    ledger: &Ledger,
    mut watch: Stopwatch,
    rows: InputRows,
) -> Result<Evaluation, RunError> {
    let parcels = &inputs.parcels;
    let measured = watch.time("land", || land::measure_parcels(&parcels.features, parcels.crs, &config.land, ledger));
    evaluate_measured(inputs, measured, config, ledger, watch, rows)
}

/// Evaluates inputs already read, their parcels measured.
fn evaluate_measured(
    mut inputs: Inputs,
    measured: Vec<MeasuredParcel>,
    config: Config,
    ledger: &Ledger,
    mut watch: Stopwatch,
    rows: InputRows,
) -> Result<Evaluation, RunError> {
    let year = inputs.year;
    watch.time("keys", || drop_duplicate_rows(&mut inputs.enterprises.rows, year, ledger));
    let book = watch.time("leases", || book_land(&inputs.parcels.features, &measured, &inputs.leases, year, ledger));
    let extra = custom_columns(&config, &inputs.enterprises, ledger)?;
    let Inputs { enterprises, tax, energy, leases, adjustments, parcels, .. } = &mut inputs;
    let parcels: &ParcelFile = parcels;
    let tables = TableInputs { year, enterprises, tax, energy, leases, adjustments, parcels };
    let (rated, ParcelAnalysis { metrics, pieces, projected }) = watch.side_by_side(
        |watch| rate_enterprises(tables, &book, &extra, &config, rows, ledger, watch),
        |watch| analyse_parcels(parcels, &measured, &config, ledger, watch),
    );
    let (yearly, rating) = rated?;
    let flags =
        watch.time("flags", || flags::flag_enterprises(&yearly, &inputs.energy, &rating, &pieces, &config, year))?;
    if rows == InputRows::Release {
        inputs.energy = Default::default();
    }
    let parcels = &inputs.parcels;
    let reclaim = watch.time("reclaim", || -> Result<Reclaim, RunError> {
        let classes = rating.classes_by_code()?;
        let tax = tax_by_code(&rating.frame)?;
        let owners = Owners {
            flags: &flags,
            classes: &classes,
            tax: &tax,
            tax_per_mu_benchmark: rating
                .benchmarks
                .get("above")
                .and_then(|b| b.get("tax_per_mu"))
                .and_then(|b| b.value),
        };
        Ok(reclaim::reclaim(&parcels.features, &measured, metrics, &owners, ledger))
    })?;
    Ok(Evaluation { year, config, inputs, measured, projected, yearly, rating, flags, reclaim, timings: watch.laps })
}

/// What the table side of the pipeline reads, with the rows it may let go.
struct TableInputs<'a> {
    year: i32,
    enterprises: &'a mut Enterprises,
    tax: &'a mut Vec<TaxRow>,
    energy: &'a EnergyTotals,
    leases: &'a [LeaseRow],
    adjustments: &'a [AdjustmentRow],
    parcels: &'a ParcelFile,
}

/// The yearly figures and the rating (the table side of the pipeline). With
/// [`InputRows::Release`] the rows of enterprises and tax go once the rating knows its codes.
fn rate_enterprises(
    tables: TableInputs<'_>,
    book: &LandBook,
    extra: &yearly::ExtraColumns,
    config: &Config,
    rows: InputRows,
    ledger: &Ledger,
    watch: &mut Stopwatch,
) -> Result<(DataFrame, Rating), RunError> {
    let year = tables.year;
    let (universe, yearly) = watch.time("yearly", || -> Result<_, RunError> {
        let universe = facts::Universe::gather(code_sources(&tables));
        let (enterprises, tax) = (&tables.enterprises.rows, &*tables.tax);
        let ent = yearly::enterprise_frame(enterprises, &universe, year, extra)?;
        let energy = yearly::energy_by_year(tables.energy, &universe)?;
        let tax_frame = yearly::tax_by_year(tax, &universe, year)?;
        yearly::report_missing_tax(enterprises, tax, year, ledger);
        let yearly = yearly::yearly_figures(&universe, ent, tax_frame, energy)?;
        Ok((universe, yearly))
    })?;
    let rating = watch.time("rating", || -> Result<Rating, RunError> {
        report_unmatched(&tables.enterprises.rows, &universe.codes, year, ledger);
        if rows == InputRows::Release {
            tables.enterprises.rows = Vec::new();
            *tables.tax = Vec::new();
        }
        let land = facts::land_column(book, &universe);
        let adjustments = facts::adjustment_columns(tables.adjustments, &universe, year, ledger)?;
        let facts = facts::facts(&universe, &yearly, land, adjustments, year)?;
        let rating = rating::rate(facts, config, year, ledger)?;
        report_unrated_vetoes(tables.adjustments, &rating.frame, year, ledger)?;
        Ok(rating)
    })?;
    Ok((yearly, rating))
}

/// What the geometry side of the pipeline finds, needing nothing of the tables.
struct ParcelAnalysis {
    metrics: Vec<ParcelMetrics>,
    /// Connected pieces per user.
    pieces: HashMap<String, usize>,
    /// Each parcel's geometry in metres.
    projected: Vec<Option<MultiPolygon<f64>>>,
}

fn analyse_parcels(
    parcels: &ParcelFile,
    measured: &[MeasuredParcel],
    config: &Config,
    ledger: &Ledger,
    watch: &mut Stopwatch,
) -> ParcelAnalysis {
    let spatial_parcels =
        watch.time("projection", || reclaim::spatial_parcels(&parcels.features, measured, parcels.crs));
    let (boundaries, metrics) = watch.time("neighbours", || {
        let boundaries = spatial::parcel_boundaries(&spatial_parcels);
        let metrics = spatial::analyse(&spatial_parcels, &boundaries, &config.spatial);
        (boundaries, metrics)
    });
    watch.time("overlaps", || report_overlaps(&spatial_parcels, &boundaries, &parcels.features, config, ledger));
    let pieces = watch.time("pieces", || spatial::fragmented_pieces(&spatial_parcels, &config.spatial));
    ParcelAnalysis { metrics, pieces, projected: spatial_parcels.into_iter().map(|p| p.geometry).collect() }
}

/// A veto on a code that is not rated is a notice on its adjustments row, and is ignored.
fn report_unrated_vetoes(
    rows: &[AdjustmentRow],
    frame: &DataFrame,
    year: i32,
    ledger: &Ledger,
) -> Result<(), RunError> {
    let codes = frame.column("code")?.str()?;
    let status = frame.column("status")?.str()?;
    let status_of: HashMap<&str, &str> = codes.iter().zip(status.iter()).filter_map(|(c, s)| Some((c?, s?))).collect();
    for r in rows.iter().filter(|r| r.veto && r.year.is_none_or(|y| y == year)) {
        let status = status_of.get(r.code.as_str()).copied().unwrap_or("unmatched");
        if status != "rated" {
            ledger.notice(
                At::new("adjustments", r.row, &r.code, "veto"),
                "veto_unrated",
                format!("veto on {}, which is not rated ({status}); ignored", r.code),
            );
        }
    }
    Ok(())
}

/// Overlapping lots are a warning on the later feature of each pair.
fn report_overlaps(
    spatial_parcels: &[spatial::SpatialParcel],
    boundaries: &spatial::SegmentIndex,
    features: &[ParcelFeature],
    config: &Config,
    ledger: &Ledger,
) {
    for o in spatial::overlapping_pairs(spatial_parcels, boundaries, config.spatial.snap_m) {
        let (first, second) = (&features[o.first], &features[o.second]);
        ledger.warning(
            At::new(crate::input::parcels::TABLE, second.index, &second.parcel_id, "geometry"),
            "parcels_overlap",
            format!(
                "parcels {} and {} overlap: a vertex lies {:.2} m inside the other",
                first.parcel_id, second.parcel_id, o.depth_m
            ),
        );
    }
}

/// The evaluation year's tax per code (codes with a value).
fn tax_by_code(frame: &DataFrame) -> Result<HashMap<&str, f64>, RunError> {
    let codes = frame.column("code")?.str()?;
    let tax = frame.column("tax")?.f64()?;
    Ok(codes.iter().zip(tax.iter()).filter_map(|(c, t)| Some((c?, t?))).collect())
}

fn code_sources<'a>(tables: &'a TableInputs<'_>) -> impl Iterator<Item = &'a str> {
    let e = tables.enterprises.rows.iter().map(|r| r.code.as_str());
    let t = tables.tax.iter().map(|r| r.code.as_str());
    let n = tables.energy.years.iter().map(|(code, _, _)| code.as_str());
    let p = tables.parcels.features.iter().map(|f| f.user.as_str());
    let l = tables.leases.iter().map(|r| r.lessee.as_str());
    let a = tables.adjustments.iter().map(|r| r.code.as_str());
    e.chain(t).chain(n).chain(p).chain(l).chain(a)
}

/// A second enterprises row for one code and year is an error; the first is kept.
fn drop_duplicate_rows(rows: &mut Vec<EnterpriseRow>, year: i32, ledger: &Ledger) {
    let mut seen: HashSet<(&str, i32)> = HashSet::with_capacity(rows.len());
    let keep: Vec<bool> = rows
        .iter()
        .map(|r| {
            let y = r.year.unwrap_or(year);
            let first = seen.insert((r.code.as_str(), y));
            if !first {
                ledger.error(
                    At::new("enterprises", r.row, &r.code, "credit_code"),
                    "duplicate_row",
                    format!("a second row for {} in {y}; the first row is kept", r.code),
                );
            }
            first
        })
        .collect();
    let mut keep = keep.into_iter();
    rows.retain(|_| keep.next().unwrap_or(true));
}

/// Codes with data but no enterprises row in the evaluation year: one notice each.
fn report_unmatched(enterprise_rows: &[EnterpriseRow], codes: &[String], year: i32, ledger: &Ledger) {
    let matched: HashSet<&str> =
        enterprise_rows.iter().filter(|r| r.year.unwrap_or(year) == year).map(|r| r.code.as_str()).collect();
    for code in codes.iter().filter(|c| !matched.contains(c.as_str())) {
        ledger.notice(
            At::new("enterprises", 0, code, "credit_code"),
            "unmatched_code",
            format!("{code} appears in the data but has no enterprises row for {year}; it is not rated"),
        );
    }
}

/// The columns custom indicators read that are not built-in facts: enterprise columns
/// carried along, read as numbers. A column found nowhere is a configuration error.
fn custom_columns(
    config: &Config,
    enterprises: &input::tables::Enterprises,
    ledger: &Ledger,
) -> Result<yearly::ExtraColumns, RunError> {
    const FACTS: [&str; 14] = [
        "land_mu",
        "tax",
        "electricity_kwh",
        "energy_tce",
        "emissions",
        "revenue",
        "value_added",
        "profit",
        "employees",
        "rd_expense",
        "total_assets",
        "total_liabilities",
        "adjustment",
        "start_year",
    ];
    let mut out = yearly::ExtraColumns::new();
    for c in &config.custom_indicators {
        for column in [&c.numerator, &c.denominator] {
            if FACTS.contains(&column.as_str()) || out.iter().any(|(n, _)| n == column) {
                continue;
            }
            let wanted = headers::normalize_header(column);
            let index =
                enterprises.extra_headers.iter().position(|h| headers::normalize_header(h) == wanted).ok_or_else(
                    || {
                        RunError::Config(ConfigError::Invalid {
                            path: "custom_indicators".into(),
                            message: format!("indicator `{}` reads column `{column}`, which no table has", c.name),
                        })
                    },
                )?;
            let values = enterprises
                .rows
                .iter()
                .map(|r| {
                    let cell = r.extra.get(index).map_or("", String::as_str);
                    cells::number(cell).unwrap_or_else(|cells::Unreadable| {
                        ledger.warning(
                            At::new("enterprises", r.row, &r.code, column),
                            "unreadable_number",
                            format!("`{cell}` is not a number; read as missing"),
                        );
                        None
                    })
                })
                .collect();
            out.push((column.clone(), values));
        }
    }
    Ok(out)
}
