//! The parcel table: one row per input feature, in file order, indexed by [`ParcelIx`].
//!
//! Each stage adds what it finds of every parcel as a [`Column`]: land (repaired geometry and
//! area, SPEC §4), the geometry in metres and the neighbourhood (§9), the reclaim reasons and
//! block (§9). A column is made by mapping over the table, or checked against its length, and
//! is read by [`ParcelIx`], never zipped by position: a subset of parcels is a list of indices,
//! so no filter can make one column's rows slide against another's.
//!
//! ```
//! use muchan::parcels::{Column, ParcelIx};
//! let areas: Column<f64> = Column::from_vec(vec![1.5, 2.0], 2).expect("two parcels");
//! let second = areas.ixs().nth(1).expect("a second parcel");
//! assert_eq!(areas[second], 2.0);
//! assert!(Column::from_vec(vec![1.5], 2).is_err());
//! ```

use crate::buildings::Intensity;
use crate::domain::County;
use crate::input::crs::Crs;
use crate::input::parcels::{ParcelFeature, ParcelFile};
use crate::land::MeasuredParcel;
use crate::low_efficiency::LowEfficiency;
use crate::reclaim::ParcelReclaim;
use crate::spatial::{ParcelMetrics, SpatialParcel, metric_projection};
use geo::MultiPolygon;
use rayon::prelude::*;
use std::ops::Index;

/// The position of a parcel in the table (its feature's position in the file, from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParcelIx(u32);

impl ParcelIx {
    /// The index as a position in the table's columns.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The parcel at position `i` of the table (the spatial stage names parcels by position).
    pub fn at(i: usize) -> ParcelIx {
        ParcelIx(u32::try_from(i).unwrap_or(u32::MAX))
    }
}

/// Two columns of one table that do not have a row per parcel each: a defect of the code,
/// reported rather than let through.
#[derive(Debug, thiserror::Error)]
#[error("the parcel column `{column}` has {actual} rows for {expected} parcels")]
pub struct MisalignedColumn {
    pub column: &'static str,
    pub expected: usize,
    pub actual: usize,
}

/// One value per parcel, read by [`ParcelIx`].
#[derive(Debug, Clone, Default)]
pub struct Column<T>(Vec<T>);

impl<T> Column<T> {
    /// A column from values in table order; an error unless there is one per parcel.
    pub fn from_vec(values: Vec<T>, parcels: usize) -> Result<Column<T>, MisalignedColumn> {
        Column(values).checked("column", parcels)
    }

