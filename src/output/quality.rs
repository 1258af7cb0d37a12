//! `data_quality.csv`: one row per problem, in a stable order (SPEC §10).

use super::cells::safe_text;
use super::lang::Lang;
use crate::quality::Issue;

pub const HEADER: [&str; 7] = ["severity", "table", "row", "key", "field", "code", "message"];

pub fn data_quality_csv(issues: &[Issue], lang: Lang) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(HEADER.map(|h| lang.header(h)))?;
        for i in issues {
            let row = if i.row == 0 { String::new() } else { i.row.to_string() };
            w.write_record([
                lang.severity(i.severity).to_string(),
                lang.table(&i.table).to_string(),
                row,
                safe_text(&i.key),
                safe_text(&i.field),
                i.code.to_string(),
                safe_text(&lang.message(i)),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}
