//! Places and names: counties with their region codes, parks, industries, company names and
//! unified social credit codes (valid GB 32100 check characters, unique by construction).

use rand::Rng;
use rand::rngs::SmallRng;

/// Province-level prefixes of administrative region codes; Zhejiang (33) first.
const PROVINCE_PREFIXES: [&str; 31] = [
    "33", "32", "31", "34", "35", "36", "37", "44", "11", "12", "13", "14", "15", "21", "22", "23", "41", "42", "43",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];

/// Counties per province in the synthetic country.
pub const COUNTIES_PER_PROVINCE: usize = 50;

const COUNTY_FIRST: [&str; 40] = [
    "安", "长", "德", "东", "富", "海", "嘉", "建", "江", "金", "开", "兰", "丽", "临", "龙", "南", "宁", "平", "浦",
    "青", "庆", "瑞", "上", "嵊", "松", "泰", "天", "桐", "温", "武", "仙", "新", "永", "余", "玉", "云", "诸", "遂",
    "乐", "象",
];
const COUNTY_SECOND: [&str; 30] = [
    "吉", "兴", "清", "阳", "山", "宁", "善", "德", "华", "溪", "化", "水", "海", "州", "江", "安", "湖", "源", "川",
    "平", "城", "昌", "门", "丰", "居", "和", "康", "泉", "庐", "田",
];
const TOWNS: [&str; 12] =
    ["城东", "城西", "临江", "滨江", "新塘", "白鹤", "石桥", "青山", "古镇", "南湖", "北港", "东湖"];
const TRADE_FIRST: [&str; 24] = [
    "华", "恒", "宏", "鑫", "永", "新", "金", "天", "万", "瑞", "盛", "富", "联", "中", "东", "明", "创", "博", "正",
    "海", "信", "德", "嘉", "汇",
];
const TRADE_SECOND: [&str; 24] = [
    "立", "达", "泰", "源", "通", "丰", "力", "鼎", "成", "隆", "昌", "宇", "诚", "润", "峰", "晟", "科", "光", "邦",
    "远", "兴", "弘", "特", "美",
];

/// One GB/T 4754 industry class with the word it lends to company names.
pub struct Industry {
    pub code: &'static str,
    pub word: &'static str,
    /// Relative frequency among firms.
    pub weight: u32,
    /// Energy- and emission-intensive (the likely 双高 firms).
    pub heavy: bool,
    /// Utilities, which counties exempt from the evaluation.
    pub utility: bool,
}

const fn industry(code: &'static str, word: &'static str, weight: u32, heavy: bool) -> Industry {
    Industry { code, word, weight, heavy, utility: false }
}

pub const INDUSTRIES: [Industry; 20] = [
    industry("1713", "纺织", 8, false),
    industry("1752", "印染", 3, true),
    industry("1810", "服饰", 5, false),
    industry("1951", "鞋业", 3, false),
    industry("2110", "家具", 4, false),
    industry("2231", "纸业", 2, true),
    industry("2614", "化工", 4, true),
    industry("2710", "制药", 2, false),
    industry("2922", "塑料制品", 7, false),
    industry("3011", "水泥", 1, true),
    industry("3120", "钢铁", 1, true),
    industry("3311", "金属结构", 6, false),
    industry("3484", "机械", 12, false),
    industry("3670", "汽车零部件", 9, false),
    industry("3825", "电气", 8, false),
    industry("3874", "照明电器", 4, false),
    industry("3976", "电子科技", 8, false),
    industry("4090", "仪器仪表", 3, false),
    Industry { code: "4411", word: "热电", weight: 1, heavy: true, utility: true },
    Industry { code: "4610", word: "水务", weight: 1, heavy: false, utility: true },
];

/// A weighted draw from [`INDUSTRIES`].
pub fn pick_industry(rng: &mut SmallRng) -> &'static Industry {
    let total: u32 = INDUSTRIES.iter().map(|i| i.weight).sum();
    let mut draw = rng.random_range(0..total);
    for ind in &INDUSTRIES {
        if draw < ind.weight {
            return ind;
        }
        draw -= ind.weight;
    }
    &INDUSTRIES[0]
}

