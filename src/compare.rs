//! Comparing two settings on the same data: class transitions per group, the enterprises
//! that change class with both scores, and surcharge totals before and after. The first
//! setting is "before", the second "after" (never A and B, which read as classes).

use crate::domain::{Class, Group};
use crate::numbers::sorted_sum;
use crate::output::Lang;
use crate::pipeline::Evaluation;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One code's result under one setting.
#[derive(Debug, Clone)]
struct Outcome {
    name: Option<String>,
    group: Option<Group>,
    class: Class,
    total: Option<f64>,
    surcharge: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Mover {
    pub credit_code: String,
    pub name: Option<String>,
    pub group: Group,
    pub class_before: Class,
    pub class_after: Class,
    pub total_before: Option<f64>,
    pub total_after: Option<f64>,
    pub surcharge_before: Option<f64>,
    pub surcharge_after: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Comparison {
    /// group → class before → class after → count.
    pub transitions: BTreeMap<Group, BTreeMap<Class, BTreeMap<Class, u64>>>,
    pub movers: Vec<Mover>,
    pub surcharge_before: f64,
    pub surcharge_after: f64,
}

fn outcomes(eval: &Evaluation) -> PolarsResult<HashMap<String, Outcome>> {
    let f = &eval.rating.frame;
    let (code, name, group, class) =
        (f.column("code")?.str()?, f.column("name")?.str()?, f.column("group")?.str()?, f.column("class")?.str()?);
    let (total, surcharge) = (f.column("total_score")?.f64()?, f.column("surcharge_yuan")?.f64()?);
    let mut out = HashMap::new();
    for i in 0..f.height() {
        let Some(c) = code.get(i) else { continue };
        let outcome = Outcome {
            name: name.get(i).map(str::to_string),
            group: group.get(i).and_then(Group::parse),
            class: class.get(i).and_then(Class::parse).unwrap_or(Class::N),
            total: total.get(i),
            surcharge: surcharge.get(i),
        };
        out.insert(c.to_string(), outcome);
    }
    Ok(out)
}

/// Compares the evaluation of one data folder under a setting before and one after.
pub fn compare(before: &Evaluation, after: &Evaluation) -> PolarsResult<Comparison> {
    let (oa, ob) = (outcomes(before)?, outcomes(after)?);
    let mut codes: Vec<&String> = oa.keys().collect();
    codes.sort();
    let mut transitions: BTreeMap<Group, BTreeMap<Class, BTreeMap<Class, u64>>> = BTreeMap::new();
    let mut movers = Vec::new();
    for code in codes {
        let x = &oa[code];
        let Some(group) = x.group else { continue };
        let (y_class, y_total, y_surcharge) =
            ob.get(code).map_or((Class::N, None, None), |y| (y.class, y.total, y.surcharge));
        *transitions.entry(group).or_default().entry(x.class).or_default().entry(y_class).or_insert(0) += 1;
        if x.class != y_class {
            movers.push(Mover {
                credit_code: code.clone(),
                name: x.name.clone(),
                group,
                class_before: x.class,
                class_after: y_class,
                total_before: x.total,
                total_after: y_total,
                surcharge_before: x.surcharge,
                surcharge_after: y_surcharge,
            });
        }
    }
    Ok(Comparison {
        transitions,
        movers,
        surcharge_before: sorted_sum(oa.values().filter_map(|o| o.surcharge)),
        surcharge_after: sorted_sum(ob.values().filter_map(|o| o.surcharge)),
    })
}

/// The columns of compare.csv.
pub const MOVER_COLUMNS: [&str; 9] = [
    "credit_code",
    "name",
    "group",
    "class_before",
    "class_after",
    "total_before",
    "total_after",
    "surcharge_before",
    "surcharge_after",
];

impl Comparison {
    /// The transition matrix of a group as text rows: the class before down, after across.
    pub fn matrix_lines(&self, group: Group, lang: Lang) -> Vec<String> {
        let Some(m) = self.transitions.get(&group) else { return Vec::new() };
        let corner = if lang == Lang::Zh { "前 \\ 后" } else { "before \\ after" };
        let mut lines = vec![format!("{corner:>14} {}", Class::ALL.map(|c| format!("{:>7}", c.as_str())).join(""))];
        for from in Class::ALL {
            let row = m.get(&from);
            let cells: String = Class::ALL
                .iter()
                .map(|to| format!("{:>7}", row.and_then(|r| r.get(to)).copied().unwrap_or(0)))
                .collect();
            lines.push(format!("{:>14} {cells}", from.as_str()));
        }
        lines
    }

    /// compare.csv: one row per enterprise that changes class, headers and class and group
    /// names in `lang`.
    pub fn movers_csv(&self, lang: Lang) -> anyhow::Result<Vec<u8>> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(MOVER_COLUMNS.map(|c| lang.header(c)))?;
            let n = |x: Option<f64>| x.map_or(String::new(), crate::output::cells::number);
            for m in &self.movers {
                w.write_record([
                    m.credit_code.clone(),
                    crate::output::cells::safe_text(m.name.as_deref().unwrap_or("")),
                    lang.group(m.group).to_string(),
                    lang.class(m.class_before).to_string(),
                    lang.class(m.class_after).to_string(),
                    n(m.total_before),
                    n(m.total_after),
                    n(m.surcharge_before),
                    n(m.surcharge_after),
                ])?;
            }
            w.flush()?;
        }
        Ok(out)
    }
}
