//! Tables: the typed rows of enterprises, tax, energy, leases and adjustments (SPEC §2).
//!
//! Every cell problem becomes a data_quality row here; a row that cannot be used (empty
//! code, unreadable year, bad month) is reported and left out, never silently dropped.

use super::InputError;
use super::cells::{self, Expected, Read};
use super::energy::{EnergyRow, EnergySums, EnergyTotals, KeptMonths};
use super::headers::{self, ColumnSpec};
use super::source::{ColumnMap, Pieces, RawTable, concat};
use crate::dates::Date;
use crate::domain::Figures;
use crate::keys::{check_code, normalize_code};
use crate::quality::{At, Ledger, Message};
use compact_str::CompactString;
use foldhash::{HashSet, HashSetExt};

/// The year a row belongs to: its own, or (no year given) the evaluation year.
pub type RowYear = Option<i32>;

#[derive(Debug, Clone, Default)]
pub struct EnterpriseRow {
    /// 1-based data row in the file.
    pub row: usize,
    pub code: CompactString,
    pub year: RowYear,
    pub name: Option<CompactString>,
    /// `Some(true)` above (规上), `Some(false)` below; `None` falls back to the revenue rule.
    pub above: Option<bool>,
    pub industry: Option<CompactString>,
    pub park: Option<CompactString>,
    /// Its county (SPEC §17).
    pub county: Option<CompactString>,
    pub figures: Figures,
    pub start_year: Option<i32>,
    pub exempt: Option<bool>,
    /// Cells of the columns no canonical name matches, in [`Enterprises::extra_headers`] order.
    pub extra: Box<[String]>,
}

#[derive(Debug, Default)]
pub struct Enterprises {
    /// In file order, in the pieces they were read in.
    pub rows: Pieces<EnterpriseRow>,
    pub extra_headers: Vec<String>,
    /// Whether the file has a year column.
    pub has_year: bool,
}

impl Enterprises {
    /// A second row for one code and year is an error; the first is kept (SPEC §2). Rows
    /// without a year belong to the evaluation year `year`.
    pub fn drop_duplicate_rows(&mut self, year: i32, ledger: &Ledger) {
        let mut seen: HashSet<(&str, i32)> = HashSet::with_capacity(self.rows.len());
        let keep: Vec<bool> = self
            .rows
            .iter()
            .map(|r| {
                let y = r.year.unwrap_or(year);
                let first = seen.insert((r.code.as_str(), y));
                if !first {
                    ledger.error(
                        At::new("enterprises", r.row, &r.code, "credit_code"),
                        "duplicate_row",
                        Message::new(
                            format!("a second row for {} in {y}; the first row is kept", r.code),
                            format!("{} 在 {y} 年有第二行记录，保留第一行", r.code),
                        ),
                    );
                }
                first
            })
            .collect();
        let mut keep = keep.into_iter();
        self.rows.retain(|_| keep.next().unwrap_or(true));
    }
}

#[derive(Debug, Clone)]
pub struct TaxRow {
    pub row: usize,
    pub code: CompactString,
    pub year: RowYear,
    pub month: Option<u32>,
    pub tax: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct LeaseRow {
    pub row: usize,
    pub parcel_id: String,
    pub lessee: String,
    /// `None`: what is left of the parcel. `Err`: unreadable or negative (the lease is ignored).
    pub area_mu: Result<Option<f64>, Message>,
    pub year: RowYear,
}

#[derive(Debug, Clone)]
pub struct AdjustmentRow {
    pub row: usize,
    pub code: String,
    pub points: Option<f64>,
    pub reason: Option<String>,
    pub veto: bool,
    pub year: RowYear,
}

/// Reads cells of one record, reporting problems against the table, row and key.
struct RowReader<'a> {
    table: &'static str,
    map: &'a ColumnMap,
    record: &'a csv::StringRecord,
    row: usize,
    key: CompactString,
    ledger: &'a Ledger,
}

