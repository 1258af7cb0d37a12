//! The data of `report.html`, gathered from an evaluation: parcels and blocks in metres, the
//! key figures, class counts, score distributions, the firms to visit this month (early
//! warnings, fragile classes), each group's top and bottom enterprises with their class by
//! year, the zombie and 双高 enterprises, the 标准地 land work, and problems by kind — every
//! text in the page's language.

use super::Lang;
use super::parcels::{User, Users};
use super::report::{
    Figures, LandWork, Ranking, ReportAlert, ReportBlock, ReportData, ReportEnterprise, ReportFragile, ReportParcel,
    ReportProblem, ReportReview,
};
use super::summary::headline;
use crate::commitments::{CommitmentReviews, Review};
use crate::domain::{AlertRule, Class, Group, NO_BUCKET, ReclaimReason, ReviewStatus};
use crate::industry::describe;
use crate::input::tables::COMMITTED;
use crate::parcels::ParcelRow;
use crate::pipeline::Evaluation;
use crate::quality::Issue;
use crate::spatial::{GaussKruger, metric_projection};
use geo::MultiPolygon;
use polars::prelude::*;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Enterprises listed at each end of a group's ranking.
const LISTED: usize = 10;

/// `g` in metres: projected by `projection`, or as it is without one.
fn in_metres<'a>(
    g: Option<&'a MultiPolygon<f64>>,
    projection: Option<&GaussKruger>,
) -> Option<Cow<'a, MultiPolygon<f64>>> {
    let g = g?;
    Some(projection.map_or(Cow::Borrowed(g), |p| Cow::Owned(p.project_multipolygon(g))))
}

/// One enterprise of the rating frame as the report lists it, its texts borrowed from the
/// frame (the report lists only a few of them).
struct Rated<'a> {
    code: &'a str,
    code_id: Option<u32>,
    name: Option<&'a str>,
    group: Option<Group>,
    park: Option<&'a str>,
    industry: Option<&'a str>,
    class: Option<Class>,
    total: Option<f64>,
    rank: Option<i64>,
    has_row: bool,
}

/// The columns of the rating frame that the report lists enterprises from. A row is read
/// as it is visited, never copied: a nation's three million rows of [`Rated`] took hundreds
/// of megabytes beside the other outputs.
struct RatedColumns<'a> {
    codes: &'a StringChunked,
    ids: &'a UInt32Chunked,
    names: &'a StringChunked,
    groups: &'a StringChunked,
    parks: &'a StringChunked,
    industries: &'a StringChunked,
    classes: &'a StringChunked,
    totals: &'a Float64Chunked,
    ranks: &'a Int64Chunked,
    has_row: &'a BooleanChunked,
}

impl<'a> RatedColumns<'a> {
    fn of(eval: &'a Evaluation) -> PolarsResult<Self> {
        let f = &eval.rating.frame;
        let text = |name: &str| f.column(name)?.str();
        Ok(RatedColumns {
            codes: text("code")?,
            ids: f.column("code_id")?.u32()?,
            names: text("name")?,
            groups: text("group")?,
            parks: text("park")?,
            industries: text("industry")?,
            classes: text("class")?,
            totals: f.column("total_score")?.f64()?,
            ranks: f.column("rank")?.i64()?,
            has_row: f.column("has_row")?.bool()?,
        })
    }

    /// Row `i` of the frame.
    fn at(&self, i: usize) -> Rated<'a> {
        Rated {
            code: self.codes.get(i).unwrap_or_default(),
            code_id: self.ids.get(i),
            name: self.names.get(i),
            group: self.groups.get(i).and_then(Group::parse),
            park: self.parks.get(i),
            industry: self.industries.get(i),
            class: self.classes.get(i).and_then(Class::parse),
            total: self.totals.get(i),
            rank: self.ranks.get(i),
            has_row: self.has_row.get(i) == Some(true),
        }
    }

    fn len(&self) -> usize {
        self.codes.len()
    }

    /// Every row, in the frame's order.
    fn iter(&self) -> impl Iterator<Item = Rated<'a>> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }
}

