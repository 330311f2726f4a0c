//! Finding copies: from documents to verified pairs and clusters.
//!
//! The stages, each in parallel over documents:
//! 1. **prepare** ([`Engine::prepare`]): per paragraph (non-blank line), the units to shingle
//!    (token hashes, or character-shingle keys) and a hash of the paragraph; a leading dateline
//!    is left out. The original text is not kept, so memory is ~8 bytes per word.
//! 2. **boilerplate**: a paragraph whose normalized form appears in at least `min_docs` distinct
//!    documents of one source (comment boxes, share buttons, "// انتهى //") is left out of that
//!    source's shingles. Documents without a source are not examined: a paragraph shared by
//!    unlabelled documents is as likely copied news as boilerplate. A document that would be
//!    left with nothing keeps everything.
//! 3. **sign**: MinHash signature of what is kept, plus a hash of the kept units that groups
//!    exact duplicates (same normalized words), so LSH sees each distinct text once.
//! 4. **candidates**: LSH bands over the signatures; every pair sharing a band key.
//! 5. **verify**: exact Jaccard of the shingle sets (or the signature estimate), containment both
//!    ways; a pair is kept when its Jaccard reaches the threshold.
//! 6. **cluster**: union-find over verified pairs; a representative per cluster.

pub mod minhash;
pub use minhash::*;

use std::collections::{BTreeMap, HashMap, HashSet};

use std::time::Instant;

use rayon::prelude::*;

use crate::corpus::{self, BadRecord, Document, Item, Origin, ReadError, ReadOptions};
use crate::error::ConfigError;
use crate::text::{NormalizeOptions, Normalizer};

/// How candidates are verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verify {
    /// Exact Jaccard of the shingle sets: precision 1 by construction (the default).
    Exact,
    /// The signature estimate only: faster on huge candidate sets; containment is not known.
    Estimate,
}

/// Everything that decides the result. `Default` is what `naql cluster` uses.
#[derive(Clone, Debug)]
pub struct Config {
    pub normalize: NormalizeOptions,
    pub signer: Signer,
    pub threshold: f64,
    pub false_positive_weight: f64,
    pub false_negative_weight: f64,
    pub verify: Verify,
    /// A paragraph in this many distinct documents of one source is boilerplate; 0 turns it off.
    pub boilerplate_min_docs: usize,
    /// Leave a leading dateline («الرياض - واس:») out of the shingles.
    pub datelines: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            normalize: NormalizeOptions::default(),
            signer: Signer::default(),
            threshold: 0.8,
            false_positive_weight: 0.01,
            false_negative_weight: 0.99,
            verify: Verify::Exact,
            boilerplate_min_docs: 5,
            datelines: true,
        }
    }
}

/// The longest word or character shingle ([`Config::validate`]): the rolling shingle hash keeps
/// at most this many token hashes.
pub const MAX_NGRAM: usize = 16;
/// The most MinHash values a signature may have ([`Config::validate`]).
pub const MAX_NUM_PERM: usize = 4096;

impl Config {
    /// Checks every parameter before any work: `threshold` in (0, 1], `num_perm` in
    /// 1..=[`MAX_NUM_PERM`], a shingle length in 1..=[`MAX_NGRAM`] words or at least 1 character.
    pub fn validate(&self) -> Result<(), ConfigError> {
        crate::error::in_unit_open("threshold", self.threshold)?;
        if self.signer.num_perm == 0 || self.signer.num_perm > MAX_NUM_PERM {
            return Err(ConfigError::new(
                "num_perm",
                format!("must be between 1 and {MAX_NUM_PERM}"),
            ));
        }
        match self.signer.shingling {
            Shingling::Words(n) if n == 0 || n > MAX_NGRAM => Err(ConfigError::new(
                "ngram",
                format!("must be between 1 and {MAX_NGRAM}, got {n}"),
            )),
            Shingling::Chars(0) => Err(ConfigError::new("char_ngram", "must be at least 1")),
            _ => Ok(()),
        }
    }

