//! Class stability (SPEC §16): how firmly each rated enterprise holds its class when the
//! weights move. In draw i every weight of each group scheme is multiplied by its own factor
//! from U(1 − spread, 1 + spread), the same for every enterprise of the draw; totals, ranks
//! and classes are recomputed with the benchmarks, adjustments and vetoes of the rating.
//! `class_stability` is the share of draws that give an enterprise its class, `class_range`
//! its best and worst class over the draws. This module owns the draws and their tally.
//!
//! A score is its weight times a term that does not depend on the weight (a clamped ratio, or
//! the mean of such scores under `missing = "average"`), so a draw's total is
//! adjustment + Σ fₖ·sₖ, added in the order of the rating's total: with spread 0 every total
//! is the rating's own, to the bit. A draw needs no sort: with share classes the class of a
//! total depends only on the rounded totals at the rank positions where the class changes
//! ([`ranks_within`]), found by selection; with score classes the cut-offs are fixed. Each
//! total is then compared to the cut-offs ([`class_by_cuts`]), rounded to 6 decimals only
//! when it lies within rounding distance of one.
//!
//! A draw's random numbers come from a generator seeded with (seed, i) alone, and a tally is
//! a count, a minimum and a maximum, so the result is the same on any number of threads.

use super::Rating;
use super::classes::{class_by_cuts, ranks_within, score_cuts};
use super::indicators::score_column;
use crate::config::{ClassMode, Classes, Config, Stability as Settings};
use crate::domain::{Class, Group, Status};
use crate::numbers::round6;
use polars::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::ops::Range;

/// One rated enterprise's classes over the draws.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Spread {
    /// The share of draws giving the enterprise its class, in [0, 1].
    pub share: f64,
    pub best: Class,
    pub worst: Class,
}

impl Spread {
    /// `class_range`: `B-C`, or one letter when best and worst agree.
    pub fn range_text(&self) -> String {
        if self.best == self.worst { self.best.to_string() } else { format!("{}-{}", self.best, self.worst) }
    }
}

/// The spread of each row of the rating frame (`None` for unrated rows, and for every row
/// when there are no draws).
#[derive(Debug, Default)]
pub struct Stability {
    pub by_row: Vec<Option<Spread>>,
}

impl Stability {
    /// `class_stability` and `class_range`, aligned with the rating frame's rows.
    pub fn columns(&self) -> [Column; 2] {
        let share: Vec<Option<f64>> = self.by_row.iter().map(|s| s.map(|s| s.share)).collect();
        let range: Vec<Option<String>> = self.by_row.iter().map(|s| s.map(|s| s.range_text())).collect();
        [Column::new("class_stability".into(), share), Column::new("class_range".into(), range)]
    }
}

/// One group's rated enterprises as the draws see them.
#[derive(Debug, Clone)]
pub struct GroupDraws {
    /// `scores[k][j]`: enterprise j's score of the scheme's k-th weighted indicator.
    pub scores: Vec<Vec<f64>>,
    pub adjustment: Vec<f64>,
    pub veto: Vec<bool>,
    /// The class the rating gave each.
    pub class: Vec<Class>,
    pub classes: Classes,
    /// The frame row of each.
    rows: Vec<usize>,
}

impl GroupDraws {
    /// A group of enterprises given by hand (tests and benchmarks): scores by indicator, then
    /// by enterprise.
    pub fn new(
        scores: Vec<Vec<f64>>,
        adjustment: Vec<f64>,
        veto: Vec<bool>,
        class: Vec<Class>,
        classes: Classes,
    ) -> Self {
        let rows = (0..adjustment.len()).collect();
        GroupDraws { scores, adjustment, veto, class, classes, rows }
    }

    fn len(&self) -> usize {
        self.adjustment.len()
    }