/// An enterprise as a list shows it, in `lang`.
fn listed(r: &Rated, lang: Lang) -> ReportEnterprise {
    ReportEnterprise {
        credit_code: r.code.to_string(),
        name: r.name.map(str::to_string),
        group: r.group.map_or(String::new(), |g| lang.group(g).to_string()),
        park: r.park.map(str::to_string),
        industry: r.industry.map(|i| describe(i, lang)),
        total_score: r.total,
        rank: r.rank,
        class: r.class.map_or(String::new(), |c| c.as_str().to_string()),
        note: String::new(),
        trend: Vec::new(),
    }
}

/// An enterprise of a ranking: as listed, with its class by year.
fn ranked(eval: &Evaluation, r: &Rated, lang: Lang) -> ReportEnterprise {
    let history = r.code_id.map_or(&[][..], |id| eval.history.of(id));
    ReportEnterprise {
        trend: history.iter().map(|y| (y.year, y.class.as_str().to_string())).collect(),
        ..listed(r, lang)
    }
}

fn counts<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(String, u64)> {
    let mut out: BTreeMap<&str, u64> = BTreeMap::new();
    values.for_each(|v| *out.entry(v).or_insert(0) += 1);
    owned(out)
}

/// Counts by value, the values owned.
fn owned(counts: BTreeMap<&str, u64>) -> Vec<(String, u64)> {
    counts.into_iter().map(|(v, n)| (v.to_string(), n)).collect()
}

/// Reclaim reasons as a person reads them.
fn reasons_text(reasons: &[ReclaimReason], lang: Lang) -> String {
    reasons.iter().map(|r| lang.reclaim_reason(*r)).collect::<Vec<_>>().join("; ")
}

pub fn report_data<'a>(
    eval: &'a Evaluation,
    users: &Users<'a>,
    issues: &[Issue],
    lang: Lang,
) -> PolarsResult<ReportData<'a>> {
    let rated = RatedColumns::of(eval)?;
    let (visits, fragile) = to_visit(eval, &rated, lang);
    let mut warnings: HashMap<&str, Vec<&str>> = HashMap::new();
    for v in &visits {
        warnings.entry(v.firm.credit_code.as_str()).or_default().push(&v.rule);
    }
    let table = &eval.parcels;
    let land = table.parcels.land.values();
    let projection = metric_projection(table.parcels.crs, land.iter().filter_map(|m| m.geometry.as_ref()));
    let parcels = table
        .par_rows()
        .map(|ParcelRow { feature: f, land: m, metric: projected, neighbourhood: n, reclaim: r, .. }| {
            let user = users.get(f.user.as_str()).unwrap_or_default();
            ReportParcel {
                parcel_id: &f.parcel_id,
                user: (!f.user.is_empty()).then_some(f.user.as_str()),
                user_name: user.name,
                class: user.class.map(|c| c.as_str()),
                park: f.park.as_deref(),
                area_mu: m.area_mu,
                block_id: r.block_id,
                reasons: reasons_text(&r.reasons, lang),
                scattered: n.scattered,
                low_efficiency: r.reasons.contains(&ReclaimReason::LowEfficiency),
                warnings: warnings.get(f.user.as_str()).map_or(String::new(), |w| w.join("; ")),
                geometry: projected,
            }
        })
        .collect();
    let name_of = |code: &str| users.get(code).and_then(|u: User<'_>| u.name).unwrap_or(code).to_string();
    let blocks = eval
        .blocks
        .par_iter()
        .map(|b| ReportBlock {
            block_id: b.id,
            area_mu: b.area_mu,
            current_tax: b.current_tax,
            potential_tax: b.potential_tax,
            gain: b.gain,
            users: b.users.iter().map(|u| name_of(u)).collect(),
            parcel_ids: b.parcel_ids.clone(),
            geometry: in_metres(b.geometry.as_ref(), projection.as_ref()),
        })
        .collect();
    let mut park_classes: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for r in rated.iter().filter(|r| r.group.is_some()) {
        let park = park_classes.entry(r.park.unwrap_or(NO_BUCKET)).or_default();
        *park.entry(r.class.unwrap_or(Class::N).as_str()).or_default() += 1;
    }
    let (scores, rankings) = group_lists(eval, &rated, lang);
    let h = headline(eval)?;
    Ok(ReportData {
        year: eval.year,
        lang,
        parcels,
        blocks,
        figures: Figures {
            rated: h.rated,
            zombies: h.zombies,
            high_emission: h.high_emission,
            surcharge_yuan: h.surcharge_yuan,
            reclaimable_mu: h.reclaimable_mu,
        },
        class_counts: counts(rated.iter().filter_map(|r| r.class.map(Class::as_str))),
        park_classes: park_classes.into_iter().map(|(park, classes)| (park.to_string(), owned(classes))).collect(),
        scores,
        rankings,
        month: eval.alerts.month,
        visits,
        fragile,
        zombies: flagged(eval, &rated, lang, |f| f.zombie.zombie),
        high_emission: flagged(eval, &rated, lang, |f| f.high_energy_emission == Some(true)),
        problems: problems(issues, lang),
        land_work: eval.commitments.as_ref().map(|c| land_work(c, lang)),
        indicators: eval.work_report.all,
        county_indicators: eval.work_report.counties.iter().map(|(c, i)| (c.clone(), *i)).collect(),
    })
}

