//! `Signer.sign`, `band_keys`, `lsh_params`: the signatures of `naql sign` (`naql-oph-v2`)
//! for a batch of texts at once, in parallel with the GIL released.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, sync_channel};

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PySequence, PyString};
use rayon::prelude::*;

use naql::copy::{Boilerplate as Table, Config, Engine, LshParams, Shingling, Signature, Stats};
use naql::corpus::{Document, items_in_memory};

use crate::boilerplate::Boilerplate;
use crate::errors::{config_err, py_err};
use crate::params::normalize_options;
use crate::strings::CodePoints;

/// Texts copied out under the GIL at a time by [`Signer::sign`] while the pool signs: 32 news
/// articles' code points (220 KB on SaudiNewsNet) are still in cache when the pool encodes them.
const BATCH: usize = 32;

/// Signs texts as `naql sign` signs documents (datelines removed unless `keep_datelines`;
/// boilerplate left out per source when sources are given).
#[pyclass(module = "naql", frozen)]
pub struct Signer {
    pub engine: Engine,
}

impl Signer {
    /// Signs a sequence of texts without sources, `k` values a row, and how many there were.
    /// This thread copies the texts' code points out under the GIL, batch after batch, while
    /// the pool encodes and signs the batches before ([`CodePoints`]).
    fn sign_sequence(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
    ) -> PyResult<(usize, Vec<u64>)> {
        if texts.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "texts must be a sequence of str, not one str",
            ));
        }
        let texts = texts.cast::<PySequence>()?;
        let n = texts.len()?;
        let k = self.num_perm();
        let mut flat = vec![0u64; n * k];
        let rows: Vec<Mutex<&mut [u64]>> = flat.chunks_mut(BATCH * k).map(Mutex::new).collect();
        let unencodable = AtomicUsize::new(usize::MAX);
        let (tx, rx) = sync_channel::<(usize, CodePoints)>(4);
        // Signed batches come back to be filled again: their room is already there.
        let (done, spare) = channel::<CodePoints>();
        let read = std::thread::scope(|scope| {
            let (engine, rows, unencodable) = (&self.engine, &rows, &unencodable);
            let signing = scope.spawn(move || {
                rx.into_iter().par_bridge().for_each(|(b, batch)| {
                    let mut rows = rows[b].lock().unwrap_or_else(|e| e.into_inner());
                    let rows = rows.par_chunks_mut(k).enumerate();
                    rows.for_each_init(Vec::new, |buf, (i, row)| {
                        let text = batch.utf8(i, buf).unwrap_or_else(|| {
                            unencodable.fetch_min(b * BATCH + i, Ordering::Relaxed);
                            ""
                        });
                        widen(&engine.signature_of(text), row);
                    });
                    let _ = done.send(batch);
                });
            });
            let read = (0..n)
                .step_by(BATCH)
                .enumerate()
                .try_for_each(|(b, start)| {
                    let mut batch = spare.try_recv().unwrap_or_default();
                    batch.clear();
                    for i in start..n.min(start + BATCH) {
                        batch.push(&texts.get_item(i)?)?;
                    }
                    // Waiting for room, other Python threads run. The pool stops only by a
                    // panic, which the join below hands on.
                    let _ = py.detach(|| tx.send((b, batch)));
                    PyResult::Ok(())
                });
            drop(tx);
            if let Err(panic) = py.detach(|| signing.join()) {
                std::panic::resume_unwind(panic);
            }
            read
        });
        drop(rows);
        read?;
        match unencodable.into_inner() {
            usize::MAX => Ok((n, flat)),
            // Python's own encoder says why (a lone surrogate), as it did before.
            i => match texts.get_item(i)?.extract::<String>() {
                Err(e) => Err(e),
                Ok(_) => Err(config_err(format!("text {i} cannot be encoded as UTF-8"))),
            },
        }
    }

    /// Stage 1 for one text without a source.
    pub fn prepared(&self, text: String) -> naql::copy::Prepared {
        self.engine.prepare(Document {
            text,
            ..Document::default()
        })
    }
}

