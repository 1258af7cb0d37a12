//! Yearly figures: one row per credit code and year, joining the enterprises rows with the
//! tax and energy rows summed per code and year (SPEC §2), on the universe's (code, year)
//! keys. The join is a gather: the keys of the three frames, sorted and deduplicated, are the
//! rows, and each frame's columns are gathered once into that order (null where the frame has
//! no row of a key). A full join of the three and a sort gathered every column three times and
//! held two joined copies at once (gigabytes in a nation).
//!
//! Sums are exact over the values present and rounded once, so that they do not depend on
//! row order or thread count; a column with no value present is missing, never zero.

use crate::config::{Config, ConfigError};
use crate::domain::Figure;
use crate::facts::Universe;
use crate::input::energy::{EnergyTotals, Total, YearEnergy};
use crate::input::source::Pieces;
use crate::input::tables::{EnterpriseRow, Enterprises, TaxRow};
use crate::input::{cells, headers};
use crate::numbers::keep_sorts;
use crate::quality::{At, Ledger, Message};
use foldhash::{HashMap, HashMapExt, HashSet};
use polars::prelude::*;

/// Sums of the energy table.
pub const ENERGY_NUMBERS: [&str; 3] = ["electricity_kwh", "energy_tce", "emissions"];

/// The columns of the yearly figures an evaluation keeps once it is rated: each row's keys and
/// whether it has an enterprises row, the figures `explain` shows year by year, the counts of
/// tax and energy rows (`validate`'s join rates), and the figures the 标准地 reviews look up.
/// Names, parks, counties, industries, balance sheets and custom columns are read by the
/// rating and the work report only.
pub const KEPT: [&str; 16] = [
    "code",
    "code_id",
    "year",
    "has_row",
    "revenue",
    "value_added",
    "profit",
    "employees",
    "rd_expense",
    "fixed_investment",
    "tax",
    "tax_rows",
    "electricity_kwh",
    "energy_tce",
    "emissions",
    "energy_rows",
];

/// A text column in which a run of equal values (a code's name or park, year after year) shares
/// one copy of its bytes: each run's value is stored once and gathered, and a gather copies a
/// text's 16-byte view, never its bytes.
fn text_column<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> PolarsResult<Column> {
    let (mut runs, mut rows): (Vec<Option<&str>>, Vec<IdxSize>) = (Vec::new(), Vec::new());
    for value in values {
        if runs.last() != Some(&value) {
            runs.push(value);
        }
        rows.push(runs.len() as IdxSize - 1);
    }
    Column::new(name.into(), runs).take(&IdxCa::from_vec("row".into(), rows))
}

fn number_column(name: &str, values: impl Iterator<Item = Option<f64>>) -> Column {
    Column::new(name.into(), values.collect::<Vec<_>>())
}

/// Columns read for custom indicators: (name, one value per enterprises row).
pub type ExtraColumns = Vec<(String, Vec<Option<f64>>)>;

fn key_column<'a>(universe: &Universe, pairs: impl Iterator<Item = (&'a str, i32)>) -> PolarsResult<Column> {
    Ok(Column::new("key".into(), universe.keys(pairs)?))
}

/// The enterprises rows as a frame (`has_row` true), years resolved. It is built piece by
/// piece, each piece of rows let go once it is in the frame, so that a nation's rows and
/// their frame are never held whole at once.
pub fn enterprise_frame(
    rows: Pieces<EnterpriseRow>,
    universe: &Universe,
    year: i32,
    extra: &[(String, Vec<Option<f64>>)],
) -> PolarsResult<DataFrame> {
    let mut frame = piece_frame(&[], universe, year)?;
    for piece in rows.into_pieces() {
        frame.vstack_mut_owned(piece_frame(&piece, universe, year)?)?;
    }
    for (name, values) in extra {
        frame.with_column(number_column(name, values.iter().copied()))?;
    }
    Ok(frame)
}

/// One piece of enterprises rows as a frame (see [`enterprise_frame`]).
fn piece_frame(rows: &[EnterpriseRow], universe: &Universe, year: i32) -> PolarsResult<DataFrame> {
    let mut columns = vec![
        key_column(universe, rows.iter().map(|r| (r.code.as_str(), r.year.unwrap_or(year))))?,
        Column::new("has_row".into(), vec![true; rows.len()]),
        text_column("name", rows.iter().map(|r| r.name.as_deref()))?,
        Column::new("above".into(), rows.iter().map(|r| r.above).collect::<Vec<_>>()),
        text_column("industry", rows.iter().map(|r| r.industry.as_deref()))?,
        text_column("park", rows.iter().map(|r| r.park.as_deref()))?,
        text_column("county", rows.iter().map(|r| r.county.as_deref()))?,
        Column::new("start_year".into(), rows.iter().map(|r| r.start_year).collect::<Vec<_>>()),
        Column::new("exempt".into(), rows.iter().map(|r| r.exempt).collect::<Vec<_>>()),
    ];
    for figure in Figure::ALL {
        columns
            .push(Column::new(figure.as_str().into(), rows.iter().map(|r| r.figures.get(figure)).collect::<Vec<_>>()));
    }
    DataFrame::new(rows.len(), columns)
}