impl RowReader<'_> {
    fn cell(&self, field: &str) -> &str {
        self.map.get(field).and_then(|i| self.record.get(i)).unwrap_or("")
    }

    fn at<'b>(&'b self, field: &'b str) -> At<'b> {
        At::new(self.table, self.row, &self.key, field)
    }

    fn typed<T>(&self, field: &str, read: fn(&str) -> Read<T>, code: &'static str, what: Expected) -> Option<T> {
        let cell = self.cell(field);
        read(cell).unwrap_or_else(|cells::Unreadable| {
            self.ledger.warning(self.at(field), code, cells::unreadable(cell, what));
            None
        })
    }

    /// A number in the SPEC's unit (converted when its column is given in another).
    fn number(&self, field: &str) -> Option<f64> {
        let value = self.typed(field, cells::number, "unreadable_number", Expected::Number)?;
        Some(self.map.in_spec_unit(field, value))
    }

    fn boolean(&self, field: &str) -> Option<bool> {
        self.typed(field, cells::boolean, "unreadable_boolean", Expected::Boolean)
    }

    fn text<T: for<'t> From<&'t str>>(&self, field: &str) -> Option<T> {
        cells::text(self.cell(field))
    }

    /// The row's year; `Err` when the cell is unreadable (the row is then not used).
    fn year(&self) -> Result<RowYear, cells::Unreadable> {
        let cell = self.cell("year");
        cells::year(cell).inspect_err(|_| {
            self.ledger.error(
                self.at("year"),
                "unreadable_year",
                Message::new(
                    format!("`{cell}` is not a year; the row is not used"),
                    format!("“{cell}”不是年份，该行不予采用"),
                ),
            );
        })
    }

    /// The row's year in a yearly table (enterprises, tax, energy): as [`Self::year`], and an
    /// empty cell in its year column is a `missing_year` error (SPEC §13: a year is never
    /// assumed inside a table that has years); the row is then not used.
    fn yearly_year(&self) -> Result<RowYear, cells::Unreadable> {
        let year = self.year()?;
        if year.is_none() && self.map.get("year").is_some() {
            self.ledger.error(
                self.at("year"),
                "missing_year",
                "the year cell is empty in a table with years; the row is not used".to_string(),
            );
            return Err(cells::Unreadable);
        }
        Ok(year)
    }

    /// A year-like cell other than the row's year (start_year): unreadable is a warning.
    fn year_value(&self, field: &str) -> Option<i32> {
        self.typed(field, cells::year, "unreadable_year", Expected::Year)
    }

    /// The month, when the table has one; `Err` when it is outside 1–12 or unreadable.
    fn month(&self) -> Result<Option<u32>, cells::Unreadable> {
        let cell = self.cell("month");
        match cells::whole_number(cell) {
            Ok(None) => Ok(None),
            Ok(Some(m)) if (1..=12).contains(&m) => Ok(Some(m as u32)),
            _ => {
                self.ledger.error(
                    self.at("month"),
                    "bad_month",
                    Message::new(
                        format!("month `{cell}` is not 1–12; the row is not used"),
                        format!("月份“{cell}”不在 1–12 之间，该行不予采用"),
                    ),
                );
                Err(cells::Unreadable)
            }
        }
    }
}

/// The message of a code that fails the GB 32100 check (it still joins as written).
pub fn invalid_code(code: &str) -> Message {
    Message::new(
        format!("`{code}` is not a valid unified social credit code (GB 32100); joined as written"),
        format!("“{code}”不是有效的统一社会信用代码（GB 32100 校验不通过），按原样关联"),
    )
}

