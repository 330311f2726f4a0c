//! `compare` (the `naql-diff-v2` JSON of `naql diff --format json`) and `render_html` (the page
//! of `naql diff --format html`), for two texts held by Python.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use naql::Comparer;
use naql::copy::{Config, Shingling, Signer};
use naql::render::diff::{self as view, Section, Side};
use naql::story::Idf;

use crate::errors::py_err;
use crate::params::{Opts, normalize_options};

/// The comparer `naql diff` builds from its flags: `ngram`, `no_fold`, `min_score`, `idf`.
fn comparer(o: &Opts) -> PyResult<Comparer> {
    let config = Config {
        normalize: normalize_options(&o.get::<Vec<String>>("no_fold")?.unwrap_or_default())?,
        signer: Signer {
            shingling: Shingling::Words(o.get("ngram")?.unwrap_or(3)),
            ..Signer::default()
        },
        ..Config::default()
    };
    config.validate().map_err(py_err)?;
    let background = match o.get::<String>("idf")? {
        Some(path) => Some(Idf::load(&path, config.normalize).map_err(py_err)?),
        None => None,
    };
    let defaults = naql::diff::Options::default();
    let options = naql::diff::Options {
        min_score: o.get("min_score")?.unwrap_or(defaults.min_score),
        background,
        ..defaults
    };
    options.validate().map_err(py_err)?;
    Ok(Comparer::new(config, options))
}

/// A side named `name` (with an optional source and date shown beside it).
fn side<'a>(o: &Opts, which: &str, text: &'a str) -> PyResult<Side<'a>> {
    Ok(Side {
        name: o
            .get(&format!("{which}_name"))?
            .unwrap_or_else(|| which.to_string()),
        source: o.get(&format!("{which}_source"))?,
        date: o.get(&format!("{which}_date"))?,
        text,
    })
}

/// What `compare_json` and `render_html` start with: the comparer from the options, and the
/// two sides with their names, sources and dates.
fn sides<'a>(o: &Opts, a: &'a str, b: &'a str) -> PyResult<(Comparer, Side<'a>, Side<'a>)> {
    Ok((comparer(o)?, side(o, "a", a)?, side(o, "b", b)?))
}

/// The alignment of `a` and `b` as naql-diff-v2 JSON.
#[pyfunction]
#[pyo3(signature = (a, b, options=None))]
pub fn compare_json(
    py: Python<'_>,
    a: String,
    b: String,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let o = Opts(options);
    let (comparer, sa, sb) = sides(&o, &a, &b)?;
    let buf = py.detach(|| {
        let cmp = comparer.compare(&a, &b);
        let mut buf = Vec::new();
        view::json(&mut buf, &sa, &sb, &cmp).expect("writing to memory");
        buf
    });
    Ok(String::from_utf8(buf).expect("JSON is UTF-8"))
}

/// The self-contained HTML page of `a` and `b` side by side.
#[pyfunction]
#[pyo3(signature = (a, b, options=None))]
pub fn render_html(
    py: Python<'_>,
    a: String,
    b: String,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let o = Opts(options);
    let (comparer, sa, sb) = sides(&o, &a, &b)?;
    let title = o
        .get::<String>("title")?
        .unwrap_or_else(|| format!("naql diff: {} ↔ {}", sa.name, sb.name));
    let buf = py.detach(|| {
        let cmp = comparer.compare(&a, &b);
        let mut buf = Vec::new();
        let section = Section {
            heading: None,
            a: sa,
            b: sb,
            cmp: &cmp,
        };
        view::html(&mut buf, &title, &[section]).expect("writing to memory");
        buf
    });
    Ok(String::from_utf8(buf).expect("HTML is UTF-8"))
}
