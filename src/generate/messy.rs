//! The problems bureaus' exports have, injected rarely (about 1–2 % each) when `messy` is on:
//! lower-case, full-width and mistyped codes, missing-value tokens, thousands separators,
//! duplicate rows, orphan codes, impossible months, and broken geometry. It draws from its own
//! random stream, so the clean data underneath is the same with or without it.

use rand::Rng;
use rand::rngs::SmallRng;

use super::writers::CsvSink;

/// What is wrong with a parcel's geometry.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fault {
    None,
    /// The ring's closing point is left off.
    Unclosed,
    /// A vertex written twice in a row.
    RepeatedVertex,
    /// Two corners swapped: a self-intersecting bow-tie.
    BowTie,
    /// A MultiPolygon: the parcel in two parts, one with a hole.
    HoledMultiPolygon,
}

/// Draws the messy decisions; never fires when off.
pub struct Messer {
    rng: SmallRng,
    on: bool,
}

impl Messer {
    pub fn new(on: bool, rng: SmallRng) -> Messer {
        Messer { rng, on }
    }

    /// True with probability `p` when messy.
    pub fn chance(&mut self, p: f64) -> bool {
        self.on && self.rng.random_bool(p)
    }

    /// A count of about `mean` (0 when clean): the floor plus a chance for the fraction.
    pub fn count(&mut self, mean: f64) -> usize {
        if !self.on {
            return 0;
        }
        let whole = mean.floor();
        whole as usize + usize::from(self.rng.random_bool(mean - whole))
    }

    /// Writes a credit code cell, now and then lower-cased or full-width.
    pub fn code(&mut self, sink: &mut CsvSink, code: &str) {
        if self.chance(0.01) {
            sink.text(&code.to_lowercase());
        } else if self.chance(0.005) {
            let wide: String = code.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
            sink.text(&wide);
        } else {
            sink.text(code);
        }
    }

    /// Writes a number cell, now and then as a missing token or with thousands separators.
    pub fn number(&mut self, sink: &mut CsvSink, value: f64, decimals: usize) {
        if self.chance(0.01) {
            sink.text(["-", "", "N/A"][self.rng.random_range(0..3)]);
        } else if value.abs() >= 1000.0 && self.chance(0.02) {
            sink.grouped(value, decimals);
        } else {
            sink.number(value, decimals);
        }
    }

    /// A month that does not exist, now and then.
    pub fn month(&mut self, month: u32) -> u32 {
        if self.chance(0.0005) { 13 } else { month }
    }

    /// What to break in the next parcel's geometry.
    pub fn fault(&mut self) -> Fault {
        if !self.chance(0.02) {
            return Fault::None;
        }
        match self.rng.random_range(0..4) {
            0 => Fault::Unclosed,
            1 => Fault::RepeatedVertex,
            2 => Fault::BowTie,
            _ => Fault::HoledMultiPolygon,
        }
    }
}
