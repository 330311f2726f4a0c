//! One dedup run, [`Index::dedup`], as phases over a [`Run`]:
//!
//! 1. open the transaction (a write lock unless it is a dry run) and look up the batch's ids
//!    and the known sources;
//! 2. find the paragraphs that are boilerplate for this batch and sign what each new document
//!    keeps;
//! 3. history candidates: indexed documents sharing a band key;
//! 4. batch candidates: earlier documents of the batch sharing a band key;
//! 5. verification of every candidate against the threshold (and the date window), in
//!    parallel, except for documents with hundreds of candidates under one band key (a
//!    group of near-copies): those are linked in phase 6;
//! 6. clusters and merges, in input order, linking large groups' documents one cluster at a
//!    time ([`Linker`]);
//! 7. verdicts, in input order;
//! 8. write and commit, or roll back on a dry run.
//!
//! Everything from the first query to the commit happens inside one transaction: a job killed
//! at any moment leaves the whole batch or none of it, and a second job waits for the first
//! (then sees its documents). Phases run in this order and issue their statements in the order
//! written; only the pure parts (signing, verification) run in parallel.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::format::{DATE_READER, VERDICTS_TABLE, from_blob_u32, sig16, to_blob_u32};
use super::overlap::{containment_from, estimate16, overlap32};
use super::{
    BatchOutcome, DedupOptions, History, Index, IndexError, Match, PreparedBatch, Status, Verdict,
};
use crate::copy::{self as dedup, Config, LshParams, Prepared, Signature, Signer, Stages};
use crate::corpus::Item;
use crate::score::round4;

impl Index {
    /// Checks a batch against the index and each other, then (unless `dry_run`) adds it in one
    /// transaction. Holds the write lock from the first query to the commit, so two jobs are
    /// serialized: the second sees the first one's documents.
    pub fn dedup(
        &mut self,
        batch: PreparedBatch,
        options: &DedupOptions,
    ) -> Result<BatchOutcome, IndexError> {
        self.dedup_telling(batch, options, None)
    }

    /// [`Index::dedup`], telling `stages` when each stage starts (what `naql dedup` shows
    /// on a terminal).
    pub fn dedup_telling(
        &mut self,
        batch: PreparedBatch,
        options: &DedupOptions,
        stages: Option<&dyn Stages>,
    ) -> Result<BatchOutcome, IndexError> {
        let stage = |name, count, what| {
            if let Some(s) = stages {
                s.start(name, count, what);
            }
        };
        stage("look up", batch.0.len(), "documents");
        let mut run = Run::begin(self, batch.0, options)?;
        run.existing = run.indexed_clusters()?;
        run.sources = run.source_ids()?;
        let fresh_idx = run.not_indexed();
        stage("sign", fresh_idx.len(), "new documents");
        let boiler = run.boilerplate(&fresh_idx)?;
        let (fresh, skipped_empty) = run.sign(&fresh_idx, &boiler);
        run.fresh = fresh;
        run.skipped_empty = skipped_empty;
        stage("candidates", run.fresh.len(), "new documents");
        let history = run.history_candidates()?;
        let mut groups = Groups::new(&run.fresh);
        let batch_key = run.batch_candidates(&groups);
        stage("verify", run.fresh.len(), "new documents");
        run.verify(&history, &batch_key, &mut groups);
        stage("link", run.fresh.len(), "new documents");
        let clusters = run.clusters(&history, &batch_key, &mut groups)?;
        let (verdicts, replayed) = run.verdicts(&history.old, &groups, &clusters)?;
        let boilerplate_removed = run.fresh.iter().map(|f| f.removed).sum();
        if run.dry_run {
            let sql = run.sql();
            run.tx.rollback().map_err(sql)?;
            return Ok(BatchOutcome {
                verdicts,
                added: 0,
                replayed,
                boilerplate_removed,
            });
        }
        let added = run.fresh.len();
        stage("commit", added, "new documents");
        run.write(&clusters, &verdicts)?;
        Ok(BatchOutcome {
            verdicts,
            added,
            replayed,
            boilerplate_removed,
        })
    }
}

/// An input document already in the index: its cluster and stored verdict (JSON), if any.
type Indexed = (u64, Option<String>);

/// A new document after boilerplate removal and signing.
struct Fresh {
    item: usize,
    id: String,
    source: Option<String>,
    date: Option<String>,
    epoch: Option<i64>,
    signature: Signature,
    content: (u64, usize),
    set: Vec<u32>,
    bands: Vec<u32>,
    paragraphs: Vec<u32>,
    removed: usize,
}

/// An indexed document that is a candidate.
struct Old {
    id: String,
    source: Option<i64>,
    date: Option<String>,
    epoch: Option<i64>,
    cluster: u64,
    content: (u64, usize),
    shingles_n: usize,
    sig16: Vec<u8>,
    set: Option<Vec<u32>>,
}

/// The document a new one matched.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Other {
    /// Indexed before, by `docs.seq`.
    Old(i64),
    /// Earlier in the batch, by position among the fresh documents.
    Batch(usize),
}

/// A verified match of a new document.
struct Found {
    other: Other,
    jaccard: f64,
    containment: f64,
    /// |match ∩ new| / |match| (batch matches only: the other direction of the edge).
    back: f64,
    /// Same content key: an exact duplicate.
    exact: bool,
    verified: &'static str,
}

/// Indexed documents sharing a band key with the batch.
struct Candidates {
    by_key: HashMap<u32, Vec<i64>>,
    old: HashMap<i64, Old>,
}

/// Union-find over cluster ids touched in one batch; the smaller id survives a merge.
#[derive(Default)]
struct Aliases(HashMap<u64, u64>);

impl Aliases {
    fn find(&self, mut c: u64) -> u64 {
        while let Some(&n) = self.0.get(&c) {
            c = n;
        }
        c
    }
}

/// The clusters after this batch.
struct Clusters {
    /// The next cluster id to hand out.
    next: i64,
    aliases: Aliases,
    /// Per fresh document, the cluster it joined or started (before later merges).
    of: Vec<u64>,
    /// Per fresh document, the clusters it merged into its own.
    merged_by: Vec<Vec<u64>>,
}