/// A review as a land-work list shows it, with what the list says of it.
fn listed_review(r: &Review, detail: String, amount: Option<f64>) -> ReportReview {
    ReportReview {
        parcel_id: r.parcel_id.clone(),
        name: r.name.clone().or_else(|| r.code.clone()).unwrap_or_default(),
        area_mu: r.area_mu,
        review_year: r.review_year,
        detail,
        amount,
    }
}

/// The land work of SPEC §14: shortfalls (the short indicators as actual ÷ committed in %,
/// with the damages), idle land (idle_years ≥ 1, with the idle fee) and the reviews due next
/// year (what they committed to), each in file order.
fn land_work(reviews: &CommitmentReviews, lang: Lang) -> LandWork {
    let short = |r: &Review| -> String {
        let parts = COMMITTED.iter().zip(&r.indicators).filter_map(|(k, i)| {
            let ratio = i.ratio.filter(|x| *x < 1.0)?;
            Some(format!("{} {:.0}%", lang.committed_indicator(k), ratio * 100.0))
        });
        parts.collect::<Vec<_>>().join("; ")
    };
    let committed = |r: &Review| -> String {
        let parts = COMMITTED.iter().zip(&r.indicators).filter(|(_, i)| i.committed.is_some_and(|c| c > 0.0));
        parts.map(|(k, _)| lang.committed_indicator(k)).collect::<Vec<_>>().join("; ")
    };
    let list = reviews.reviews.iter();
    LandWork {
        shortfalls: list
            .clone()
            .filter(|r| r.status == ReviewStatus::Shortfall)
            .map(|r| listed_review(r, short(r), r.damages.map(|d| d.total)))
            .collect(),
        idle: list
            .clone()
            .filter(|r| r.idle_years >= 1)
            .map(|r| listed_review(r, r.idle_years.to_string(), r.idle_fee))
            .collect(),
        due_next_year: list.filter(|r| r.due_next_year).map(|r| listed_review(r, committed(r), None)).collect(),
    }
}

