//! The CSV tables (enterprises, tax, energy, leases, adjustments): headers as bureaus export
//! them, and the rows of one firm — yearly statistics, annual tax, monthly energy, the odd
//! bonus, penalty or veto.

use std::io;
use std::path::Path;

use rand::Rng;
use rand::rngs::SmallRng;

use super::enterprises::{Firm, MONTH_SHARE, Year};
use super::messy::Messer;
use super::names::code_str;
use super::writers::{CsvSink, Encoding};

const ENTERPRISES_HEADER: &str = "统一社会信用代码,企业名称,年份,是否规上,行业代码,所属园区,营业收入(万元),工业增加值(万元),利润总额(万元),年平均职工人数,研发经费支出(万元),资产总计(万元),负债合计(万元),投产年份,不参评";
const TAX_HEADER: &str = "统一社会信用代码,年份,实缴税收(万元)";
const ENERGY_HEADER: &str = "统一社会信用代码,年份,月份,用电量(kWh),综合能耗(吨标准煤),主要污染物排放量(吨)";
const LEASES_HEADER: &str = "宗地编号,承租方代码,租赁面积(亩)";
const ADJUSTMENTS_HEADER: &str = "统一社会信用代码,分值,原因,一票否决";

const BONUSES: [(&str, f64); 4] =
    [("高新技术企业", 3.0), ("专精特新企业", 5.0), ("亩均效益提升明显", 2.0), ("智能化改造示范", 2.0)];
const PENALTIES: [(&str, f64); 4] =
    [("环保行政处罚", -3.0), ("一般安全生产事故", -5.0), ("违法用地", -5.0), ("欠缴税费", -2.0)];
const VETOES: [&str; 3] = ["重大安全生产事故", "重大环境污染事件", "非法占用土地"];

/// Text cells of an enterprise row decided once per firm-year (so a duplicate repeats them).
struct RowText<'a> {
    park: &'a str,
    county: Option<&'a str>,
    scale: &'static str,
    exempt: &'static str,
}

/// The five CSV tables being written.
pub struct Tables {
    pub enterprises: CsvSink,
    pub tax: CsvSink,
    pub energy: CsvSink,
    pub leases: CsvSink,
    pub adjustments: CsvSink,
}

/// Rows written per table.
pub struct RowCounts {
    pub enterprises: usize,
    pub tax: usize,
    pub energy: usize,
    pub leases: usize,
    pub adjustments: usize,
}

impl Tables {
    /// Creates the five files; messy data comes as GBK enterprises and a BOM on tax.
    /// With `counties`, enterprises get a `所属区县` column after the park.
    pub fn create(dir: &Path, messy: bool, counties: bool) -> io::Result<Tables> {
        let (gbk, bom) = if messy { (Encoding::Gbk, Encoding::Utf8Bom) } else { (Encoding::Utf8, Encoding::Utf8) };
        let header = if counties {
            ENTERPRISES_HEADER.replacen("所属园区,", "所属园区,所属区县,", 1)
        } else {
            ENTERPRISES_HEADER.to_string()
        };
        Ok(Tables {
            enterprises: CsvSink::create(dir, "enterprises.csv", &header, gbk)?,
            tax: CsvSink::create(dir, "tax.csv", TAX_HEADER, bom)?,
            energy: CsvSink::create(dir, "energy.csv", ENERGY_HEADER, Encoding::Utf8)?,
            leases: CsvSink::create(dir, "leases.csv", LEASES_HEADER, Encoding::Utf8)?,
            adjustments: CsvSink::create(dir, "adjustments.csv", ADJUSTMENTS_HEADER, Encoding::Utf8)?,
        })
    }

    pub fn finish(self) -> io::Result<RowCounts> {
        Ok(RowCounts {
            enterprises: self.enterprises.finish()?,
            tax: self.tax.finish()?,
            energy: self.energy.finish()?,
            leases: self.leases.finish()?,
            adjustments: self.adjustments.finish()?,
        })
    }