    /// The LSH bands and rows for this threshold and these weights.
    pub fn lsh(&self) -> LshParams {
        LshParams::optimal(
            self.threshold,
            self.signer.num_perm,
            self.false_positive_weight,
            self.false_negative_weight,
        )
    }
}

/// A document after stage 1: what is shown about it, and the units to shingle.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub id: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    /// Length of the original text in characters (for choosing representatives).
    pub chars: usize,
    /// Units of all paragraphs, in order.
    pub(crate) units: Vec<u64>,
    /// For each paragraph: where its units end in `units`, and its hash.
    pub(crate) paragraphs: Vec<(u32, u64)>,
    pub(crate) dateline: bool,
    /// Signature and content key of all units, made while reading (in parallel with
    /// decompression); only documents that lose a boilerplate paragraph are signed again.
    pub(crate) signature: Signature,
    pub(crate) content_key: (u64, usize),
}

/// A document after stage 3.
#[derive(Clone, Debug)]
pub struct Signed {
    pub info: Prepared,
    pub origin: Origin,
    /// Indices of the paragraphs left out as boilerplate.
    removed: Vec<u32>,
    /// How many units are kept.
    pub kept_len: usize,
    pub signature: Signature,
    /// Hash and length of the kept units: equal for exact duplicates.
    pub content_key: (u64, usize),
}

impl Signed {
    /// The units kept after boilerplate removal (borrowed when nothing was removed).
    pub fn kept(&self) -> std::borrow::Cow<'_, [u64]> {
        if self.removed.is_empty() {
            return std::borrow::Cow::Borrowed(&self.info.units);
        }
        std::borrow::Cow::Owned(kept_units(&self.info, &self.removed))
    }
}

pub(crate) fn kept_units(p: &Prepared, removed: &[u32]) -> Vec<u64> {
    let mut kept = Vec::with_capacity(p.units.len());
    let mut start = 0usize;
    for (i, &(end, _)) in p.paragraphs.iter().enumerate() {
        if removed.binary_search(&(i as u32)).is_err() {
            kept.extend_from_slice(&p.units[start..end as usize]);
        }
        start = end as usize;
    }
    kept
}

pub(crate) fn fold(h: u64, x: u64) -> u64 {
    (h.rotate_left(23) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

pub(crate) fn fold_all(units: &[u64]) -> u64 {
    units.iter().fold(0x6e61_716c, |h, &u| fold(h, u))
}

/// Runs the stages with one configuration.
pub struct Engine {
    pub config: Config,
    normalizer: Normalizer,
}

/// A verified pair of documents (indices into [`Outcome::docs`], `a < b`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub jaccard_est: f64,
    /// Exact values; `None` when verifying by estimate only.
    pub overlap: Option<Overlap>,
}

/// A member of a cluster, scored against the representative.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub doc: usize,
    pub jaccard: f64,
    /// |member ∩ rep| / |member|: how much of this report the representative already has.
    pub containment: Option<f64>,
    /// |member ∩ rep| / |rep|: how much of the representative this report carries.
    pub rep_containment: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub id: usize,
    pub representative: usize,
    /// The representative first, then by date and id.
    pub members: Vec<Member>,
}

/// Counts that account for every input record.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Stats {
    /// Records seen: documents read plus bad records set aside.
    pub input_records: usize,
    pub documents: usize,
    pub clustered: usize,
    pub singletons: usize,
    /// Not clustered and why: `empty text` (no words after normalization), bad records by reason.
    pub skipped: BTreeMap<String, usize>,
    pub clusters: usize,
    pub exact_duplicates: usize,
    pub candidate_pairs: usize,
    pub verified_pairs: usize,
    pub boilerplate_paragraphs: usize,
    pub boilerplate_removed: usize,
    pub documents_all_boilerplate: usize,
    pub datelines_removed: usize,
    pub ignored_files: usize,
}