/// Normalises and checks the code of record `index` (0-based) in `column`; reports an
/// empty, invalid or number-stored code. `None` when the code is empty.
fn read_code(
    table: &'static str,
    raw: &RawTable,
    (index, record): (usize, &csv::StringRecord),
    column: usize,
    ledger: &Ledger,
) -> Option<CompactString> {
    let row = index + 1;
    let code = normalize_code(cells::code_text(record.get(column).unwrap_or("")));
    let field = "credit_code";
    if code.is_empty() {
        if let Some(label) = totals_label(record) {
            let message = Message::new(format!("a `{label}` row; skipped"), format!("“{label}”行，已跳过"));
            ledger.notice(At::new(table, row, "", field), "total_row_skipped", message);
        } else {
            let message = Message::new("no credit code; the row is not used", "缺少统一社会信用代码，该行不予采用");
            ledger.error(At::new(table, row, "", field), "empty_code", message);
        }
        return None;
    }
    if raw.is_numeric_cell(index, column) {
        ledger.error(
            At::new(table, row, &code, field),
            "code_stored_as_number",
            Message::new(
                format!("the code is stored as a number in the spreadsheet (digits beyond the 15th are lost); used as written: {code}"),
                format!("信用代码在表格中被存为数字（第15位以后的数字已丢失），按原样使用：{code}"),
            ),
        );
    } else if !check_code(&code) {
        ledger.warning(At::new(table, row, &code, field), "invalid_code", invalid_code(&code));
    }
    Some(code)
}

/// The label of a totals row (SPEC §13: its first non-empty cell, white space removed, starts
/// with 合计, 总计, 小计 or 累计), asked of a row whose key is empty.
fn totals_label(record: &csv::StringRecord) -> Option<String> {
    let first: String = record.iter().find(|c| !c.trim().is_empty())?.chars().filter(|c| !c.is_whitespace()).collect();
    ["合计", "总计", "小计", "累计"].iter().any(|w| first.starts_with(w)).then_some(first)
}