/// One dedup run: the open transaction, the index's parameters and what the phases learn.
struct Run<'c> {
    tx: Transaction<'c>,
    path: &'c Path,
    wait: Duration,
    config: &'c Config,
    lsh: LshParams,
    history: History,
    window: Option<i64>,
    dry_run: bool,
    max_matches: usize,
    /// Candidates under one band key above which a document is linked (batch, index).
    large: (usize, usize),
    /// Whether the file has the `verdicts` table (files made before it do not).
    has_verdicts: bool,
    items: Vec<Item<Prepared>>,
    /// Per item: its cluster and stored verdict (JSON, if any) when its id is in the index
    /// already (left alone).
    existing: Vec<Option<Indexed>>,
    /// Source name → `sources.id`; grows while the batch is written.
    sources: HashMap<String, i64>,
    /// The documents to add, in input order.
    fresh: Vec<Fresh>,
    /// Items with no words left: reported as skipped.
    skipped_empty: HashSet<usize>,
}

/// Dates an older reader could not read (RFC 2822, `2022/01/05`, …) get their epoch, once per
/// file, in the first batch's transaction: the file then records [`DATE_READER`] in `meta`.
/// Until then (read-only or dry runs) candidates' epochs are computed as they are loaded.
fn refresh_epochs(tx: &Transaction) -> rusqlite::Result<()> {
    let reader: Option<i64> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'date_reader'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if reader.is_some_and(|v| v >= DATE_READER) {
        return Ok(());
    }
    let undated: Vec<(i64, String)> = tx
        .prepare("SELECT seq, date FROM docs WHERE epoch IS NULL AND date IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut set = tx.prepare("UPDATE docs SET epoch = ?1 WHERE seq = ?2")?;
    for (seq, date) in undated {
        if let Some(epoch) = crate::date::epoch_seconds(&date) {
            set.execute(params![epoch, seq])?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('date_reader', ?1)",
        [DATE_READER],
    )?;
    Ok(())
}

impl<'c> Run<'c> {
    /// Opens the transaction: immediate (the write lock, waiting up to the index's wait) unless
    /// this is a dry run.
    fn begin(
        index: &'c mut Index,
        items: Vec<Item<Prepared>>,
        options: &DedupOptions,
    ) -> Result<Run<'c>, IndexError> {
        let behavior = if options.dry_run {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        };
        let Index {
            conn,
            path,
            engine,
            lsh,
            history,
            wait,
        } = index;
        let tx = conn
            .transaction_with_behavior(behavior)
            .map_err(|e| IndexError::from_sqlite(path, e, *wait))?;
        let has_verdicts = tx
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'verdicts'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| IndexError::from_sqlite(path, e, *wait))?
            > 0;
        if !options.dry_run {
            refresh_epochs(&tx).map_err(|e| IndexError::from_sqlite(path, e, *wait))?;
        }
        Ok(Run {
            tx,
            path,
            wait: *wait,
            config: &engine.config,
            lsh: *lsh,
            history: *history,
            window: options.window,
            dry_run: options.dry_run,
            max_matches: options.max_matches,
            large: (options.large_group, options.large_history),
            has_verdicts,
            items,
            existing: Vec::new(),
            sources: HashMap::new(),
            fresh: Vec::new(),
            skipped_empty: HashSet::new(),
        })
    }

    /// Maps SQLite errors onto [`IndexError`]; borrows nothing of the run.
    fn sql(&self) -> impl Fn(rusqlite::Error) -> IndexError + Copy + use<'c> {
        let (path, wait) = (self.path, self.wait);
        move |e| IndexError::from_sqlite(path, e, wait)
    }

    /// Ids already indexed are reported and left alone: their clusters and stored verdicts.
    fn indexed_clusters(&self) -> Result<Vec<Option<Indexed>>, IndexError> {
        let sql = self.sql();
        let mut existing = Vec::with_capacity(self.items.len());
        let mut q = self
            .tx
            .prepare_cached(if self.has_verdicts {
                "SELECT d.cluster, v.verdict FROM docs d \
                 LEFT JOIN verdicts v ON v.seq = d.seq WHERE d.id = ?1"
            } else {
                "SELECT cluster, NULL FROM docs WHERE id = ?1"
            })
            .map_err(sql)?;
        for it in &self.items {
            let c: Option<(i64, Option<String>)> = q
                .query_row([&it.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql)?;
            existing.push(c.map(|(c, v)| (c as u64, v)));
        }
        Ok(existing)
    }

    /// The known sources, by name.
    fn source_ids(&self) -> Result<HashMap<String, i64>, IndexError> {
        let sql = self.sql();
        let mut sources: HashMap<String, i64> = HashMap::new();
        let mut q = self
            .tx
            .prepare("SELECT id, name FROM sources")
            .map_err(sql)?;
        let rows = q
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        for row in rows {
            let (id, name) = row.map_err(sql)?;
            sources.insert(name, id);
        }
        Ok(sources)
    }

    /// The items whose ids are not indexed yet.
    fn not_indexed(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.existing[i].is_none())
            .collect()
    }

    /// Boilerplate: history counts plus this batch's distinct texts, per source, reaching
    /// `boilerplate_min_docs`.
    fn boilerplate(&self, fresh_idx: &[usize]) -> Result<HashSet<(&str, u32)>, IndexError> {
        let sql = self.sql();
        let mut batch_counts: HashMap<(&str, u32), usize> = HashMap::new();
        let min_docs = self.config.boilerplate_min_docs;
        if min_docs > 0 {
            let mut seen: HashSet<(&str, u32, u64)> = HashSet::new();
            for &i in fresh_idx {
                let p = &self.items[i].value;
                if let Some(s) = p.source.as_deref() {
                    for &(_, h) in &p.paragraphs {
                        if seen.insert((s, para32(h), p.content_key.0)) {
                            *batch_counts.entry((s, para32(h))).or_default() += 1;
                        }
                    }
                }
            }
        }
        let mut boiler: HashSet<(&str, u32)> = HashSet::new();
        let mut q = self
            .tx
            .prepare_cached("SELECT docs FROM paragraphs WHERE source = ?1 AND hash = ?2")
            .map_err(sql)?;
        for (&(s, h), &n) in &batch_counts {
            let hist: i64 = match self.sources.get(s) {
                Some(&sid) => q
                    .query_row(params![sid, h as i32], |r| r.get(0))
                    .optional()
                    .map_err(sql)?
                    .unwrap_or(0),
                None => 0,
            };
            if n + hist as usize >= min_docs {
                boiler.insert((s, h));
            }
        }
        Ok(boiler)
    }

    /// Signs what each new document keeps, in parallel; returns the signed documents and the
    /// items left without words.
    fn sign(
        &self,
        fresh_idx: &[usize],
        boiler: &HashSet<(&str, u32)>,
    ) -> (Vec<Fresh>, HashSet<usize>) {
        let items = &self.items;
        let signer = self.config.signer;
        let lsh = self.lsh;
        let fresh: Vec<Option<Fresh>> = fresh_idx
            .par_iter()
            .map(|&i| sign_one(i, &items[i].value, boiler, &signer, &lsh))
            .collect();
        let mut skipped_empty: HashSet<usize> = HashSet::new();
        for (k, f) in fresh.iter().enumerate() {
            if f.is_none() {
                skipped_empty.insert(fresh_idx[k]);
            }
        }
        (fresh.into_iter().flatten().collect(), skipped_empty)
    }

    /// History candidates: every indexed document sharing a band key.
    fn history_candidates(&self) -> Result<Candidates, IndexError> {
        let keys: BTreeSet<u32> = self
            .fresh
            .iter()
            .flat_map(|f| f.bands.iter().copied())
            .collect();
        let by_key = self.seqs_by_key(&keys)?;
        let wanted: BTreeSet<i64> = by_key.values().flatten().copied().collect();
        let old = self.load_old(&wanted)?;
        Ok(Candidates { by_key, old })
    }

    /// The indexed documents under each band key (keys without any are left out).
    fn seqs_by_key(&self, keys: &BTreeSet<u32>) -> Result<HashMap<u32, Vec<i64>>, IndexError> {
        let sql = self.sql();
        let mut by_key: HashMap<u32, Vec<i64>> = HashMap::new();
        let mut q = self
            .tx
            .prepare_cached("SELECT seq FROM bands WHERE key = ?1")
            .map_err(sql)?;
        for &k in keys {
            let seqs: Vec<i64> = q
                .query_map([k as i32], |r| r.get(0))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?;
            if !seqs.is_empty() {
                by_key.insert(k, seqs);
            }
        }
        Ok(by_key)
    }

    /// Reads the candidate documents, by `seq`.
    fn load_old(&self, wanted: &BTreeSet<i64>) -> Result<HashMap<i64, Old>, IndexError> {
        let sql = self.sql();
        let mut old: HashMap<i64, Old> = HashMap::new();
        let mut q = self
            .tx
            .prepare_cached(
                "SELECT id, source, date, epoch, cluster, content_hash, content_len, \
                 shingles_n, sig, shingles FROM docs WHERE seq = ?1",
            )
            .map_err(sql)?;
        for &seq in wanted {
            let o = q
                .query_row([seq], |r| {
                    let date: Option<String> = r.get(2)?;
                    // A file whose epochs an older date reader wrote (see `refresh_epochs`).
                    let epoch = r
                        .get::<_, Option<i64>>(3)?
                        .or_else(|| date.as_deref().and_then(crate::date::epoch_seconds));
                    Ok(Old {
                        id: r.get(0)?,
                        source: r.get(1)?,
                        date,
                        epoch,
                        cluster: r.get::<_, i64>(4)? as u64,
                        content: (r.get::<_, i64>(5)? as u64, r.get::<_, i64>(6)? as usize),
                        shingles_n: r.get::<_, i64>(7)? as usize,
                        sig16: r.get(8)?,
                        set: r.get::<_, Option<Vec<u8>>>(9)?.map(|b| from_blob_u32(&b)),
                    })
                })
                .optional()
                .map_err(sql)?;
            if let Some(o) = o {
                old.insert(seq, o);
            }
        }
        Ok(old)
    }

    /// Batch candidates: for each band key, the first fresh document of each group having it,
    /// in order (the other members are the same document, see [`Groups`]).
    fn batch_candidates(&self, groups: &Groups) -> HashMap<u32, Vec<usize>> {
        let mut batch_key: HashMap<u32, Vec<usize>> = HashMap::new();
        for &n in &groups.firsts {
            let f = &self.fresh[n];
            for &k in &f.bands {
                let v = batch_key.entry(k).or_default();
                if v.last() != Some(&n) {
                    v.push(n);
                }
            }
        }
        batch_key
    }

    /// What verification needs, without the database.
    fn verifier<'a>(
        &'a self,
        history: &'a Candidates,
        batch_key: &'a HashMap<u32, Vec<usize>>,
    ) -> Verifier<'a> {
        Verifier {
            fresh: &self.fresh,
            history,
            batch_key,
            threshold: self.config.threshold,
            window: self.window,
            large: self.large,
        }
    }

    /// Verifies every candidate of the first document of every group (in parallel): its
    /// history matches, and the edges to the groups it matches in the batch, both ways. Groups
    /// with too many candidates are marked large and left to [`Linker`] in [`Run::clusters`].
    fn verify(
        &self,
        history: &Candidates,
        batch_key: &HashMap<u32, Vec<usize>>,
        groups: &mut Groups,
    ) {
        let v = self.verifier(history, batch_key);
        let found: Vec<Option<(Vec<Found>, Vec<Found>)>> = groups
            .firsts
            .par_iter()
            .map(|&n| {
                let f = &v.fresh[n];
                if v.is_large(n, f) {
                    return None;
                }
                let mut batch = Vec::new();
                v.against_batch(n, f, &mut batch);
                Some((v.against_history(f), batch))
            })
            .collect();
        let count = groups.firsts.len();
        groups.edges = vec![Vec::new(); count];
        groups.hist = (0..count).map(|_| Vec::new()).collect();
        groups.large = found.iter().map(Option::is_none).collect();
        for (g, r) in found.into_iter().enumerate() {
            if let Some((hist, batch)) = r {
                groups.record(g, hist, batch, &history.old);
            }
        }
    }

    /// Clusters, in input order: join the smallest cluster matched, merge the others.
    fn clusters(
        &self,
        history: &Candidates,
        batch_key: &HashMap<u32, Vec<usize>>,
        groups: &mut Groups,
    ) -> Result<Clusters, IndexError> {
        let old = &history.old;
        let v = self.verifier(history, batch_key);
        let mut linker = Linker::new(&v, groups);
        let mut next: i64 = self
            .tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'next_cluster'",
                [],
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        let mut aliases = Aliases::default();
        let mut of: Vec<u64> = vec![0; self.fresh.len()];
        let mut merged_by: Vec<Vec<u64>> = vec![Vec::new(); self.fresh.len()];
        let mut seen: Vec<usize> = vec![0; groups.firsts.len()];
        for n in 0..self.fresh.len() {
            // What n matches: its group's history matches, and every earlier member of the
            // groups it has an edge to (its own included); all members of a group are in the
            // cluster of its first.
            let g = groups.of[n];
            let first = groups.firsts[g] == n;
            if first && groups.large[g] {
                let now = Now {
                    aliases: &aliases,
                    of: &of,
                    old,
                };
                let (hist, batch) = linker.link(&v, n, self.max_matches, &now);
                groups.record(g, hist, batch, old);
            }
            let hist = groups.hist[g].iter().map(|m| match m.other {
                Other::Old(seq) => aliases.find(old[&seq].cluster),
                Other::Batch(m) => aliases.find(of[m]),
            });
            let batch = groups.edges[g]
                .iter()
                .map(|e| e.group)
                .chain([g])
                .filter(|&h| seen[h] > 0)
                .map(|h| aliases.find(of[groups.firsts[h]]));
            let mut cs: BTreeSet<u64> = hist.chain(batch).collect();
            seen[g] += 1;
            let target = match cs.pop_first() {
                Some(t) => t,
                None => {
                    next += 1;
                    (next - 1) as u64
                }
            };
            for &c in &cs {
                aliases.0.insert(c, target);
            }
            merged_by[n] = cs.into_iter().collect();
            of[n] = target;
            if first {
                linker.add(&v.fresh[n].bands, n, target, &aliases);
            }
        }
        Ok(Clusters {
            next,
            aliases,
            of,
            merged_by,
        })
    }

    /// Verdicts in input order, and how many of them were stored ones given again.
    fn verdicts(
        &self,
        old: &HashMap<i64, Old>,
        groups: &Groups,
        clusters: &Clusters,
    ) -> Result<(Vec<Verdict>, usize), IndexError> {
        let mut replayed = 0;
        let mut prefix = Prefix::new(groups, self.max_matches);
        let source_names: HashMap<i64, String> =
            self.sources.iter().map(|(n, &i)| (i, n.clone())).collect();
        let mut verdicts: Vec<Verdict> = Vec::with_capacity(self.items.len());
        let mut fresh_at: HashMap<usize, usize> = HashMap::new();
        for (n, f) in self.fresh.iter().enumerate() {
            fresh_at.insert(f.item, n);
        }
        for (i, it) in self.items.iter().enumerate() {
            if let Some((c, stored)) = &self.existing[i] {
                let cluster = Some(clusters.aliases.find(*c));
                match stored {
                    Some(json) => {
                        replayed += 1;
                        verdicts.push(Verdict {
                            cluster,
                            ..self.stored_verdict(&it.id, json)?
                        });
                    }
                    None => verdicts.push(Verdict {
                        id: it.id.clone(),
                        status: Status::AlreadyIndexed,
                        cluster,
                        merged: Vec::new(),
                        matches: Vec::new(),
                        match_count: None,
                        sampled: false,
                        reason: None,
                    }),
                }
                continue;
            }
            if self.skipped_empty.contains(&i) {
                verdicts.push(Verdict {
                    id: it.id.clone(),
                    status: Status::Skipped,
                    cluster: None,
                    merged: Vec::new(),
                    matches: Vec::new(),
                    match_count: None,
                    sampled: false,
                    reason: Some("empty text".into()),
                });
                continue;
            }
            let n = fresh_at[&i];
            let (found, count) = listable(n, groups, &prefix);
            prefix.add(groups.of[n], n, &self.fresh);
            let (status, matches) = self.matches(&found, old, &source_names);
            let sampled = groups.large[groups.of[n]];
            verdicts.push(Verdict {
                id: it.id.clone(),
                status,
                cluster: Some(clusters.aliases.find(clusters.of[n])),
                merged: clusters.merged_by[n].clone(),
                match_count: (!sampled && count > matches.len()).then_some(count),
                sampled,
                matches,
                reason: None,
            });
        }
        Ok((verdicts, replayed))
    }

    /// The verdict stored for `id` when it was added; a damaged one is an error, never
    /// silently replaced.
    fn stored_verdict(&self, id: &str, json: &str) -> Result<Verdict, IndexError> {
        match serde_json::from_str::<Verdict>(json) {
            Ok(v) if v.id == id => Ok(v),
            Ok(v) => Err(IndexError::Mismatch(
                self.path.to_path_buf(),
                format!("the verdict stored for {id:?} is {:?}'s", v.id),
            )),
            Err(e) => Err(IndexError::Mismatch(
                self.path.to_path_buf(),
                format!("the verdict stored for {id:?} is unreadable: {e}"),
            )),
        }
    }

    /// A fresh document's matches as reported, best first (Jaccard, then earlier date, undated
    /// last, then id), and its status.
    fn matches(
        &self,
        found: &[Found],
        old: &HashMap<i64, Old>,
        source_names: &HashMap<i64, String>,
    ) -> (Status, Vec<Match>) {
        let mut any_exact = false;
        let mut matches: Vec<(Option<i64>, Match)> = found
            .iter()
            .map(|m| {
                any_exact |= m.exact;
                let (id, source, date, epoch) = match m.other {
                    Other::Old(seq) => {
                        let o = &old[&seq];
                        let src = o.source.and_then(|s| source_names.get(&s).cloned());
                        (o.id.clone(), src, o.date.clone(), o.epoch)
                    }
                    Other::Batch(b) => {
                        let g = &self.fresh[b];
                        (g.id.clone(), g.source.clone(), g.date.clone(), g.epoch)
                    }
                };
                let shown = Match {
                    id,
                    source,
                    date,
                    jaccard: round4(m.jaccard),
                    containment: round4(m.containment),
                    verified: m.verified,
                };
                (epoch, shown)
            })
            .collect();
        matches.sort_by(|(ea, a), (eb, b)| {
            b.jaccard
                .total_cmp(&a.jaccard)
                .then_with(|| (ea.is_none(), ea).cmp(&(eb.is_none(), eb)))
                .then_with(|| a.id.cmp(&b.id))
        });
        matches.truncate(self.max_matches);
        matches.shrink_to_fit();
        let status = if any_exact {
            Status::ExactDuplicate
        } else if matches.is_empty() {
            Status::New
        } else {
            Status::Duplicate
        };
        (status, matches.into_iter().map(|(_, m)| m).collect())
    }

    /// Writes the batch (batch row, new sources, documents, band rows, paragraph counts,
    /// cluster merges, the next cluster id) and commits. Until the commit nothing of it is
    /// visible, and a kill leaves the index as it was.
    fn write(mut self, clusters: &Clusters, verdicts: &[Verdict]) -> Result<(), IndexError> {
        let sql = self.sql();
        let batch_id = self.insert_batch()?;
        self.insert_sources()?;
        let band_rows = self.insert_docs(batch_id, clusters, verdicts)?;
        self.insert_bands(band_rows)?;
        if self.config.boilerplate_min_docs > 0 {
            self.count_paragraphs()?;
        }
        self.apply_merges(clusters)?;
        self.tx
            .execute(
                "UPDATE meta SET value = ?1 WHERE key = 'next_cluster'",
                [clusters.next],
            )
            .map_err(sql)?;
        self.tx.commit().map_err(sql)
    }

    /// The `batches` row; returns its id.
    fn insert_batch(&self) -> Result<i64, IndexError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.tx
            .execute(
                "INSERT INTO batches(at, docs) VALUES (?1, ?2)",
                params![now, self.fresh.len() as i64],
            )
            .map_err(self.sql())?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Sources not seen before, numbered as they first appear.
    fn insert_sources(&mut self) -> Result<(), IndexError> {
        let sql = self.sql();
        let mut ins = self
            .tx
            .prepare_cached("INSERT INTO sources(name) VALUES (?1)")
            .map_err(sql)?;
        for f in &self.fresh {
            if let Some(s) = &f.source
                && !self.sources.contains_key(s)
            {
                ins.execute([s]).map_err(sql)?;
                self.sources.insert(s.clone(), self.tx.last_insert_rowid());
            }
        }
        Ok(())
    }

    /// The `docs` rows, in input order; returns each document's distinct band keys as
    /// `(key, seq)` rows for the band table.
    fn insert_docs(
        &self,
        batch_id: i64,
        clusters: &Clusters,
        verdicts: &[Verdict],
    ) -> Result<Vec<(i32, i64)>, IndexError> {
        let sql = self.sql();
        if !self.has_verdicts {
            // A file made before verdicts were stored gets the table with its next batch.
            self.tx.execute_batch(VERDICTS_TABLE).map_err(sql)?;
        }
        let mut put_verdict = self
            .tx
            .prepare_cached("INSERT INTO verdicts(seq, verdict) VALUES (?1, ?2)")
            .map_err(sql)?;
        let mut band_rows: Vec<(i32, i64)> = Vec::with_capacity(self.fresh.len() * self.lsh.bands);
        let mut ins = self
            .tx
            .prepare_cached(
                "INSERT INTO docs(id, source, date, epoch, batch, cluster, content_hash, \
                 content_len, shingles_n, sig, bands, shingles) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .map_err(sql)?;
        for (n, f) in self.fresh.iter().enumerate() {
            let shingles = (self.history == History::Exact).then(|| to_blob_u32(&f.set));
            ins.execute(params![
                f.id,
                f.source.as_ref().map(|s| self.sources[s]),
                f.date,
                f.epoch,
                batch_id,
                clusters.aliases.find(clusters.of[n]) as i64,
                f.content.0 as i64,
                f.content.1 as i64,
                f.set.len() as i64,
                sig16(&f.signature),
                to_blob_u32(&f.bands),
                shingles,
            ])
            .map_err(sql)?;
            let seq = self.tx.last_insert_rowid();
            let json = serde_json::to_string(&verdicts[f.item]).expect("a verdict serializes");
            put_verdict.execute(params![seq, json]).map_err(sql)?;
            let mut ks = f.bands.clone();
            ks.sort_unstable();
            ks.dedup();
            band_rows.extend(ks.into_iter().map(|k| (k as i32, seq)));
        }
        Ok(band_rows)
    }

    /// The band rows, sorted (the table's key order).
    fn insert_bands(&self, mut band_rows: Vec<(i32, i64)>) -> Result<(), IndexError> {
        let sql = self.sql();
        band_rows.sort_unstable();
        let mut ins = self
            .tx
            .prepare_cached("INSERT INTO bands(key, seq) VALUES (?1, ?2)")
            .map_err(sql)?;
        for (k, seq) in band_rows {
            ins.execute(params![k, seq]).map_err(sql)?;
        }
        Ok(())
    }

    /// Adds the batch's distinct texts per (source, paragraph) to the boilerplate counts.
    fn count_paragraphs(&self) -> Result<(), IndexError> {
        let sql = self.sql();
        let mut counts: HashMap<(i64, u32), i64> = HashMap::new();
        let mut seen: HashSet<(i64, u32, u64)> = HashSet::new();
        for f in &self.fresh {
            let p = &self.items[f.item].value;
            if let Some(s) = &f.source {
                let sid = self.sources[s];
                for &h in &f.paragraphs {
                    if seen.insert((sid, h, p.content_key.0)) {
                        *counts.entry((sid, h)).or_default() += 1;
                    }
                }
            }
        }
        let mut counts: Vec<((i64, u32), i64)> = counts.into_iter().collect();
        counts.sort_unstable();
        let mut up = self
            .tx
            .prepare_cached(
                "INSERT INTO paragraphs(source, hash, docs) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(source, hash) DO UPDATE SET docs = docs + excluded.docs",
            )
            .map_err(sql)?;
        for ((sid, h), n) in counts {
            up.execute(params![sid, h as i32, n]).map_err(sql)?;
        }
        Ok(())
    }

    /// Moves the documents of merged clusters (indexed before) into the surviving ones.
    fn apply_merges(&self, clusters: &Clusters) -> Result<(), IndexError> {
        let sql = self.sql();
        let mut up = self
            .tx
            .prepare_cached("UPDATE docs SET cluster = ?1 WHERE cluster = ?2")
            .map_err(sql)?;
        let mut merged: Vec<u64> = clusters.aliases.0.keys().copied().collect();
        merged.sort_unstable();
        for c in merged {
            up.execute(params![clusters.aliases.find(c) as i64, c as i64])
                .map_err(sql)?;
        }
        Ok(())
    }
}

