//! `enterprises.csv` (UTF-8 with BOM, opens in Excel) and `enterprises.parquet`: one row per
//! credit code in the order of SPEC §7, with the columns of SPEC §10 and, after `dq`, those of
//! clarification 4 that this run computes (`points_to_next_class`); `county` after
//! `credit_code` when the run is partitioned.

use super::cells::ColumnText;
use super::lang::Lang;
use super::xlsx::{Sheet, XCell};
use crate::input::parcels::TABLE as PARCELS;
use crate::pipeline::Evaluation;
use crate::quality::Issue;
use crate::rating::indicators::{benchmark_column, score_column, value_column};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The output table, its columns in SPEC order.
pub struct EnterpriseTable {
    pub frame: DataFrame,
}

/// The SPEC §10 column names, in order, for a run's scheme indicators; `county` after
/// `credit_code` when the run is partitioned (SPEC §17).
pub fn column_names(indicators: &[String], partitioned: bool) -> Vec<String> {
    let county = partitioned.then_some("county");
    let head =
        ["credit_code"].into_iter().chain(county).chain(["name", "group", "park", "industry", "status", "land_mu"]);
    let tail = [
        "adjustment",
        "total_score",
        "rank",
        "class",
        "surcharge_yuan",
        "zombie",
        "zombie_rules",
        "high_energy_emission",
        "fragmented_pieces",
        "dq",
        "class_prev",
        "d_streak",
        "points_to_next_class",
        "class_stability",
        "class_range",
        "alerts",
    ];
    let per_indicator =
        indicators.iter().flat_map(|name| [value_column(name), benchmark_column(name), score_column(name)]);
    head.map(|s| s.to_string()).chain(per_indicator).chain(tail.iter().map(|s| s.to_string())).collect()
}

/// The data_quality codes touching each credit code: issues keyed by the code, and issues
/// of the parcels whose user it is.
fn dq_codes(eval: &Evaluation, issues: &[Issue]) -> BTreeMap<String, BTreeSet<&'static str>> {
    let features = eval.parcels.parcels.features.values();
    let mut out: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for issue in issues {
        let owner = if issue.table == PARCELS && issue.row >= 1 {
            features.get(issue.row - 1).map(|f| f.user.as_str()).filter(|u| !u.is_empty())
        } else {
            None
        };
        for code in [Some(issue.key.as_str()), owner].into_iter().flatten() {
            if !code.is_empty() {
                out.entry(code.to_string()).or_default().insert(issue.code);
            }
        }
    }
    out
}

impl EnterpriseTable {
    pub fn build(eval: &Evaluation, issues: &[Issue]) -> PolarsResult<EnterpriseTable> {
        let frame = &eval.rating.frame;
        let dq = dq_codes(eval, issues);
        let codes = frame.column("code")?.str()?;
        let dq_column: Vec<Option<String>> = codes
            .iter()
            .map(|c| c.and_then(|c| dq.get(c)).map(|set| set.iter().copied().collect::<Vec<_>>().join(";")))
            .collect();
        let mut with_extra = frame.clone();
        with_extra.with_column(Column::new("dq".into(), dq_column))?;
        for flag in crate::flags::flag_columns(frame, &eval.flags)? {
            with_extra.with_column(flag)?;
        }
        with_extra.with_column(eval.history.class_prev_column(frame, eval.year)?)?;
        for column in eval.stability.columns() {
            with_extra.with_column(column)?;
        }
        with_extra.with_column(eval.alerts.column())?;
        let indicators = eval.config.scheme_indicator_names();
        let names = column_names(&indicators, eval.rating.partitioned);
        let selected: Vec<Expr> = names
            .iter()
            .map(|n| if n == "credit_code" { col("code").alias("credit_code") } else { col(n.as_str()) })
            .collect();
        let frame = with_extra.lazy().select(selected).collect()?;
        Ok(EnterpriseTable { frame })
    }

