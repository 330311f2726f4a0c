//! `naql.Boilerplate`: the table of paragraphs left out of a source's documents, found over a
//! batch in memory (`Boilerplate.find`) or counted by a distributed job from
//! `Signer.paragraph_hashes` / `paragraph_batch` and built from its entries.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use naql::copy::Boilerplate as Table;
use naql::corpus::items_in_memory;

use crate::errors::config_err;
use crate::sign::{Signer, documents};

/// Per source, the paragraph hashes that `Signer.sign`, `sign_batch` and `verify_batch`
/// leave out of that source's texts.
#[pyclass(module = "naql", frozen)]
pub struct Boilerplate {
    pub table: Table,
    /// The entries as given or found, sorted (for `entries`, equality and pickling).
    entries: Vec<(String, u64)>,
}

/// A paragraph hash from Python: a uint64, or an int64 with the same bits (Spark's bigint).
fn hash_of(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(h) = obj.extract::<u64>() {
        return Ok(h);
    }
    match obj.extract::<i64>() {
        Ok(h) => Ok(h as u64),
        Err(_) => Err(config_err(format!(
            "{obj} is not a paragraph hash (a 64-bit integer)"
        ))),
    }
}

impl Boilerplate {
    fn of(mut entries: Vec<(String, u64)>) -> Boilerplate {
        entries.sort_unstable();
        entries.dedup();
        Boilerplate {
            table: Table::from_entries(entries.iter().map(|(s, h)| (s.as_str(), *h))),
            entries,
        }
    }
}

#[pymethods]
impl Boilerplate {
    /// The table of `(sources[i], hashes[i])` entries (hashes as uint64 or int64 bits).
    #[new]
    #[pyo3(signature = (sources=vec![], hashes=vec![]))]
    fn new(sources: Vec<String>, hashes: Vec<Bound<'_, PyAny>>) -> PyResult<Self> {
        if sources.len() != hashes.len() {
            return Err(config_err("sources must be as many as hashes"));
        }
        let hashes = hashes.iter().map(hash_of).collect::<PyResult<Vec<u64>>>()?;
        Ok(Boilerplate::of(sources.into_iter().zip(hashes).collect()))
    }

    /// The table `naql cluster` finds over these texts: per source, the paragraphs in at least
    /// `min_docs` distinct texts of it (texts without a source are not examined).
    #[staticmethod]
    #[pyo3(signature = (signer, texts, sources, min_docs=None))]
    fn find(
        py: Python<'_>,
        signer: &Signer,
        texts: Vec<String>,
        sources: Vec<Option<String>>,
        min_docs: Option<usize>,
    ) -> PyResult<Self> {
        if sources.len() != texts.len() {
            return Err(config_err("sources must be as many as texts"));
        }
        let engine = &signer.engine;
        let min = min_docs.unwrap_or(engine.config.boilerplate_min_docs);
        let entries: Vec<(String, u64)> = py.detach(|| {
            let docs = documents(texts, Some(sources));
            let items = items_in_memory(docs, |d| engine.prepare(d));
            let table = Table::find(&items, min);
            table.entries().map(|(s, h)| (s.to_owned(), h)).collect()
        });
        Ok(Boilerplate::of(entries))
    }

    /// `(source, paragraph hash)` pairs, sorted.
    fn entries(&self) -> Vec<(String, u64)> {
        self.entries.clone()
    }

    fn __len__(&self) -> usize {
        self.entries.len()
    }

    fn __contains__(&self, entry: (String, Bound<'_, PyAny>)) -> PyResult<bool> {
        Ok(self.table.contains(&entry.0, hash_of(&entry.1)?))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Boilerplate>()
            .is_ok_and(|o| o.get().entries == self.entries)
    }

    /// Pickled as its entries, so that a table can be shipped to Spark executors.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let me = slf.get();
        let (sources, hashes): (Vec<&str>, Vec<u64>) =
            me.entries.iter().map(|(s, h)| (s.as_str(), *h)).unzip();
        let cls = slf.get_type();
        (cls, (sources, hashes)).into_pyobject(slf.py())
    }

    fn __repr__(&self) -> String {
        format!("naql.Boilerplate({} paragraphs)", self.entries.len())
    }
}