/// The matches of fresh document `n` that can be listed (its group's history matches and the
/// best earlier members of each group it matches, its own included), and how many it has in
/// all. `prefix` holds the documents before `n`.
fn listable(n: usize, groups: &Groups, prefix: &Prefix) -> (Vec<Found>, usize) {
    let g = groups.of[n];
    let hist = &groups.hist[g];
    // The best (they are sorted), and an exact one should it lie further (it decides the status).
    let exact = hist.iter().skip(prefix.k).find(|m| m.exact);
    let mut out: Vec<Found> = hist
        .iter()
        .take(prefix.k)
        .chain(exact)
        .map(|m| Found {
            other: match m.other {
                Other::Old(seq) => Other::Old(seq),
                Other::Batch(b) => Other::Batch(b),
            },
            ..*m
        })
        .collect();
    let mut count = hist.len();
    let own = Edge {
        group: g,
        jaccard: 1.0,
        containment: 1.0,
        exact: true,
    };
    for e in groups.edges[g].iter().chain([&own]) {
        count += prefix.seen[e.group];
        out.extend(
            prefix.best[e.group]
                .iter()
                .map(|&m| found(Other::Batch(m), e.jaccard, e.containment, e.exact, "exact")),
        );
    }
    (out, count)
}

/// The 32 bits of a paragraph hash the index keeps.
fn para32(h: u64) -> u32 {
    (h >> 32) as u32
}