    /// Writes the CSV: a UTF-8 BOM, the header row, then one row per code (formatted in
    /// parallel pieces, written in order a few pieces at a time, so a nation's rows are never
    /// all held as text).
    pub fn write_csv(&self, lang: Lang, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
        const ROWS_PER_PIECE: usize = 4096;
        const PIECES_AT_ONCE: usize = 16;
        let columns = self.frame.columns();
        let mut head = b"\xEF\xBB\xBF".to_vec();
        csv_rows(&mut head, [columns.iter().map(|c| lang.header(c.name())).collect::<Vec<_>>()])?;
        w.write_all(&head)?;
        let starts: Vec<usize> = (0..self.frame.height()).step_by(ROWS_PER_PIECE).collect();
        for batch in starts.chunks(PIECES_AT_ONCE) {
            self.write_pieces(batch, ROWS_PER_PIECE, lang, w)?;
        }
        Ok(())
    }

    /// Formats the pieces of `rows` rows starting at `starts` side by side and writes them in
    /// order.
    fn write_pieces(
        &self,
        starts: &[usize],
        rows: usize,
        lang: Lang,
        w: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        let pieces: Vec<Vec<u8>> = starts
            .par_iter()
            .map(|&start| {
                let part = self.frame.slice(start as i64, rows);
                let texts: Vec<ColumnText> = part
                    .columns()
                    .iter()
                    .map(|c| match lang.translates(c.name()) {
                        true => ColumnText::of(c).map(|v| lang.value(c.name(), v)),
                        false => ColumnText::of(c),
                    })
                    .collect();
                let mut piece = Vec::new();
                let records = (0..part.height()).map(|i| texts.iter().map(move |text| text.get(i)));
                csv_rows(&mut piece, records).map(|()| piece)
            })
            .collect::<anyhow::Result<_>>()?;
        for piece in pieces {
            w.write_all(&piece)?;
        }
        Ok(())
    }

    /// Writes the Parquet straight to `w` (a nation's is 300 MB, not held whole first).
    pub fn write_parquet(&self, w: &mut dyn std::io::Write) -> anyhow::Result<()> {
        let mut frame = self.frame.clone();
        ParquetWriter::new(w).finish(&mut frame)?;
        Ok(())
    }
}

/// A result cell as the workbook writes it.
/// Writes CSV records (quoted as needed) to `out`.
fn csv_rows<R: IntoIterator<Item = impl AsRef<[u8]>>>(
    out: &mut Vec<u8>,
    records: impl IntoIterator<Item = R>,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for record in records {
        w.write_record(record)?;
    }
    Ok(w.flush()?)
}

fn xcell(column: &Column, i: usize, lang: Lang) -> XCell {
    match column.get(i) {
        Ok(AnyValue::Float64(x)) => XCell::Number(x),
        Ok(AnyValue::Int64(x)) => XCell::Integer(x),
        Ok(AnyValue::Boolean(b)) => XCell::Bool(b),
        Ok(AnyValue::Null) | Err(_) => XCell::Empty,
        Ok(other) => XCell::Text(lang.value(column.name(), &other.str_value())),
    }
}

/// The display format of a result column.
fn number_format(name: &str) -> Option<String> {
    let format = match name {
        "land_mu" => "0.000",
        "class_stability" => "0%",
        "surcharge_yuan" => "#,##0",
        "rank" | "fragmented_pieces" | "d_streak" => "0",
        n if n.ends_with("_score") || n == "adjustment" || n == "points_to_next_class" => "0.00",
        n if n.ends_with("_value") || n.ends_with("_benchmark") => "0.0000",
        _ => return None,
    };
    Some(format.to_string())
}

impl EnterpriseTable {
    /// The results sheet of `enterprises.xlsx`.
    pub fn results_sheet(&self, lang: Lang) -> Sheet {
        let columns = self.frame.columns();
        Sheet {
            name: if lang == Lang::Zh { "评价结果" } else { "results" }.to_string(),
            headers: columns.iter().map(|c| lang.header(c.name())).collect(),
            rows: (0..self.frame.height()).map(|i| columns.iter().map(|c| xcell(c, i, lang)).collect()).collect(),
            number_formats: columns.iter().map(|c| number_format(c.name())).collect(),
        }
    }
}