/// The result of a run.
pub struct Outcome {
    pub docs: Vec<Signed>,
    pub pairs: Vec<Pair>,
    pub clusters: Vec<Cluster>,
    pub stats: Stats,
    pub skipped_records: Vec<BadRecord>,
    pub lsh: LshParams,
    /// For each document, the index of the first document with the same kept text.
    pub exact_of: Vec<usize>,
    /// Wall time of each stage in seconds (not part of any output: it varies run to run).
    pub timings: Vec<(&'static str, f64)>,
}

/// Union-find with path halving; unions keep the smaller index as root (determinism).
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

impl Engine {
    pub fn new(config: Config) -> Self {
        let normalizer = Normalizer::new(config.normalize);
        Engine { config, normalizer }
    }

    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// Stage 1 for one document.
    pub fn prepare(&self, doc: Document) -> Prepared {
        let mut units = Vec::with_capacity(doc.text.len() / 8);
        let mut paragraphs = Vec::new();
        let mut dateline = false;
        let mut first = true;
        for line in doc.text.split('\n') {
            let mut line = line;
            if first && self.config.datelines && line.chars().any(char::is_alphanumeric) {
                first = false;
                let cut = self.normalizer.dateline_end(line);
                if cut > 0 {
                    dateline = true;
                    line = &line[cut..];
                }
            }
            let start = units.len();
            self.config.signer.units(&self.normalizer, line, &mut units);
            if units.len() > start {
                paragraphs.push((units.len() as u32, fold_all(&units[start..])));
            }
        }
        let signature = self.config.signer.sign_units(&units);
        let content_key = (fold_all(&units), units.len());
        Prepared {
            id: doc.id,
            source: doc.source,
            date: doc.date,
            title: doc.title,
            chars: doc.text.chars().count(),
            units,
            paragraphs,
            dateline,
            signature,
            content_key,
        }
    }

    /// Exact overlap of two prepared documents' shingle sets (no boilerplate removal).
    pub fn overlap(&self, a: &Prepared, b: &Prepared) -> Overlap {
        let signer = &self.config.signer;
        Overlap::of(&signer.shingle_set(&a.units), &signer.shingle_set(&b.units))
    }

    /// Reads the inputs and runs every stage.
    pub fn run_inputs(&self, inputs: &[String], read: &ReadOptions) -> Result<Outcome, ReadError> {
        let start = Instant::now();
        let (items, report) = corpus::read_with(inputs, read, |doc| self.prepare(doc))?;
        let read_time = start.elapsed().as_secs_f64();
        let mut outcome = self.run(items, report.skipped);
        outcome.stats.ignored_files = report.ignored_files.len();
        outcome.timings.insert(0, ("read+normalize", read_time));
        Ok(outcome)
    }

    /// Reads the inputs and signs them (stages 1–3), for `naql sign`.
    pub fn sign_inputs(
        &self,
        inputs: &[String],
        read: &ReadOptions,
    ) -> Result<(Vec<Signed>, Vec<BadRecord>), ReadError> {
        let (items, report) = corpus::read_with(inputs, read, |doc| self.prepare(doc))?;
        let mut stats = Stats::default();
        Ok((self.sign_all(items, &mut stats), report.skipped))
    }

    /// Runs every stage on documents already in memory.
    pub fn run_documents(&self, docs: Vec<Document>) -> Outcome {
        let items = corpus::items_in_memory(docs, |d| self.prepare(d));
        self.run(items, Vec::new())
    }