/// Removes the boilerplate paragraphs of item `i` (unless that would remove them all) and signs
/// what is left; `None` when no words are left.
fn sign_one(
    i: usize,
    p: &Prepared,
    boiler: &HashSet<(&str, u32)>,
    signer: &Signer,
    lsh: &LshParams,
) -> Option<Fresh> {
    let mut removed: Vec<u32> = match p.source.as_deref() {
        Some(s) => (0..p.paragraphs.len() as u32)
            .filter(|&k| boiler.contains(&(s, para32(p.paragraphs[k as usize].1))))
            .collect(),
        None => Vec::new(),
    };
    if removed.len() == p.paragraphs.len() {
        removed.clear();
    }
    let kept = dedup::kept_units(p, &removed);
    if kept.is_empty() {
        return None;
    }
    let signature = signer.sign_units(&kept);
    let mut set: Vec<u32> = Vec::with_capacity(kept.len());
    signer.for_each_shingle(&kept, |k| set.push((k >> 32) as u32));
    set.sort_unstable();
    set.dedup();
    let bands = (0..lsh.bands)
        .map(|b| (lsh.band_key(&signature, b) >> 32) as u32)
        .collect();
    let mut paragraphs: Vec<u32> = p.paragraphs.iter().map(|&(_, h)| para32(h)).collect();
    paragraphs.sort_unstable();
    paragraphs.dedup();
    Some(Fresh {
        item: i,
        id: p.id.clone(),
        source: p.source.clone(),
        date: p.date.clone(),
        epoch: p.date.as_deref().and_then(crate::date::epoch_seconds),
        content: (dedup::fold_all(&kept), kept.len()),
        signature,
        set,
        bands,
        paragraphs,
        removed: removed.len(),
    })
}

