//! Industries: the 97 divisions (大类) of GB/T 4754-2017 (国民经济行业分类), so that an
//! enterprise's industry code reads as a name (`1810` → 18 纺织服装、服饰业).
//!
//! A code is found as SPEC §15 reads one: an optional leading section letter, then the first
//! two digits (`C3311` → 33). A cell that already holds a division's name is that division.

use crate::output::Lang;

/// One division of GB/T 4754-2017.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Division {
    /// The two-digit code, 1–97.
    pub code: u8,
    /// The section (门类) letter, A–T.
    pub section: char,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn d(code: u8, section: char, zh: &'static str, en: &'static str) -> Division {
    Division { code, section, zh, en }
}

/// Every division, by code (01–97, none missing).
pub const DIVISIONS: [Division; 97] = [
    d(1, 'A', "农业", "Agriculture"),
    d(2, 'A', "林业", "Forestry"),
    d(3, 'A', "畜牧业", "Animal husbandry"),
    d(4, 'A', "渔业", "Fishery"),
    d(
        5,
        'A',
        "农、林、牧、渔专业及辅助性活动",
        "Professional and support activities for agriculture, forestry, animal husbandry and fishery",
    ),
    d(6, 'B', "煤炭开采和洗选业", "Mining and washing of coal"),
    d(7, 'B', "石油和天然气开采业", "Extraction of petroleum and natural gas"),
    d(8, 'B', "黑色金属矿采选业", "Mining and processing of ferrous metal ores"),
    d(9, 'B', "有色金属矿采选业", "Mining and processing of non-ferrous metal ores"),
    d(10, 'B', "非金属矿采选业", "Mining and processing of non-metal ores"),
    d(11, 'B', "开采专业及辅助性活动", "Professional and support activities for mining"),
    d(12, 'B', "其他采矿业", "Other mining"),
    d(13, 'C', "农副食品加工业", "Processing of food from agricultural products"),
    d(14, 'C', "食品制造业", "Manufacture of foods"),
    d(15, 'C', "酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
    d(16, 'C', "烟草制品业", "Manufacture of tobacco"),
    d(17, 'C', "纺织业", "Manufacture of textiles"),
    d(18, 'C', "纺织服装、服饰业", "Manufacture of textile wearing apparel and clothing"),
    d(
        19,
        'C',
        "皮革、毛皮、羽毛及其制品和制鞋业",
        "Manufacture of leather, fur, feathers and related products, and footwear",
    ),
    d(
        20,
        'C',
        "木材加工和木、竹、藤、棕、草制品业",
        "Processing of timber; manufacture of wood, bamboo, rattan, palm and straw products",
    ),
    d(21, 'C', "家具制造业", "Manufacture of furniture"),
    d(22, 'C', "造纸和纸制品业", "Manufacture of paper and paper products"),
    d(23, 'C', "印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    d(
        24,
        'C',
        "文教、工美、体育和娱乐用品制造业",
        "Manufacture of articles for culture, education, arts and crafts, sport and entertainment",
    ),
    d(25, 'C', "石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
    d(26, 'C', "化学原料和化学制品制造业", "Manufacture of raw chemical materials and chemical products"),
    d(27, 'C', "医药制造业", "Manufacture of medicines"),
    d(28, 'C', "化学纤维制造业", "Manufacture of chemical fibres"),
    d(29, 'C', "橡胶和塑料制品业", "Manufacture of rubber and plastics products"),
    d(30, 'C', "非金属矿物制品业", "Manufacture of non-metallic mineral products"),
    d(31, 'C', "黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
    d(32, 'C', "有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
    d(33, 'C', "金属制品业", "Manufacture of metal products"),
    d(34, 'C', "通用设备制造业", "Manufacture of general-purpose machinery"),
    d(35, 'C', "专用设备制造业", "Manufacture of special-purpose machinery"),
    d(36, 'C', "汽车制造业", "Manufacture of automobiles"),
    d(
        37,
        'C',
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Manufacture of railway, ship, aerospace and other transport equipment",
    ),
    d(38, 'C', "电气机械和器材制造业", "Manufacture of electrical machinery and equipment"),
    d(
        39,
        'C',
        "计算机、通信和其他电子设备制造业",
        "Manufacture of computers, communication and other electronic equipment",
    ),
    d(40, 'C', "仪器仪表制造业", "Manufacture of measuring instruments and meters"),
    d(41, 'C', "其他制造业", "Other manufacturing"),
    d(42, 'C', "废弃资源综合利用业", "Comprehensive use of waste resources"),
    d(43, 'C', "金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    d(44, 'D', "电力、热力生产和供应业", "Production and supply of electricity and heat"),
    d(45, 'D', "燃气生产和供应业", "Production and supply of gas"),
    d(46, 'D', "水的生产和供应业", "Production and supply of water"),
    d(47, 'E', "房屋建筑业", "Construction of buildings"),
    d(48, 'E', "土木工程建筑业", "Civil engineering"),
    d(49, 'E', "建筑安装业", "Construction installation"),
    d(50, 'E', "建筑装饰、装修和其他建筑业", "Building decoration, renovation and other construction"),
    d(51, 'F', "批发业", "Wholesale trade"),
    d(52, 'F', "零售业", "Retail trade"),
    d(53, 'G', "铁路运输业", "Rail transport"),
    d(54, 'G', "道路运输业", "Road transport"),
    d(55, 'G', "水上运输业", "Water transport"),
    d(56, 'G', "航空运输业", "Air transport"),
    d(57, 'G', "管道运输业", "Pipeline transport"),
    d(58, 'G', "多式联运和运输代理业", "Multimodal transport and transport agency"),
    d(59, 'G', "装卸搬运和仓储业", "Loading, unloading, handling and warehousing"),
    d(60, 'G', "邮政业", "Postal services"),
    d(61, 'H', "住宿业", "Accommodation"),
    d(62, 'H', "餐饮业", "Catering"),
    d(63, 'I', "电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite transmission services"),
    d(64, 'I', "互联网和相关服务", "Internet and related services"),
    d(65, 'I', "软件和信息技术服务业", "Software and information technology services"),
    d(66, 'J', "货币金融服务", "Monetary and financial services"),
    d(67, 'J', "资本市场服务", "Capital market services"),
    d(68, 'J', "保险业", "Insurance"),
    d(69, 'J', "其他金融业", "Other financial services"),
    d(70, 'K', "房地产业", "Real estate"),
    d(71, 'L', "租赁业", "Leasing"),
    d(72, 'L', "商务服务业", "Business services"),
    d(73, 'M', "研究和试验发展", "Research and experimental development"),
    d(74, 'M', "专业技术服务业", "Professional technical services"),
    d(75, 'M', "科技推广和应用服务业", "Technology promotion and application services"),
    d(76, 'N', "水利管理业", "Water conservancy management"),
    d(77, 'N', "生态保护和环境治理业", "Ecological protection and environmental management"),
    d(78, 'N', "公共设施管理业", "Management of public facilities"),
    d(79, 'N', "土地管理业", "Land management"),
    d(80, 'O', "居民服务业", "Services to households"),
    d(81, 'O', "机动车、电子产品和日用产品修理业", "Repair of motor vehicles, electronic products and household goods"),
    d(82, 'O', "其他服务业", "Other services"),
    d(83, 'P', "教育", "Education"),
    d(84, 'Q', "卫生", "Health"),
    d(85, 'Q', "社会工作", "Social work"),
    d(86, 'R', "新闻和出版业", "News and publishing"),
    d(87, 'R', "广播、电视、电影和录音制作业", "Radio, television, film and sound recording production"),
    d(88, 'R', "文化艺术业", "Culture and arts"),
    d(89, 'R', "体育", "Sports"),
    d(90, 'R', "娱乐业", "Entertainment"),
    d(91, 'S', "中国共产党机关", "Organs of the Communist Party of China"),
    d(92, 'S', "国家机构", "State organs"),
    d(93, 'S', "人民政协、民主党派", "CPPCC and democratic parties"),
    d(94, 'S', "社会保障", "Social security"),
    d(
        95,
        'S',
        "群众团体、社会团体和其他成员组织",
        "Mass organisations, social organisations and other membership organisations",
    ),
    d(96, 'S', "基层群众自治组织及其他组织", "Grassroots self-governing organisations and other organisations"),
    d(97, 'T', "国际组织", "International organisations"),
];

/// The division of an industry cell: its code (an optional section letter, then at least two
/// digits, the first two of which are the division), or a division's Chinese name.
pub fn division(industry: &str) -> Option<&'static Division> {
    let text = industry.trim();
    let digits = text.strip_prefix(|c: char| c.is_ascii_alphabetic()).unwrap_or(text);
    if digits.len() >= 2 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let code: usize = digits[..2].parse().ok()?;
        return DIVISIONS.get(code.checked_sub(1)?);
    }
    DIVISIONS.iter().find(|d| d.zh == text)
}

/// The industry as a person reads it: the cell with its division's name (`1810 纺织服装、服饰业`),
/// or the cell as it is when it names no division (or is the name itself).
pub fn describe(industry: &str, lang: Lang) -> String {
    let text = industry.trim();
    match division(text) {
        Some(d) if d.zh == text => d.name(lang).to_string(),
        Some(d) => format!("{text} {}", d.name(lang)),
        None => text.to_string(),
    }
}

impl Division {
    /// The division's name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ninety_seven_divisions_in_order_within_their_sections() {
        for (i, d) in DIVISIONS.iter().enumerate() {
            assert_eq!(d.code as usize, i + 1);
        }
        let sections: String =
            DIVISIONS.iter().map(|d| d.section).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        assert_eq!(sections, "ABCDEFGHIJKLMNOPQRST");
        let manufacturing: Vec<u8> = DIVISIONS.iter().filter(|d| d.section == 'C').map(|d| d.code).collect();
        assert_eq!(manufacturing, (13..=43).collect::<Vec<u8>>());
        assert_eq!(DIVISIONS.iter().filter(|d| d.section == 'B').count(), 7);
        assert_eq!(DIVISIONS.iter().filter(|d| d.section == 'D').map(|d| d.code).collect::<Vec<_>>(), [44, 45, 46]);
    }

    #[test]
    fn codes_read_as_spec_15_reads_them() {
        assert_eq!(division("1810").map(|d| d.zh), Some("纺织服装、服饰业"));
        assert_eq!(division("C3311").map(|d| d.code), Some(33));
        assert_eq!(division(" 39 ").map(|d| d.zh), Some("计算机、通信和其他电子设备制造业"));
        assert_eq!(division("0610").map(|d| d.code), Some(6));
        assert_eq!(division("纺织业").map(|d| d.code), Some(17));
        assert_eq!(division("00"), None);
        assert_eq!(division("98"), None);
        assert_eq!(division("3"), None);
        assert_eq!(division("textiles"), None);
        assert_eq!(describe("1810", Lang::Zh), "1810 纺织服装、服饰业");
        assert_eq!(describe("C2614", Lang::En), "C2614 Manufacture of raw chemical materials and chemical products");
        assert_eq!(describe("纺织业", Lang::Zh), "纺织业");
        assert_eq!(describe("食品", Lang::Zh), "食品");
    }
}