#[pymethods]
impl Signer {
    #[new]
    #[pyo3(signature = (ngram=3, num_perm=128, seed=None, char_ngram=None, keep_datelines=false, no_fold=None))]
    fn new(
        ngram: usize,
        num_perm: usize,
        seed: Option<u64>,
        char_ngram: Option<usize>,
        keep_datelines: bool,
        no_fold: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let mut config = Config {
            normalize: normalize_options(&no_fold.unwrap_or_default())?,
            datelines: !keep_datelines,
            ..Config::default()
        };
        config.signer.shingling = match char_ngram {
            Some(n) => Shingling::Chars(n),
            None => Shingling::Words(ngram),
        };
        config.signer.num_perm = num_perm;
        if let Some(s) = seed {
            config.signer.seed = s;
        }
        config.validate().map_err(py_err)?;
        Ok(Signer {
            engine: Engine::new(config),
        })
    }

    /// Values per signature.
    #[getter]
    fn num_perm(&self) -> usize {
        self.engine.config.signer.num_perm
    }

    /// The hash seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.engine.config.signer.seed
    }

    /// One row of `num_perm` values per text of `texts` (a sequence of str; uint64, each
    /// value fits 32 bits). A pyarrow array is faster still: `naql.sign_arrow`. With
    /// `sources`, paragraphs recurring in a source's texts are left out as `naql sign` does:
    /// those of the `boilerplate` table when given, else those found in this batch.
    #[pyo3(signature = (texts, sources=None, boilerplate=None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        sources: Option<Vec<Option<String>>>,
        boilerplate: Option<PyRef<'py, Boilerplate>>,
    ) -> PyResult<Bound<'py, PyArray2<u64>>> {
        let k = self.num_perm();
        let (n, flat) = match sources {
            None => self.sign_sequence(py, texts)?,
            Some(sources) => {
                let texts: Vec<String> = texts.extract()?;
                let n = texts.len();
                if sources.len() != n {
                    return Err(config_err("sources must be as many as texts"));
                }
                let table = boilerplate.as_ref().map(|b| &b.table);
                let flat = py.detach(|| {
                    let mut flat = vec![0u64; n * k];
                    sign_into(
                        &self.engine,
                        documents(texts, Some(sources)),
                        table,
                        &mut flat,
                    );
                    flat
                });
                (n, flat)
            }
        };
        let a = Array2::from_shape_vec((n, k), flat).expect("n × k values");
        Ok(a.into_pyarray(py))
    }

    /// The hashes of each text's paragraphs (non-blank lines, dateline cut), as boilerplate is
    /// counted: a distributed job counts, per source, the distinct texts (`text_keys`) each
    /// hash appears in, and keeps those in at least `boilerplate_min_docs` (5 in the CLI).
    fn paragraph_hashes(&self, py: Python<'_>, texts: Vec<String>) -> Vec<Vec<u64>> {
        py.detach(|| {
            texts
                .into_par_iter()
                .map(|text| self.prepared(text).paragraph_hashes().collect())
                .collect()
        })
    }

    /// The key that tells distinct texts apart when boilerplate is counted (uint64).
    fn text_keys<'py>(&self, py: Python<'py>, texts: Vec<String>) -> Bound<'py, PyArray1<u64>> {
        let keys: Vec<u64> = py.detach(|| {
            texts
                .into_par_iter()
                .map(|text| self.prepared(text).text_key())
                .collect()
        });
        keys.into_pyarray(py)
    }

    fn __repr__(&self) -> String {
        let s = &self.engine.config.signer;
        let shingles = match s.shingling {
            Shingling::Words(n) => format!("ngram={n}"),
            Shingling::Chars(n) => format!("char_ngram={n}"),
        };
        format!(
            "naql.Signer({shingles}, num_perm={}, seed={})",
            s.num_perm, s.seed
        )
    }
}

/// Signs documents as `naql sign` does (stages 1–3: prepare, boilerplate per source — the
/// `table` when given, else found among `docs` — sign) and widens the values into `flat`, `k`
/// a row.
pub fn sign_into(engine: &Engine, docs: Vec<Document>, table: Option<&Table>, flat: &mut [u64]) {
    let k = engine.config.signer.num_perm;
    let items = items_in_memory(docs, |d| engine.prepare(d));
    let mut stats = Stats::default();
    let signed = match table {
        Some(t) => engine.sign_with(items, t, &mut stats),
        None => engine.sign_all(items, &mut stats),
    };
    flat.par_chunks_mut(k)
        .zip(signed.par_iter())
        .for_each(|(row, s)| {
            for (slot, v) in row.iter_mut().zip(&s.signature.0) {
                *slot = u64::from(*v);
            }
        });
}

