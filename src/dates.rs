//! Calendar dates of the land contracts (SPEC §14): read in every form a county writes them,
//! and whole years between two dates by the calendar (29 February plus a year is 28 February).
//!
//! ```
//! use muchan::dates::Date;
//! let d = Date::parse("2023年5月1日").expect("a date");
//! assert_eq!(d, Date::new(2023, 5, 1).expect("valid"));
//! assert_eq!(Date::parse("2023/5/1"), Some(d));
//! assert_eq!(Date::parse("去年"), None);
//! ```

/// A calendar date (proleptic Gregorian), ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

fn leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Excel's serial day numbers this reader accepts (1954-10-04 … 2173-10-14): a bare
/// five-digit number in a date column is a date Excel stored as a number.
const EXCEL_SERIALS: std::ops::RangeInclusive<i64> = 20_000..=99_999;

impl Date {
    /// The date, when it exists (a year in 1000–9999).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 31 December of `year` (the default `evaluation.as_of`).
    pub fn end_of_year(year: i32) -> Option<Date> {
        Date::new(year, 12, 31)
    }

    /// A date as written in a cell (SPEC §14): `2023-05-01`, `2023/5/1`, `2023.5.1`,
    /// `2023年5月1日`, `20230501`, an Excel date (as the spreadsheet reader writes it,
    /// `2023-05-01` or `2023-05-01T08:00:00`, or its serial number). `None` for anything else.
    pub fn parse(cell: &str) -> Option<Date> {
        let t = cell.trim();
        let t = t.split_once('T').map_or(t, |(date, _)| date);
        let t = t.split_once(' ').map_or(t, |(date, _)| date);
        if t.chars().all(|c| c.is_ascii_digit()) {
            return match t.len() {
                8 => Date::new(t[..4].parse().ok()?, t[4..6].parse().ok()?, t[6..].parse().ok()?),
                5 => Date::from_excel_serial(t.parse().ok()?),
                _ => None,
            };
        }
        if let Some(serial) = t.strip_suffix(".0").filter(|s| s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit())) {
            return Date::from_excel_serial(serial.parse().ok()?);
        }
        let parts: Vec<&str> = if let Some(rest) = t.strip_suffix('日') {
            let (y, rest) = rest.split_once('年')?;
            let (m, d) = rest.split_once('月')?;
            vec![y, m, d]
        } else {
            let sep = ['-', '/', '.'].into_iter().find(|s| t.contains(*s))?;
            t.split(sep).collect()
        };
        let [y, m, d] = parts.as_slice() else { return None };
        let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
            (n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then_some(())
        };
        digits(y, 4..=4)?;
        digits(m, 1..=2)?;
        digits(d, 1..=2)?;
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Excel's day `serial` (1900 date system: day 60 is the phantom 29 February 1900, so
    /// serials after it count from 30 December 1899).
    fn from_excel_serial(serial: i64) -> Option<Date> {
        if !EXCEL_SERIALS.contains(&serial) {
            return None;
        }
        Date::from_days(days_from_civil(1899, 12, 30) + serial)
    }

    fn from_days(z: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    /// The date `n` years later by the calendar: 29 February plus a (non-leap) year is
    /// 28 February.
    pub fn plus_years(self, n: i32) -> Date {
        let year = self.year + n;
        Date { year, month: self.month, day: self.day.min(days_in_month(year, self.month)) }
    }

    /// The whole years from `self` to `later` (0 when `later` is not after `self`): the
    /// largest N with `self` plus N years on or before `later`.
    pub fn whole_years_until(self, later: Date) -> u32 {
        if later <= self {
            return 0;
        }
        let mut n = (later.year - self.year).max(0);
        while n > 0 && self.plus_years(n) > later {
            n -= 1;
        }
        n as u32
    }
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).expect("a valid date")
    }

    #[test]
    fn every_form_of_the_spec() {
        let may_first = d(2023, 5, 1);
        for cell in
            ["2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日", "20230501", " 2023-5-01 ", "2023-05-01T00:00:00"]
        {
            assert_eq!(Date::parse(cell), Some(may_first), "{cell}");
        }
        // Excel's serial 45047 is 2023-05-01; 60 would be the phantom 1900-02-29 (refused).
        assert_eq!(Date::parse("45047"), Some(may_first));
        assert_eq!(Date::parse("45047.0"), Some(may_first));
    }

    #[test]
    fn anything_else_is_no_date() {
        for cell in
            ["", "去年", "2023-02-30", "2023-13-01", "2023/5", "5/1/2023", "2023年5月", "20231301", "2023", "1.5"]
        {
            assert_eq!(Date::parse(cell), None, "{cell}");
        }
        assert_eq!(Date::parse("2024-02-29"), Some(d(2024, 2, 29)));
        assert_eq!(Date::parse("2023-02-29"), None);
    }

    #[test]
    fn whole_years_by_the_calendar_across_29_february() {
        let leap_day = d(2020, 2, 29);
        assert_eq!(leap_day.plus_years(1), d(2021, 2, 28));
        assert_eq!(leap_day.plus_years(4), d(2024, 2, 29));
        // 2020-02-29 + 2 years is 2022-02-28: on that day two whole years have passed.
        assert_eq!(leap_day.whole_years_until(d(2022, 2, 27)), 1);
        assert_eq!(leap_day.whole_years_until(d(2022, 2, 28)), 2);
        assert_eq!(d(2022, 3, 1).whole_years_until(d(2024, 2, 29)), 1);
        assert_eq!(d(2022, 3, 1).whole_years_until(d(2024, 3, 1)), 2);
        assert_eq!(d(2024, 1, 1).whole_years_until(d(2023, 1, 1)), 0);
        assert_eq!(Date::end_of_year(2024), Some(d(2024, 12, 31)));
    }
}
