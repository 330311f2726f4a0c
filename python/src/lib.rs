//! `naql._naql`: the compiled half of the Python package `naql`. The Python half
//! (`python/naql/__init__.py`) holds the friendly signatures and docstrings; this module does
//! the work on the library, with the GIL released wherever it runs long.
//!
//! Rooms: `errors` (the exception classes), `params` (Python options → library configs),
//! `text` (normalize, tokens), `sign` (signatures, band keys, LSH parameters), `boilerplate` (the per-source table), `runs`
//! (cluster, pairs, story level), `compare` (diff JSON, HTML), `index` (the on-disk index),
//! `arrow` (the same on Arrow arrays, zero-copy in and out).

use pyo3::prelude::*;

mod arrow;
mod boilerplate;
mod compare;
mod errors;
mod index;
mod params;
mod runs;
mod sign;
mod strings;
mod text;

#[pymodule]
fn _naql(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_function(wrap_pyfunction!(text::normalize, m)?)?;
    m.add_function(wrap_pyfunction!(text::tokens, m)?)?;
    m.add_class::<sign::Signer>()?;
    m.add_function(wrap_pyfunction!(sign::band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sign::lsh_params, m)?)?;
    m.add_function(wrap_pyfunction!(runs::cluster_json, m)?)?;
    m.add_function(wrap_pyfunction!(runs::pairs_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(compare::compare_json, m)?)?;
    m.add_function(wrap_pyfunction!(compare::render_html, m)?)?;
    m.add_class::<index::Index>()?;
    m.add_function(wrap_pyfunction!(arrow::sign_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::band_keys_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::sign_batch, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::verify_batch, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::paragraph_batch, m)?)?;
    m.add_class::<boilerplate::Boilerplate>()?;
    m.add("SIGNATURE_ALGORITHM", naql::copy::ALGORITHM)?;
    m.add("DEFAULT_SEED", naql::Signer::default().seed)?;
    m.add(
        "BOILERPLATE_MIN_DOCS",
        naql::copy::Config::default().boilerplate_min_docs,
    )?;
    m.add("SOURCE_FIELDS", naql::corpus::SOURCE_FIELDS.to_vec())?;
    Ok(())
}