    /// The rated enterprises of `group` in a rating frame.
    fn from_frame(frame: &DataFrame, rows: Range<usize>, group: Group, config: &Config) -> PolarsResult<GroupDraws> {
        let scheme = config.groups.scheme(group);
        let (status, groups) = (frame.column("status")?.str()?, frame.column("group")?.str()?);
        let (veto, class) = (frame.column("veto")?.bool()?, frame.column("class")?.str()?);
        let adjustment = frame.column("adjustment")?.f64()?;
        let score_columns: Vec<&Float64Chunked> = scheme
            .indicators
            .iter()
            .map(|w| frame.column(&score_column(&w.name)).and_then(|c| c.f64()))
            .collect::<PolarsResult<_>>()?;
        let no_scores = vec![Vec::new(); score_columns.len()];
        let mut draws = GroupDraws::new(no_scores, Vec::new(), Vec::new(), Vec::new(), scheme.classes.clone());
        for i in rows {
            let rated = status.get(i).and_then(Status::parse) == Some(Status::Rated)
                && groups.get(i).and_then(Group::parse) == Some(group);
            let scores: Option<Vec<f64>> = score_columns.iter().map(|c| c.get(i)).collect();
            let found = (scores, adjustment.get(i), class.get(i).and_then(Class::parse));
            let (true, (Some(scores), Some(adjustment), Some(class))) = (rated, found) else { continue };
            for (k, s) in scores.into_iter().enumerate() {
                draws.scores[k].push(s);
            }
            draws.adjustment.push(adjustment);
            draws.veto.push(veto.get(i).unwrap_or(false));
            draws.class.push(class);
            draws.rows.push(i);
        }
        Ok(draws)
    }
}

