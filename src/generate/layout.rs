//! A park's land: the firms' holdings cut into parcels and laid out in park-local metres as
//! rows of blocks separated by roads (> 10 m). Inside a block parcels are columns side by side
//! (a column is one deep parcel or two half-depth ones back to back), sharing boundaries up to
//! real-world gaps of 0–0.3 m and the odd 0.2 m overlap sliver. Planted cases: unassigned and
//! idle parcels, non-industrial parcels, fragmented holdings, and "sandwiches" — a small plot of
//! another user (or a non-industrial island) cut into a multi-parcel holder's land.

use rand::Rng;
use rand::rngs::SmallRng;

use super::enterprises::{Firm, Kind, lognormal};

/// Square metres per mu.
use crate::land::area::M2_PER_MU;

/// One parcel of a park.
pub struct Parcel {
    /// Index of the holder among the park's firms; `None` for an unassigned parcel.
    pub owner: Option<usize>,
    pub land_use: &'static str,
    pub status: &'static str,
    /// Corners bottom-left, bottom-right, top-right, top-left (counter-clockwise), park-local m.
    pub corners: [[f64; 2]; 4],
    pub area_m2: f64,
    /// Registered area ÷ measured area.
    pub registered_factor: f64,
}

/// A lease of (part of) a parcel to a firm of the park.
pub struct Lease {
    pub parcel: usize,
    pub lessee: usize,
    /// Leased area (mu); `None` = what is left of the parcel.
    pub area_mu: Option<f64>,
}

/// A laid-out park.
pub struct ParkLayout {
    pub parcels: Vec<Parcel>,
    pub leases: Vec<Lease>,
    pub width: f64,
    pub height: f64,
}

/// A parcel before it has a place.
struct Draft {
    owner: Option<usize>,
    area_mu: f64,
    land_use: &'static str,
    status: &'static str,
}

#[derive(Clone, Copy)]
enum Column {
    Full(usize),
    Split {
        bottom: usize,
        top: usize,
    },
    /// A small plot on top, sized by its own area and about 1.5 times as deep as wide; the
    /// holder's parcel below takes what remains of the column.
    Guest {
        bottom: usize,
        top: usize,
    },
}

/// Columns that stay together, or one small parcel waiting for a partner in a split column.
enum Unit {
    Columns(Vec<Column>),
    Half(usize),
}

/// Parcels smaller than this (mu) go into half-depth slots.
const HALF_MAX_MU: f64 = 30.0;
/// Largest plot planted as a scattered plot (below the 15 mu rule, with room for distortion).
const SCATTER_GUEST_MAX_MU: f64 = 12.0;

/// Lays out the parcels and leases of a park's firms.
pub fn lay_out(rng: &mut SmallRng, firms: &[Firm], year: i32) -> ParkLayout {
    let mut drafts = Vec::new();
    let mut units = holdings(rng, firms, year, &mut drafts);
    add_unassigned(rng, firms.len(), &mut drafts, &mut units);
    shuffle(rng, &mut units);
    let columns = pair_halves(units);
    let mut placer = Placer::new(rng, park_width(&drafts));
    for unit in &columns {
        placer.place_unit(rng, unit, &drafts);
    }
    let (mut parcels, width, height) = placer.finish(drafts);
    draw_registered_factors(rng, &mut parcels);
    let leases = plan_leases(rng, firms, &parcels);
    ParkLayout { parcels, leases, width, height }
}