    /// All rows of one firm.
    pub fn firm(
        &mut self,
        rng: &mut SmallRng,
        messer: &mut Messer,
        firm: &Firm,
        park: &str,
        county: Option<&str>,
    ) -> io::Result<()> {
        let latest = firm.years.last().map_or(0, |y| y.year);
        for year in &firm.years {
            let scale = if rng.random_bool(0.05) {
                ""
            } else if firm.above {
                "是"
            } else {
                "否"
            };
            let exempt = if firm.exempt {
                "是"
            } else if rng.random_bool(0.6) {
                "否"
            } else {
                ""
            };
            let cells = RowText { park, county, scale, exempt };
            self.enterprise_row(messer, firm, &cells, year)?;
            if messer.chance(0.005) {
                self.enterprise_row(messer, firm, &cells, year)?;
            }
            if !rng.random_bool(0.01) {
                self.tax_row(messer, code_str(&firm.code), year.year, year.tax)?;
            }
            if firm.has_energy {
                let dormant = firm.dormant.filter(|_| year.year == latest);
                self.energy_rows(rng, messer, firm, year, dormant)?;
            }
        }
        self.adjustment(rng, messer, code_str(&firm.code))
    }

    fn enterprise_row(&mut self, m: &mut Messer, firm: &Firm, cells: &RowText, y: &Year) -> io::Result<()> {
        let s = &mut self.enterprises;
        m.code(s, code_str(&firm.code));
        s.text(&firm.name);
        s.integer(i64::from(y.year));
        s.text(cells.scale);
        s.text(firm.industry.code);
        s.text(cells.park);
        if let Some(county) = cells.county {
            s.text(county);
        }
        for value in [y.revenue, y.value_added, y.profit] {
            m.number(s, value, 2);
        }
        m.number(s, f64::from(y.employees), 0);
        for value in [y.rd, y.assets, y.liabilities] {
            m.number(s, value, 2);
        }
        s.integer(i64::from(firm.start_year));
        s.text(cells.exempt);
        s.end_row()
    }

    /// One annual tax row (also used for the orphan codes of messy data).
    pub fn tax_row(&mut self, m: &mut Messer, code: &str, year: i32, tax: f64) -> io::Result<()> {
        m.code(&mut self.tax, code);
        self.tax.integer(i64::from(year));
        m.number(&mut self.tax, tax, 2);
        self.tax.end_row()
    }

    fn energy_rows(
        &mut self,
        rng: &mut SmallRng,
        m: &mut Messer,
        firm: &Firm,
        y: &Year,
        dormant: Option<(u32, u32)>,
    ) -> io::Result<()> {
        let tce_per_kwh = y.tce / y.kwh.max(1.0);
        let emission_per_tce = y.emissions / y.tce.max(1e-9);
        for month in 1..=12u32 {
            let kwh = match dormant {
                Some((first, last)) if (first..=last).contains(&month) => rng.random_range(0.0..900.0f64).round(),
                _ => (y.kwh * MONTH_SHARE[month as usize - 1] * rng.random_range(0.9..1.1)).round(),
            };
            let tce = kwh * tce_per_kwh;
            let s = &mut self.energy;
            m.code(s, code_str(&firm.code));
            s.integer(i64::from(y.year));
            s.integer(i64::from(m.month(month)));
            m.number(s, kwh, 0);
            m.number(s, tce, 3);
            if firm.reports_emissions && !rng.random_bool(0.03) {
                m.number(s, tce * emission_per_tce, 4);
            } else {
                s.text("");
            }
            s.end_row()?;
        }
        Ok(())
    }

    /// A bonus or penalty for about 3 % of firms, a veto for about 0.3 %.
    fn adjustment(&mut self, rng: &mut SmallRng, m: &mut Messer, code: &str) -> io::Result<()> {
        let s = &mut self.adjustments;
        if rng.random_bool(0.03) {
            let table = if rng.random_bool(0.5) { &BONUSES } else { &PENALTIES };
            let (reason, points) = table[rng.random_range(0..table.len())];
            m.code(s, code);
            s.number(points, 0);
            s.text(reason);
            s.text(if rng.random_bool(0.5) { "否" } else { "" });
            s.end_row()?;
        }
        if rng.random_bool(0.003) {
            m.code(s, code);
            s.text("");
            s.text(VETOES[rng.random_range(0..VETOES.len())]);
            s.text("是");
            s.end_row()?;
        }
        Ok(())
    }

    /// One lease row; `area_mu` `None` leaves the area empty (the rest of the parcel).
    pub fn lease_row(&mut self, m: &mut Messer, parcel_id: &str, lessee: &str, area_mu: Option<f64>) -> io::Result<()> {
        self.leases.text(parcel_id);
        m.code(&mut self.leases, lessee);
        match area_mu {
            Some(area) => self.leases.number(area, 2),
            None => self.leases.text(""),
        }
        self.leases.end_row()
    }
}