    /// Stages 2 and 3: boilerplate and signatures, with the stats they produce.
    pub fn sign_all(&self, items: Vec<Item<Prepared>>, stats: &mut Stats) -> Vec<Signed> {
        let boiler = self.boilerplate(&items);
        stats.boilerplate_paragraphs = boiler.values().map(HashSet::len).sum();
        let signer = self.config.signer;
        let signed: Vec<(Signed, usize, bool)> = items
            .into_par_iter()
            .map(|item| {
                let mut p = item.value;
                let source_boiler = p.source.as_deref().and_then(|s| boiler.get(s));
                let mut removed: Vec<u32> = match source_boiler {
                    Some(b) => (0..p.paragraphs.len() as u32)
                        .filter(|&i| b.contains(&p.paragraphs[i as usize].1))
                        .collect(),
                    None => Vec::new(),
                };
                // A document that would be left with nothing keeps everything.
                let all_boiler = !removed.is_empty() && removed.len() == p.paragraphs.len();
                if all_boiler {
                    removed.clear();
                }
                let (signature, content_key) = if removed.is_empty() {
                    let key = p.content_key;
                    (
                        std::mem::replace(&mut p.signature, Signature(Vec::new())),
                        key,
                    )
                } else {
                    let kept = kept_units(&p, &removed);
                    (signer.sign_units(&kept), (fold_all(&kept), kept.len()))
                };
                let n_removed = removed.len();
                let s = Signed {
                    info: p,
                    origin: item.origin,
                    removed,
                    kept_len: content_key.1,
                    signature,
                    content_key,
                };
                (s, n_removed, all_boiler)
            })
            .collect();
        let mut docs = Vec::with_capacity(signed.len());
        for (s, removed, all) in signed {
            stats.boilerplate_removed += removed;
            stats.documents_all_boilerplate += all as usize;
            stats.datelines_removed += s.info.dateline as usize;
            docs.push(s);
        }
        docs
    }

    /// (source, paragraph hash) pairs that recur in `min_docs` distinct documents of the source.
    fn boilerplate(&self, items: &[Item<Prepared>]) -> HashMap<String, HashSet<u64>> {
        let min = self.config.boilerplate_min_docs;
        if min == 0 {
            return HashMap::new();
        }
        // One entry per (source, paragraph, distinct document text).
        let mut seen: Vec<(&str, u64, u64)> = items
            .par_iter()
            .filter_map(|it| it.value.source.as_deref().map(|s| (s, &it.value)))
            .flat_map_iter(|(s, p)| {
                // Distinct texts are told apart by the hash made while preparing.
                let doc = p.content_key.0;
                p.paragraphs.iter().map(move |&(_, h)| (s, h, doc))
            })
            .collect();
        seen.par_sort_unstable();
        seen.dedup();
        let mut out: HashMap<String, HashSet<u64>> = HashMap::new();
        let mut i = 0;
        while i < seen.len() {
            let mut j = i;
            while j < seen.len() && seen[j].0 == seen[i].0 && seen[j].1 == seen[i].1 {
                j += 1;
            }
            if j - i >= min {
                out.entry(seen[i].0.to_owned())
                    .or_default()
                    .insert(seen[i].1);
            }
            i = j;
        }
        out
    }