    fn checked(self, column: &'static str, expected: usize) -> Result<Column<T>, MisalignedColumn> {
        if self.0.len() == expected {
            Ok(self)
        } else {
            Err(MisalignedColumn { column, expected, actual: self.0.len() })
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The indices of the table, in order.
    pub fn ixs(&self) -> impl Iterator<Item = ParcelIx> + use<T> {
        (0..self.0.len()).map(ParcelIx::at)
    }

    /// The values with their indices, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (ParcelIx, &T)> {
        self.0.iter().enumerate().map(|(i, v)| (ParcelIx::at(i), v))
    }

    /// The values in table order (a slice for the spatial stage, which names parcels by
    /// position: position `i` is [`ParcelIx::at`]`(i)`).
    pub fn values(&self) -> &[T] {
        &self.0
    }

    /// A new column of one value per parcel, made from this one's values.
    pub fn into_map<U>(self, f: impl FnMut(T) -> U) -> Column<U> {
        Column(self.0.into_iter().map(f).collect())
    }

    /// A new column of one value per parcel, computed in parallel (in table order).
    pub fn par_map<U: Send>(&self, f: impl Fn(ParcelIx, &T) -> U + Sync + Send) -> Column<U>
    where
        T: Sync,
    {
        Column(self.0.par_iter().enumerate().map(|(i, v)| f(ParcelIx::at(i), v)).collect())
    }
}

impl<T> Index<ParcelIx> for Column<T> {
    type Output = T;
    fn index(&self, ix: ParcelIx) -> &T {
        &self.0[ix.index()]
    }
}

/// The parcels as read, with their land.
#[derive(Debug, Clone)]
pub struct Parcels {
    /// The coordinates of the input (and of `land`'s geometries).
    pub crs: Crs,
    /// The CRS name as the data (or `land.crs`) state it.
    pub declared: Option<String>,
    pub features: Column<ParcelFeature>,
    /// Repaired geometry and area (SPEC §4).
    pub land: Column<MeasuredParcel>,
}

impl Parcels {
    /// The table of a parcel file and its measurement (one per feature). The coordinates as
    /// read are let go: the repaired geometry stands for them from here on (a nation's
    /// millions of parcels would otherwise be held twice).
    pub fn new(file: ParcelFile, land: Vec<MeasuredParcel>) -> Result<Parcels, MisalignedColumn> {
        let mut features = file.features;
        features.par_iter_mut().for_each(|f| f.raw = None);
        let n = features.len();
        Ok(Parcels {
            crs: file.crs,
            declared: file.declared,
            features: Column(features),
            land: Column(land).checked("land", n)?,
        })
    }

    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The parcels as the spatial stage sees them: geometry in metres (SPEC §9: longitude and
    /// latitude projected to the CGCS2000 3-degree Gauss-Krüger zone of the mean vertex
    /// longitude), users named (`parcel:<id>` for none), industrial or not, area as used.
    pub fn in_metres(&self) -> Column<SpatialParcel> {
        let projection = metric_projection(self.crs, self.land.values().iter().filter_map(|m| m.geometry.as_ref()));
        self.par_map(|_, f, m| SpatialParcel {
            parcel_id: f.parcel_id.clone(),
            geometry: m.geometry.as_ref().map(|g| match &projection {
                Some(p) => p.project_multipolygon(g),
                None => g.clone(),
            }),
            user: if f.user.is_empty() { SpatialParcel::unassigned_user(&f.parcel_id) } else { f.user.clone() },
            industrial: f.is_industrial(),
            area_mu: m.area_mu,
        })
    }

    /// A column of one value per parcel, computed in parallel from each parcel's feature
    /// and land.
    pub fn par_map<U: Send>(
        &self,
        f: impl Fn(ParcelIx, &ParcelFeature, &MeasuredParcel) -> U + Sync + Send,
    ) -> Column<U> {
        self.features.par_map(|ix, feature| f(ix, feature, &self.land[ix]))
    }
}

/// Everything the evaluation knows of each parcel.
#[derive(Debug, Clone)]
pub struct ParcelTable {
    pub parcels: Parcels,
    /// The geometry in metres the spatial stage used (SPEC §9); `None` without geometry.
    pub metric: Column<Option<MultiPolygon<f64>>>,
    /// Perimeter, neighbours, enclosure, surrounding user, scattered (SPEC §9).
    pub neighbourhood: Column<ParcelMetrics>,
    /// Reclaim reasons and block (SPEC §9).
    pub reclaim: Column<ParcelReclaim>,
    /// Buildings, plot ratio and coverage (SPEC §15).
    pub intensity: Column<Intensity>,
    /// The 低效 tests (SPEC §15).
    pub low_efficiency: Column<LowEfficiency>,
    /// Its county (SPEC §17; the empty county unless the run is partitioned).
    pub county: Column<County>,
}

/// One parcel's row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ParcelRow<'a> {
    pub ix: ParcelIx,
    pub feature: &'a ParcelFeature,
    pub land: &'a MeasuredParcel,
    pub metric: Option<&'a MultiPolygon<f64>>,
    pub neighbourhood: &'a ParcelMetrics,
    pub reclaim: &'a ParcelReclaim,
    pub intensity: &'a Intensity,
    pub low_efficiency: &'a LowEfficiency,
    pub county: &'a County,
}

impl ParcelTable {
    /// The table, its columns checked to hold one row per parcel.
    pub fn new(
        parcels: Parcels,
        metric: Column<Option<MultiPolygon<f64>>>,
        neighbourhood: Column<ParcelMetrics>,
        reclaim: Column<ParcelReclaim>,
        intensity: Column<Intensity>,
        low_efficiency: Column<LowEfficiency>,
        county: Column<County>,
    ) -> Result<ParcelTable, MisalignedColumn> {
        let n = parcels.len();
        Ok(ParcelTable {
            metric: metric.checked("metric", n)?,
            neighbourhood: neighbourhood.checked("neighbourhood", n)?,
            reclaim: reclaim.checked("reclaim", n)?,
            intensity: intensity.checked("intensity", n)?,
            low_efficiency: low_efficiency.checked("low_efficiency", n)?,
            county: county.checked("county", n)?,
            parcels,
        })
    }

    pub fn len(&self) -> usize {
        self.parcels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parcels.is_empty()
    }

    /// The row of one parcel.
    pub fn row(&self, ix: ParcelIx) -> ParcelRow<'_> {
        ParcelRow {
            ix,
            feature: &self.parcels.features[ix],
            land: &self.parcels.land[ix],
            metric: self.metric[ix].as_ref(),
            neighbourhood: &self.neighbourhood[ix],
            reclaim: &self.reclaim[ix],
            intensity: &self.intensity[ix],
            low_efficiency: &self.low_efficiency[ix],
            county: &self.county[ix],
        }
    }

    /// Every row, in file order.
    pub fn rows(&self) -> impl Iterator<Item = ParcelRow<'_>> {
        self.parcels.features.ixs().map(|ix| self.row(ix))
    }

    /// Every row, in parallel (indexed: `collect` keeps file order).
    pub fn par_rows(&self) -> impl IndexedParallelIterator<Item = ParcelRow<'_>> {
        (0..self.len()).into_par_iter().map(|i| self.row(ParcelIx::at(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_of_the_wrong_length_is_refused() {
        let err = Column::from_vec(vec![1, 2, 3], 2).expect_err("three values for two parcels");
        assert_eq!((err.expected, err.actual), (2, 3));
        let column = Column::from_vec(vec!['a', 'b'], 2).expect("two values");
        let ixs: Vec<ParcelIx> = column.ixs().collect();
        assert_eq!(ixs, [ParcelIx::at(0), ParcelIx::at(1)]);
        assert_eq!(column[ParcelIx::at(1)], 'b');
    }

    #[test]
    fn par_map_keeps_table_order() {
        let column = Column::from_vec((0..1000).collect::<Vec<u32>>(), 1000).expect("column");
        let doubled = column.par_map(|ix, v| (ix.index() as u32, v * 2));
        assert!(doubled.iter().all(|(ix, (i, d))| ix.index() as u32 == *i && *d == i * 2));
    }
}