/// Walks the records of a table with a code column in parallel, calling `build` for each
/// row whose code is usable; the rows come in file order.
fn each_keyed_row<T: Send>(
    table: &'static str,
    raw: &RawTable,
    schema: &[ColumnSpec],
    ledger: &Ledger,
    build: impl Fn(&RowReader<'_>) -> Option<T> + Sync,
) -> Result<(Vec<T>, ColumnMap), InputError> {
    let (pieces, map) = keyed_pieces(table, raw, schema, ledger, build, |rows| rows)?;
    Ok((concat(pieces), map))
}

/// [`each_keyed_row`] piece by piece: each piece's rows go to `finish` as soon as it is read.
fn keyed_pieces<T, R: Send>(
    table: &'static str,
    raw: &RawTable,
    schema: &[ColumnSpec],
    ledger: &Ledger,
    build: impl Fn(&RowReader<'_>) -> Option<T> + Sync,
    finish: impl Fn(Vec<T>) -> R + Sync,
) -> Result<(Vec<R>, ColumnMap), InputError> {
    let map = raw.map_columns(schema)?;
    let code_column = map.get("credit_code").unwrap_or(0);
    let pieces = raw.par_map_pieces(
        |i, record| {
            let code = read_code(table, raw, (i, record), code_column, ledger)?;
            build(&RowReader { table, map: &map, record, row: i + 1, key: code, ledger })
        },
        finish,
    )?;
    Ok((pieces, map))
}

pub fn read_enterprises(raw: &RawTable, ledger: &Ledger) -> Result<Enterprises, InputError> {
    let (rows, map) = keyed_pieces(
        "enterprises",
        raw,
        headers::ENTERPRISES,
        ledger,
        |r| {
            let year = r.yearly_year().ok()?;
            Some(EnterpriseRow {
                row: r.row,
                code: r.key.clone(),
                year,
                name: r.text("name"),
                above: r.typed("scale", cells::scale, "unreadable_boolean", Expected::Scale),
                industry: r.text("industry"),
                park: r.text("park"),
                county: r.text("county"),
                figures: Figures::from_fn(|figure| r.number(figure.as_str())),
                start_year: r.year_value("start_year"),
                exempt: r.boolean("exempt"),
                extra: r.map.extra.iter().map(|(_, i)| r.record.get(*i).unwrap_or("").to_string()).collect(),
            })
        },
        |rows| rows,
    )?;
    let extra_headers: Vec<String> = map.extra.iter().map(|(h, _)| h.clone()).collect();
    Ok(Enterprises { rows: Pieces::new(rows), extra_headers, has_year: map.get("year").is_some() })
}

pub fn read_tax(raw: &RawTable, ledger: &Ledger) -> Result<Vec<TaxRow>, InputError> {
    let (rows, _) = each_keyed_row("tax", raw, headers::TAX, ledger, |r| {
        Some(TaxRow {
            row: r.row,
            code: r.key.clone(),
            year: r.yearly_year().ok()?,
            month: r.month().ok()?,
            tax: r.number("tax"),
        })
    })?;
    Ok(rows)
}

/// Reads the energy table into totals per code and year; rows without a year belong to
/// the evaluation year `year`. The electricity of the `kept` months is kept month by month.
pub fn read_energy(raw: &RawTable, year: i32, kept: KeptMonths, ledger: &Ledger) -> Result<EnergyTotals, InputError> {
    let sums = EnergySums::new(kept);
    let build = |r: &RowReader<'_>| {
        Some(EnergyRow {
            year: r.yearly_year().ok()?.unwrap_or(year),
            month: r.month().ok()?,
            electricity_kwh: r.number("electricity_kwh"),
            energy_tce: r.number("energy_tce"),
            emissions: r.number("emissions"),
            code: r.key.clone(),
        })
    };
    keyed_pieces("energy", raw, headers::ENERGY, ledger, build, |rows| sums.add(rows))?;
    Ok(sums.finish())
}

/// The latest year the rows of a table name (for the evaluation year when no other says).
pub fn latest_year(raw: &RawTable, schema: &[ColumnSpec]) -> Result<Option<i32>, InputError> {
    let Some(column) = raw.map_columns(schema)?.get("year") else { return Ok(None) };
    Ok(raw.par_filter_map(|_, record| cells::year(record.get(column)?).ok().flatten())?.into_iter().max())
}

pub fn read_adjustments(raw: &RawTable, ledger: &Ledger) -> Result<Vec<AdjustmentRow>, InputError> {
    let (rows, _) = each_keyed_row("adjustments", raw, headers::ADJUSTMENTS, ledger, |r| {
        Some(AdjustmentRow {
            row: r.row,
            code: r.key.to_string(),
            points: r.number("points"),
            reason: r.text("reason"),
            veto: r.boolean("veto").unwrap_or(false),
            year: r.year().ok()?,
        })
    })?;
    Ok(rows)
}

/// Leases are keyed by parcel; the lessee is a code (normalised, checked, may be empty).
pub fn read_leases(raw: &RawTable, ledger: &Ledger) -> Result<Vec<LeaseRow>, InputError> {
    let map = raw.map_columns(headers::LEASES)?;
    let lessee_column = map.get("lessee").unwrap_or(0);
    raw.par_filter_map(|i, record| {
        let parcel_id =
            cells::text::<String>(map.get("parcel_id").and_then(|c| record.get(c)).unwrap_or("")).unwrap_or_default();
        let lessee = normalize_code(cells::code_text(record.get(lessee_column).unwrap_or("")));
        if !lessee.is_empty() && !check_code(&lessee) {
            ledger.warning(At::new("leases", i + 1, &lessee, "lessee"), "invalid_code", invalid_code(&lessee));
        }
        let reader =
            RowReader { table: "leases", map: &map, record, row: i + 1, key: parcel_id.as_str().into(), ledger };
        let year = reader.year().ok()?;
        let area_cell = reader.cell("area_mu");
        let area_mu = match cells::number(area_cell).map(|a| a.map(|a| map.in_spec_unit("area_mu", a))) {
            Ok(Some(a)) if a < 0.0 => Err(Message::new(
                format!("lease area `{area_cell}` is negative"),
                format!("租赁面积“{area_cell}”为负数"),
            )),
            Ok(a) => Ok(a),
            Err(cells::Unreadable) => Err(Message::new(
                format!("lease area `{area_cell}` is not a number"),
                format!("租赁面积“{area_cell}”不是数字"),
            )),
        };
        Some(LeaseRow { row: i + 1, parcel_id, lessee: lessee.to_string(), area_mu, year })
    })
}

/// One row of the parcel ledger: the parcel it names and its non-empty values, by canonical
/// column (numbers already in the SPEC's unit, as text).
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub row: usize,
    pub parcel_id: String,
    pub values: Vec<(&'static str, String)>,
}

/// Reads the parcel ledger (宗地台账, SPEC §13). A parcel_id given twice is a `duplicate_row`
/// error, the first row kept; a row without one is an error and is not used.
pub fn read_parcel_ledger(raw: &RawTable, ledger: &Ledger) -> Result<Vec<LedgerRow>, InputError> {
    let map = raw.map_columns(headers::PARCEL_LEDGER)?;
    let rows = raw.par_filter_map(|i, record| {
        let cell = |c: usize| record.get(c).unwrap_or("");
        let parcel_id = cells::text::<String>(map.get("parcel_id").map_or("", cell));
        let Some(parcel_id) = parcel_id else {
            if totals_label(record).is_none() {
                ledger.error(
                    At::new("parcel_ledger", i + 1, "", "parcel_id"),
                    "empty_code",
                    "no parcel_id; the row is not used",
                );
            }
            return None;
        };
        let reader =
            RowReader { table: "parcel_ledger", map: &map, record, row: i + 1, key: parcel_id.as_str().into(), ledger };
        let values = headers::PARCEL_LEDGER
            .iter()
            .skip(1)
            .filter_map(|spec| {
                let text = reader.text(spec.name)?;
                let value = match crate::input::units::kind_of(spec.name) {
                    Some(_) => reader.number(spec.name)?.to_string(),
                    None => text,
                };
                Some((spec.name, value))
            })
            .collect();
        Some(LedgerRow { row: i + 1, parcel_id, values })
    })?;
    let mut seen = HashSet::with_capacity(rows.len());
    Ok(rows
        .into_iter()
        .filter(|r| {
            let first = seen.insert(r.parcel_id.clone());
            if !first {
                ledger.error(
                    At::new("parcel_ledger", r.row, &r.parcel_id, "parcel_id"),
                    "duplicate_row",
                    format!("parcel {} is in the ledger twice; the first row is kept", r.parcel_id),
                );
            }
            first
        })
        .collect())
}

/// The committed indicators of SPEC §14, in its order (commitments.csv keeps it).
pub const COMMITTED: [&str; 9] = [
    "investment_intensity",
    "tax_per_mu",
    "revenue_per_mu",
    "va_per_mu",
    "va_per_energy",
    "va_per_emission",
    "rd_intensity",
    "plot_ratio",
    "coverage",
];

/// One row of the 标准地 commitments (SPEC §14).
#[derive(Debug, Clone, Default)]
pub struct CommitmentRow {
    /// 1-based data row in the file.
    pub row: usize,
    pub parcel_id: String,
    /// The committed enterprise; `None`: the parcel's credit_code.
    pub code: Option<String>,
    pub land_price: Option<f64>,
    pub start_due: Option<Date>,
    pub started: Option<Date>,
    pub completion_due: Option<Date>,
    pub completed: Option<Date>,
    pub production_due: Option<Date>,
    pub review_year: Option<i32>,
    pub invested: Option<f64>,
    /// The committed minimum of each indicator of [`COMMITTED`] (by position).
    pub committed: [Option<f64>; 9],
}

/// The committed indicator columns a commitments table has, in §14's order (clarification 3).
#[derive(Debug, Clone, Default)]
pub struct Commitments {
    pub rows: Vec<CommitmentRow>,
    /// Positions in [`COMMITTED`] of the columns present in the header.
    pub columns: Vec<usize>,
}

impl RowReader<'_> {
    /// A date cell (SPEC §14); anything but a date is an `unreadable_date` warning.
    fn date(&self, field: &str) -> Option<Date> {
        let cell = self.cell(field);
        if cells::is_missing(cell) {
            return None;
        }
        let date = Date::parse(cell);
        if date.is_none() {
            self.ledger.warning(
                self.at(field),
                "unreadable_date",
                Message::new(
                    format!(
                        "`{cell}` is not a date (2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501); read as missing"
                    ),
                    format!("`{cell}` 不是日期（2023-05-01、2023/5/1、2023.5.1、2023年5月1日、20230501），按缺失处理"),
                ),
            );
        }
        date
    }

    /// A number that may be written as a percentage (`2%`, `2％` is 0.02, never divided again
    /// by a `%` unit of its column, clarification 1). A negative value is unreadable.
    fn committed_number(&self, field: &str) -> Option<f64> {
        let cell = self.cell(field).trim();
        let value = match cell.strip_suffix('%').or_else(|| cell.strip_suffix('％')) {
            Some(body) => cells::number(body).ok().flatten().map(|x| x / 100.0),
            None => self.number(field),
        };
        match value {
            Some(x) if x < 0.0 => {
                self.ledger.warning(
                    self.at(field),
                    "unreadable_number",
                    format!("`{cell}` is negative; read as missing"),
                );
                None
            }
            None if cell.ends_with(['%', '％']) && !cells::is_missing(cell) => {
                self.ledger.warning(
                    self.at(field),
                    "unreadable_number",
                    format!("`{cell}` is not a percentage; read as missing"),
                );
                None
            }
            other => other,
        }
    }
}