/// The seed of draw `i`: (seed, i) mixed by SplitMix64's finaliser, so neighbouring draws get
/// unrelated generators.
fn draw_seed(seed: u64, draw: u32) -> u64 {
    let mut z = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(draw);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The weight factors of draw `i`, group by group (above, then below), each group's in the
/// order of its scheme (SPEC §16, clarification 5).
fn factors(settings: &Settings, draw: u32, groups: &[GroupDraws]) -> Vec<Vec<f64>> {
    let mut rng = SmallRng::seed_from_u64(draw_seed(settings.seed, draw));
    let spread = settings.spread;
    groups
        .iter()
        .map(|g| g.scores.iter().map(|_| 1.0 - spread + 2.0 * spread * rng.random::<f64>()).collect())
        .collect()
}

/// Every `SAMPLE`-th total of a group (which is in rating order, so the sample spans it
/// evenly) brackets the share cut-offs before the totals are swept.
const SAMPLE: usize = 32;
/// Sample positions either side of a cut-off's estimated position that its bracket spans.
const SLACK: usize = 16;
/// Groups smaller than this (a county's, when partitioned) bracket their cut-offs by counting
/// their totals into ranges: a sample's brackets would span most of them.
const BRACKETED_FROM: usize = 4 * SAMPLE * SLACK;

/// What one worker keeps between draws, per group.
#[derive(Default)]
struct Scratch {
    totals: Vec<f64>,
    /// Each total's class index (0 = A … 3 = D), vetoes aside.
    classes: Vec<u8>,
    /// The totals whose class waits for the exact cut-offs.
    deferred: Vec<u32>,
    sample: Vec<f64>,
    /// Per cut-off, the totals inside its bracket.
    inside: [Vec<f64>; 3],
    /// A copy to select in when a bracket misses.
    selected: Vec<f64>,
}

/// Totals of one draw: adjustment + Σ fₖ·sₖ, added in the rating's order.
fn draw_totals(g: &GroupDraws, factors: &[f64], totals: &mut Vec<f64>) {
    totals.clear();
    totals.extend_from_slice(&g.adjustment);
    for (scores, f) in g.scores.iter().zip(factors) {
        for (t, s) in totals.iter_mut().zip(scores) {
            *t += f * s;
        }
    }
}

/// `x` moved by more than rounding to 6 decimals can move a total (5·10⁻⁷ and a few ulps),
/// down (`sign` −1) or up; infinities stay.
fn beyond_rounding(x: f64, sign: f64) -> f64 {
    if x.is_finite() { x + sign * (1e-6 + x.abs() * 1e-14) } else { x }
}

/// How a sweep settles each cut-off before it is known exactly: a total above `up` surely
/// reaches it, one below `down` surely misses it, the rest wait.
struct Decision {
    down: [f64; 3],
    up: [f64; 3],
}

impl Decision {
    /// Known cut-offs: only totals within rounding distance of one wait.
    fn around(cuts: &[f64; 3]) -> Decision {
        Decision { down: cuts.map(|c| beyond_rounding(c, -1.0)), up: cuts.map(|c| beyond_rounding(c, 1.0)) }
    }

    /// Cut-offs known to be the rounding of a total inside each bracket [lo, hi].
    fn inside(brackets: &[(f64, f64); 3]) -> Decision {
        Decision { down: brackets.map(|(lo, _)| beyond_rounding(lo, -1.0)), up: brackets.map(|(_, hi)| hi) }
    }
}

/// No bracket: nothing is gathered.
const NO_BRACKETS: [(f64, f64); 3] = [(f64::INFINITY, f64::INFINITY); 3];

/// A class index of a sweep at or above this marks a total that waits for the exact cut-offs.
const WAITS: u8 = 4;

/// Sweeps a draw's totals: the class index of every total that `decision` settles (the number
/// of cut-offs it misses), the totals left waiting, and per cut-off the count of totals above
/// its `up`; then gathers the waiting totals inside each bracket (a total inside a bracket
/// always waits). The sweep has no branch, so that the compiler vectorises it.
fn sweep(s: &mut Scratch, decision: &Decision, brackets: &[(f64, f64); 3]) -> [usize; 3] {
    let Scratch { totals, classes, deferred, inside, .. } = s;
    classes.resize(totals.len(), 0);
    let ([up_a, up_b, up_c], [down_a, down_b, down_c]) = (decision.up, decision.down);
    // Flags as whole words, narrowed once: the compiler vectorises this without repacking.
    let (mut above_a, mut above_b, mut above_c) = (0i64, 0i64, 0i64);
    for (&t, class) in totals.iter().zip(classes.iter_mut()) {
        let (reach_a, reach_b, reach_c) = (i64::from(t > up_a), i64::from(t > up_b), i64::from(t > up_c));
        let (miss_a, miss_b, miss_c) = (i64::from(t < down_a), i64::from(t < down_b), i64::from(t < down_c));
        above_a += reach_a;
        above_b += reach_b;
        above_c += reach_c;
        let settled = (reach_a | miss_a) & (reach_b | miss_b) & (reach_c | miss_c);
        *class = (miss_a + miss_b + miss_c + i64::from(WAITS) * (1 - settled)) as u8;
    }
    waiting_positions(classes, deferred);
    for (inside, &(lo, hi)) in inside.iter_mut().zip(brackets) {
        inside.clear();
        inside.extend(deferred.iter().map(|&j| totals[j as usize]).filter(|t| (lo..=hi).contains(t)));
    }
    [above_a, above_b, above_c].map(|a| a as usize)
}

/// The positions of the class indexes that mark a waiting total, read eight at a time (a
/// sweep leaves few).
fn waiting_positions(classes: &[u8], out: &mut Vec<u32>) {
    const MARKS: u64 = u64::from_ne_bytes([WAITS; 8]);
    out.clear();
    let chunks = classes.chunks_exact(8);
    let rest = chunks.remainder();
    for (k, chunk) in chunks.enumerate() {
        if <[u8; 8]>::try_from(chunk).map_or(MARKS, u64::from_ne_bytes) & MARKS != 0 {
            let waiting = chunk.iter().enumerate().filter(|(_, c)| **c >= WAITS);
            out.extend(waiting.map(|(i, _)| (k * 8 + i) as u32));
        }
    }
    let start = classes.len() - rest.len();
    out.extend(rest.iter().enumerate().filter(|(_, c)| **c >= WAITS).map(|(i, _)| (start + i) as u32));
}

/// The sample positions (largest first) around the estimated position of the `w`-th
/// largest of `n` totals, `SLACK` either side: the bracket's top and bottom, `None` beyond the
/// sample's ends. `w` is at least 1.
fn bracket_positions(w: usize, m: usize, n: usize) -> [Option<usize>; 2] {
    let q = (w - 1) * m / n.max(1);
    [q.checked_sub(SLACK), Some(q + SLACK).filter(|&p| p < m)]
}

/// The values at `positions` (ascending) of `sample` were it sorted largest first, found by
/// selections each in the part the one before left on its right.
fn ranked_values(sample: &mut [f64], positions: &[usize]) -> Vec<f64> {
    let (mut rest, mut offset) = (sample, 0);
    let mut values = Vec::with_capacity(positions.len());
    for &p in positions {
        let Some(k) = p.checked_sub(offset).filter(|k| *k < rest.len()) else { break };
        let (_, value, right) = std::mem::take(&mut rest).select_nth_unstable_by(k, largest_first);
        values.push(*value);
        (rest, offset) = (right, p + 1);
    }
    values
}

/// The brackets [lo, hi] that hold the cut-off totals when the sample (every `SAMPLE`-th
/// total) is representative; (+∞, +∞) for an empty band, an infinite end beyond the sample.
fn brackets(within: &[usize; 3], s: &mut Scratch) -> [(f64, f64); 3] {
    s.sample.clear();
    s.sample.extend(s.totals.iter().step_by(SAMPLE).copied());
    let (m, n) = (s.sample.len(), s.totals.len());
    let ends = within.map(|w| w.checked_sub(1).map(|_| bracket_positions(w, m, n)));
    let mut positions: Vec<usize> = ends.iter().flatten().flatten().flatten().copied().collect();
    positions.sort_unstable();
    positions.dedup();
    let values = ranked_values(&mut s.sample, &positions);
    let value_at = |p: Option<usize>, beyond: f64| {
        p.and_then(|p| positions.binary_search(&p).ok()).and_then(|i| values.get(i).copied()).unwrap_or(beyond)
    };
    ends.map(|ends| match ends {
        None => (f64::INFINITY, f64::INFINITY),
        Some([top, bottom]) => (value_at(bottom, f64::NEG_INFINITY), value_at(top, f64::INFINITY)),
    })
}

/// Ranges that [`counted_brackets`] counts the totals of a small group into.
const RANGES: usize = 64;

/// The least and the greatest of `totals` (±∞ for none), eight lanes at a time so that the
/// compiler vectorises it.
fn extremes(totals: &[f64]) -> (f64, f64) {
    let (mut least, mut greatest) = ([f64::INFINITY; 8], [f64::NEG_INFINITY; 8]);
    let chunks = totals.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for k in 0..8 {
            least[k] = if chunk[k] < least[k] { chunk[k] } else { least[k] };
            greatest[k] = if chunk[k] > greatest[k] { chunk[k] } else { greatest[k] };
        }
    }
    let fold =
        |lanes: &[f64], pick: fn(f64, f64) -> f64, start: f64| lanes.iter().chain(rest).fold(start, |a, &b| pick(a, b));
    (fold(&least, f64::min, f64::INFINITY), fold(&greatest, f64::max, f64::NEG_INFINITY))
}

