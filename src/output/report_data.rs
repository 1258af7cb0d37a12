//! The data of `report.html`, gathered from an evaluation: parcels and blocks in metres,
//! class counts, score distributions, top and bottom lists, and problems by kind.

use super::report::{ReportBlock, ReportData, ReportEnterprise, ReportParcel};
use crate::domain::{Class, Group, NO_BUCKET};
use crate::parcels::ParcelRow;
use crate::pipeline::Evaluation;
use crate::quality::Issue;
use crate::spatial::{GaussKruger, metric_projection};
use foldhash::HashMap;
use geo::MultiPolygon;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Enterprises listed at each end of a group's ranking.
const LISTED: usize = 10;

fn rings(g: Option<&MultiPolygon<f64>>, projection: Option<&GaussKruger>) -> Vec<Vec<[f64; 2]>> {
    let Some(g) = g else { return Vec::new() };
    let projected = projection.map(|p| p.project_multipolygon(g));
    let g = projected.as_ref().unwrap_or(g);
    g.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect())
        .collect()
}

/// One rated or unrated enterprise as the report lists it.
struct Rated {
    code: String,
    name: Option<String>,
    group: Option<Group>,
    park: Option<String>,
    class: Option<Class>,
    total: Option<f64>,
    rank: Option<i64>,
}

fn rows(eval: &Evaluation) -> PolarsResult<Vec<Rated>> {
    let f = &eval.rating.frame;
    let text = |name: &str| -> PolarsResult<Vec<Option<String>>> {
        Ok(f.column(name)?.str()?.iter().map(|v| v.map(str::to_string)).collect())
    };
    let (codes, names, groups, parks, classes) =
        (text("code")?, text("name")?, text("group")?, text("park")?, text("class")?);
    let totals: Vec<Option<f64>> = f.column("total_score")?.f64()?.iter().collect();
    let ranks: Vec<Option<i64>> = f.column("rank")?.i64()?.iter().collect();
    Ok((0..f.height())
        .map(|i| Rated {
            code: codes[i].clone().unwrap_or_default(),
            name: names[i].clone(),
            group: groups[i].as_deref().and_then(Group::parse),
            park: parks[i].clone(),
            class: classes[i].as_deref().and_then(Class::parse),
            total: totals[i],
            rank: ranks[i],
        })
        .collect())
}

fn listed(r: &Rated) -> Option<ReportEnterprise> {
    Some(ReportEnterprise {
        credit_code: r.code.clone(),
        name: r.name.clone(),
        group: r.group?.as_str().to_string(),
        park: r.park.clone(),
        total_score: r.total?,
        rank: r.rank?,
        class: r.class?.as_str().to_string(),
    })
}

fn counts<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(String, u64)> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    values.for_each(|v| *out.entry(v.to_string()).or_insert(0) += 1);
    out.into_iter().collect()
}

pub fn report_data(eval: &Evaluation, issues: &[Issue], zh: bool) -> PolarsResult<ReportData> {
    let rated = rows(eval)?;
    let by_code: HashMap<&str, &Rated> = rated.iter().map(|r| (r.code.as_str(), r)).collect();
    let table = &eval.parcels;
    let land = table.parcels.land.values();
    let projection = metric_projection(table.parcels.crs, land.iter().filter_map(|m| m.geometry.as_ref()));
    let parcels = table
        .par_rows()
        .map(|ParcelRow { feature: f, land: m, metric: projected, reclaim: r, .. }| {
            let user = by_code.get(f.user.as_str());
            ReportParcel {
                parcel_id: f.parcel_id.clone(),
                user: (!f.user.is_empty()).then(|| f.user.clone()),
                user_name: user.and_then(|u| u.name.clone()),
                class: user.and_then(|u| u.class).map(|c| c.as_str().to_string()),
                park: f.park.clone(),
                area_mu: m.area_mu,
                block_id: r.block_id,
                reasons: r.reasons_text(),
                rings: rings(projected, None),
            }
        })
        .collect();
    let blocks = eval
        .blocks
        .par_iter()
        .map(|b| ReportBlock {
            block_id: b.id,
            area_mu: b.area_mu,
            current_tax: b.current_tax,
            potential_tax: b.potential_tax,
            gain: b.gain,
            users: b.users.join(";"),
            parcel_ids: b.parcel_ids.join(";"),
            rings: rings(b.geometry.as_ref(), projection.as_ref()),
        })
        .collect();
    let mut park_classes: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in rated.iter().filter(|r| r.group.is_some()) {
        let park = r.park.clone().unwrap_or_else(|| NO_BUCKET.into());
        park_classes.entry(park).or_default().push(r.class.unwrap_or(Class::N).as_str());
    }
    let mut scores = Vec::new();
    let (mut top, mut bottom) = (Vec::new(), Vec::new());
    for group in Group::ALL {
        let members: Vec<ReportEnterprise> =
            rated.iter().filter(|r| r.group == Some(group)).filter_map(listed).collect();
        scores.push((group.as_str().to_string(), members.iter().map(|m| m.total_score).collect()));
        top.extend(members.iter().take(LISTED).cloned());
        bottom.extend(members.iter().rev().take(LISTED).cloned());
    }
    let mut problems: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    issues.iter().for_each(|i| *problems.entry((i.code, i.severity.as_str())).or_insert(0) += 1);
    Ok(ReportData {
        year: eval.year,
        zh,
        parcels,
        blocks,
        class_counts: counts(rated.iter().filter_map(|r| r.class.map(Class::as_str))),
        park_classes: park_classes.into_iter().map(|(park, classes)| (park, counts(classes.into_iter()))).collect(),
        scores,
        top,
        bottom,
        problems: problems
            .into_iter()
            .map(|((code, severity), n)| (code.to_string(), severity.to_string(), n))
            .collect(),
    })
}