    /// All stages after reading.
    pub fn run(&self, items: Vec<Item<Prepared>>, skipped_records: Vec<BadRecord>) -> Outcome {
        let mut stats = Stats {
            documents: items.len(),
            input_records: items.len() + skipped_records.len(),
            ..Stats::default()
        };
        for b in &skipped_records {
            *stats.skipped.entry(skip_reason(&b.reason)).or_default() += 1;
        }
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed().as_secs_f64()));
            clock = Instant::now();
        };
        let docs = self.sign_all(items, &mut stats);
        lap("boilerplate+sign");
        let lsh = self.config.lsh();
        lap("lsh params");

        // Exact duplicates: the first document with the same kept text stands for the group.
        let mut exact_of: Vec<usize> = (0..docs.len()).collect();
        let mut first_with: HashMap<(u64, usize), usize> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            if d.kept_len == 0 {
                continue;
            }
            let first = *first_with.entry(d.content_key).or_insert(i);
            exact_of[i] = first;
            stats.exact_duplicates += (first != i) as usize;
        }
        let reps: Vec<usize> = (0..docs.len())
            .filter(|&i| exact_of[i] == i && docs[i].kept_len > 0)
            .collect();

        let rep_sigs: Vec<&Signature> = reps.iter().map(|&i| &docs[i].signature).collect();
        let candidates: Vec<(usize, usize)> = candidate_pairs(&rep_sigs, &lsh)
            .into_iter()
            .map(|(a, b)| (reps[a], reps[b]))
            .collect();
        stats.candidate_pairs = candidates.len();
        lap("candidates");

        // Shingle sets of every document that needs one, computed once.
        let exact = self.config.verify == Verify::Exact;
        let mut needs = vec![false; docs.len()];
        if exact {
            for &(a, b) in &candidates {
                needs[a] = true;
                needs[b] = true;
            }
        }
        let signer = self.config.signer;
        let set_of = |i: usize| signer.shingle_set(&docs[i].kept());
        let mut sets: Vec<Option<Vec<u64>>> = needs
            .par_iter()
            .enumerate()
            .map(|(i, &n)| n.then(|| set_of(i)))
            .collect();

        let threshold = self.config.threshold;
        let pairs: Vec<Pair> = candidates
            .par_iter()
            .filter_map(|&(a, b)| {
                let jaccard_est = docs[a].signature.jaccard(&docs[b].signature);
                let overlap = match (&sets[a], &sets[b]) {
                    (Some(sa), Some(sb)) => Some(Overlap::of(sa, sb)),
                    _ => None,
                };
                let j = overlap.map_or(jaccard_est, |o| o.jaccard);
                (j >= threshold).then_some(Pair {
                    a,
                    b,
                    jaccard_est,
                    overlap,
                })
            })
            .collect();
        stats.verified_pairs = pairs.len();
        lap("verify");

        // Clusters over all documents: exact groups and verified pairs.
        let mut uf = UnionFind((0..docs.len()).collect());
        for (i, &e) in exact_of.iter().enumerate() {
            uf.union(i, e);
        }
        for p in &pairs {
            uf.union(p.a, p.b);
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, d) in docs.iter().enumerate() {
            if d.kept_len == 0 {
                *stats.skipped.entry("empty text".into()).or_default() += 1;
                continue;
            }
            let root = uf.find(i);
            groups.entry(root).or_default().push(i);
        }
        let groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
        stats.clustered = groups.iter().map(Vec::len).sum();
        stats.singletons =
            docs.len() - stats.clustered - stats.skipped.get("empty text").unwrap_or(&0);

        // Sets for scoring members against representatives.
        if exact {
            let missing: Vec<usize> = groups
                .iter()
                .flatten()
                .map(|&i| exact_of[i])
                .filter(|&i| sets[i].is_none())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let computed: Vec<(usize, Vec<u64>)> =
                missing.into_par_iter().map(|i| (i, set_of(i))).collect();
            for (i, s) in computed {
                sets[i] = Some(s);
            }
        }
        let mut clusters: Vec<Cluster> = groups
            .into_par_iter()
            .map(|g| {
                let rep = *g
                    .iter()
                    .min_by_key(|&&i| representative_key(&docs[i]))
                    .expect("groups are not empty");
                let mut order = g.clone();
                order.sort_by_key(|&i| (i != rep, date_order(&docs[i]), docs[i].info.id.clone()));
                let members = order
                    .into_iter()
                    .map(|m| {
                        let (a, b) = (exact_of[m], exact_of[rep]);
                        match (&sets[a], &sets[b]) {
                            (Some(sa), Some(sb)) => {
                                let o = Overlap::of(sa, sb);
                                Member {
                                    doc: m,
                                    jaccard: o.jaccard,
                                    containment: Some(o.containment_ab),
                                    rep_containment: Some(o.containment_ba),
                                }
                            }
                            _ => Member {
                                doc: m,
                                jaccard: docs[m].signature.jaccard(&docs[rep].signature),
                                containment: None,
                                rep_containment: None,
                            },
                        }
                    })
                    .collect();
                Cluster {
                    id: 0,
                    representative: rep,
                    members,
                }
            })
            .collect();
        clusters.sort_by(|x, y| {
            y.members.len().cmp(&x.members.len()).then_with(|| {
                representative_key(&docs[x.representative])
                    .cmp(&representative_key(&docs[y.representative]))
            })
        });
        for (i, c) in clusters.iter_mut().enumerate() {
            c.id = i + 1;
        }
        stats.clusters = clusters.len();
        lap("cluster");
        Outcome {
            docs,
            pairs,
            clusters,
            stats,
            skipped_records,
            lsh,
            exact_of,
            timings,
        }
    }
}