/// Tax rows summed per code and year (exact sums over the values present, rounded once;
/// missing when none is present); `tax_rows` counts the rows.
pub fn tax_by_year(rows: &[TaxRow], universe: &Universe, year: i32) -> PolarsResult<DataFrame> {
    let mut sums: HashMap<u64, (Total, u32)> = HashMap::with_capacity(rows.len());
    let keys = universe.keys(rows.iter().map(|r| (r.code.as_str(), r.year.unwrap_or(year))))?;
    for (r, key) in rows.iter().zip(keys) {
        let (total, count) = sums.entry(key).or_default();
        total.add(r.tax);
        *count += 1;
    }
    let columns = vec![
        Column::new("key".into(), sums.keys().copied().collect::<Vec<u64>>()),
        Column::new("tax".into(), sums.values().map(|(total, _)| total.value()).collect::<Vec<_>>()),
        Column::new("tax_rows".into(), sums.values().map(|(_, count)| *count).collect::<Vec<u32>>()),
    ];
    DataFrame::new(sums.len(), columns)
}

/// Energy per code and year, as summed while the table was read; `energy_rows` counts the
/// rows.
pub fn energy_by_year(energy: &EnergyTotals, universe: &Universe) -> PolarsResult<DataFrame> {
    let years = &energy.years;
    let total = |value: fn(&YearEnergy) -> Option<f64>| -> Vec<Option<f64>> {
        years.iter().map(|(_, _, e)| value(e)).collect()
    };
    let columns = vec![
        key_column(universe, years.iter().map(|(code, year, _)| (code.as_str(), *year)))?,
        Column::new(ENERGY_NUMBERS[0].into(), total(|e| e.electricity_kwh)),
        Column::new(ENERGY_NUMBERS[1].into(), total(|e| e.energy_tce)),
        Column::new(ENERGY_NUMBERS[2].into(), total(|e| e.emissions)),
        Column::new("energy_rows".into(), years.iter().map(|(_, _, e)| e.rows as u32).collect::<Vec<u32>>()),
    ];
    DataFrame::new(years.len(), columns)
}

/// Every key of `frames`, sorted, once.
fn all_keys(frames: &[DataFrame]) -> PolarsResult<Vec<u64>> {
    let mut keys = Vec::new();
    for frame in frames {
        keys.extend(frame.column("key")?.u64()?.into_no_null_iter());
    }
    keys.sort_unstable();
    keys.dedup();
    Ok(keys)
}

/// For each of the sorted `keys`, the row of `frame` with that key, null where it has none; a
/// key on two rows of `frame` is an error (each frame has one row per code and year).
fn rows_by_key(frame: &DataFrame, keys: &[u64]) -> PolarsResult<IdxCa> {
    let mut rows: Vec<(u64, IdxSize)> = frame.column("key")?.u64()?.into_no_null_iter().zip(0..).collect();
    rows.sort_unstable();
    if let Some(pair) = rows.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        polars_bail!(Duplicate: "key {} on two rows of a yearly frame", pair[0].0);
    }
    let mut rows = rows.into_iter().peekable();
    let gathered = keys.iter().map(|key| rows.next_if(|(k, _)| k == key).map(|(_, row)| row));
    Ok(IdxCa::from_iter_options("row".into(), gathered))
}

/// `frames` side by side, one row per key of any of them in key order (the `key` column, then
/// each frame's other columns, null where it has no row of the key). Each column is let go as
/// soon as it is gathered, so that no frame is held twice (a nation's enterprises frame is
/// over a gigabyte).
fn gather_by_key(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let keys = all_keys(&frames)?;
    let mut columns = Vec::new();
    for frame in frames {
        let rows = rows_by_key(&frame, &keys)?;
        for column in frame.into_columns().into_iter().filter(|c| c.name() != "key") {
            columns.push(column.take(&rows)?);
        }
    }
    columns.insert(0, Column::new("key".into(), keys));
    DataFrame::new(columns[0].len(), columns)
}

/// `code`, `year` and `code_id` in place of the keys, in front.
fn unpack_keys(frame: DataFrame, universe: &Universe) -> PolarsResult<DataFrame> {
    let keys = frame.column("key")?.u64()?;
    let (ids, years): (Vec<u32>, Vec<i32>) = keys.into_no_null_iter().map(Universe::unpack).unzip();
    let codes: Vec<&str> = ids.iter().map(|&id| universe.code(id)).collect();
    let mut columns =
        vec![Column::new("code".into(), codes), Column::new("year".into(), years), Column::new("code_id".into(), ids)];
    columns.extend(frame.columns().iter().filter(|c| c.name() != "key").cloned());
    DataFrame::new(frame.height(), columns)
}