fn shuffle<T>(rng: &mut SmallRng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// Drafts and units of the firms' own parcels.
fn holdings(rng: &mut SmallRng, firms: &[Firm], year: i32, drafts: &mut Vec<Draft>) -> Vec<Unit> {
    let mut guests: Vec<usize> = (0..firms.len())
        .filter(|&f| firms[f].parcels_mu.len() == 1 && firms[f].parcels_mu[0] <= SCATTER_GUEST_MAX_MU)
        .collect();
    let mut is_guest = vec![false; firms.len()];
    let mut island_planted = false;
    let mut units = Vec::new();
    for (f, firm) in firms.iter().enumerate() {
        if is_guest[f] || firm.parcels_mu.is_empty() {
            continue;
        }
        let mut own: Vec<usize> =
            firm.parcels_mu.iter().map(|&mu| push_owned(rng, drafts, f, firm, mu, year)).collect();
        if firm.far_parcel {
            let far = own.pop().unwrap_or_default();
            units.push(single(drafts, far));
        }
        if own.len() >= 3 && rng.random_bool(0.5) {
            let guest = if island_planted { take_guest(rng, &mut guests, &mut is_guest, f) } else { None };
            let guest = match guest {
                Some(g) => push_owned(rng, drafts, g, &firms[g], firms[g].parcels_mu[0], year),
                None => {
                    island_planted = true;
                    let mu = rng.random_range(4.0..SCATTER_GUEST_MAX_MU);
                    push_non_industrial(rng, drafts, mu)
                }
            };
            units.push(Unit::Columns(sandwich(&own, guest)));
        } else {
            units.push(contiguous(&own, drafts));
        }
    }
    units
}

/// A small single-parcel firm (not `host`, not placed yet) to cut into `host`'s land.
fn take_guest(rng: &mut SmallRng, guests: &mut Vec<usize>, is_guest: &mut [bool], host: usize) -> Option<usize> {
    // Only firms after the host are still unplaced.
    guests.retain(|&g| g > host && !is_guest[g]);
    if guests.is_empty() {
        return None;
    }
    let g = guests.swap_remove(rng.random_range(0..guests.len()));
    is_guest[g] = true;
    Some(g)
}

fn push_owned(rng: &mut SmallRng, drafts: &mut Vec<Draft>, f: usize, firm: &Firm, mu: f64, year: i32) -> usize {
    let idle_chance = if firm.kind == Kind::Zombie { 0.4 } else { 0.02 };
    let status = if rng.random_bool(idle_chance) {
        "闲置"
    } else if firm.start_year >= year - 1 {
        "在建"
    } else if rng.random_bool(0.35) {
        ""
    } else {
        "正常"
    };
    push(drafts, Draft { owner: Some(f), area_mu: mu, land_use: industrial_use(rng), status })
}

fn push_non_industrial(rng: &mut SmallRng, drafts: &mut Vec<Draft>, mu: f64) -> usize {
    let land_use = ["住宅用地", "商业用地", "公共设施用地"][rng.random_range(0..3)];
    push(drafts, Draft { owner: None, area_mu: mu, land_use, status: "" })
}

fn push(drafts: &mut Vec<Draft>, draft: Draft) -> usize {
    drafts.push(draft);
    drafts.len() - 1
}

/// The mix of ways bureaus write industrial land use (an empty one counts as industrial).
fn industrial_use(rng: &mut SmallRng) -> &'static str {
    match rng.random_range(0..100) {
        0..55 => "工业用地",
        55..70 => "0601",
        70..80 => "M2",
        80..85 => "M1",
        85..90 => "0601工业用地",
        _ => "",
    }
}

fn single(drafts: &[Draft], parcel: usize) -> Unit {
    if drafts[parcel].area_mu < HALF_MAX_MU { Unit::Half(parcel) } else { Unit::Columns(vec![Column::Full(parcel)]) }
}

/// A holding's parcels side by side: large ones full depth, small ones paired back to back.
fn contiguous(own: &[usize], drafts: &[Draft]) -> Unit {
    if let [only] = own {
        return single(drafts, *only);
    }
    let (small, large): (Vec<usize>, Vec<usize>) = own.iter().partition(|&&p| drafts[p].area_mu < HALF_MAX_MU);
    let mut columns: Vec<Column> = large.into_iter().map(Column::Full).collect();
    for pair in small.chunks(2) {
        columns.push(match pair {
            [bottom, top] => Column::Split { bottom: *bottom, top: *top },
            [one] => Column::Full(*one),
            _ => continue,
        });
    }
    Unit::Columns(columns)
}

/// Holder parcels Y1 | guest over Y2 | Y3 | rest: the guest is enclosed on three sides.
fn sandwich(own: &[usize], guest: usize) -> Vec<Column> {
    let mut columns = vec![Column::Full(own[0]), Column::Guest { bottom: own[1], top: guest }, Column::Full(own[2])];
    columns.extend(own[3..].iter().map(|&p| Column::Full(p)));
    columns
}

/// Unassigned industrial parcels (mostly idle) and non-industrial ones.
fn add_unassigned(rng: &mut SmallRng, firms: usize, drafts: &mut Vec<Draft>, units: &mut Vec<Unit>) {
    let unassigned = (firms as f64 * 0.03).round() as usize;
    for _ in 0..unassigned {
        let status = if rng.random_bool(0.7) { "闲置" } else { "储备" };
        let area_mu = lognormal(rng, 25.0, 0.7).clamp(3.0, 300.0);
        let p = push(drafts, Draft { owner: None, area_mu, land_use: industrial_use(rng), status });
        units.push(single(drafts, p));
    }
    let other = (firms as f64 * 0.015).round() as usize;
    for _ in 0..other {
        let mu = lognormal(rng, 20.0, 0.6).clamp(5.0, 80.0);
        let p = push_non_industrial(rng, drafts, mu);
        units.push(single(drafts, p));
    }
}