/// What verification needs, shared by the parallel workers (no database in it).
struct Verifier<'a> {
    fresh: &'a [Fresh],
    history: &'a Candidates,
    batch_key: &'a HashMap<u32, Vec<usize>>,
    threshold: f64,
    window: Option<i64>,
    large: (usize, usize),
}

impl Verifier<'_> {
    /// Whether two documents' dates are close enough to match (always, without a window).
    fn in_window(&self, a: Option<i64>, b: Option<i64>) -> bool {
        match self.window {
            None => true,
            Some(w) => matches!((a, b), (Some(a), Some(b)) if (a - b).abs() <= w),
        }
    }

    /// Indexed documents sharing a band key with `f`, in `seq` order, that reach the
    /// threshold: exactly with stored shingle sets, else by the signature estimate.
    fn against_history(&self, f: &Fresh) -> Vec<Found> {
        let mut out: Vec<Found> = Vec::new();
        let hist: BTreeSet<i64> = f
            .bands
            .iter()
            .filter_map(|k| self.history.by_key.get(k))
            .flatten()
            .copied()
            .collect();
        let sig = sig16(&f.signature);
        out.extend(
            hist.into_iter()
                .filter_map(|seq| self.check_old(f, &sig, seq)),
        );
        out
    }

    /// `f` against indexed document `seq` (`sig` is `f`'s stored signature): a match when it
    /// reaches the threshold, exactly with stored shingle sets, else by the signature estimate.
    fn check_old(&self, f: &Fresh, sig: &[u8], seq: i64) -> Option<Found> {
        let o = self.history.old.get(&seq)?;
        if !self.in_window(f.epoch, o.epoch) {
            return None;
        }
        let (j, c, exact, how) = if o.content == f.content {
            (1.0, 1.0, true, "exact")
        } else if let Some(set) = &o.set {
            let ov = overlap32(&f.set, set);
            (ov.jaccard, ov.containment_ab, false, "exact")
        } else {
            let j = estimate16(sig, &o.sig16);
            let c = containment_from(j, f.set.len(), o.shingles_n);
            (j, c, false, "estimate")
        };
        (j >= self.threshold).then(|| found(Other::Old(seq), j, c, exact, how))
    }

    /// Earlier documents of the batch (`f` is number `n`) sharing a band key that reach the
    /// threshold, verified exactly, appended to `out` in batch order.
    fn against_batch(&self, n: usize, f: &Fresh, out: &mut Vec<Found>) {
        let earlier: BTreeSet<usize> = f
            .bands
            .iter()
            .filter_map(|k| self.batch_key.get(k))
            .flatten()
            .copied()
            .filter(|&m| m < n)
            .collect();
        out.extend(earlier.into_iter().filter_map(|m| self.check_batch(f, m)));
    }

    /// `f` against fresh document `m`, verified exactly: a match when it reaches the threshold.
    fn check_batch(&self, f: &Fresh, m: usize) -> Option<Found> {
        let g = &self.fresh[m];
        if !self.in_window(f.epoch, g.epoch) {
            return None;
        }
        let (j, c, back, exact) = if g.content == f.content {
            (1.0, 1.0, 1.0, true)
        } else {
            let ov = overlap32(&f.set, &g.set);
            (ov.jaccard, ov.containment_ab, ov.containment_ba, false)
        };
        (j >= self.threshold).then(|| Found {
            back,
            ..found(Other::Batch(m), j, c, exact, "exact")
        })
    }

    /// The most earlier candidates `f` (fresh document `n`) has under one band key, in the
    /// batch and in the index: above [`DedupOptions::large_group`] or `large_history` it is linked by
    /// [`Linker`] instead of verified against every candidate.
    fn is_large(&self, n: usize, f: &Fresh) -> bool {
        f.bands.iter().any(|k| {
            let batch = self
                .batch_key
                .get(k)
                .map_or(0, |v| v.partition_point(|&m| m < n));
            let hist = self.history.by_key.get(k).map_or(0, Vec::len);
            batch > self.large.0 || hist > self.large.1
        })
    }
}