/// One row per (code, year) seen in enterprises, tax or energy. A year with an enterprises
/// row but no tax row has tax 0 (see [`report_missing_tax`]); no energy row means missing.
pub fn yearly_figures(
    universe: &Universe,
    enterprises: DataFrame,
    tax: DataFrame,
    energy: DataFrame,
) -> PolarsResult<DataFrame> {
    let joined = gather_by_key(vec![enterprises, tax, energy])?;
    let filled = joined.lazy().with_columns([
        col("has_row").fill_null(lit(false)),
        when(col("has_row").eq(lit(true)).and(col("tax_rows").is_null()))
            .then(lit(0.0))
            .otherwise(col("tax"))
            .alias("tax"),
    ]);
    unpack_keys(keep_sorts(filled).collect()?, universe)
}

/// An enterprises row with no tax row of its code and year: a `no_tax_row` notice.
pub fn report_missing_tax(enterprise_rows: &Pieces<EnterpriseRow>, tax_rows: &[TaxRow], year: i32, ledger: &Ledger) {
    let taxed: HashSet<(&str, i32)> = tax_rows.iter().map(|t| (t.code.as_str(), t.year.unwrap_or(year))).collect();
    for e in enterprise_rows {
        let y = e.year.unwrap_or(year);
        if !taxed.contains(&(e.code.as_str(), y)) {
            ledger.notice(
                At::new("enterprises", e.row, &e.code, "tax"),
                "no_tax_row",
                Message::new(
                    format!("no tax row for {} in {y}; tax counts as 0", e.code),
                    format!("{} 在 {y} 年没有税收记录，税收按 0 计", e.code),
                ),
            );
        }
    }
}

/// The columns custom indicators read that are not built-in facts: enterprise columns
/// carried along, read as numbers. A column found nowhere is a configuration error.
pub fn custom_columns(
    config: &Config,
    enterprises: &Enterprises,
    ledger: &Ledger,
) -> Result<ExtraColumns, ConfigError> {
    let mut out = ExtraColumns::new();
    for c in &config.custom_indicators {
        for column in [&c.numerator, &c.denominator] {
            if crate::facts::is_fact_column(column) || out.iter().any(|(n, _)| n == column) {
                continue;
            }
            let wanted = headers::normalize_header(column);
            let index =
                enterprises.extra_headers.iter().position(|h| headers::normalize_header(h) == wanted).ok_or_else(
                    || ConfigError::Invalid {
                        path: "custom_indicators".into(),
                        message: format!("indicator `{}` reads column `{column}`, which no table has", c.name),
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
                            cells::unreadable(cell, cells::Expected::Number),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(keys: &[u64], name: &str, values: &[f64]) -> DataFrame {
        let columns = vec![Column::new("key".into(), keys), Column::new(name.into(), values)];
        DataFrame::new(keys.len(), columns).expect("a frame")
    }

    #[test]
    fn a_text_column_keeps_every_value_in_order_runs_or_not() {
        let long = "浙江安吉天润电子科技有限公司";
        let values = [Some(long), Some(long), None, None, Some("3976"), Some(long), None, Some("3976")];
        let column = text_column("name", values.into_iter()).expect("a column");
        let read: Vec<Option<&str>> = column.str().expect("text").iter().collect();
        assert_eq!(read, values);
        assert_eq!(column.name().as_str(), "name");
        assert!(text_column("name", std::iter::empty()).expect("a column").is_empty());
    }

    #[test]
    fn frames_are_gathered_side_by_side_in_key_order() {
        let (a, b, c) = (frame(&[30, 10], "a", &[3.0, 1.0]), frame(&[20, 30], "b", &[2.0, 3.5]), frame(&[], "c", &[]));
        let joined = gather_by_key(vec![a, b, c]).expect("gathered");
        let keys: Vec<u64> =
            joined.column("key").and_then(|k| Ok(k.u64()?.into_no_null_iter().collect())).expect("keys");
        assert_eq!(keys, [10, 20, 30]);
        let values =
            |name: &str| -> Vec<Option<f64>> { joined.column(name).expect(name).f64().expect("f64").iter().collect() };
        assert_eq!(values("a"), [Some(1.0), None, Some(3.0)]);
        assert_eq!(values("b"), [None, Some(2.0), Some(3.5)]);
        assert_eq!(values("c"), [None, None, None], "a frame without rows is all missing");
        assert_eq!(joined.get_column_names(), ["key", "a", "b", "c"]);
    }

    #[test]
    fn a_key_twice_in_one_frame_is_an_error() {
        let twice = frame(&[5, 7, 5], "a", &[1.0, 2.0, 3.0]);
        assert!(gather_by_key(vec![twice]).is_err(), "no row is dropped silently");
    }
}
