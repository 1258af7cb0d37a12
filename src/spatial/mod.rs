//! Parcel geometry in metres (SPEC §8 "Fragmented holding", §9): the CGCS2000 Gauss-Krüger
//! projection, shared boundary length within `snap_m`, neighbours, enclosure, surrounding user,
//! scattered plots, fragmented holdings, connected blocks of candidates and their unions.
//!
//! Everything here works on geometry already in metres; nothing reads files or configuration.

pub mod blocks;
pub mod metrics;
pub mod overlaps;
pub mod pieces;
pub mod projection;
pub mod segments;
pub mod shared_length;

pub use blocks::{candidate_blocks, connected_components, union_geometry};
pub use metrics::{analyse, parcel_boundaries};
pub use overlaps::{overlapping_pairs, report_overlaps};
pub use pieces::fragmented_pieces;
pub use projection::{GaussKruger, central_meridian_for, mean_vertex_longitude, metric_projection};
pub use segments::SegmentIndex;

use compact_str::CompactString;

/// Prefix of the user name given to a parcel without a credit code (SPEC §9).
pub const UNASSIGNED_PREFIX: &str = "parcel:";

/// The `[spatial]` settings (SPEC §11).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpatialSettings {
    /// Boundary pieces within this distance (m) of each other count as shared.
    pub snap_m: f64,
    /// Neighbours share strictly more than this length (m).
    pub min_shared_m: f64,
    /// Largest area (mu) of a plot that can be scattered by the one-user test.
    pub scatter_max_mu: f64,
    /// Smallest share of the perimeter taken by one other user for that test.
    pub scatter_min_share: f64,
    /// Smallest share of the perimeter on other users' industrial parcels for an island.
    pub island_min_share: f64,
}

impl Default for SpatialSettings {
    fn default() -> Self {
        Self { snap_m: 0.5, min_shared_m: 2.0, scatter_max_mu: 15.0, scatter_min_share: 0.6, island_min_share: 0.75 }
    }
}

/// One parcel as the spatial stage sees it: geometry already in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialParcel {
    pub parcel_id: CompactString,
    pub geometry: Option<geo::MultiPolygon<f64>>,
    /// Credit code, or `parcel:<parcel_id>` when the parcel has none.
    pub user: CompactString,
    pub industrial: bool,
    /// Area as used for land (SPEC §4).
    pub area_mu: f64,
}

impl SpatialParcel {
    /// `parcel:<parcel_id>`, the user name of a parcel without a credit code.
    pub fn unassigned_user(parcel_id: &str) -> CompactString {
        compact_str::format_compact!("{UNASSIGNED_PREFIX}{parcel_id}")
    }
}

/// What §9 derives for one parcel. Parcels without geometry (or with a zero perimeter) get
/// `None`/`false` and no neighbours.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParcelMetrics {
    /// Total length of all rings, exterior and holes (m).
    pub perimeter_m: f64,
    pub enclosure: Option<f64>,
    /// `None` when no other user's boundary lies within `snap_m`.
    pub surrounding_user: Option<CompactString>,
    /// S(P) of `surrounding_user`.
    pub surrounding_share: Option<f64>,
    pub scattered: bool,
    /// Indices into the input slice, sorted ascending (32 bits: a nation's millions of
    /// parcels' lists are held to the end of the run).
    pub neighbours: Vec<u32>,
}
