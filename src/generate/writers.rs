//! Streaming writers: CSV tables built a row at a time in one reused line buffer (UTF-8, with
//! or without BOM, or GBK), and a GeoJSON FeatureCollection written feature by feature with
//! coordinates converted from global metres to the output CRS.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::OutputCrs;

/// How a CSV file is encoded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gbk,
}

/// One CSV table being written.
pub struct CsvSink {
    out: BufWriter<File>,
    line: String,
    empty_line: bool,
    encoding: Encoding,
    /// Data rows written.
    pub rows: usize,
}

impl CsvSink {
    /// Creates `dir/name` and writes its header.
    pub fn create(dir: &Path, name: &str, header: &str, encoding: Encoding) -> io::Result<CsvSink> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join(name))?);
        if encoding == Encoding::Utf8Bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut sink = CsvSink { out, line: String::with_capacity(256), empty_line: true, encoding, rows: 0 };
        sink.line.push_str(header);
        sink.flush_line()?;
        Ok(sink)
    }

    /// The line buffer, after the separator of a new cell.
    pub fn cell(&mut self) -> &mut String {
        if !self.empty_line {
            self.line.push(',');
        }
        self.empty_line = false;
        &mut self.line
    }

    /// A text cell (the generator writes no commas, quotes or line breaks in text).
    pub fn text(&mut self, text: &str) {
        self.cell().push_str(text);
    }

    /// A number with a fixed count of decimals.
    pub fn number(&mut self, value: f64, decimals: usize) {
        let _ = write!(self.cell(), "{value:.decimals$}");
    }

    /// An integer cell.
    pub fn integer(&mut self, value: i64) {
        let _ = write!(self.cell(), "{value}");
    }

    /// A number with thousands separators, quoted: `"1,234.5"`.
    pub fn grouped(&mut self, value: f64, decimals: usize) {
        let cell = self.cell();
        cell.push('"');
        cell.push_str(&crate::numbers::with_thousands(value, decimals));
        cell.push('"');
    }

    /// Ends the row.
    pub fn end_row(&mut self) -> io::Result<()> {
        self.rows += 1;
        self.flush_line()
    }

    fn flush_line(&mut self) -> io::Result<()> {
        self.line.push('\n');
        if self.encoding == Encoding::Gbk {
            let (bytes, _, _) = encoding_rs::GBK.encode(&self.line);
            self.out.write_all(&bytes)?;
        } else {
            self.out.write_all(self.line.as_bytes())?;
        }
        self.line.clear();
        self.empty_line = true;
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> io::Result<usize> {
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Northing of the local origin in the Gauss-Krüger output (about 30° N).
const NORTHING_ORIGIN: f64 = 3_320_000.0;
/// Metres per degree of the simple local scale used for longitude/latitude output.
const METRES_PER_DEGREE_LAT: f64 = 110_574.0;
const METRES_PER_DEGREE_LON_EQUATOR: f64 = 111_320.0;

fn metres_per_degree_lon() -> f64 {
    METRES_PER_DEGREE_LON_EQUATOR * 30f64.to_radians().cos()
}

/// Converts global metres (x east, y north of 120° E 30° N) to the output CRS.
pub fn to_output(crs: OutputCrs, x: f64, y: f64) -> [f64; 2] {
    match crs {
        OutputCrs::GaussKruger => [500_000.0 + x, NORTHING_ORIGIN + y],
        OutputCrs::LonLat => [120.0 + x / metres_per_degree_lon(), 30.0 + y / METRES_PER_DEGREE_LAT],
    }
}

/// True area ÷ local area at global northing `y`: what the output CRS does to areas (1 for
/// Gauss-Krüger, measured planar; for degrees the GRS80 metric against the simple scale).
pub fn area_scale(crs: OutputCrs, y: f64) -> f64 {
    match crs {
        OutputCrs::GaussKruger => 1.0,
        OutputCrs::LonLat => {
            let (a, e2) = (6_378_137.0, 0.006_694_380_022_90);
            let lat = (30.0 + y / METRES_PER_DEGREE_LAT).to_radians();
            let w = 1.0 - e2 * lat.sin().powi(2);
            let n = a / w.sqrt();
            let m = a * (1.0 - e2) / (w * w.sqrt());
            let per_degree = std::f64::consts::PI / 180.0;
            (n * lat.cos() * per_degree / metres_per_degree_lon()) * (m * per_degree / METRES_PER_DEGREE_LAT)
        }
    }
}

/// A parcel's geometry in global metres, rings as they are to be written.
pub enum Shape {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

/// A property value of a feature: text, or a number with a fixed count of decimals.
pub enum Field<'a> {
    Text(&'a str),
    Number(f64, usize),
}

/// The properties of one parcel feature.
pub struct ParcelProps<'a> {
    pub parcel_id: &'a str,
    pub holder: &'a str,
    pub land_use: &'a str,
    pub park: &'a str,
    /// Written only when counties are named.
    pub county: Option<&'a str>,
    pub registered_mu: f64,
    pub status: &'a str,
}

impl<'a> ParcelProps<'a> {
    /// The properties in order, under the names cadastres use.
    pub fn fields(&self) -> Vec<(&'static str, Field<'a>)> {
        let county = self.county.map(|c| ("区县", Field::Text(c)));
        [
            ("宗地编号", Field::Text(self.parcel_id)),
            ("权利人代码", Field::Text(self.holder)),
            ("土地用途", Field::Text(self.land_use)),
            ("园区", Field::Text(self.park)),
        ]
        .into_iter()
        .chain(county)
        .chain([("登记面积", Field::Number(self.registered_mu, 2)), ("状态", Field::Text(self.status))])
        .collect()
    }
}

/// A GeoJSON FeatureCollection (`parcels.geojson`, `buildings.geojson`), written a feature
/// at a time.
pub struct GeoSink {
    out: BufWriter<File>,
    crs: OutputCrs,
    buf: String,
    /// Features written.
    pub features: usize,
}

impl GeoSink {
    /// Creates the file and writes the collection's head.
    pub fn create(path: &Path, crs: OutputCrs) -> io::Result<GeoSink> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        out.write_all(b"{\"type\":\"FeatureCollection\",\n")?;
        if crs == OutputCrs::GaussKruger {
            out.write_all(b"\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n")?;
        }
        out.write_all(b"\"features\":[\n")?;
        Ok(GeoSink { out, crs, buf: String::with_capacity(1024), features: 0 })
    }

    /// Writes one feature.
    pub fn feature(&mut self, fields: &[(&str, Field<'_>)], shape: &Shape) -> io::Result<()> {
        self.buf.clear();
        if self.features > 0 {
            self.buf.push_str(",\n");
        }
        self.buf.push_str("{\"type\":\"Feature\",\"properties\":{");
        for (i, (name, value)) in fields.iter().enumerate() {
            match value {
                Field::Text(text) => self.property(name, text, i == 0),
                Field::Number(x, decimals) => {
                    let _ = write!(self.buf, "{}\"{name}\":{x:.decimals$}", if i == 0 { "" } else { "," });
                }
            }
        }
        self.buf.push_str("},\"geometry\":");
        match shape {
            Shape::Polygon(rings) => {
                self.buf.push_str("{\"type\":\"Polygon\",\"coordinates\":");
                self.polygon(rings);
            }
            Shape::MultiPolygon(polygons) => {
                self.buf.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
                for (i, rings) in polygons.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(',');
                    }
                    self.polygon(rings);
                }
                self.buf.push(']');
            }
        }
        self.buf.push_str("}}");
        self.features += 1;
        self.out.write_all(self.buf.as_bytes())
    }

    fn property(&mut self, name: &str, value: &str, first: bool) {
        if !first {
            self.buf.push(',');
        }
        let _ = write!(self.buf, "\"{name}\":\"");
        for c in value.chars() {
            match c {
                '"' => self.buf.push_str("\\\""),
                '\\' => self.buf.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.buf, "\\u{:04x}", c as u32);
                }
                c => self.buf.push(c),
            }
        }
        self.buf.push('"');
    }

    fn polygon(&mut self, rings: &[Vec<[f64; 2]>]) {
        self.buf.push('[');
        for (r, ring) in rings.iter().enumerate() {
            if r > 0 {
                self.buf.push(',');
            }
            self.buf.push('[');
            for (i, &[x, y]) in ring.iter().enumerate() {
                if i > 0 {
                    self.buf.push(',');
                }
                let [a, b] = to_output(self.crs, x, y);
                let _ = match self.crs {
                    OutputCrs::GaussKruger => write!(self.buf, "[{a:.3},{b:.3}]"),
                    OutputCrs::LonLat => write!(self.buf, "[{a:.8},{b:.8}]"),
                };
            }
            self.buf.push(']');
        }
        self.buf.push(']');
    }

    /// Closes the collection and flushes the file.
    pub fn finish(mut self) -> io::Result<usize> {
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()?;
        Ok(self.features)
    }
}
