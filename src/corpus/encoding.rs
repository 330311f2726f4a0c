//! Inputs in another encoding or format than naql reads, recognised so that the error says
//! what the file is and how to convert it, instead of "invalid UTF-8 at byte 0".

/// The UTF-8 byte-order mark some Windows tools write; it is not part of the text.
pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What is wrong with a file whose first bytes are `head`, if they show it at once: UTF-16
/// (a byte-order mark) or a JSON array. `file` is named in the advice.
pub(super) fn wrong_format(head: &[u8], file: &str, json_lines: bool) -> Option<String> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Some(format!(
            "UTF-16 text (it starts with a byte-order mark); naql reads UTF-8: convert it with \
             `iconv -f UTF-16 -t UTF-8 {file} > converted`"
        ));
    }
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if json_lines && first == Some(&b'[') {
        return Some(format!(
            "a JSON array, not JSON lines (one object a line): convert it with \
             `jq -c '.[]' {file} > converted.jsonl`"
        ));
    }
    None
}

/// Advice for bytes that are not UTF-8: most bytes of a single-byte Arabic encoding
/// (Windows-1256, common on older Arabic sites) are letters in 0xC1..=0xFE, lone, where UTF-8
/// would pair them with continuation bytes (0x80..=0xBF).
pub(super) fn non_utf8_hint(bytes: &[u8]) -> &'static str {
    let high: Vec<u8> = bytes.iter().copied().filter(|&b| b >= 0x80).collect();
    let letters = high.iter().filter(|&&b| b >= 0xC1).count();
    if high.len() >= 4 && letters * 10 >= high.len() * 7 {
        "; it looks like Windows-1256 (cp1256) or another single-byte encoding: convert it \
         with `iconv -f WINDOWS-1256 -t UTF-8`"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_json_arrays_are_named() {
        let utf16 = wrong_format(b"\xFF\xFE{\x00", "a.jsonl", true).unwrap();
        assert!(
            utf16.starts_with("UTF-16") && utf16.contains("iconv"),
            "{utf16}"
        );
        let array = wrong_format(b"  [\n {\"id\": 1}", "a.json", true).unwrap();
        assert!(array.contains("jq -c '.[]' a.json"), "{array}");
        assert_eq!(wrong_format(b"[text in brackets]", "a.txt", false), None);
        assert_eq!(wrong_format(b"{\"id\": 1}", "a.jsonl", true), None);
    }

    #[test]
    fn windows_1256_arabic_is_recognised_and_utf8_arabic_is_not() {
        // «قال الوزير» in Windows-1256.
        let cp1256 = b"\xDE\xC7\xE1 \xC7\xE1\xE6\xD2\xED\xD1";
        assert!(non_utf8_hint(cp1256).contains("Windows-1256"));
        // The same words in UTF-8 with one byte cut off are not mistaken for it.
        let utf8 = "قال الوزير".as_bytes();
        assert_eq!(non_utf8_hint(&utf8[..utf8.len() - 1]), "");
    }
}
