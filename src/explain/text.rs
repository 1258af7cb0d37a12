//! An explanation told in words, in English or Chinese, with numbers rounded for reading
//! (`764.262`, not `764.2620000000001`): what `muchan explain` prints.

use super::{Band, ClassReason, Explanation, LeaseLine, ParcelLine, YearLine};
use crate::domain::{Class, Evidence, Group, ReclaimReason};
use crate::history::YearResult;
use crate::numbers::with_thousands;
use crate::output::Lang;
use crate::rating::stability::Spread;
use std::fmt::Write as _;

/// A number for reading: two decimals from 1 up, four below (six below 0.0001), thousands
/// separated, trailing zeros dropped; `—` when missing.
pub fn readable(x: Option<f64>) -> String {
    let Some(x) = x.filter(|x| x.is_finite()) else { return "—".into() };
    let decimals = match x.abs() {
        a if a >= 1.0 || a == 0.0 => 2,
        a if a >= 1e-4 => 4,
        _ => 6,
    };
    let text = with_thousands(x, decimals);
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A share as a percentage: `20%`, `2.5%`.
fn percent(share: f64) -> String {
    format!("{}%", readable(Some(share * 100.0)).replace(',', ""))
}

/// 1st, 2nd, 3rd, 4th, 11th, 21st …
fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The words of the explanation's fixed parts.
struct Words {
    status: &'static str,
    why: &'static str,
    next: &'static str,
    by_year: &'static str,
    adjustments: &'static str,
    parcels: &'static str,
    leases: &'static str,
    land: &'static str,
    indicators: &'static str,
    adjustment: &'static str,
    total: &'static str,
    rank: [&'static str; 2],
    surcharge: &'static str,
    flags: [&'static str; 3],
    yes_no: [&'static str; 2],
    problems: &'static str,
    no_row: &'static str,
    /// revenue, value added, profit, employees, R&D, tax, rows, kWh, tce, t
    figures: [&'static str; 10],
    mu: &'static str,
    rest_of_parcel: &'static str,
    ignored: &'static str,
    block: &'static str,
    veto: &'static str,
    points: &'static str,
    /// benchmark, ratio, cap
    scoring: [&'static str; 3],
    /// plot ratio, coverage, minimum, 低效
    intensity: [&'static str; 4],
    commitments: &'static str,
    /// review year, damages (万元), idle years, idle fee (万元), due next year
    review: [&'static str; 5],
    class_by_year: &'static str,
    /// class last year, consecutive years of class D
    streak: [&'static str; 2],
    stability: &'static str,
    /// early warnings, the latest month after them (`{m}` its number), none
    alerts: [&'static str; 3],
}

const EN: Words = Words {
    status: "status",
    why: "why this class",
    next: "the next class",
    by_year: "figures by year (万元 unless named)",
    adjustments: "adjustments",
    parcels: "parcels (own)",
    leases: "leases",
    land: "land_mu = own − leased out + leased in =",
    indicators: "indicators: score = weight × min(max(value ÷ benchmark, 0), cap)",
    adjustment: "adjustment",
    total: "total = Σ scores + adjustment =",
    rank: ["rank", "of"],
    surcharge: "electricity surcharge (yuan)",
    flags: ["zombie", "双高 (high energy and emission)", "fragmented pieces"],
    yes_no: ["yes", "no"],
    problems: "data problems",
    no_row: "no enterprises row",
    figures: ["revenue", "value added", "profit", "employees", "R&D", "tax", "rows", "kWh", "tce", "t"],
    mu: "mu",
    rest_of_parcel: "the rest of the parcel",
    ignored: "ignored",
    block: "block",
    veto: "veto",
    points: "points",
    scoring: ["benchmark", "ratio", "cap"],
    intensity: ["plot ratio", "coverage", "minimum", "低效"],
    commitments: "标准地 commitments (committed → actual, ratio)",
    review: ["review", "damages (万元)", "idle years", "idle fee (万元)", "review due next year"],
    class_by_year: "class by year",
    streak: ["class last year", "consecutive years of class D"],
    stability: "stability",
    alerts: ["early warnings", " (month {m})", "none"],
};

const ZH: Words = Words {
    status: "评价状态",
    why: "为何是此类别",
    next: "距上一类别",
    by_year: "历年数据（未注明者单位为万元）",
    adjustments: "加减分",
    parcels: "自有宗地",
    leases: "租赁",
    land: "用地面积 = 自有 − 租出 + 租入 =",
    indicators: "指标：得分 = 权重 × min(max(指标值 ÷ 基准值, 0), 封顶倍数)",
    adjustment: "加减分",
    total: "综合得分 = Σ 指标得分 + 加减分 =",
    rank: ["排名", "/"],
    surcharge: "差别化电价加价（元）",
    flags: ["僵尸企业", "双高企业", "用地分散块数"],
    yes_no: ["是", "否"],
    problems: "数据问题",
    no_row: "无企业数据",
    figures: ["营业收入", "工业增加值", "利润总额", "职工人数", "研发经费", "税收", "条", "千瓦时", "吨标煤", "吨"],
    mu: "亩",
    rest_of_parcel: "宗地剩余面积",
    ignored: "不予采用",
    block: "可盘活地块",
    veto: "一票否决",
    points: "分",
    scoring: ["基准值", "比值", "封顶"],
    intensity: ["容积率", "建筑系数", "下限", "低效认定"],
    commitments: "标准地承诺（承诺值 → 实际值，比值）",
    review: ["复核年度", "违约金（万元）", "闲置年数", "闲置费（万元）", "明年到期复核"],
    class_by_year: "历年类别",
    streak: ["上年类别", "连续D类年数"],
    stability: "类别稳定度",
    alerts: ["监测预警", "（{m}月）", "无"],
};

impl Explanation {
    /// The explanation as text a person reads, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let w = if lang == Lang::Zh { &ZH } else { &EN };
        let mut out = String::new();
        let group = self.group.map_or(String::new(), |g| format!(", {}", group_name(g, lang)));
        let industry = self.industry.as_deref().map(|i| crate::industry::describe(i, lang));
        let context: Vec<String> = [industry, self.park.clone()].into_iter().flatten().collect();
        let context = if context.is_empty() { String::new() } else { format!(" ({})", context.join(", ")) };
        let _ = writeln!(
            out,
            "{} {} — {}{group}{context}",
            self.credit_code,
            self.name.as_deref().unwrap_or(""),
            self.year
        );
        let _ = writeln!(out, "{}: {}", w.status, self.status.map_or("", |s| lang.status(s)));
        let _ = writeln!(out, "{}: {}", w.why, self.why(lang));
        if let Some(next) = self.next(lang) {
            let _ = writeln!(out, "{}: {next}", w.next);
        }
        self.figures(&mut out, w, lang);
        self.land(&mut out, w, lang);
        self.scores(&mut out, w, lang);
        self.flags(&mut out, w, lang);
        self.over_time(&mut out, w, lang);
        if !self.problems.is_empty() {
            let _ = writeln!(out, "\n{}:", w.problems);
            for p in &self.problems {
                let _ = writeln!(
                    out,
                    "  {} {} {} {} {} ({}): {}",
                    lang.severity(p.severity),
                    lang.table(&p.table),
                    p.row,
                    p.field,
                    lang.problem(p.code),
                    p.code,
                    lang.message(p)
                );
            }
        }
        out
    }

    /// Why the class is what it is, in one sentence.
    fn why(&self, lang: Lang) -> String {
        let class = self.class.map_or("", |c| c.as_str());
        let group = self.group.map_or(String::new(), |g| group_name(g, lang));
        match (&self.class_reason, lang) {
            (ClassReason::NotRated { status }, Lang::En) => {
                format!("not rated (status {}), so class {class}", status.map_or("", |s| s.as_str()))
            }
            (ClassReason::NotRated { status }, Lang::Zh) => {
                format!("未参评（{}），因此为{}", status.map_or("", |s| lang.status(s)), self.class_name(lang))
            }
            (ClassReason::Veto { rank, n }, Lang::En) => format!(
                "a veto adjustment (一票否决) makes it D whatever its rank ({} of {n} in the {group})",
                ordinal(*rank)
            ),
            (ClassReason::Veto { rank, n }, Lang::Zh) => {
                format!("一票否决，无论排名（{group}组 {n} 家中第 {rank} 名）均为D类")
            }
            (ClassReason::Zombie { rank, n }, Lang::En) => format!(
                "a zombie enterprise, and zombie.class_d makes it D whatever its rank ({} of {n} in the {group})",
                ordinal(*rank)
            ),
            (ClassReason::Zombie { rank, n }, Lang::Zh) => {
                format!("属僵尸企业，按设置 zombie.class_d 无论排名（{group}组 {n} 家中第 {rank} 名）均为D类")
            }
            (ClassReason::Share { rank, n, bands }, _) => share_sentence(*rank, *n, bands, &group, class, lang),
            (ClassReason::Score { cut_offs: [a, b, c], rounded_total }, Lang::En) => format!(
                "score cut-offs: A from {}, B from {}, C from {} points; its total {} makes it {class}",
                readable(Some(*a)),
                readable(Some(*b)),
                readable(Some(*c)),
                readable(Some(*rounded_total))
            ),
            (ClassReason::Score { cut_offs: [a, b, c], rounded_total }, Lang::Zh) => format!(
                "按分数划档：{} 分及以上为A类，{} 分及以上为B类，{} 分及以上为C类；综合得分 {}，因此为{}",
                readable(Some(*a)),
                readable(Some(*b)),
                readable(Some(*c)),
                readable(Some(*rounded_total)),
                self.class_name(lang)
            ),
        }
    }

    /// How far the next better class is, for a rated enterprise.
    fn next(&self, lang: Lang) -> Option<String> {
        if !matches!(self.class_reason, ClassReason::Share { .. } | ClassReason::Score { .. }) {
            return None;
        }
        let (Some(next), Some(points)) = (self.next_class, self.points_to_next_class) else {
            return Some(match (self.class, lang) {
                (Some(Class::A), Lang::En) => "none: it is in the best class".into(),
                (Some(Class::A), Lang::Zh) => "已是最高类别".into(),
                (_, Lang::En) => "no better class has a member".into(),
                (_, Lang::Zh) => "更高类别暂无企业".into(),
            });
        };
        let reached = self.total_score.map(|t| t + points);
        Some(match lang {
            Lang::En => format!(
                "{} points more (a total of {}) would have made it {next}",
                readable(Some(points)),
                readable(reached)
            ),
            Lang::Zh => format!(
                "再得 {} 分（综合得分达到 {}）即可升为{}类（{}）",
                readable(Some(points)),
                readable(reached),
                next.as_str(),
                lang.class(next)
            ),
        })
    }

    fn class_name(&self, lang: Lang) -> String {
        self.class.map_or(String::new(), |c| match lang {
            Lang::En => c.as_str().to_string(),
            Lang::Zh => format!("{}类（{}）", c.as_str(), lang.class(c)),
        })
    }

    fn figures(&self, out: &mut String, w: &Words, lang: Lang) {
        let _ = writeln!(out, "\n{}:", w.by_year);
        for y in &self.years {
            let _ = writeln!(out, "  {}", year_text(y, w));
        }
        if !self.adjustments.is_empty() {
            let _ = writeln!(out, "{}:", w.adjustments);
        }
        for a in &self.adjustments {
            let veto = if a.veto { format!(", {}", w.veto) } else { String::new() };
            let reason = a.reason.as_deref().map_or(String::new(), |r| format!(", {r}"));
            let _ = writeln!(out, "  {}: {} {}{veto}{reason}", row_label(a.row, lang), readable(a.points), w.points);
        }
    }

    fn land(&self, out: &mut String, w: &Words, lang: Lang) {
        let _ = writeln!(out, "\n{}:", w.parcels);
        for p in &self.parcels {
            let reasons: Vec<&str> = p
                .reasons
                .split(';')
                .filter(|r| !r.is_empty())
                .map(|r| ReclaimReason::parse(r).map_or(r, |r| lang.reclaim_reason(r)))
                .collect();
            let block = p.block_id.map_or(String::new(), |b| format!(" {} #{b}", w.block));
            let _ = writeln!(
                out,
                "  {} {} {} {} {}{block}",
                p.parcel_id,
                readable(Some(p.area_mu)),
                w.mu,
                p.land_use.as_deref().unwrap_or(""),
                reasons.join(", ")
            );
            if let Some(line) = intensity_text(p, w, lang) {
                let _ = writeln!(out, "    {line}");
            }
        }
        if !self.leases.is_empty() {
            let _ = writeln!(out, "{}:", w.leases);
        }
        for l in &self.leases {
            let _ = writeln!(out, "  {}", lease_text(l, w, lang));
        }
        let _ = writeln!(out, "{} {} {}", w.land, readable(self.land_mu), w.mu);
        self.commitments_text(out, w, lang);
    }

    fn commitments_text(&self, out: &mut String, w: &Words, lang: Lang) {
        if self.commitments.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{}:", w.commitments);
        for c in &self.commitments {
            let year = c.review_year.map_or(String::new(), |y| y.to_string());
            let mut head = format!("{} {} {year}: {}", c.parcel_id, w.review[0], lang.review_status(c.review_status));
            if let Some(p) = c.penalty_total {
                let _ = write!(head, ", {} {}", w.review[1], readable(Some(p)));
            }
            if c.idle_years > 0 {
                let _ = write!(head, ", {} {}, {} {}", w.review[2], c.idle_years, w.review[3], readable(c.idle_fee));
            }
            if c.due_next_year {
                let _ = write!(head, ", {}", w.review[4]);
            }
            let _ = writeln!(out, "  {head}");
            for i in &c.indicators {
                let ratio = i.ratio.map_or(String::new(), |r| format!(", {}", percent(r)));
                let name = lang.committed_indicator(i.indicator);
                let _ = writeln!(out, "    {name}: {} → {}{ratio}", readable(i.committed), readable(i.actual));
            }
        }
    }

    fn scores(&self, out: &mut String, w: &Words, lang: Lang) {
        if self.indicators.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{}", w.indicators);
        for i in &self.indicators {
            let factor = if i.factor == 1.0 { String::new() } else { format!(" × {}", readable(Some(i.factor))) };
            let name = match lang {
                Lang::En => i.name.clone(),
                Lang::Zh => format!("{} ({})", lang.indicator(&i.name), i.name),
            };
            let _ = writeln!(
                out,
                "  {name}: {} {} ÷ {} {}{factor} = {}; {} {}; {} {}; × {} ({} {}) → {}",
                lang.header(&i.numerator),
                readable(i.numerator_value),
                lang.header(&i.denominator),
                readable(i.denominator_value),
                readable(i.value),
                w.scoring[0],
                readable(i.benchmark),
                w.scoring[1],
                readable(i.ratio),
                readable(i.weight),
                w.scoring[2],
                readable(Some(i.cap)),
                readable(i.score)
            );
        }
        let _ = writeln!(out, "  {} {}", w.adjustment, readable(self.adjustment));
        let _ = writeln!(out, "{} {}", w.total, readable(self.total_score));
        let _ = writeln!(
            out,
            "{} {} {} {}; {}",
            w.rank[0],
            readable(self.rank.map(|r| r as f64)),
            w.rank[1],
            readable(self.rated_in_group.map(|n| n as f64)),
            self.class_name(lang)
        );
        let _ = writeln!(out, "{}: {}", w.surcharge, readable(self.surcharge_yuan));
    }

    fn flags(&self, out: &mut String, w: &Words, lang: Lang) {
        let yes_no = |b: bool| if b { w.yes_no[0] } else { w.yes_no[1] };
        let _ = writeln!(
            out,
            "\n{} {}, {} {}, {} {}",
            w.flags[0],
            yes_no(self.zombie),
            w.flags[1],
            self.high_energy_emission.map_or("—", yes_no),
            w.flags[2],
            self.fragmented_pieces
        );
        for e in &self.zombie_evidence {
            let _ = writeln!(out, "  {}", evidence_text(e, lang));
        }
    }

    /// Its class by year, the D run, how stable its class is and its early warnings (SPEC §16).
    fn over_time(&self, out: &mut String, w: &Words, lang: Lang) {
        let years: Vec<String> = self.history.iter().map(|y| class_year_text(y, lang)).collect();
        let years = if years.is_empty() { "—".to_string() } else { years.join(" · ") };
        let _ = writeln!(out, "\n{}: {years}", w.class_by_year);
        let _ = writeln!(
            out,
            "{} {}; {} {}",
            w.streak[0],
            self.class_prev.map_or("—".to_string(), |c| class_label(c, lang)),
            w.streak[1],
            readable(self.d_streak.map(|d| d as f64))
        );
        if let (Some(class), Some(spread)) = (self.class, &self.stability) {
            let _ = writeln!(out, "{}: {}", w.stability, stability_text(class, spread, lang));
        }
        let month = self.alert_month.map_or(String::new(), |m| w.alerts[1].replace("{m}", &m.to_string()));
        let none = if self.alerts.is_empty() { format!(" {}", w.alerts[2]) } else { String::new() };
        let _ = writeln!(out, "{}{month}:{none}", w.alerts[0]);
        for a in &self.alerts {
            let rule = match lang {
                Lang::En => a.rule.as_str().to_string(),
                Lang::Zh => format!("{} ({})", lang.alert_rule(a.rule), a.rule),
            };
            let _ = writeln!(out, "  {rule}: {}", a.evidence);
        }
    }
}

/// A class as a sentence names it: `B`, `B类`.
fn class_label(class: Class, lang: Lang) -> String {
    match lang {
        Lang::En => class.as_str().to_string(),
        Lang::Zh => format!("{class}类"),
    }
}

/// One year of the history: `2023 B (total 71.5, rank 4)`, or `2022 N (no_land)` unrated.
fn class_year_text(y: &YearResult, lang: Lang) -> String {
    let class = class_label(y.class, lang);
    match (y.total_score, y.rank, lang) {
        (Some(total), Some(rank), Lang::En) => {
            format!("{} {class} (total {}, rank {rank})", y.year, readable(Some(total)))
        }
        (Some(total), Some(rank), Lang::Zh) => {
            format!("{}年 {class}（综合得分 {}，排名 {rank}）", y.year, readable(Some(total)))
        }
        (_, _, Lang::En) => format!("{} {class} ({})", y.year, y.status),
        (_, _, Lang::Zh) => format!("{}年 {class}（{}）", y.year, lang.status(y.status)),
    }
}

/// How stable a class is over the draws: `B in 87 % of draws, otherwise C`, naming the other
/// classes of its range (`otherwise A or C`, `otherwise B to D`).
fn stability_text(class: Class, spread: &Spread, lang: Lang) -> String {
    let share = format!("{}%", (spread.share * 100.0).round());
    let others: Vec<Class> =
        Class::RATED.into_iter().filter(|c| *c != class && spread.best <= *c && *c <= spread.worst).collect();
    let (or, to) = if lang == Lang::Zh { ("或", "至") } else { (" or ", " to ") };
    let others = match others.as_slice() {
        [] => None,
        [one] => Some(one.to_string()),
        [first, second] => Some(format!("{first}{or}{second}")),
        [first, .., last] => Some(format!("{first}{to}{last}")),
    };
    match (lang, others) {
        (Lang::En, None) => format!("{class} in {share} of draws"),
        (Lang::En, Some(others)) => format!("{class} in {share} of draws, otherwise {others}"),
        (Lang::Zh, None) => format!("{share} 的抽样为{class}类"),
        (Lang::Zh, Some(others)) => format!("{share} 的抽样为{class}类，其余为{others}类"),
    }
}

/// The group's name as a sentence uses it.
fn group_name(group: Group, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{group} group"),
        Lang::Zh => lang.group(group).to_string(),
    }
}

/// The plain-words reason of a share class.
fn share_sentence(rank: i64, n: i64, bands: &[Band; 3], group: &str, class: &str, lang: Lang) -> String {
    let [a, b, c] = bands;
    match lang {
        Lang::En => format!(
            "ranked {} of {n} in the {group}: the top {} ({} firms) are A, the top {} ({}) A or B, the top {} ({}) A to C, \
             the rest D — so it is {class}",
            ordinal(rank),
            percent(a.share),
            a.last_rank,
            percent(b.share),
            b.last_rank,
            percent(c.share),
            c.last_rank,
        ),
        Lang::Zh => format!(
            "在{group}组 {n} 家参评企业中排名第 {rank}：前 {}（{} 家）为A类，前 {}（{} 家）为A或B类，前 {}（{} 家）为A至C类，\
             其余为D类——因此为{class}类（{}）",
            percent(a.share),
            a.last_rank,
            percent(b.share),
            b.last_rank,
            percent(c.share),
            c.last_rank,
            Class::parse(class).map_or("", |k| lang.class(k)),
        ),
    }
}

fn year_text(y: &YearLine, w: &Words) -> String {
    let f = &w.figures;
    let enterprise = if y.has_row {
        format!(
            "{} {}, {} {}, {} {}, {} {}, {} {}",
            f[0],
            readable(y.revenue),
            f[1],
            readable(y.value_added),
            f[2],
            readable(y.profit),
            f[3],
            readable(y.employees),
            f[4],
            readable(y.rd_expense)
        )
    } else {
        w.no_row.to_string()
    };
    format!(
        "{}: {enterprise}; {} {} ({} {}); {} {}, {} {}, {} {}",
        y.year,
        f[5],
        readable(y.tax),
        readable(y.tax_rows),
        f[6],
        readable(y.electricity_kwh),
        f[7],
        readable(y.energy_tce),
        f[8],
        readable(y.emissions),
        f[9]
    )
}

/// A parcel's building intensity and fired 低效 tests, when it has either.
fn intensity_text(p: &ParcelLine, w: &Words, lang: Lang) -> Option<String> {
    if p.plot_ratio.is_none() && p.coverage.is_none() && p.low_efficiency.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(r) = p.plot_ratio {
        let min = p.min_plot_ratio.map_or(String::new(), |m| format!(" ({} {})", w.intensity[2], readable(Some(m))));
        parts.push(format!("{} {}{min}", w.intensity[0], readable(Some(r))));
    }
    if let Some(c) = p.coverage {
        parts.push(format!("{} {}", w.intensity[1], readable(Some(c))));
    }
    if !p.low_efficiency.is_empty() {
        let tests: Vec<&str> = p.low_efficiency.iter().map(|t| lang.low_test(*t)).collect();
        parts.push(format!("{}: {}", w.intensity[3], tests.join(", ")));
    }
    Some(parts.join(", "))
}

fn lease_text(l: &LeaseLine, w: &Words, lang: Lang) -> String {
    let area = match (&l.unusable, &l.unusable_zh, l.area_mu) {
        (Some(en), zh, _) => {
            let why = if lang == Lang::Zh { zh.as_deref().unwrap_or(en) } else { en };
            format!("{why} — {}", w.ignored)
        }
        (None, _, Some(a)) => format!("{} {}", readable(Some(a)), w.mu),
        (None, _, None) => w.rest_of_parcel.to_string(),
    };
    match lang {
        Lang::En => format!("{}: parcel {} to {}, {area}", row_label(l.row, lang), l.parcel_id, l.lessee),
        Lang::Zh => format!("{}：宗地 {} 租给 {}，{area}", row_label(l.row, lang), l.parcel_id, l.lessee),
    }
}

/// `row 3`, `第 3 行`.
fn row_label(row: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("row {row}"),
        Lang::Zh => format!("第 {row} 行"),
    }
}

/// A fired zombie rule and what it saw.
fn evidence_text(e: &Evidence, lang: Lang) -> String {
    let list = |pairs: &[(i32, f64)], unit: &str| {
        pairs.iter().map(|(y, v)| format!("{y}{unit} {}", readable(Some(*v)))).collect::<Vec<_>>().join(", ")
    };
    let zh = lang == Lang::Zh;
    match e {
        Evidence::DormantPower { months, first, last, kwh, year } if zh => {
            format!("长期停产：{year}年{first}–{last}月连续 {months} 个月用电低于 {} 千瓦时", readable(Some(*kwh)))
        }
        Evidence::DormantPower { months, first, last, kwh, year } => format!(
            "dormant power: {months} consecutive months (months {first}–{last} of {year}) under {} kWh",
            readable(Some(*kwh))
        ),
        Evidence::PersistentLosses { profits } if zh => format!("连续亏损（利润总额，万元）：{}", list(profits, "年")),
        Evidence::PersistentLosses { profits } => format!("persistent losses: profit {}", list(profits, "")),
        Evidence::NoTax { taxes } if zh => format!("连续零税收（万元）：{}", list(taxes, "年")),
        Evidence::NoTax { taxes } => format!("no tax: tax {}", list(taxes, "")),
        Evidence::Insolvent { liabilities, assets, limit } if zh => format!(
            "资不抵债：负债 {} ÷ 资产 {} = {}，超过 {}",
            readable(Some(*liabilities)),
            readable(Some(*assets)),
            readable(Some(liabilities / assets)),
            readable(Some(*limit))
        ),
        Evidence::Insolvent { liabilities, assets, limit } => format!(
            "insolvent: liabilities {} ÷ assets {} = {} > {}",
            readable(Some(*liabilities)),
            readable(Some(*assets)),
            readable(Some(liabilities / assets)),
            readable(Some(*limit))
        ),
        Evidence::RevenueCollapse { previous, current } if zh => format!(
            "营收断崖下降：营业收入由 {} 降至 {}（{}）",
            readable(Some(*previous)),
            readable(Some(*current)),
            percent((current - previous) / previous)
        ),
        Evidence::RevenueCollapse { previous, current } => format!(
            "revenue collapse: revenue fell from {} to {} ({})",
            readable(Some(*previous)),
            readable(Some(*current)),
            percent((current - previous) / previous)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_for_reading() {
        assert_eq!(readable(Some(764.262_000_000_000_1)), "764.26");
        assert_eq!(readable(Some(123_456.0)), "123,456");
        assert_eq!(readable(Some(0.031_26)), "0.0313");
        assert_eq!(readable(Some(0.41)), "0.41");
        assert_eq!(readable(Some(0.000_001)), "0.000001");
        assert_eq!(readable(Some(-2.5)), "-2.5");
        assert_eq!(readable(None), "—");
        assert_eq!(percent(0.2), "20%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!([1, 2, 3, 4, 11, 12, 13, 21, 54].map(ordinal).join(" "), "1st 2nd 3rd 4th 11th 12th 13th 21st 54th");
    }

    #[test]
    fn stability_reads_as_a_sentence() {
        let spread = |share, best, worst| Spread { share, best, worst };
        let en = |class, s: Spread| stability_text(class, &s, Lang::En);
        assert_eq!(en(Class::B, spread(0.87, Class::B, Class::C)), "B in 87% of draws, otherwise C");
        assert_eq!(en(Class::B, spread(0.5, Class::A, Class::C)), "B in 50% of draws, otherwise A or C");
        assert_eq!(en(Class::A, spread(0.4, Class::A, Class::D)), "A in 40% of draws, otherwise B to D");
        assert_eq!(en(Class::D, spread(1.0, Class::D, Class::D)), "D in 100% of draws");
        // 0.625 of the draws rounds to 63 %.
        let zh = |class, s: Spread| stability_text(class, &s, Lang::Zh);
        assert_eq!(zh(Class::C, spread(0.625, Class::B, Class::C)), "63% 的抽样为C类，其余为B类");
        assert_eq!(zh(Class::A, spread(0.4, Class::A, Class::D)), "40% 的抽样为A类，其余为B至D类");
        assert_eq!(zh(Class::D, spread(1.0, Class::D, Class::D)), "100% 的抽样为D类");
    }
}