/// A short, countable form of a bad record's reason.
fn skip_reason(reason: &str) -> String {
    for (prefix, name) in [
        ("malformed JSON", "malformed JSON"),
        ("no text field", "missing text"),
        ("no field", "missing field"),
        ("duplicate id", "duplicate id"),
        ("invalid UTF-8", "invalid UTF-8"),
        ("binary data", "binary data"),
        ("input ends", "truncated input"),
        ("cannot read", "truncated input"),
    ] {
        if reason.starts_with(prefix) {
            return name.to_string();
        }
    }
    "bad record".to_string()
}

fn date_order(d: &Signed) -> (bool, u64) {
    let key = d.info.date.as_deref().and_then(crate::date::sort_key);
    (key.is_none(), key.unwrap_or(0))
}

/// Earliest date (undated last), then longest text, then smallest id.
fn representative_key(d: &Signed) -> ((bool, u64), std::cmp::Reverse<usize>, &str) {
    (
        date_order(d),
        std::cmp::Reverse(d.info.chars),
        d.info.id.as_str(),
    )
}

/// LSH candidates: every pair of `signatures` (as indices, `a < b`) that shares at least one
/// band key, sorted and distinct. Each band sorts its keys instead of hashing them, so the
/// result does not depend on the thread count.
pub fn candidate_pairs(signatures: &[&Signature], lsh: &LshParams) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = (0..lsh.bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keys: Vec<(u64, usize)> = signatures
                .iter()
                .enumerate()
                .map(|(i, sig)| (lsh.band_key(sig, band), i))
                .collect();
            keys.sort_unstable();
            let mut out = Vec::new();
            let mut s = 0;
            while s < keys.len() {
                let mut e = s + 1;
                while e < keys.len() && keys[e].0 == keys[s].0 {
                    e += 1;
                }
                for x in s..e {
                    for y in x + 1..e {
                        out.push((keys[x].1, keys[y].1));
                    }
                }
                s = e;
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Every pair of shingle sets (each sorted and distinct) whose exact Jaccard reaches
/// `threshold`, as `(a, b, jaccard)` with `a < b`, sorted. An inverted index over all shingles
/// counts each pair's intersection, so no pair is skipped: this is the ground truth that LSH
/// recall is measured against. Its cost grows with the square of how many documents share a
/// shingle, which is fine for evaluations, not for production runs.
pub fn exact_pairs(sets: &[Vec<u64>], threshold: f64) -> Vec<(usize, usize, f64)> {
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, s) in sets.iter().enumerate() {
        for &k in s {
            postings.entry(k).or_default().push(i as u32);
        }
    }
    (0..sets.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            // The later documents sharing at least one shingle with `i`, and how many.
            let mut counts: HashMap<u32, u32> = HashMap::new();
            for k in &sets[i] {
                for &j in &postings[k] {
                    if j as usize > i {
                        *counts.entry(j).or_default() += 1;
                    }
                }
            }
            let mut v: Vec<(usize, usize, f64)> = counts
                .into_iter()
                .filter_map(|(j, inter)| {
                    let union = sets[i].len() + sets[j as usize].len() - inter as usize;
                    let jaccard = inter as f64 / union as f64;
                    (jaccard >= threshold).then_some((i, j as usize, jaccard))
                })
                .collect();
            v.sort_unstable_by_key(|&(a, b, _)| (a, b));
            v.into_iter()
        })
        .collect()
}