fn found(
    other: Other,
    jaccard: f64,
    containment: f64,
    exact: bool,
    verified: &'static str,
) -> Found {
    Found {
        other,
        jaccard,
        containment,
        back: 0.0,
        exact,
        verified,
    }
}

/// Fresh documents grouped by content key and date: the members of a group are the same
/// document to every comparison (same kept words, so same shingles, bands and signature; same
/// date, so the same window), and an exact duplicate of each other. Only the first member of
/// each group is verified; the others inherit its matches, so a wire story syndicated N times
/// costs N, not N², in candidates, verification and memory, with the same clusters.
struct Groups {
    /// Per fresh document, its group.
    of: Vec<usize>,
    /// Per group, its first member (groups are numbered in the order of their firsts).
    firsts: Vec<usize>,
    /// Per group, the history matches of its first member.
    hist: Vec<Vec<Found>>,
    /// Per group, the other groups it matches (both directions).
    edges: Vec<Vec<Edge>>,
    /// Per group, whether it had too many candidates to verify them all (see [`Linker`]).
    large: Vec<bool>,
}

/// A verified match between two groups, from the side of the group holding it.
#[derive(Clone)]
struct Edge {
    group: usize,
    jaccard: f64,
    /// How much of this group's document the other group's has.
    containment: f64,
    exact: bool,
}