/// The six-digit administrative region code of county number `county` (0-based, nation-wide).
pub fn region_code(county: usize) -> [u8; 6] {
    let province = county / COUNTIES_PER_PROVINCE;
    let within = county % COUNTIES_PER_PROVINCE;
    let prefix = PROVINCE_PREFIXES[province % PROVINCE_PREFIXES.len()].as_bytes();
    let city = (province / PROVINCE_PREFIXES.len()) * 5 + within / 10 + 1;
    let county_no = within % 10 + 21;
    let mut out = [0u8; 6];
    out[..2].copy_from_slice(prefix);
    out[2..4].copy_from_slice(&two_digits(city % 100));
    out[4..6].copy_from_slice(&two_digits(county_no));
    out
}

fn two_digits(n: usize) -> [u8; 2] {
    [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]
}

/// The name of county number `county` (two characters, repeating across provinces).
pub fn county_name(county: usize) -> String {
    let first = COUNTY_FIRST[county % COUNTY_FIRST.len()];
    let second = COUNTY_SECOND[(county / COUNTY_FIRST.len() + county * 7) % COUNTY_SECOND.len()];
    format!("{first}{second}")
}

/// The name of the `index`-th park of a county: 经开区, 高新区, then town parks.
pub fn park_name(county_name: &str, county: usize, index: usize) -> String {
    match index {
        0 => format!("{county_name}经开区"),
        1 => format!("{county_name}高新区"),
        _ => {
            let town = TOWNS[(county * 5 + index) % TOWNS.len()];
            let kind = if index.is_multiple_of(2) { "工业园" } else { "小微企业园" };
            format!("{county_name}{town}{kind}")
        }
    }
}

/// A company name like 德清恒达机械有限公司.
pub fn company_name(rng: &mut SmallRng, county_name: &str, industry: &Industry) -> String {
    let a = TRADE_FIRST[rng.random_range(0..TRADE_FIRST.len())];
    let b = TRADE_SECOND[rng.random_range(0..TRADE_SECOND.len())];
    let suffix = if rng.random_bool(0.15) { "股份有限公司" } else { "有限公司" };
    format!("{county_name}{a}{b}{}{suffix}", industry.word)
}

/// 31⁹: the number of distinct nine-character organisation parts.
const ORG_SPACE: u128 = 26_439_622_160_671;
/// Multiplier of the index → organisation-part bijection (not a multiple of 31).
const ORG_MULTIPLIER: u128 = 6_364_136_223_846_793;

/// The credit code of enterprise `index` (nation-wide, unique for indices below 31⁹) registered
/// in `region`: 9 (工商) 1 (企业), region, nine organisation characters, check character.
pub fn credit_code(region: &[u8; 6], index: u64, seed: u64) -> [u8; 18] {
    let alphabet = crate::keys::CODE_ALPHABET;
    let mut code = [0u8; 18];
    code[0] = b'9';
    code[1] = b'1';
    code[2..8].copy_from_slice(region);
    let salt = u128::from(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B);
    let mut org = (u128::from(index) * ORG_MULTIPLIER + salt) % ORG_SPACE;
    for slot in code[8..17].iter_mut().rev() {
        *slot = alphabet[(org % 31) as usize];
        org /= 31;
    }
    code[17] = crate::keys::check_character(&code[..17]).map_or(b'0', |c| c as u8);
    code
}

/// The same code with a wrong check character (a registration typo carried everywhere).
pub fn with_wrong_check(code: &[u8; 18]) -> [u8; 18] {
    let alphabet = crate::keys::CODE_ALPHABET;
    let mut out = *code;
    let pos = alphabet.iter().position(|&c| c == code[17]).unwrap_or(0);
    out[17] = alphabet[(pos + 7) % alphabet.len()];
    out
}

/// A code (or region code) as text (always ASCII).
pub fn code_str(code: &[u8]) -> &str {
    std::str::from_utf8(code).unwrap_or("")
}
