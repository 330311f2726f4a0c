//! `normalize` and `tokens`, with the normalization rules given as keyword flags.

use std::collections::HashMap;

use pyo3::prelude::*;

use naql::text::{NormalizeOptions, Normalizer};

use crate::errors::config_err;

/// The normalizer with each named rule turned on or off (`diacritics=False`, …).
pub fn normalizer(rules: Option<HashMap<String, bool>>) -> PyResult<Normalizer> {
    let mut o = NormalizeOptions::default();
    let mut rules: Vec<(String, bool)> = rules.unwrap_or_default().into_iter().collect();
    rules.sort();
    for (rule, on) in rules {
        if !o.set(&rule, on) {
            return Err(config_err(format!(
                "unknown normalization rule {rule:?}; rules: {}",
                NormalizeOptions::RULES.join(", ")
            )));
        }
    }
    Ok(Normalizer::new(o))
}

/// The text as naql compares it.
#[pyfunction]
#[pyo3(signature = (text, rules=None))]
pub fn normalize(
    py: Python<'_>,
    text: String,
    rules: Option<HashMap<String, bool>>,
) -> PyResult<String> {
    let n = normalizer(rules)?;
    Ok(py.detach(|| n.normalize(&text)))
}

/// Tokens with their spans in Unicode character offsets of `text` (what Python indexes).
#[pyfunction]
#[pyo3(signature = (text, rules=None))]
pub fn tokens(
    py: Python<'_>,
    text: String,
    rules: Option<HashMap<String, bool>>,
) -> PyResult<Vec<(String, usize, usize)>> {
    let n = normalizer(rules)?;
    Ok(py.detach(|| char_spans(&text, n.tokens(&text))))
}

/// Byte spans → character offsets, in one pass over the text (tokens come in order).
fn char_spans(text: &str, tokens: Vec<naql::Token>) -> Vec<(String, usize, usize)> {
    let mut chars = 0;
    let mut byte = 0;
    let mut to_chars = |b: usize| {
        if b < byte {
            (chars, byte) = (0, 0);
        }
        chars += text[byte..b].chars().count();
        byte = b;
        chars
    };
    tokens
        .into_iter()
        .map(|t| {
            let start = to_chars(t.span.start);
            let end = to_chars(t.span.end);
            (t.text, start, end)
        })
        .collect()
}