/// Pairs consecutive half-depth parcels into split columns.
fn pair_halves(units: Vec<Unit>) -> Vec<Vec<Column>> {
    let mut out = Vec::with_capacity(units.len());
    let mut waiting: Option<usize> = None;
    for unit in units {
        match unit {
            Unit::Columns(columns) => out.push(columns),
            Unit::Half(p) => match waiting.take() {
                Some(bottom) => out.push(vec![Column::Split { bottom, top: p }]),
                None => waiting = Some(p),
            },
        }
    }
    out.extend(waiting.map(|p| vec![Column::Full(p)]));
    out
}

/// Target park width (m): a square-ish park with roads.
fn park_width(drafts: &[Draft]) -> f64 {
    let area: f64 = drafts.iter().map(|d| d.area_mu * M2_PER_MU).sum();
    (area * 1.35).sqrt().max(600.0)
}

/// One column boundary: its x and the jitter of its two corners on the block's road edges.
#[derive(Clone, Copy)]
struct Boundary {
    x: f64,
    bottom: f64,
    top: f64,
}

/// Walks blocks left to right, rows bottom to top.
struct Placer {
    park_width: f64,
    y: f64,
    depth: f64,
    block_start: f64,
    block_max: f64,
    left: Boundary,
    right_end: f64,
    width: f64,
    placed: Vec<Option<[[f64; 2]; 4]>>,
}

fn corner_jitter(rng: &mut SmallRng) -> f64 {
    rng.random_range(-1.5..1.5)
}

/// Gap between parcels that share a boundary: often none, up to 0.3 m, sometimes an overlap.
fn small_gap(rng: &mut SmallRng) -> f64 {
    match rng.random_range(0..10) {
        0..5 => 0.0,
        5..9 => (rng.random_range(0.0..0.3f64) * 1000.0).round() / 1000.0,
        _ => -(rng.random_range(0.0..0.2f64) * 1000.0).round() / 1000.0,
    }
}

fn road(rng: &mut SmallRng) -> f64 {
    rng.random_range(12.0..30.0f64).round()
}

impl Placer {
    fn new(rng: &mut SmallRng, park_width: f64) -> Placer {
        let mut placer = Placer {
            park_width,
            y: 0.0,
            depth: 0.0,
            block_start: 0.0,
            block_max: 0.0,
            left: Boundary { x: 0.0, bottom: 0.0, top: 0.0 },
            right_end: 0.0,
            width: 0.0,
            placed: Vec::new(),
        };
        placer.start_row(rng);
        placer
    }

    fn start_row(&mut self, rng: &mut SmallRng) {
        self.depth = rng.random_range(160.0..320.0f64).round();
        self.start_block(rng, 0.0);
    }

    fn start_block(&mut self, rng: &mut SmallRng, x: f64) {
        self.block_start = x;
        self.block_max = rng.random_range(450.0..900.0);
        self.left = Boundary { x, bottom: corner_jitter(rng), top: corner_jitter(rng) };
        self.right_end = x;
    }

    fn column_width(&self, column: &Column, drafts: &[Draft]) -> f64 {
        match *column {
            Column::Full(p) => drafts[p].area_mu * M2_PER_MU / self.depth,
            Column::Split { bottom, top } => (drafts[bottom].area_mu + drafts[top].area_mu) * M2_PER_MU / self.depth,
            Column::Guest { top, .. } => {
                let m2 = drafts[top].area_mu * M2_PER_MU;
                m2 / self.guest_depth(m2)
            }
        }
    }

    /// Depth of a guest plot of `m2`: 1.5 times its width, at most 0.65 of the block.
    fn guest_depth(&self, m2: f64) -> f64 {
        (m2 * 1.5).sqrt().min(self.depth * 0.65)
    }

    fn place_unit(&mut self, rng: &mut SmallRng, unit: &[Column], drafts: &[Draft]) {
        let width: f64 = unit.iter().map(|c| self.column_width(c, drafts)).sum();
        let used = self.right_end - self.block_start;
        if used > 0.0 && used + width > self.block_max {
            let next = self.right_end + road(rng);
            if next + width > self.park_width {
                self.y += self.depth + road(rng);
                self.start_row(rng);
            } else {
                self.start_block(rng, next);
            }
        }
        for column in unit {
            self.place_column(rng, column, drafts);
        }
    }

    fn place_column(&mut self, rng: &mut SmallRng, column: &Column, drafts: &[Draft]) {
        let l = self.left;
        let r = Boundary {
            x: l.x + self.column_width(column, drafts),
            bottom: corner_jitter(rng),
            top: corner_jitter(rng),
        };
        let (y0, y1) = (self.y, self.y + self.depth);
        let bottom_left = [l.x, y0 + l.bottom];
        let bottom_right = [r.x, y0 + r.bottom];
        let top_right = [r.x, y1 + r.top];
        let top_left = [l.x, y1 + l.top];
        match self.split_of(column, drafts) {
            None => {
                let Column::Full(p) = *column else { return };
                self.put(p, [bottom_left, bottom_right, top_right, top_left]);
            }
            Some((bottom, top, split)) => {
                let upper = split + small_gap(rng);
                self.put(bottom, [bottom_left, bottom_right, [r.x, split], [l.x, split]]);
                self.put(top, [[l.x, upper], [r.x, upper], top_right, top_left]);
            }
        }
        self.right_end = r.x;
        self.width = self.width.max(r.x);
        self.left = Boundary { x: r.x + small_gap(rng), ..r };
    }

