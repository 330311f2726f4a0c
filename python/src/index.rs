//! `Index`: the on-disk dedup index the CLI's `naql index` and `naql dedup` use (same file).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use naql::corpus::ReadError;
use naql::index::{self, Access, DedupOptions, History, Index as Inner};

use crate::errors::{config_err, py_err};
use crate::params::{Opts, config, read_options};
use crate::runs::Source;

/// An open index; every call holds it only while it runs.
#[pyclass(module = "naql", frozen)]
pub struct Index {
    inner: Mutex<Inner>,
}

fn wait_of(secs: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| config_err(format!("wait {secs}: not a duration")))
}

impl Index {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[pymethods]
impl Index {
    /// Opens an existing index (`read_only` for queries and dry runs).
    #[new]
    #[pyo3(signature = (path, read_only=false, wait=60.0))]
    fn open(py: Python<'_>, path: PathBuf, read_only: bool, wait: f64) -> PyResult<Self> {
        let access = if read_only {
            Access::ReadOnly
        } else {
            Access::ReadWrite
        };
        let wait = wait_of(wait)?;
        let inner = py
            .detach(|| Inner::open(&path, access, wait))
            .map_err(py_err)?;
        Ok(Index {
            inner: Mutex::new(inner),
        })
    }

    /// Creates a new index file with fixed parameters (as `naql index create`).
    #[staticmethod]
    #[pyo3(signature = (path, history="estimate", options=None))]
    fn create(
        py: Python<'_>,
        path: PathBuf,
        history: &str,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let history = match history {
            "exact" => History::Exact,
            "estimate" => History::Estimate,
            other => {
                return Err(config_err(format!(
                    "history must be \"exact\" or \"estimate\", got {other:?}"
                )));
            }
        };
        let config = config(&Opts(options))?;
        let inner = py
            .detach(|| Inner::create(&path, &config, history))
            .map_err(py_err)?;
        Ok(Index {
            inner: Mutex::new(inner),
        })
    }

    /// The file's path.
    #[getter]
    fn path(&self) -> PathBuf {
        self.lock().path().to_path_buf()
    }

    /// Checks a batch against the index and itself, then adds it (unless `dry_run`); one
    /// verdict per document as `naql dedup` writes them, as JSON lines.
    #[pyo3(signature = (paths, records, window=None, dry_run=false, max_matches=index::DEFAULT_MAX_MATCHES, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn dedup_jsonl(
        &self,
        py: Python<'_>,
        paths: Option<Vec<String>>,
        records: Option<Vec<u8>>,
        window: Option<String>,
        dry_run: bool,
        max_matches: usize,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        let window = window
            .as_deref()
            .map(index::parse_window)
            .transpose()
            .map_err(py_err)?;
        let read = read_options(&Opts(options))?;
        let source = Source::of(paths, records)?;
        let options = DedupOptions {
            window,
            dry_run,
            max_matches,
            ..DedupOptions::default()
        };
        py.detach(|| {
            let mut idx = self.lock();
            let engine = idx.engine();
            let (items, _) = source
                .read(&read, |doc| engine.prepare(doc))
                .map_err(|e: ReadError| py_err(e))?;
            let out = idx.dedup(items.into(), &options).map_err(py_err)?;
            let mut s = String::new();
            for v in &out.verdicts {
                s.push_str(&serde_json::to_string(v).expect("verdicts serialize"));
                s.push('\n');
            }
            Ok(s)
        })
    }

    /// `naql index stats --format json`.
    fn stats_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            let s = self.lock().stats().map_err(py_err)?;
            Ok(serde_json::to_string(&s).expect("stats serialize"))
        })
    }

    /// Removes the documents dated before `before` (YYYY-MM-DD); returns how many.
    fn prune(&self, py: Python<'_>, before: &str) -> PyResult<usize> {
        let epoch = naql::date::epoch_seconds(before)
            .ok_or_else(|| config_err(format!("before {before:?}: expected YYYY-MM-DD")))?;
        py.detach(|| self.lock().prune_before(epoch).map_err(py_err))
    }

    /// Removes documents by id; returns the ids that were not in the index.
    fn remove(&self, py: Python<'_>, ids: Vec<String>) -> PyResult<Vec<String>> {
        py.detach(|| self.lock().remove(&ids).map_err(py_err))
    }

    fn __repr__(&self) -> String {
        format!("naql.Index({:?})", self.lock().path().display().to_string())
    }
}
