//! The page of `muchan serve`: report.html of the start settings with the settings panel
//! (`panel.css`, `panel.js`) put in before the report's header, and the start settings,
//! class counts, surcharge total and output file names the panel reads as JSON.

use super::{Evaluator, ServeError};
use crate::output::Lang;
use serde_json::json;

const CSS: &str = include_str!("panel.css");
const JS: &str = include_str!("panel.js");

/// The page: the report with the panel.
pub fn page(evaluator: &Evaluator) -> Result<String, ServeError> {
    let report = evaluator.start_report()?;
    let summary = evaluator.summary()?;
    let config: toml::Value = toml::from_str(evaluator.start_toml()).map_err(anyhow::Error::from)?;
    let data = json!({
        "lang": if evaluator.lang() == Lang::Zh { "zh" } else { "en" },
        "config": config,
        "summary": summary,
        "files": evaluator.output_names(),
    });
    // `<` escaped, so that no text of the data can close the script element.
    let data = data.to_string().replace('<', "\\u003c");
    let panel = format!("<style>\n{CSS}</style>\n<section id=\"whatif\"></section>\n");
    let script = format!(
        "<script type=\"application/json\" id=\"serve-data\">{data}</script>\n<script>\n{JS}</script>\n</body>"
    );
    let at = report.find("<header").ok_or_else(|| anyhow::anyhow!("report.html has no <header>"))?;
    let end = report.rfind("</body>").ok_or_else(|| anyhow::anyhow!("report.html has no </body>"))?;
    Ok(format!("{}{panel}{}{script}{}", &report[..at], &report[at..end], &report[end + "</body>".len()..]))
}
