//! One JSON line → a [`Document`](super::Document): a single pass over the object that keeps
//! only the fields some role wants.

use std::fmt;

use super::document::Document;
#[cfg(test)]
use super::fields::FieldMap;
use super::fields::{FieldLookup, Found, Role, TEXT_FIELDS};

/// One JSON line → a document; `Ok(None)` for a blank line.
#[cfg(test)]
fn parse_line(
    line: &[u8],
    file: &str,
    line_no: u64,
    fields: &FieldMap,
) -> Result<Option<Document>, String> {
    parse_record(line, file, line_no, &FieldLookup::new(fields))
}

/// One JSON line → a document; `Ok(None)` for a blank line.
pub(super) fn parse_record(
    line: &[u8],
    file: &str,
    line_no: u64,
    lookup: &FieldLookup,
) -> Result<Option<Document>, String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if line.contains(&0) {
        return Err("binary data (NUL bytes), not JSON".into());
    }
    // simdutf8 validates Arabic text many times faster than std; std then locates an error.
    let text = simdutf8::basic::from_utf8(line).map_err(|_| {
        // Control bytes (not JSON whitespace) in invalid UTF-8: binary, not another encoding.
        if line.iter().any(|&b| b < 0x20 && b != b'\t' && b != b'\r') {
            return "binary data (control bytes), not JSON".to_string();
        }
        let at = std::str::from_utf8(line).map_or_else(|e| e.valid_up_to(), |_| 0);
        let hint = super::encoding::non_utf8_hint(line);
        format!("invalid UTF-8 at byte {at} of the line{hint}")
    })?;
    let mut found = Found::default();
    let seed = RecordSeed {
        lookup,
        found: &mut found,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(seed, &mut de)
        .and_then(|()| de.end())
        .map_err(|e| {
            if e.is_data() {
                "expected a JSON object".to_string()
            } else {
                format!("malformed JSON: {e}")
            }
        })?;
    into_document(found, lookup, file, line_no).map(Some)
}

/// The document from the fields found, or why there is none (a missing or unusable field).
fn into_document(
    found: Found,
    lookup: &FieldLookup,
    file: &str,
    line_no: u64,
) -> Result<Document, String> {
    let fields = lookup.fields;
    let [id, text, source, date, title] = found
        .values
        .map(|v| v.map(|(role, rank, value)| (lookup.name(role, rank), value)));
    let body = match text {
        Some((_, Scalar::Str(s))) => s,
        Some((_, Scalar::Null)) => String::new(),
        Some((name, _)) => return Err(format!("field {name:?} is not a string")),
        None => {
            return Err(match &fields.text {
                Some(name) => format!("no field {name:?}"),
                None => format!(
                    "no text field (looked for {}; name it with --text-field)",
                    TEXT_FIELDS.join(", ")
                ),
            });
        }
    };
    let id = match id {
        Some((_, Scalar::Str(s))) if !s.is_empty() => s,
        Some((_, Scalar::Num(n))) => n,
        Some((name, _)) => return Err(format!("field {name:?} is not a usable id")),
        None if fields.id.is_some() => {
            return Err(format!("no field {:?}", fields.id.as_deref().unwrap_or("")));
        }
        None => format!("{file}:{line_no}"),
    };
    let optional =
        |v: Option<(String, Scalar)>, given: &Option<String>| -> Result<Option<String>, String> {
            match v {
                Some((_, Scalar::Str(s))) if !s.trim().is_empty() => Ok(Some(s)),
                Some((_, Scalar::Num(n))) => Ok(Some(n)),
                Some(_) => Ok(None),
                None => match given {
                    Some(name) => Err(format!("no field {name:?}")),
                    None => Ok(None),
                },
            }
        };
    Ok(Document {
        id,
        source: optional(source, &fields.source)?,
        date: optional(date, &fields.date)?,
        title: optional(title, &fields.title)?,
        text: body,
    })
}

/// Parses one JSON object in a single pass, keeping only the fields some role wants and
/// skipping the rest unparsed; for detected fields the earliest candidate in the list wins.
struct RecordSeed<'a> {
    lookup: &'a FieldLookup<'a>,
    found: &'a mut Found,
}

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            // Wanted: the role is still empty, or this field ranks before the one found.
            let wanted = |found: &[Option<(Role, usize, Scalar)>; 5], role: Role, rank: usize| {
                found[role as usize]
                    .as_ref()
                    .is_none_or(|(_, r, _)| rank < *r)
            };
            let roles = self.lookup.roles.get(key.0.as_ref());
            let any = roles.is_some_and(|r| {
                r.iter()
                    .any(|&(role, rank)| wanted(&self.found.values, role, rank))
            });
            if !any {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            let value: Scalar = map.next_value()?;
            for &(role, rank) in roles.into_iter().flatten() {
                if wanted(&self.found.values, role, rank) {
                    self.found.values[role as usize] = Some((role, rank, value.clone()));
                }
            }
        }
        Ok(())
    }
}

/// A map key, borrowed from the line when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A field's value as far as naql cares: text, a number (kept as written), null, or other.
#[derive(Clone)]
pub(super) enum Scalar {
    Str(String),
    Num(String),
    Null,
    Other,
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Str(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Scalar, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
                while m
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_field_names() {
        let d = parse_line(
            r#"{"docno": 7, "src": "bbc", "time": "2018-02-01", "headline": "h", "content": "نص"}"#
                .as_bytes(),
            "f",
            1,
            &FieldMap::default(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.id, "7");
        assert_eq!(d.source.as_deref(), Some("bbc"));
        assert_eq!(d.date.as_deref(), Some("2018-02-01"));
        assert_eq!(d.title.as_deref(), Some("h"));
        assert_eq!(d.text, "نص");
    }

    #[test]
    fn explains_bad_lines() {
        let f = FieldMap::default();
        let err = |l: &[u8]| parse_line(l, "f", 3, &f).unwrap_err();
        assert!(err(b"{\"text\": ").starts_with("malformed JSON"));
        assert!(err(b"{\"title\": \"x\"}").starts_with("no text field"));
        assert!(err(b"[1,2]").contains("JSON object"));
        assert!(err(b"{\"text\": 5}").contains("not a string"));
        assert!(err(b"\x00\x01\x02").contains("binary"));
        assert!(err(b"{\"text\": \"\xff\"}").contains("UTF-8"));
        assert_eq!(parse_line(b"  \r", "f", 1, &f), Ok(None));
    }

    #[test]
    fn missing_id_falls_back_to_file_and_line() {
        let d = parse_line(br#"{"text": "x"}"#, "a.jsonl", 9, &FieldMap::default())
            .unwrap()
            .unwrap();
        assert_eq!(d.id, "a.jsonl:9");
    }
}