/// Per group, the totals of its rated enterprises, and its top and bottom enterprises (the
/// rating frame is in rank order within each group).
fn group_lists(eval: &Evaluation, rated: &RatedColumns, lang: Lang) -> (Vec<(String, Vec<f64>)>, Vec<Ranking>) {
    let mut members = Group::ALL.map(|group| (group, Vec::new(), Vec::new()));
    for (i, r) in rated.iter().enumerate() {
        let (Some(group), Some(_), Some(total)) = (r.group, r.rank, r.total) else { continue };
        if let Some((_, rows, totals)) = members.iter_mut().find(|(g, _, _)| *g == group) {
            rows.push(i);
            totals.push(total);
        }
    }
    let mut scores = Vec::new();
    let mut rankings = Vec::new();
    for (group, rows, totals) in members {
        let listed = |rows: &mut dyn Iterator<Item = &usize>| {
            rows.take(LISTED).map(|&i| ranked(eval, &rated.at(i), lang)).collect()
        };
        rankings.push(Ranking {
            group: lang.group(group).to_string(),
            key: group.as_str().to_string(),
            top: listed(&mut rows.iter()),
            bottom: listed(&mut rows.iter().rev()),
        });
        scores.push((lang.group(group).to_string(), totals));
    }
    (scores, rankings)
}

/// The enterprises (with an enterprises row) whose flags pass `flag`, rated first in rank
/// order, then the others by code; a zombie's note names its fired rules.
fn flagged(
    eval: &Evaluation,
    rated: &RatedColumns,
    lang: Lang,
    flag: impl Fn(&crate::flags::CodeFlags) -> bool,
) -> Vec<ReportEnterprise> {
    rated
        .iter()
        .filter(|r| r.has_row)
        .filter_map(|r| {
            let flags = eval.flags.get(r.code).filter(|f| flag(f))?;
            let mut e = listed(&r, lang);
            e.note = flags.zombie.rules.iter().map(|rule| lang.zombie_rule(*rule)).collect::<Vec<_>>().join("; ");
            Some(e)
        })
        .collect()
}

/// The firms to visit this month: the fired early-warning rules but `fragile` by rule then
/// code, and the fragile firms least stable first (then by code). `rated` is in the rating
/// frame's row order, as the alerts and the stability are.
fn to_visit<'a>(eval: &Evaluation, rated: &RatedColumns<'a>, lang: Lang) -> (Vec<ReportAlert>, Vec<ReportFragile>) {
    let mut visits: Vec<(AlertRule, &'a str, ReportAlert)> = Vec::new();
    let mut fragile: Vec<ReportFragile> = Vec::new();
    let rows = eval.alerts.by_row.iter().zip(&eval.stability.by_row).take(rated.len());
    for (i, (alerts, spread)) in rows.enumerate().filter(|(_, (alerts, _))| !alerts.is_empty()) {
        let r = rated.at(i);
        for a in alerts {
            if a.rule != AlertRule::Fragile {
                let alert = ReportAlert {
                    firm: listed(&r, lang),
                    rule: lang.alert_rule(a.rule).to_string(),
                    evidence: a.evidence.clone(),
                };
                visits.push((a.rule, r.code, alert));
            } else if let Some(spread) = spread {
                fragile.push(ReportFragile {
                    firm: listed(&r, lang),
                    stability: spread.share,
                    range: spread.range_text(),
                });
            }
        }
    }
    visits.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    fragile
        .sort_by(|a, b| a.stability.total_cmp(&b.stability).then_with(|| a.firm.credit_code.cmp(&b.firm.credit_code)));
    (visits.into_iter().map(|(_, _, a)| a).collect(), fragile)
}

/// Problems by code and severity, each with its name and the first message in `lang`.
fn problems(issues: &[Issue], lang: Lang) -> Vec<ReportProblem> {
    let mut kinds: BTreeMap<(&str, &str), ReportProblem> = BTreeMap::new();
    for i in issues {
        let kind = kinds.entry((i.code, i.severity.as_str())).or_insert_with(|| ReportProblem {
            code: i.code.to_string(),
            name: lang.problem(i.code).to_string(),
            severity: i.severity.as_str().to_string(),
            count: 0,
            example: lang.message(i),
        });
        kind.count += 1;
    }
    kinds.into_values().collect()
}
