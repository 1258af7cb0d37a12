//! Text encodings of input files: UTF-8 (a byte-order mark dropped) or, when the bytes are not
//! UTF-8, GB18030 — a superset of GBK, which Excel writes on Chinese Windows.

/// Decodes bytes as UTF-8 (a BOM dropped) or, when they are not UTF-8, as GB18030 (a
/// superset of GBK, which Excel writes on Chinese Windows).
pub fn decode_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).unwrap_or_else(|e| from_gb18030(e.as_bytes()))
}

pub(super) fn from_gb18030(bytes: &[u8]) -> String {
    encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_bom_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("统一社会信用代码,年份\n");
        assert_eq!(decode_text(gbk.into_owned()), "统一社会信用代码,年份\n");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "年份".as_bytes()].concat();
        assert_eq!(decode_text(bom), "年份");
    }
}