/// The brackets [lo, hi] of a group's share cut-offs from one count: the totals fall into
/// `RANGES` equal ranges between the least and the greatest, and a cut-off's bracket is the
/// range holding its rank, widened by more than the rounding of the count's arithmetic (a
/// larger total never falls into a lower range). (+∞, +∞) for an empty band.
fn counted_brackets(within: &[usize; 3], totals: &[f64]) -> [(f64, f64); 3] {
    let (least, greatest) = extremes(totals);
    let width = (greatest - least) / RANGES as f64;
    let scale = if width > 0.0 && width.is_finite() { 1.0 / width } else { 0.0 };
    let mut count = [0u32; RANGES];
    for &t in totals {
        count[(((t - least) * scale) as usize).min(RANGES - 1)] += 1;
    }
    let slack = 1e-9 * width + 1e-12 * (least.abs() + greatest.abs());
    within.map(|w| {
        let Some(position) = w.checked_sub(1) else { return (f64::INFINITY, f64::INFINITY) };
        let mut above = 0;
        for r in (0..RANGES).rev() {
            above += count[r] as usize;
            if above > position {
                let lo = if r == 0 { f64::NEG_INFINITY } else { least + r as f64 * width - slack };
                let hi = if r == RANGES - 1 { f64::INFINITY } else { least + (r + 1) as f64 * width + slack };
                return (lo, hi);
            }
        }
        (f64::NEG_INFINITY, f64::INFINITY)
    })
}

fn largest_first(a: &f64, b: &f64) -> std::cmp::Ordering {
    b.total_cmp(a)
}

/// The share cut-offs of a draw: the rounded total at each rank position where the class
/// changes (the last rank of A, of B, of C; +∞ for an empty band), and the totals swept
/// around them. Brackets come from a sample of the totals, or, in a group too small for one
/// (a county's, when partitioned), from counting them into ranges.
fn share_cuts(within: &[usize; 3], s: &mut Scratch) -> [f64; 3] {
    let brackets =
        if s.totals.len() < BRACKETED_FROM { counted_brackets(within, &s.totals) } else { brackets(within, s) };
    bracketed_cuts(within, &brackets, s).unwrap_or_else(|| exact_share_cuts(within, s))
}