impl Groups {
    fn new(fresh: &[Fresh]) -> Groups {
        let mut first: HashMap<((u64, usize), Option<i64>), usize> = HashMap::new();
        let mut of = Vec::with_capacity(fresh.len());
        let mut firsts = Vec::new();
        for (n, f) in fresh.iter().enumerate() {
            let g = *first.entry((f.content, f.epoch)).or_insert_with(|| {
                firsts.push(n);
                firsts.len() - 1
            });
            of.push(g);
        }
        Groups {
            of,
            firsts,
            hist: Vec::new(),
            edges: Vec::new(),
            large: Vec::new(),
        }
    }

    /// Keeps the verified matches of group `g`'s first document: its history matches best
    /// first (as verdicts list them, so that a verdict needs only the first few), and an edge
    /// both ways to each batch group it matched.
    fn record(
        &mut self,
        g: usize,
        mut hist: Vec<Found>,
        batch: Vec<Found>,
        old: &HashMap<i64, Old>,
    ) {
        let key = |m: &Found| match m.other {
            Other::Old(seq) => {
                let o = &old[&seq];
                (o.epoch.is_none(), o.epoch, o.id.as_str())
            }
            Other::Batch(_) => (true, None, ""),
        };
        hist.sort_by(|a, b| {
            round4(b.jaccard)
                .total_cmp(&round4(a.jaccard))
                .then_with(|| key(a).cmp(&key(b)))
        });
        for m in batch {
            let Other::Batch(b) = m.other else { continue };
            let h = self.of[b];
            let edge = |group, containment| Edge {
                group,
                jaccard: m.jaccard,
                containment,
                exact: m.exact,
            };
            self.edges[g].push(edge(h, m.containment));
            self.edges[h].push(edge(g, m.back));
        }
        self.hist[g] = hist;
    }
}

/// While going through the fresh documents in order: per group, how many members came so far
/// and the first `k` of them by id (the best listed: members of a group tie on everything
/// else).
struct Prefix {
    seen: Vec<usize>,
    best: Vec<Vec<usize>>,
    k: usize,
}

impl Prefix {
    fn new(groups: &Groups, k: usize) -> Prefix {
        let n = groups.firsts.len();
        Prefix {
            seen: vec![0; n],
            best: vec![Vec::new(); n],
            k,
        }
    }

    fn add(&mut self, g: usize, n: usize, fresh: &[Fresh]) {
        self.seen[g] += 1;
        let best = &mut self.best[g];
        let at = best.partition_point(|&m| fresh[m].id <= fresh[n].id);
        if at < self.k {
            best.insert(at, n);
            best.truncate(self.k);
        }
    }
}

/// The clusters as they stand while [`Run::clusters`] goes through the fresh documents.
struct Now<'a> {
    aliases: &'a Aliases,
    /// Per fresh document before the current one, the cluster it joined or started.
    of: &'a [u64],
    old: &'a HashMap<i64, Old>,
}

impl Now<'_> {
    /// The cluster a candidate is in now (`None` for an indexed document not loaded).
    fn cluster(&self, node: Other) -> Option<u64> {
        let c = match node {
            Other::Old(seq) => self.old.get(&seq)?.cluster,
            Other::Batch(m) => self.of[m],
        };
        Some(self.aliases.find(c))
    }
}

/// The candidates under one band key that are in one cluster, in the order they came.
struct Part {
    cluster: u64,
    members: Vec<Other>,
}