impl Outcome {
    /// Verified pairs over all documents: pairs between exact-duplicate groups expanded to
    /// their members, plus the pairs inside each group (Jaccard 1). Sorted by (a, b).
    pub fn all_pairs(&self) -> Vec<Pair> {
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &e) in self.exact_of.iter().enumerate() {
            if self.docs[i].kept_len > 0 {
                members.entry(e).or_default().push(i);
            }
        }
        let one = Overlap {
            jaccard: 1.0,
            containment_ab: 1.0,
            containment_ba: 1.0,
        };
        let mut out = Vec::new();
        for group in members.values() {
            for (x, &a) in group.iter().enumerate() {
                for &b in &group[x + 1..] {
                    out.push(Pair {
                        a,
                        b,
                        jaccard_est: 1.0,
                        overlap: Some(one),
                    });
                }
            }
        }
        for p in &self.pairs {
            for &a in &members[&p.a] {
                for &b in &members[&p.b] {
                    let (a, b, swap) = if a < b { (a, b, false) } else { (b, a, true) };
                    let overlap = p.overlap.map(|o| {
                        if swap {
                            Overlap {
                                containment_ab: o.containment_ba,
                                containment_ba: o.containment_ab,
                                ..o
                            }
                        } else {
                            o
                        }
                    });
                    out.push(Pair {
                        a,
                        b,
                        jaccard_est: p.jaccard_est,
                        overlap,
                    });
                }
            }
        }
        out.sort_by_key(|p| (p.a, p.b));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, source: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            source: Some(source.into()),
            date: None,
            title: None,
            text: text.into(),
        }
    }

    const STORY: &str = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن الفرق الطبية تعمل على مدار الساعة لمتابعة المخالطين وتقديم الرعاية اللازمة للمرضى في المستشفيات";

    #[test]
    fn copies_cluster_and_unrelated_texts_do_not() {
        let e = Engine::new(Config::default());
        let out = e.run_documents(vec![
            doc("a", "was", &format!("الرياض - واس: {STORY}")),
            doc("b", "okaz", &format!("{STORY}.")),
            doc(
                "c",
                "sabq",
                "خبر آخر تماما عن مباراة كرة القدم بين الفريقين في الملعب الكبير مساء أمس",
            ),
            doc("d", "sabq", "   "),
        ]);
        assert_eq!(out.clusters.len(), 1);
        let ids: Vec<&str> = out.clusters[0]
            .members
            .iter()
            .map(|m| out.docs[m.doc].info.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]); // undated: the longer text (with its dateline) represents
        assert_eq!(out.stats.clustered, 2);
        assert_eq!(out.stats.singletons, 1);
        assert_eq!(out.stats.skipped["empty text"], 1);
        assert_eq!(out.stats.datelines_removed, 1);
    }

    #[test]
    fn exact_pairs_agree_with_pairwise_overlaps() {
        let sets = vec![
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 5],
            vec![9],
            vec![],
            vec![1, 2, 3, 4],
        ];
        let found = exact_pairs(&sets, 0.6);
        let mut brute = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                let j = Overlap::of(&sets[a], &sets[b]).jaccard;
                if j >= 0.6 {
                    brute.push((a, b, j));
                }
            }
        }
        assert_eq!(found, brute);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn boilerplate_is_left_out_per_source() {
        let footer = "للتواصل مع الكاتب ارسل رسالة";
        let mut docs: Vec<Document> = (0..6)
            .map(|i| {
                doc(
                    &format!("m{i}"),
                    "almadina",
                    &format!("خبر رقم {i} عن موضوع مختلف {i} {i}\n{footer}"),
                )
            })
            .collect();
        docs.push(doc("x", "other", footer));
        let mut cfg = Config::default();
        let out = Engine::new(cfg.clone()).run_documents(docs.clone());
        assert_eq!(out.stats.boilerplate_paragraphs, 1);
        assert_eq!(out.stats.boilerplate_removed, 6);
        assert!(
            out.clusters.is_empty(),
            "shared footers must not make copies"
        );
        cfg.boilerplate_min_docs = 0;
        let out = Engine::new(cfg).run_documents(docs);
        assert_eq!(out.stats.boilerplate_removed, 0);
    }
}