/// Signs texts without sources (so without boilerplate to leave out), `text(i)` the `i`th
/// (`None` signs as empty), into `flat`, `k` values a row: the signatures [`sign_into`] gives,
/// without making and dropping all that a run keeps of each document.
pub fn sign_alone<'a>(
    engine: &Engine,
    text: impl Fn(usize) -> Option<&'a str> + Sync,
    flat: &mut [u64],
) {
    let k = engine.config.signer.num_perm;
    flat.par_chunks_mut(k).enumerate().for_each(|(i, row)| {
        widen(&engine.signature_of(text(i).unwrap_or_default()), row);
    });
}

/// A signature's values as a row of `u64`.
fn widen(signature: &Signature, row: &mut [u64]) {
    for (slot, v) in row.iter_mut().zip(&signature.0) {
        *slot = u64::from(*v);
    }
}

/// A source as the CLI reads one: blank is none.
pub fn source_of(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// Documents of these texts, with their sources when given (for boilerplate removal).
pub fn documents(texts: Vec<String>, sources: Option<Vec<Option<String>>>) -> Vec<Document> {
    let mut sources = sources.unwrap_or_default().into_iter();
    texts
        .into_iter()
        .map(|text| Document {
            text,
            source: source_of(sources.next().flatten()),
            ..Document::default()
        })
        .collect()
}

/// Bands of `rows` values out of `k`-value signatures, checked.
pub fn banding(k: usize, bands: usize, rows: usize) -> PyResult<LshParams> {
    if bands == 0 || rows == 0 || bands * rows > k {
        return Err(config_err(format!(
            "bands × rows must be between 1 and num_perm ({k}), got {bands} × {rows}"
        )));
    }
    Ok(LshParams {
        bands,
        rows,
        midpoint: (1.0 / bands as f64).powf(1.0 / rows as f64),
        p_at_threshold: f64::NAN,
        false_positive_weight: f64::NAN,
        false_negative_weight: f64::NAN,
    })
}

/// The band keys of one signature row (values must fit 32 bits, as signatures do).
pub fn keys_of_row(lsh: &LshParams, row: &[u64], out: &mut [u64]) -> Result<(), String> {
    let sig = Signature(
        row.iter()
            .map(|&v| {
                u32::try_from(v).map_err(|_| format!("{v} is not a naql signature value (32 bits)"))
            })
            .collect::<Result<_, _>>()?,
    );
    for (band, slot) in out.iter_mut().enumerate() {
        *slot = lsh.band_key(&sig, band);
    }
    Ok(())
}

/// The LSH band keys of each signature: `(n, bands)` uint64, the keys the CLI buckets by.
#[pyfunction]
pub fn band_keys<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u64>,
    bands: usize,
    rows: usize,
) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let sigs = signatures.as_array().to_owned();
    let (n, k) = sigs.dim();
    let lsh = banding(k, bands, rows)?;
    let keys = py.detach(|| {
        let mut keys = vec![0u64; n * bands];
        let rows: Vec<Vec<u64>> = sigs.outer_iter().map(|r| r.to_vec()).collect();
        keys.par_chunks_mut(bands)
            .zip(rows.par_iter())
            .map(|(out, row)| keys_of_row(&lsh, row, out))
            .collect::<Result<(), String>>()
            .map(|()| keys)
    });
    let keys = keys.map_err(config_err)?;
    Ok(Array2::from_shape_vec((n, bands), keys)
        .expect("n × bands keys")
        .into_pyarray(py))
}

/// `(bands, rows)` the CLI would choose for this threshold, weights and signature length.
#[pyfunction]
#[pyo3(signature = (threshold=0.8, fp_weight=None, fn_weight=None, num_perm=128))]
pub fn lsh_params(
    threshold: f64,
    fp_weight: Option<f64>,
    fn_weight: Option<f64>,
    num_perm: usize,
) -> PyResult<(usize, usize)> {
    let mut config = Config {
        threshold,
        ..Config::default()
    };
    config.signer.num_perm = num_perm;
    if let Some(w) = fp_weight {
        config.false_positive_weight = w;
    }
    if let Some(w) = fn_weight {
        config.false_negative_weight = w;
    }
    config.validate().map_err(py_err)?;
    let lsh = config.lsh();
    Ok((lsh.bands, lsh.rows))
}
