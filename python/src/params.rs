//! Python keyword options → the library's configs, in one place (as `src/cli/args.rs` does
//! for flags). The Python half passes the options it was given as a dict; every key it may
//! hold has a default here equal to the CLI's.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use naql::copy::{Config, Shingling, Signer, Verify};
use naql::corpus::{FieldMap, ReadOptions};
use naql::story::{Idf, StoryConfig, StoryEngine};
use naql::text::NormalizeOptions;

use crate::errors::{config_err, py_err};

/// Reads optional keys out of the options dict.
pub struct Opts<'a, 'py>(pub Option<&'a Bound<'py, PyDict>>);

impl<'py> Opts<'_, 'py> {
    /// The value of `key`, if given and not None.
    pub fn get<T: FromPyObjectOwned<'py>>(&self, key: &str) -> PyResult<Option<T>> {
        let Some(d) = self.0 else { return Ok(None) };
        match d.get_item(key)? {
            Some(v) if !v.is_none() => v
                .extract::<T>()
                .map(Some)
                .map_err(|e| config_err(format!("{key}: {}", Into::<PyErr>::into(e)))),
            _ => Ok(None),
        }
    }

    fn or<T: FromPyObjectOwned<'py>>(&self, key: &str, default: T) -> PyResult<T> {
        Ok(self.get(key)?.unwrap_or(default))
    }
}

/// The normalization with the rules named in `no_fold` turned off (the CLI's `--no-fold`).
pub fn normalize_options(no_fold: &[String]) -> PyResult<NormalizeOptions> {
    let mut o = NormalizeOptions::default();
    for rule in no_fold {
        if !o.set(rule, false) {
            return Err(config_err(format!(
                "unknown normalization rule {rule:?}; rules: {}",
                NormalizeOptions::RULES.join(", ")
            )));
        }
    }
    Ok(o)
}

/// The signer: `ngram`, `char_ngram`, `num_perm`, `seed`.
pub fn signer(o: &Opts) -> PyResult<Signer> {
    let d = Signer::default();
    Ok(Signer {
        shingling: match o.get::<usize>("char_ngram")? {
            Some(n) => Shingling::Chars(n),
            None => Shingling::Words(o.or("ngram", 3)?),
        },
        num_perm: o.or("num_perm", d.num_perm)?,
        seed: o.or("seed", d.seed)?,
    })
}

/// The copy-level config at `threshold`, validated.
pub fn copy_config(o: &Opts, threshold: f64) -> PyResult<Config> {
    let d = Config::default();
    let verify = match o.or("verify", "exact".to_string())?.as_str() {
        "exact" => Verify::Exact,
        "estimate" => Verify::Estimate,
        other => {
            return Err(config_err(format!(
                "verify must be \"exact\" or \"estimate\", got {other:?}"
            )));
        }
    };
    let config = Config {
        normalize: normalize_options(&o.or("no_fold", Vec::new())?)?,
        signer: signer(o)?,
        threshold,
        false_positive_weight: o.or("fp_weight", d.false_positive_weight)?,
        false_negative_weight: o.or("fn_weight", d.false_negative_weight)?,
        verify,
        boilerplate_min_docs: o.or("boilerplate_min_docs", d.boilerplate_min_docs)?,
        datelines: !o.or("keep_datelines", false)?,
    };
    config.validate().map_err(py_err)?;
    Ok(config)
}

/// The copy-level config with `threshold` defaulting to the library's.
pub fn config(o: &Opts) -> PyResult<Config> {
    let t = o.or("threshold", Config::default().threshold)?;
    copy_config(o, t)
}

/// How to read records: field names, `skip_bad`, `max_record_bytes`.
pub fn read_options(o: &Opts) -> PyResult<ReadOptions> {
    Ok(ReadOptions {
        fields: FieldMap {
            id: o.get("id_field")?,
            text: o.get("text_field")?,
            source: o.get("source_field")?,
            date: o.get("date_field")?,
            title: o.get("title_field")?,
        },
        skip_bad: o.or("skip_bad", false)?,
        progress: None,
        max_record_bytes: o.get("max_record_bytes")?,
    })
}

/// The story-level engines, as `naql cluster --level story` builds them: copy level at the
/// library's copy threshold, `threshold` as the story cosine (0.2; 0.39 with an LSA table).
pub fn story_engine(o: &Opts) -> PyResult<StoryEngine> {
    let copy = copy_config(o, Config::default().threshold)?;
    let mut cfg = StoryConfig {
        normalize: copy.normalize,
        ..StoryConfig::default()
    };
    let idf = match o.get::<String>("idf")? {
        Some(path) => Some(Idf::load(&path, cfg.normalize).map_err(py_err)?),
        None => None,
    };
    if idf.as_ref().is_some_and(|i| i.lsa.is_some()) {
        cfg.threshold = StoryConfig::SEMANTIC_THRESHOLD;
    }
    if let Some(t) = o.get("threshold")? {
        cfg.threshold = t;
    }
    cfg.linkage = o.or("linkage", cfg.threshold)?;
    let window: Option<f64> = o.get("window")?;
    cfg.window_days = if o.or("no_window", false)? {
        None
    } else {
        Some(window.unwrap_or(3.0))
    };
    cfg.validate().map_err(py_err)?;
    Ok(StoryEngine::new(copy, cfg, idf))
}