/// The share cut-offs found through brackets: one sweep settles the totals outside the
/// brackets, counts those above and gathers those inside, where a selection finds the
/// cut-off. `None` when a bracket misses its cut-off.
fn bracketed_cuts(within: &[usize; 3], brackets: &[(f64, f64); 3], s: &mut Scratch) -> Option<[f64; 3]> {
    let above = sweep(s, &Decision::inside(brackets), brackets);
    let mut cuts = [f64::INFINITY; 3];
    for band in 0..3 {
        let Some(p) = within[band].checked_sub(1) else { continue };
        let inside = &mut s.inside[band];
        let k = p.checked_sub(above[band]).filter(|k| *k < inside.len())?;
        cuts[band] = round6(*inside.select_nth_unstable_by(k, largest_first).1);
    }
    Some(cuts)
}

/// The share cut-offs by selections over all totals, and a sweep around them.
fn exact_share_cuts(within: &[usize; 3], s: &mut Scratch) -> [f64; 3] {
    s.selected.clear();
    s.selected.extend_from_slice(&s.totals);
    let cuts = within.map(|w| match w.checked_sub(1) {
        Some(p) => round6(*s.selected.select_nth_unstable_by(p, largest_first).1),
        None => f64::INFINITY,
    });
    sweep(s, &Decision::around(&cuts), &NO_BRACKETS);
    cuts
}

/// One draw's class index of each total of a group, vetoes aside, in `s.classes`.
fn draw_classes(g: &GroupDraws, within: &[usize; 3], s: &mut Scratch) {
    let cuts = match g.classes.mode {
        ClassMode::Share => share_cuts(within, s),
        ClassMode::Score => {
            let cuts = score_cuts(&g.classes);
            sweep(s, &Decision::around(&cuts), &NO_BRACKETS);
            cuts
        }
    };
    for &j in &s.deferred {
        let j = j as usize;
        s.classes[j] = class_by_cuts(&cuts, round6(s.totals[j])) as u8;
    }
}

/// Per enterprise: draws giving its class, best and worst class (as indexes into
/// [`Class::RATED`]).
#[derive(Debug, Clone)]
struct Tally {
    hits: Vec<u32>,
    best: Vec<u8>,
    worst: Vec<u8>,
}

impl Tally {
    fn new(n: usize) -> Tally {
        Tally { hits: vec![0; n], best: vec![u8::MAX; n], worst: vec![0; n] }
    }