/// Reads the 标准地 commitments (SPEC §14), keyed by parcel_id, in file order. A row with no
/// parcel_id is an `empty_code` error and is not used (a totals row is skipped).
pub fn read_commitments(raw: &RawTable, ledger: &Ledger) -> Result<Commitments, InputError> {
    let map = raw.map_columns(headers::COMMITMENTS)?;
    let rows = raw.par_filter_map(|i, record| {
        let parcel_id = cells::text::<String>(map.get("parcel_id").and_then(|c| record.get(c)).unwrap_or(""));
        let Some(parcel_id) = parcel_id else {
            if let Some(label) = totals_label(record) {
                ledger.notice(
                    At::new("commitments", i + 1, "", "parcel_id"),
                    "total_row_skipped",
                    format!("a `{label}` row; skipped"),
                );
            } else {
                ledger.error(
                    At::new("commitments", i + 1, "", "parcel_id"),
                    "empty_code",
                    "no parcel_id; the row is not used",
                );
            }
            return None;
        };
        let r =
            RowReader { table: "commitments", map: &map, record, row: i + 1, key: parcel_id.as_str().into(), ledger };
        let code = normalize_code(cells::code_text(r.cell("credit_code")));
        if !code.is_empty() && !check_code(&code) {
            ledger.warning(
                r.at("credit_code"),
                "invalid_code",
                format!("`{code}` is not a valid unified social credit code (GB 32100); joined as written"),
            );
        }
        Some(CommitmentRow {
            row: r.row,
            code: (!code.is_empty()).then(|| code.to_string()),
            land_price: r.committed_number("land_price"),
            start_due: r.date("start_due"),
            started: r.date("started"),
            completion_due: r.date("completion_due"),
            completed: r.date("completed"),
            production_due: r.date("production_due"),
            review_year: r.year_value("review_year"),
            invested: r.committed_number("invested"),
            committed: COMMITTED.map(|k| r.committed_number(k)),
            parcel_id,
        })
    })?;
    let columns = (0..COMMITTED.len()).filter(|&k| map.get(COMMITTED[k]).is_some()).collect();
    Ok(Commitments { rows, columns })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Figure;
    use std::path::PathBuf;

    #[test]
    fn commitments_with_dates_percentages_and_units() {
        let ledger = Ledger::new();
        let raw = table(
            "宗地编号,受让人代码,出让价款(元),约定开工日期,实际开工日期,约定投产日期,亩均税收(万元/亩),建筑系数,研发投入强度(%)\n\
             P1,914403001922038216,\"12,000,000\",2022年3月1日,去年,2022/6/30,25,40%,3\n\
             P2,,-,20220301,2022.4.1,,-5,0.35,2%\n\
             ,,,,,,,,\n",
        );
        let raw = raw.with_header_block("commitments", headers::COMMITMENTS, &ledger).expect("header block");
        let c = read_commitments(&raw, &ledger).expect("reads");
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.columns, vec![1, 6, 8], "tax_per_mu, rd_intensity, coverage in §14's order");
        let (p1, p2) = (&c.rows[0], &c.rows[1]);
        assert_eq!(p1.land_price, Some(1200.0));
        assert_eq!(p1.start_due, Date::new(2022, 3, 1));
        assert_eq!(p1.started, None);
        assert_eq!(p1.production_due, Date::new(2022, 6, 30));
        assert_eq!(p1.committed[1], Some(25.0));
        assert_eq!(p1.committed[8], Some(0.4));
        assert_eq!(p1.committed[6], Some(0.03));
        assert_eq!(p2.code, None);
        assert_eq!(p2.started, Date::new(2022, 4, 1));
        assert_eq!(p2.committed[1], None, "a negative commitment is unreadable");
        assert_eq!(p2.committed[6], Some(0.02), "2% is 0.02 under a % unit, not divided twice");
        let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
        assert!(codes.contains(&"unreadable_date") && codes.contains(&"unreadable_number"), "{codes:?}");
        assert!(codes.contains(&"empty_code"), "{codes:?}");
    }

    fn table(text: &str) -> RawTable {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers = reader.headers().map(|h| h.iter().map(str::to_string).collect()).unwrap_or_default();
        let records: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
        RawTable::split(&PathBuf::from("t.csv"), headers, records, Vec::new())
    }

    #[test]
    fn enterprise_cells_with_units_and_missing() {
        let ledger = Ledger::new();
        let raw = table(
            "统一社会信用代码,年份,营业收入(万元),利润总额,是否规上,water_t\n\
             ９１４４０３００７０８４６１１３６ｔ,2023年,\"1,234.5\",-,是,7\n\
             ,2023,1,1,是,1\n\
             914403001922038216,去年,1,1,否,1\n\
             914403001922038216,2023,abc,,否,2\n",
        );
        let e = read_enterprises(&raw, &ledger).expect("reads");
        let rows: Vec<&EnterpriseRow> = e.rows.iter().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].code, "91440300708461136T");
        assert_eq!(rows[0].year, Some(2023));
        assert_eq!(rows[0].figures.get(Figure::Revenue), Some(1234.5));
        assert_eq!(rows[0].figures.get(Figure::Profit), None);
        assert_eq!(rows[0].above, Some(true));
        assert_eq!(rows[0].extra, ["7".to_string()].into());
        assert_eq!(e.extra_headers, vec!["water_t".to_string()]);
        assert_eq!(rows[1].figures.get(Figure::Revenue), None);
        let codes: Vec<&str> = ledger.sorted().iter().map(|i| i.code).collect();
        assert_eq!(codes, vec!["empty_code", "unreadable_year", "unreadable_number"]);
    }

    #[test]
    fn an_enterprises_row_stays_small() {
        // A nation reads 9 M of them: every 8 bytes here is 72 MB there.
        assert!(std::mem::size_of::<EnterpriseRow>() <= 240, "{}", std::mem::size_of::<EnterpriseRow>());
    }

    #[test]
    fn missing_required_column_is_fatal() {
        let raw = table("年份,营业收入\n2023,1\n");
        let err = read_enterprises(&raw, &Ledger::new()).unwrap_err().to_string();
        assert!(err.contains("credit_code") && err.contains("t.csv"), "{err}");
    }

    #[test]
    fn bad_month_drops_the_row() {
        let ledger = Ledger::new();
        let raw = table("credit_code,year,month,用电量\n914403001922038216,2023,13,5\n914403001922038216,2023,12,5\n");
        let totals = read_energy(&raw, 2023, KeptMonths::of_year(2023), &ledger).expect("reads");
        assert_eq!(totals.rows(), 1);
        let months = totals.years[0].2.months.as_ref().expect("months of 2023");
        assert_eq!(months.get(12), Some(Some(5.0)));
        assert_eq!(ledger.sorted()[0].code, "bad_month");
    }
}
