//! `cluster` and `pairs`, copy or story level, on files or on records held by Python; the
//! output is the CLI's own JSON (`--format json`, `naql pairs` JSONL), written by its renderer.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use naql::corpus::{self, Document, Item, ReadError, ReadOptions, ReadReport};
use naql::render::clusters::{self as report, Format, Params};
use naql::render::stories;

use crate::errors::{config_err, py_err};
use crate::params::{Opts, config, read_options, story_engine};

/// Where the records come from: files (as the CLI reads them) or JSON lines from Python,
/// named `records` in errors.
pub enum Source {
    Paths(Vec<String>),
    Lines(Vec<u8>),
}

impl Source {
    pub fn of(paths: Option<Vec<String>>, lines: Option<Vec<u8>>) -> PyResult<Source> {
        match (paths, lines) {
            (Some(p), None) => Ok(Source::Paths(p)),
            (None, Some(l)) => Ok(Source::Lines(l)),
            _ => Err(config_err("give either paths or records")),
        }
    }

    /// Reads every record, `process`ing each document in parallel.
    pub fn read<U: Send>(
        &self,
        options: &ReadOptions,
        process: impl Fn(Document) -> U + Sync + Send,
    ) -> Result<(Vec<Item<U>>, ReadReport), ReadError> {
        match self {
            Source::Paths(p) => corpus::read_with(p, options, process),
            Source::Lines(l) => corpus::read_jsonl_bytes_with(l, "records", options, process),
        }
    }
}

fn level_is_story(level: &str) -> PyResult<bool> {
    match level {
        "copy" => Ok(false),
        "story" => Ok(true),
        other => Err(config_err(format!(
            "level must be \"copy\" or \"story\", got {other:?}"
        ))),
    }
}

fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("the renderers write UTF-8")
}

/// How one level's result is written into the output buffer.
type Render<'a, E, O> = &'a (dyn Fn(&mut Vec<u8>, &E, &O) -> std::io::Result<()> + Sync);

/// What `cluster_json` and `pairs_jsonl` share: the records read (GIL released) and run at
/// the level asked, and the result written by that level's renderer.
fn run_level(
    py: Python<'_>,
    source: Source,
    level: &str,
    options: Option<&Bound<'_, PyDict>>,
    copy_engine: impl FnOnce(naql::CopyEngine) -> naql::CopyEngine,
    story: Render<'_, naql::StoryEngine, naql::StoryOutcome>,
    copy: Render<'_, naql::CopyEngine, naql::copy::Outcome>,
) -> PyResult<String> {
    let o = Opts(options);
    let read = read_options(&o)?;
    let mut buf = Vec::new();
    if level_is_story(level)? {
        let mut engine = story_engine(&o)?;
        py.detach(|| {
            let (items, rep) = source.read(&read, |d| engine.prepare(d))?;
            let out = engine.run(items, rep.skipped);
            story(&mut buf, &engine, &out).expect("writing to memory");
            Ok::<_, ReadError>(())
        })
        .map_err(py_err)?;
    } else {
        let engine = copy_engine(naql::CopyEngine::new(config(&o)?));
        py.detach(|| {
            let (items, rep) = source.read(&read, |d| engine.prepare(d))?;
            let out = engine.run(items, rep.skipped);
            copy(&mut buf, &engine, &out).expect("writing to memory");
            Ok::<_, ReadError>(())
        })
        .map_err(py_err)?;
    }
    Ok(utf8(buf))
}

/// The clusters (or stories) as `naql cluster --format json` writes them.
#[pyfunction]
#[pyo3(signature = (paths, records, level, options=None))]
pub fn cluster_json(
    py: Python<'_>,
    paths: Option<Vec<String>>,
    records: Option<Vec<u8>>,
    level: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let story = |buf: &mut Vec<u8>, engine: &naql::StoryEngine, out: &naql::StoryOutcome| {
        let (config, idf) = (&engine.model.config, engine.idf_source());
        stories::write_stories(buf, out, config, idf, Format::Json)
    };
    let copy = |buf: &mut Vec<u8>, engine: &naql::CopyEngine, out: &naql::copy::Outcome| {
        let params = Params::new(&engine.config, out.lsh);
        report::write_clusters(buf, out, &params, Format::Json)
    };
    let source = Source::of(paths, records)?;
    run_level(py, source, level, options, |e| e, &story, &copy)
}

/// Every verified pair as `naql pairs` writes them (JSON lines).
#[pyfunction]
#[pyo3(signature = (paths, records, level, options=None))]
pub fn pairs_jsonl(
    py: Python<'_>,
    paths: Option<Vec<String>>,
    records: Option<Vec<u8>>,
    level: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let story = |buf: &mut Vec<u8>, _: &naql::StoryEngine, out: &naql::StoryOutcome| {
        stories::write_pairs(buf, out)
    };
    let copy = |buf: &mut Vec<u8>, _: &naql::CopyEngine, out: &naql::copy::Outcome| {
        report::write_pairs(buf, out, &out.all_pairs())
    };
    let source = Source::of(paths, records)?;
    let all_pairs = naql::CopyEngine::all_pairs;
    run_level(py, source, level, options, all_pairs, &story, &copy)
}