/// Links the first documents of large groups without verifying all their candidates: the
/// clusters depend only on which clusters a document matches, so it is verified against the
/// members of each candidate cluster in turn only until one matches (in a group of near-copies,
/// once), then against a few more to list [`DedupOptions::max_matches`]. Every cluster among
/// its candidates is tried until a member matches or none is left, so the clusters are those
/// of verifying every candidate.
struct Linker {
    /// The candidates per band key, by cluster; built when a large group first needs the key,
    /// then kept up to date as each group's first document joins its cluster.
    parts: HashMap<u32, Vec<Part>>,
    /// Candidates by content key: an exact copy is looked for first (it decides the status).
    exact: HashMap<(u64, usize), Vec<Other>>,
}

/// How many verifications beyond those that decide the clusters may be spent listing matches.
const LISTING_TRIES: usize = 4;

impl Linker {
    fn new(v: &Verifier, groups: &Groups) -> Linker {
        let mut exact: HashMap<(u64, usize), Vec<Other>> = HashMap::new();
        if groups.large.iter().any(|&l| l) {
            let mut old: Vec<(&i64, &Old)> = v.history.old.iter().collect();
            old.sort_unstable_by_key(|(seq, _)| **seq);
            for (&seq, o) in old {
                exact.entry(o.content).or_default().push(Other::Old(seq));
            }
            for &n in &groups.firsts {
                exact
                    .entry(v.fresh[n].content)
                    .or_default()
                    .push(Other::Batch(n));
            }
        }
        Linker {
            parts: HashMap::new(),
            exact,
        }
    }

    /// Fresh document `n` (the first of a large group) against its candidates: its history
    /// matches and its batch matches.
    fn link(&mut self, v: &Verifier, n: usize, max: usize, now: &Now) -> (Vec<Found>, Vec<Found>) {
        let f = &v.fresh[n];
        let sig = sig16(&f.signature);
        let earlier = |node: &Other| !matches!(*node, Other::Batch(m) if m >= n);
        let check = |node: Other| match node {
            Other::Old(seq) => v.check_old(f, &sig, seq),
            Other::Batch(m) => v.check_batch(f, m),
        };
        let mut keys = f.bands.clone();
        keys.sort_unstable();
        keys.dedup();
        let mut matched: HashSet<u64> = HashSet::new();
        let mut tried: HashSet<Other> = HashSet::new();
        let mut out: Vec<Found> = Vec::new();
        let copies = self.exact.get(&f.content).into_iter().flatten();
        for &node in copies.filter(|node| earlier(node)).take(max) {
            tried.insert(node);
            if let (Some(m), Some(c)) = (check(node), now.cluster(node)) {
                out.push(m);
                matched.insert(c);
                break;
            }
        }
        for &k in &keys {
            let parts = self.parts_of(k, n, v, now);
            for part in parts.iter() {
                if matched.contains(&part.cluster) {
                    continue;
                }
                for &node in &part.members {
                    if tried.insert(node)
                        && let Some(m) = check(node)
                    {
                        out.push(m);
                        matched.insert(part.cluster);
                        break;
                    }
                }
            }
        }
        let mut budget = max * LISTING_TRIES;
        'list: for k in &keys {
            for part in self.parts[k]
                .iter()
                .filter(|p| matched.contains(&p.cluster))
            {
                for &node in &part.members {
                    if out.len() >= max || budget == 0 {
                        break 'list;
                    }
                    if tried.insert(node) {
                        budget -= 1;
                        out.extend(check(node));
                    }
                }
            }
        }
        out.into_iter()
            .partition(|m| matches!(m.other, Other::Old(_)))
    }

    /// The parts under key `k` when fresh document `n` comes, by the clusters as they are now:
    /// built from the index's documents and the batch's earlier first documents on first use.
    fn parts_of(&mut self, k: u32, n: usize, v: &Verifier, now: &Now) -> &mut Vec<Part> {
        let parts = self.parts.entry(k).or_insert_with(|| {
            let hist = v.history.by_key.get(&k).into_iter().flatten();
            let batch = v.batch_key.get(&k).into_iter().flatten();
            let nodes = hist
                .map(|&seq| Other::Old(seq))
                .chain(batch.take_while(|&&m| m < n).map(|&m| Other::Batch(m)));
            let mut parts: Vec<Part> = Vec::new();
            let mut at: HashMap<u64, usize> = HashMap::new();
            for node in nodes {
                let Some(c) = now.cluster(node) else { continue };
                let p = *at.entry(c).or_insert_with(|| {
                    parts.push(Part {
                        cluster: c,
                        members: Vec::new(),
                    });
                    parts.len() - 1
                });
                parts[p].members.push(node);
            }
            parts
        });
        tidy(parts, now.aliases);
        parts
    }

    /// Fresh document `n`, the first of its group, has joined `cluster`: it is a candidate for
    /// the later documents under each of its band keys that has parts.
    fn add(&mut self, bands: &[u32], n: usize, cluster: u64, aliases: &Aliases) {
        for k in bands {
            let Some(parts) = self.parts.get_mut(k) else {
                continue;
            };
            if parts
                .iter()
                .any(|p| p.members.last() == Some(&Other::Batch(n)))
            {
                continue; // a key repeated among the bands
            }
            match parts
                .iter_mut()
                .find(|p| aliases.find(p.cluster) == cluster)
            {
                Some(p) => p.members.push(Other::Batch(n)),
                None => parts.push(Part {
                    cluster,
                    members: vec![Other::Batch(n)],
                }),
            }
        }
    }
}

/// Brings the parts' clusters up to date and joins the parts of clusters merged since, keeping
/// the order in which the clusters and their members came.
fn tidy(parts: &mut Vec<Part>, aliases: &Aliases) {
    let mut at: HashMap<u64, usize> = HashMap::new();
    let mut kept: Vec<Part> = Vec::with_capacity(parts.len());
    for mut p in parts.drain(..) {
        p.cluster = aliases.find(p.cluster);
        match at.get(&p.cluster) {
            Some(&i) => kept[i].members.append(&mut p.members),
            None => {
                at.insert(p.cluster, kept.len());
                kept.push(p);
            }
        }
    }
    *parts = kept;
}