    /// Bottom parcel, top parcel and the y of the line between them, for a two-parcel column.
    fn split_of(&self, column: &Column, drafts: &[Draft]) -> Option<(usize, usize, f64)> {
        match *column {
            Column::Full(_) => None,
            Column::Split { bottom, top } => {
                let share = drafts[bottom].area_mu / (drafts[bottom].area_mu + drafts[top].area_mu);
                Some((bottom, top, self.y + self.depth * share))
            }
            Column::Guest { bottom, top } => {
                let depth = self.guest_depth(drafts[top].area_mu * M2_PER_MU);
                Some((bottom, top, self.y + self.depth - depth))
            }
        }
    }

    fn put(&mut self, parcel: usize, corners: [[f64; 2]; 4]) {
        if self.placed.len() <= parcel {
            self.placed.resize(parcel + 1, None);
        }
        self.placed[parcel] = Some(corners);
    }

    /// The placed parcels in draft order, with the park's extent.
    fn finish(self, drafts: Vec<Draft>) -> (Vec<Parcel>, f64, f64) {
        let height = self.y + self.depth;
        let mut placed = self.placed.into_iter();
        let parcels = drafts
            .into_iter()
            .map(|d| {
                let corners = placed.next().flatten().unwrap_or([[0.0; 2]; 4]);
                Parcel {
                    owner: d.owner,
                    land_use: d.land_use,
                    status: d.status,
                    area_m2: shoelace(&corners),
                    corners,
                    registered_factor: 1.0,
                }
            })
            .collect();
        (parcels, self.width, height)
    }
}

/// Signed area of a ring given without its closing point (positive when counter-clockwise).
pub fn shoelace(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n).map(|i| ring[i][0] * ring[(i + 1) % n][1] - ring[(i + 1) % n][0] * ring[i][1]).sum::<f64>() / 2.0
}

/// Registered ÷ measured: within ±1.5 %, a few off by 6–15 %.
pub fn draw_registered_factors(rng: &mut SmallRng, parcels: &mut [Parcel]) {
    for parcel in parcels {
        parcel.registered_factor = if rng.random_bool(0.02) {
            let off = rng.random_range(0.06..0.15);
            if rng.random_bool(0.5) { 1.0 + off } else { 1.0 - off }
        } else {
            rng.random_range(0.985..1.015)
        };
    }
}

/// Whether a land use is industrial (codes such as `M2`, or a use naming 工业).
pub fn is_industrial(land_use: &str) -> bool {
    !land_use.ends_with("用地") || land_use.contains("工业")
}

/// Tenants rent from another firm's (or an unassigned) industrial parcel; a few firms rent
/// extra land from a neighbour of the park.
fn plan_leases(rng: &mut SmallRng, firms: &[Firm], parcels: &[Parcel]) -> Vec<Lease> {
    let mut leased = vec![0.0f64; parcels.len()];
    let mut leases = Vec::new();
    if parcels.is_empty() {
        return leases;
    }
    for (f, firm) in firms.iter().enumerate().filter(|(_, firm)| firm.lease_mu > 0.0) {
        for _ in 0..12 {
            let p = rng.random_range(0..parcels.len());
            let parcel = &parcels[p];
            let free = parcel.area_m2 / M2_PER_MU * 0.95 - leased[p];
            if parcel.owner == Some(f) || !is_industrial(parcel.land_use) || free < firm.lease_mu * 1.5 {
                continue;
            }
            let rest = if parcel.owner.is_none() { 0.5 } else { 0.05 };
            let area_mu = (!rng.random_bool(rest)).then_some((firm.lease_mu * 100.0).round() / 100.0);
            leased[p] += area_mu.unwrap_or(f64::INFINITY);
            leases.push(Lease { parcel: p, lessee: f, area_mu });
            break;
        }
    }
    for (p, parcel) in parcels.iter().enumerate() {
        let Some(owner) = parcel.owner else { continue };
        if leased[p] > 0.0 || !rng.random_bool(0.03) {
            continue;
        }
        let lessee = rng.random_range(0..firms.len());
        if lessee == owner || firms[lessee].lease_mu > 0.0 {
            continue;
        }
        let mu = parcel.area_m2 / M2_PER_MU * rng.random_range(0.1..0.4);
        leases.push(Lease { parcel: p, lessee, area_mu: Some((mu * 100.0).round() / 100.0) });
    }
    leases
}