    /// Counts one draw's classes (a veto is class D whatever its total).
    fn add(&mut self, g: &GroupDraws, classes: &[u8]) {
        let n = classes.len();
        let (hits, best, worst) = (&mut self.hits[..n], &mut self.best[..n], &mut self.worst[..n]);
        let (veto, actual) = (&g.veto[..n], &g.class[..n]);
        for j in 0..n {
            let class = classes[j].max(3 * u8::from(veto[j]));
            hits[j] += u32::from(class == actual[j] as u8);
            best[j] = best[j].min(class);
            worst[j] = worst[j].max(class);
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        for j in 0..self.hits.len() {
            self.hits[j] += other.hits[j];
            self.best[j] = self.best[j].min(other.best[j]);
            self.worst[j] = self.worst[j].max(other.worst[j]);
        }
        self
    }

    fn spreads(&self, draws: u32) -> Vec<Option<Spread>> {
        (0..self.hits.len())
            .map(|j| {
                (draws > 0).then(|| Spread {
                    share: f64::from(self.hits[j]) / f64::from(draws),
                    best: Class::RATED[usize::from(self.best[j])],
                    worst: Class::RATED[usize::from(self.worst[j])],
                })
            })
            .collect()
    }
}

/// Runs the draws over groups (above, then below) and tallies each enterprise's classes:
/// per group, per enterprise, its spread (`None` for all when there are no draws). The groups
/// are one run alone: one county, or the whole evaluation.
pub fn run_draws(groups: &[GroupDraws], settings: &Settings) -> Vec<Vec<Option<Spread>>> {
    run_counties(&[groups], settings).pop().unwrap_or_default()
}

/// [`run_draws`] for several counties at once, each as if it were run alone: every county's
/// draw `i` takes the factors of (seed, i) for its groups in order.
///
/// Work goes group by group, each group's draws in tasks of about [`TASK_TOTALS`] totals: a
/// county's small group is drawn a thousand times while its scores stay in the processor's
/// cache, instead of every group being visited once per draw. A tally is counts, minima and
/// maxima, so how the draws are split does not change it.
pub fn run_counties(counties: &[&[GroupDraws]], settings: &Settings) -> Vec<Vec<Vec<Option<Spread>>>> {
    let template = counties.first().copied().unwrap_or_default();
    let factors: Vec<Vec<Vec<f64>>> = (0..settings.draws).map(|draw| factors(settings, draw, template)).collect();
    counties
        .par_iter()
        .map(|county| {
            let tallies: Vec<Tally> = county.par_iter().enumerate().map(|(k, g)| group_tally(g, k, &factors)).collect();
            tallies.iter().map(|t| t.spreads(settings.draws)).collect()
        })
        .collect()
}

/// Totals a task of draws computes at least (a group of 550 takes about 480 draws a task).
const TASK_TOTALS: usize = 1 << 18;

/// The tally of group `g`, the `k`-th of its county, over the draws whose factors are given.
fn group_tally(g: &GroupDraws, k: usize, factors: &[Vec<Vec<f64>>]) -> Tally {
    let within = [g.classes.a, g.classes.b, g.classes.c].map(|share| ranks_within(g.len() as i64, share) as usize);
    factors
        .par_iter()
        .with_min_len((TASK_TOTALS / g.len().max(1)).max(1))
        .fold(
            || (Tally::new(g.len()), Scratch::default()),
            |(mut tally, mut scratch), factors| {
                draw_totals(g, &factors[k], &mut scratch.totals);
                draw_classes(g, &within, &mut scratch);
                tally.add(g, &scratch.classes);
                (tally, scratch)
            },
        )
        .map(|(tally, _)| tally)
        .reduce(|| Tally::new(g.len()), Tally::merge)
}

/// The class stability of every rated enterprise of a rating, county by county (each
/// county's draws as if it were run alone).
pub fn stability(rating: &Rating, config: &Config) -> PolarsResult<Stability> {
    let frame = &rating.frame;
    let counties: Vec<Vec<GroupDraws>> = rating
        .counties
        .iter()
        .map(|county| {
            Group::ALL.iter().map(|g| GroupDraws::from_frame(frame, county.rows.clone(), *g, config)).collect()
        })
        .collect::<PolarsResult<_>>()?;
    let slices: Vec<&[GroupDraws]> = counties.iter().map(Vec::as_slice).collect();
    let mut by_row = vec![None; frame.height()];
    for (groups, spreads) in counties.iter().zip(run_counties(&slices, &config.stability)) {
        for (g, spreads) in groups.iter().zip(spreads) {
            for (&row, spread) in g.rows.iter().zip(spreads) {
                by_row[row] = spread;
            }
        }
    }
    Ok(Stability { by_row })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::classes::class_of;
    use proptest::prelude::*;

    fn shares(a: f64, b: f64, c: f64) -> Classes {
        Classes { mode: ClassMode::Share, a, b, c }
    }

    /// The classes SPEC §7 gives totals: ranks by the rounded total (min method), then
    /// `class_of`; a veto is D.
    fn reference_classes(totals: &[f64], veto: &[bool], classes: &Classes) -> Vec<Class> {
        let rounded: Vec<f64> = totals.iter().map(|t| round6(*t)).collect();
        let n = totals.len() as i64;
        (0..totals.len())
            .map(|j| {
                let rank = 1 + rounded.iter().filter(|r| **r > rounded[j]).count() as i64;
                if veto[j] { Class::D } else { class_of(classes, rank, n, rounded[j]) }
            })
            .collect()
    }

    /// A group whose enterprises hold the classes their unperturbed totals give.
    fn group(scores: Vec<Vec<f64>>, adjustment: Vec<f64>, veto: Vec<bool>, classes: Classes) -> GroupDraws {
        let ones = vec![1.0; scores.len()];
        let mut g = GroupDraws::new(scores, adjustment, veto, Vec::new(), classes);
        let mut totals = Vec::new();
        draw_totals(&g, &ones, &mut totals);
        g.class = reference_classes(&totals, &g.veto, &g.classes);
        g
    }

    fn draw_classes_of(g: &GroupDraws, factors: &[f64]) -> Vec<Class> {
        let within = [g.classes.a, g.classes.b, g.classes.c].map(|s| ranks_within(g.len() as i64, s) as usize);
        let mut scratch = Scratch::default();
        draw_totals(g, factors, &mut scratch.totals);
        draw_classes(g, &within, &mut scratch);
        scratch
            .classes
            .iter()
            .zip(&g.veto)
            .map(|(c, v)| Class::RATED[usize::from((*c).max(3 * u8::from(*v)))])
            .collect()
    }

    /// 2,000 enterprises in rating order (as the rating frame holds them), with ties and
    /// totals a rounding apart.
    fn province_like(n: usize) -> GroupDraws {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for j in 0..n {
            let x = ((j * 7919) % n) as f64 / n as f64;
            a.push(30.0 * 2.0 * x);
            b.push(if j % 5 == 0 { 20.0 } else { 20.0 * (1.0 - x) + 4e-7 * (j % 3) as f64 });
        }
        let adjustment = (0..n).map(|j| if j % 40 == 0 { 3.0 } else { 0.0 }).collect();
        let veto = (0..n).map(|j| j % 333 == 0).collect();
        let mut g = group(vec![a, b], adjustment, veto, shares(0.2, 0.6, 0.95));
        let mut order: Vec<usize> = (0..n).collect();
        let total = |j: usize| g.adjustment[j] + g.scores[0][j] + g.scores[1][j];
        order.sort_by(|&x, &y| total(y).total_cmp(&total(x)));
        g.scores = g.scores.iter().map(|s| order.iter().map(|&j| s[j]).collect()).collect();
        g.adjustment = order.iter().map(|&j| g.adjustment[j]).collect();
        g.veto = order.iter().map(|&j| g.veto[j]).collect();
        g.class = order.iter().map(|&j| g.class[j]).collect();
        g
    }

    #[test]
    fn a_draw_classifies_as_ranks_do() {
        // Bracketed by a sample (3,000) and by counting (700, a small county's group).
        for g in [province_like(3000), province_like(700)] {
            for factors in [[1.0, 1.0], [0.8, 1.2], [1.2, 0.8], [1.0, 1.0 + 1e-9]] {
                let mut totals = Vec::new();
                draw_totals(&g, &factors, &mut totals);
                let expected = reference_classes(&totals, &g.veto, &g.classes);
                assert_eq!(draw_classes_of(&g, &factors), expected, "{} totals, {factors:?}", g.len());
            }
        }
    }

    #[test]
    fn brackets_find_the_cut_offs_selections_find() {
        // Sampled (5,000 totals) and counted (700, and 5 where a band is empty).
        for n in [5000, 700, 5] {
            let g = province_like(n);
            let within = [0.2, 0.6, 0.95].map(|share| ranks_within(n as i64, share) as usize);
            for factors in [[1.0, 1.0], [0.85, 1.15], [1.19, 0.81]] {
                let mut s = Scratch::default();
                draw_totals(&g, &factors, &mut s.totals);
                let brackets =
                    if n < BRACKETED_FROM { counted_brackets(&within, &s.totals) } else { brackets(&within, &mut s) };
                let bracketed = bracketed_cuts(&within, &brackets, &mut s).expect("the brackets hold the cut-offs");
                assert_eq!(bracketed, exact_share_cuts(&within, &mut s), "{n} totals, {factors:?}");
                assert_eq!(bracketed.iter().all(|c| c.is_finite()), within.iter().all(|w| *w > 0));
            }
        }
    }

    #[test]
    fn counted_brackets_by_hand() {
        // Totals 0…128 in ranges of width 2: the 1st largest (128) lies in the top range
        // [126, +∞), the 10th (119) in [118, 120], the 129th (0) in (−∞, 2]; an empty band has
        // none.
        let totals: Vec<f64> = (0..=128).rev().map(f64::from).collect();
        let [top, tenth, none] = counted_brackets(&[1, 10, 0], &totals);
        assert_eq!((top.0.round(), top.1), (126.0, f64::INFINITY));
        assert_eq!((tenth.0.round(), tenth.1.round()), (118.0, 120.0));
        assert!(tenth.0 < 118.0 && tenth.1 > 120.0, "widened: {tenth:?}");
        assert_eq!(none, (f64::INFINITY, f64::INFINITY));
        assert_eq!(counted_brackets(&[129, 0, 0], &totals)[0].0, f64::NEG_INFINITY);
        // All equal: one range holds them all.
        let (lo, hi) = counted_brackets(&[1, 2, 3], &[5.0; 4])[2];
        assert!(lo < 5.0 && (5.0..5.000_001).contains(&hi), "({lo}, {hi})");
        assert_eq!(extremes(&totals), (0.0, 128.0));
        assert_eq!(extremes(&[]), (f64::INFINITY, f64::NEG_INFINITY));
    }

    #[test]
    fn spread_zero_gives_stability_exactly_one() {
        let settings = Settings { draws: 50, spread: 0.0, seed: 9 };
        let score = Classes { mode: ClassMode::Score, a: 40.0, b: 30.0, c: 20.0 };
        let mut by_score = province_like(500);
        by_score.classes = score.clone();
        by_score.class = {
            let mut totals = Vec::new();
            draw_totals(&by_score, &[1.0, 1.0], &mut totals);
            reference_classes(&totals, &by_score.veto, &score)
        };
        let groups = [province_like(2000), by_score];
        for (g, spreads) in groups.iter().zip(run_draws(&groups, &settings)) {
            for (class, spread) in g.class.iter().zip(spreads) {
                assert_eq!(spread, Some(Spread { share: 1.0, best: *class, worst: *class }));
            }
        }
    }

    #[test]
    fn the_same_bits_on_one_and_two_threads() {
        let groups = [province_like(2000), province_like(700)];
        let settings = Settings { draws: 200, spread: 0.2, seed: 1 };
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| run_draws(&groups, &settings))
        };
        let bits = |r: Vec<Vec<Option<Spread>>>| -> Vec<(u64, Class, Class)> {
            r.into_iter().flatten().flatten().map(|s| (s.share.to_bits(), s.best, s.worst)).collect()
        };
        let one = bits(on(1));
        assert_eq!(one.len(), 2700);
        assert!(one.iter().any(|(share, _, _)| f64::from_bits(*share) < 1.0), "some class moves");
        assert_eq!(one, bits(on(2)));
    }

    #[test]
    fn factors_follow_groups_then_configuration_order() {
        let settings = Settings { draws: 1, spread: 0.2, seed: 1 };
        let groups = [province_like(40), province_like(40)];
        let f = factors(&settings, 0, &groups);
        assert_eq!((f.len(), f[0].len()), (2, 2));
        assert!(f.iter().flatten().all(|x| (0.8..1.2).contains(x)));
        assert_eq!(f, factors(&settings, 0, &groups), "a draw's factors depend on (seed, draw) only");
        assert_ne!(f, factors(&settings, 1, &groups));
        assert_ne!(f, factors(&Settings { seed: 2, ..settings.clone() }, 0, &groups));
    }

    #[test]
    fn no_draws_no_stability_and_ranges_read_as_letters() {
        let groups = [province_like(40)];
        assert!(run_draws(&groups, &Settings { draws: 0, spread: 0.2, seed: 1 })[0].iter().all(Option::is_none));
        let spread = Spread { share: 0.87, best: Class::B, worst: Class::C };
        assert_eq!(spread.range_text(), "B-C");
        assert_eq!(Spread { best: Class::C, ..spread }.range_text(), "C");
    }

    proptest! {
        /// Any totals (ties and near-ties among them, vetoes, any shares or score cut-offs):
        /// a draw's classes are those ranks give, stability lies in [0, 1] and the range holds
        /// the class.
        #[test]
        fn draws_agree_with_ranks(
            cells in proptest::collection::vec((0u8..40, 0u32..3, any::<bool>()), 1..400),
            (a, b, c) in (0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64),
            score_mode in any::<bool>(),
            factors in (0.5..1.5f64, 0.5..1.5f64),
        ) {
            let mut cuts = [a, b, c];
            cuts.sort_by(f64::total_cmp);
            let classes = if score_mode {
                Classes { mode: ClassMode::Score, a: cuts[2] * 40.0, b: cuts[1] * 40.0, c: cuts[0] * 40.0 }
            } else {
                shares(cuts[0], cuts[1], cuts[2])
            };
            let first = cells.iter().map(|(x, _, _)| f64::from(*x) * 0.5).collect();
            let second = cells.iter().map(|(_, e, _)| 4e-7 * f64::from(*e)).collect();
            let veto = cells.iter().map(|(x, _, v)| *v && x % 7 == 0).collect();
            let g = group(vec![first, second], vec![0.0; cells.len()], veto, classes);
            let factors = [factors.0, factors.1];
            let mut totals = Vec::new();
            draw_totals(&g, &factors, &mut totals);
            prop_assert_eq!(draw_classes_of(&g, &factors), reference_classes(&totals, &g.veto, &g.classes));
            let settings = Settings { draws: 20, spread: 0.3, seed: 5 };
            let spreads = run_draws(std::slice::from_ref(&g), &settings).remove(0);
            for (class, spread) in g.class.iter().zip(spreads) {
                let spread = spread.expect("rated");
                prop_assert!((0.0..=1.0).contains(&spread.share));
                prop_assert!(spread.best <= *class && *class <= spread.worst);
            }
        }
    }
}
