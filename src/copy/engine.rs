//! [`Engine`]: the stages run in order with one configuration.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::corpus::{self, Document, Item, ReadError, ReadOptions, Skipped, UnreadDates};
use crate::text::Normalizer;

use super::boilerplate::Boilerplate;
use super::config::{Config, Verify};
use super::lsh::{LshParams, bucketed_candidates};
use super::minhash::{Shingling, Signature};
use super::outcome::{Outcome, Stats};
use super::prepared::{Prepared, Signed, Units, fold_all, kept_from};
use super::spill::{Spill, SpillReport, return_freed_memory};
use super::verify::{Overlap, ShingleSets, verified_pairs};
use super::{buckets, cluster};

/// Told when each stage after reading starts, with what it works through, so that a front
/// door can show progress (the library shows nothing; `naql` draws it on a terminal).
pub trait Stages: Send + Sync {
    /// Stage `name` starts, over `count` of `what` (`"verify"`, 237, `"candidate pairs"`).
    fn start(&self, name: &'static str, count: usize, what: &'static str);
    /// The run's last stage ended.
    fn finish(&self) {}
}

/// Runs the stages with one configuration.
pub struct Engine {
    /// The configuration every stage reads.
    pub config: Config,
    normalizer: Normalizer,
    /// LSH buckets larger than this are linked (see `buckets.rs`) instead of listing all pairs.
    max_bucket: usize,
    /// Told of each stage (see [`Engine::with_stages`]).
    pub(crate) stages: Option<std::sync::Arc<dyn Stages>>,
    /// Units held in memory beyond this many bytes go to disk (see [`Engine::spill_after`]).
    spill_after: usize,
    spill_dir: Option<PathBuf>,
    /// Bytes of units held in memory by documents prepared for a run so far.
    held: AtomicUsize,
    /// The spill file, made when first needed (or why it could not be).
    spill: OnceLock<Result<Arc<Spill>, String>>,
}

/// LSH buckets of more members than this are linked, not verified pair by pair; smaller
/// buckets give every pair as before, so ordinary corpora see the same pair counts.
pub const MAX_BUCKET_PAIRS: usize = 64;

/// One run's bookkeeping: the counts every stage adds to, and the wall time of each stage.
struct Ledger {
    stats: Stats,
    clock: Stopwatch,
}

/// Wall time of each stage of a run, in order (`--timings`; not part of any output). The story
/// level keeps its stages with the same watch.
pub(crate) struct Stopwatch {
    pub(crate) timings: Vec<(&'static str, f64)>,
    since: Instant,
}

impl Stopwatch {
    /// Starts timing the first stage.
    pub(crate) fn start() -> Stopwatch {
        Stopwatch {
            timings: Vec::new(),
            since: Instant::now(),
        }
    }

    /// Records the time since the last lap as stage `name`'s.
    pub(crate) fn lap(&mut self, name: &'static str) {
        self.timings
            .push((name, self.since.elapsed().as_secs_f64()));
        self.since = Instant::now();
    }
}

impl Ledger {
    /// Counts the records read, and bad records by reason.
    fn new(documents: usize, skipped_records: &Skipped) -> Ledger {
        let mut stats = Stats {
            documents,
            input_records: documents + skipped_records.total(),
            ..Stats::default()
        };
        for (kind, n) in skipped_records.by_kind() {
            *stats.skipped.entry(kind.to_string()).or_default() += n;
        }
        Ledger {
            stats,
            clock: Stopwatch::start(),
        }
    }

    /// Ends the stage `name`.
    fn lap(&mut self, name: &'static str) {
        self.clock.lap(name);
    }
}

impl Engine {
    /// An engine for `config` (call [`Config::validate`] first: the engine assumes valid values).
    pub fn new(config: Config) -> Self {
        let normalizer = Normalizer::new(config.normalize);
        Engine {
            config,
            normalizer,
            max_bucket: MAX_BUCKET_PAIRS,
            stages: None,
            spill_after: usize::MAX,
            spill_dir: None,
            held: AtomicUsize::new(0),
            spill: OnceLock::new(),
        }
    }

    /// The same engine, keeping at most `bytes` of units (8 bytes a word) in memory in a run:
    /// the units of later documents go to an unnamed temporary file in `dir` (or `TMPDIR`)
    /// and are read back only to remove boilerplate and to verify candidates. The results are
    /// the same; past the budget a document costs ~1.5 KB of memory instead of ~4.3 KB
    /// (SaudiNewsNet copies, BENCHMARKS.md), and the disk holds what memory would have.
    /// [`Engine::prepare`] itself never spills.
    pub fn spill_after(mut self, bytes: usize, dir: Option<PathBuf>) -> Self {
        self.spill_after = bytes;
        self.spill_dir = dir;
        self
    }

    /// The same engine, telling `stages` when each stage starts.
    pub fn with_stages(mut self, stages: std::sync::Arc<dyn Stages>) -> Self {
        self.stages = Some(stages);
        self
    }

    /// Tells the stage reporter, if any, that `name` starts.
    pub(crate) fn stage(&self, name: &'static str, count: usize, what: &'static str) {
        if let Some(s) = &self.stages {
            s.start(name, count, what);
        }
    }

    /// The same engine, verifying every candidate pair even in large LSH buckets, for when
    /// every verified pair is wanted (`naql pairs`) and not only the clusters; memory then
    /// grows with the square of the largest group of near-copies.
    pub fn all_pairs(mut self) -> Self {
        self.max_bucket = usize::MAX;
        self
    }

    /// The normalizer built from [`Config::normalize`].
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// Stage 1 for one document.
    pub fn prepare(&self, doc: Document) -> Prepared {
        self.prepare_parts::<false>(doc, |_, _| {}).0
    }

    /// Whether [`Engine::prepare_keeping_text`] hands out the tokens a reader normalizing with
    /// `options` would find after the dateline: word shingles, datelines cut, the same rules.
    pub fn shares_tokens(&self, options: &crate::text::NormalizeOptions) -> bool {
        matches!(self.config.signer.shingling, Shingling::Words(_))
            && self.config.datelines
            && self.normalizer.options() == options
    }

    /// [`Engine::prepare`] that gives the text back and, when [`Engine::shares_tokens`], hands
    /// each token after the dateline to `token` (normalized bytes, [`crate::hash::term_hash`]):
    /// the story level then counts its terms in the same pass instead of a second one.
    pub fn prepare_keeping_text(
        &self,
        doc: Document,
        token: impl FnMut(&[u8], u64),
    ) -> (Prepared, String) {
        self.prepare_parts::<true>(doc, token)
    }

    /// Stage 1; `TOKENS`: hand the tokens out (else the tokenizer hashes only, the copy
    /// level's own loop, a little tighter).
    fn prepare_parts<const TOKENS: bool>(
        &self,
        doc: Document,
        mut token: impl FnMut(&[u8], u64),
    ) -> (Prepared, String) {
        let Document {
            id,
            source,
            date,
            title,
            text,
        } = doc;
        let words = TOKENS && matches!(self.config.signer.shingling, Shingling::Words(_));
        let mut units = Vec::with_capacity(text.len() / 8);
        let mut paragraphs = Vec::new();
        let mut before_content = self.config.datelines;
        let mut dateline = false;
        for mut line in text.split('\n') {
            if before_content && let Some(end) = self.leading_dateline(line) {
                before_content = false;
                dateline = end > 0;
                line = &line[end..];
            }
            let start = units.len();
            if words {
                self.normalizer.for_each_token_bytes_hashed(line, |w, h| {
                    units.push(h);
                    token(w, h);
                });
            } else {
                self.config.signer.units(&self.normalizer, line, &mut units);
            }
            if units.len() > start {
                paragraphs.push((units.len() as u32, fold_all(&units[start..])));
            }
        }
        let signature = self.config.signer.sign_units(&units);
        let content_key = (fold_all(&units), units.len());
        // Kept until verification, for every document at once: no slack (the estimate
        // above is about a third too large for Arabic news, 11 bytes a word).
        units.shrink_to_fit();
        paragraphs.shrink_to_fit();
        let prepared = Prepared {
            id,
            source,
            date,
            title: crate::text::chrome::skip_chrome_title(title, &text),
            chars: text.chars().count(),
            units: Units::Held(units),
            paragraphs,
            dateline,
            signature,
            content_key,
        };
        (prepared, text)
    }

    /// For a line before any letter or digit was read: `None` when it has none either (the
    /// dateline may still come), else how many bytes of dateline it starts with (0: none).
    fn leading_dateline(&self, line: &str) -> Option<usize> {
        line.chars()
            .any(char::is_alphanumeric)
            .then(|| self.normalizer.dateline_end(line))
    }

    /// Where the dateline is, when datelines are cut: where it starts and ends in `text`, in
    /// bytes (it opens the first line with a letter or digit).
    fn dateline_cut(&self, text: &str) -> Option<(usize, usize)> {
        if !self.config.datelines {
            return None;
        }
        let mut at = 0;
        for line in text.split('\n') {
            if let Some(end) = self.leading_dateline(line) {
                return (end > 0).then_some((at, at + end));
            }
            at += line.len() + 1;
        }
        None
    }

    /// The signature [`Engine::prepare`] gives a document of this text without a source,
    /// with nothing else made or kept: for a caller that wants signatures alone (the Python
    /// `Signer.sign`), about 1.4× as fast on SaudiNewsNet.
    pub fn signature_of(&self, text: &str) -> Signature {
        let signer = &self.config.signer;
        match self.dateline_cut(text) {
            Some((start, end)) => {
                signer.sign_pieces(&self.normalizer, &[&text[..start], &text[end..]])
            }
            None => signer.sign(&self.normalizer, text),
        }
    }

    /// Exact overlap of two prepared documents' shingle sets (no boilerplate removal).
    pub fn overlap(&self, a: &Prepared, b: &Prepared) -> Overlap {
        let signer = &self.config.signer;
        Overlap::of(
            &signer.shingle_set(&a.units.all()),
            &signer.shingle_set(&b.units.all()),
        )
    }

    /// Stage 1 within a run: [`Engine::prepare`], then the units go to disk once the run
    /// holds more than its budget of them.
    fn prepare_in_run(&self, doc: Document) -> Prepared {
        let mut p = self.prepare(doc);
        if let Units::Held(units) = &p.units {
            let bytes = 8 * units.len();
            let before = self.held.fetch_add(bytes, Ordering::Relaxed);
            if bytes > 0 && before.saturating_add(bytes) > self.spill_after {
                self.held.fetch_sub(bytes, Ordering::Relaxed);
                if let Some(spill) = self.spill_file()
                    && let Some(at) = spill.write(units)
                {
                    p.units = Units::Spilled(spill.clone(), at);
                }
            }
        }
        p
    }

    /// Within a memory budget, memory freed by a stage goes back to the system before the
    /// next stage makes its large arrays.
    fn trim(&self) {
        if self.spill_after != usize::MAX {
            return_freed_memory();
        }
    }

    /// The run's spill file, made on first use; `None` when it cannot be made.
    fn spill_file(&self) -> Option<&Arc<Spill>> {
        self.spill
            .get_or_init(|| {
                Spill::create(self.spill_dir.as_ref())
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .ok()
    }

    /// What spilling did so far: nothing when the budget was never passed.
    pub fn spill_report(&self) -> SpillReport {
        match self.spill.get() {
            None => SpillReport::default(),
            Some(Ok(spill)) => spill.report(),
            Some(Err(e)) => SpillReport {
                errors: 1,
                first_error: Some(format!("the temporary file could not be made: {e}")),
                ..SpillReport::default()
            },
        }
    }

    /// Reads the inputs and runs every stage.
    pub fn run_inputs(&self, inputs: &[String], read: &ReadOptions) -> Result<Outcome, ReadError> {
        let start = Instant::now();
        self.held.store(0, Ordering::Relaxed);
        let (chunks, report) =
            corpus::read_chunks_with(inputs, read, |doc| self.prepare_in_run(doc))?;
        let read_time = start.elapsed().as_secs_f64();
        let mut outcome = self.run_chunks(chunks, report.skipped);
        outcome.stats.ignored_files = report.ignored_files.len();
        outcome.timings.insert(0, ("read+normalize", read_time));
        Ok(outcome)
    }

    /// Reads the inputs and signs them (stages 1–3), for `naql sign`.
    pub fn sign_inputs(
        &self,
        inputs: &[String],
        read: &ReadOptions,
    ) -> Result<(Vec<Signed>, Skipped), ReadError> {
        self.held.store(0, Ordering::Relaxed);
        let (chunks, report) =
            corpus::read_chunks_with(inputs, read, |doc| self.prepare_in_run(doc))?;
        let mut stats = Stats::default();
        Ok((self.sign_chunks(chunks, &mut stats), report.skipped))
    }

    /// Runs every stage on documents already in memory.
    pub fn run_documents(&self, docs: Vec<Document>) -> Outcome {
        self.held.store(0, Ordering::Relaxed);
        let items = corpus::items_in_memory(docs, |d| self.prepare_in_run(d));
        self.run(items, Skipped::default())
    }

    /// Stages 2 and 3: boilerplate and signatures, with the stats they produce.
    pub fn sign_all(&self, items: Vec<Item<Prepared>>, stats: &mut Stats) -> Vec<Signed> {
        self.sign_chunks(vec![items], stats)
    }

    /// [`Engine::sign_all`] over the chunks read ([`corpus::read_chunks_with`]), each freed
    /// once signed: the documents are never held twice over, as read and as signed.
    fn sign_chunks(&self, chunks: Vec<Vec<Item<Prepared>>>, stats: &mut Stats) -> Vec<Signed> {
        let all: Vec<&Prepared> = chunks.iter().flatten().map(|it| &it.value).collect();
        let boiler = Boilerplate::find_in(&all, self.config.boilerplate_min_docs);
        drop(all);
        self.sign_chunks_with(chunks, &boiler, stats)
    }

    /// Stage 3 with a boilerplate table found elsewhere (by a distributed job counting
    /// [`Prepared::paragraph_hashes`] over the whole corpus): what [`Engine::sign_all`] gives
    /// when `boiler` is the table it would find.
    pub fn sign_with(
        &self,
        items: Vec<Item<Prepared>>,
        boiler: &Boilerplate,
        stats: &mut Stats,
    ) -> Vec<Signed> {
        self.sign_chunks_with(vec![items], boiler, stats)
    }

    fn sign_chunks_with(
        &self,
        chunks: Vec<Vec<Item<Prepared>>>,
        boiler: &Boilerplate,
        stats: &mut Stats,
    ) -> Vec<Signed> {
        stats.boilerplate_paragraphs = boiler.len();
        // Counted on the way, so that no second list of documents is made.
        let counts = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut docs: Vec<Signed> = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        let mut chunks = chunks.into_iter().peekable();
        while chunks.peek().is_some() {
            // Enough documents to keep every worker busy; freed before the next batch.
            let mut batch = Vec::new();
            let mut n = 0;
            while let Some(c) = chunks.next_if(|_| n < 8192) {
                n += c.len();
                batch.push(c);
            }
            docs.par_extend(
                batch
                    .into_par_iter()
                    .flat_map(Vec::into_par_iter)
                    .map(|item| self.sign_one(item, boiler, &counts)),
            );
            self.trim();
        }
        stats.boilerplate_removed += counts.0.into_inner();
        stats.documents_all_boilerplate += counts.1.into_inner();
        stats.datelines_removed += docs.iter().filter(|d| d.info.dateline).count();
        docs
    }

    /// Stage 3 for one document, counting paragraphs removed and documents all boilerplate.
    fn sign_one(
        &self,
        item: Item<Prepared>,
        boiler: &Boilerplate,
        (removed_n, all_n): &(AtomicUsize, AtomicUsize),
    ) -> Signed {
        let mut p = item.value;
        let (mut removed, all_boiler) = boiler.removed_paragraphs(&p);
        // Spilled units that cannot be read back keep their boilerplate (counted).
        let kept = match removed.is_empty() {
            true => None,
            false => p
                .units
                .get()
                .map(|u| kept_from(&u, &p.paragraphs, &removed)),
        };
        if kept.is_none() {
            removed.clear();
        }
        let (signature, content_key) = match kept {
            Some(kept) => (
                self.config.signer.sign_units(&kept),
                (fold_all(&kept), kept.len()),
            ),
            None => (
                std::mem::replace(&mut p.signature, Signature(Vec::new())),
                p.content_key,
            ),
        };
        removed_n.fetch_add(removed.len(), Ordering::Relaxed);
        all_n.fetch_add(all_boiler as usize, Ordering::Relaxed);
        Signed {
            info: p,
            origin: item.origin,
            removed,
            kept_len: content_key.1,
            signature,
            content_key,
        }
    }

    /// All stages after reading: sign, candidates, verify, cluster.
    pub fn run(&self, items: Vec<Item<Prepared>>, skipped_records: Skipped) -> Outcome {
        self.run_chunks(vec![items], skipped_records)
    }

    fn run_chunks(&self, chunks: Vec<Vec<Item<Prepared>>>, skipped_records: Skipped) -> Outcome {
        let n = chunks.iter().map(Vec::len).sum();
        let mut ledger = Ledger::new(n, &skipped_records);
        self.stage("sign", n, "documents");
        let docs = self.sign_chunks(chunks, &mut ledger.stats);
        let unread_dates =
            UnreadDates::of(docs.iter().map(|d| (&d.origin, d.info.date.as_deref())));
        ledger.stats.unparsed_dates = unread_dates.count;
        ledger.lap("boilerplate+sign");
        let lsh = self.config.lsh();
        ledger.lap("lsh params");

        self.stage("candidates", docs.len(), "documents");
        let exact_of = exact_duplicates(&docs, &mut ledger.stats);
        let (candidates, large) = candidates(&docs, &exact_of, &lsh, self.max_bucket);
        ledger.stats.candidate_pairs = candidates.len();
        ledger.lap("candidates");
        self.trim();

        self.stage("verify", candidates.len(), "candidate pairs");
        let exact = self.config.verify == Verify::Exact;
        let signer = self.config.signer;
        let mut sets = ShingleSets::of_candidates(signer, &docs, &candidates, exact);
        let mut pairs = verified_pairs(&docs, &candidates, &sets, self.config.threshold);
        if !large.is_empty() {
            if exact {
                sets.add_docs(&docs, &large.concat());
            }
            let linked = buckets::link(
                &docs,
                &exact_of,
                &pairs,
                &large,
                &sets,
                self.config.threshold,
            );
            ledger.stats.candidate_pairs += linked.tried;
            pairs.extend(linked.pairs);
            pairs.sort_by_key(|p| (p.a, p.b));
            pairs.dedup_by_key(|p| (p.a, p.b));
        }
        ledger.stats.verified_pairs = pairs.len();
        ledger.lap("verify");
        self.trim();

        self.stage("cluster", pairs.len(), "verified pairs");
        let groups = cluster::groups(&docs, &exact_of, &pairs, &mut ledger.stats);
        if exact {
            sets.add_members(&docs, &groups, &exact_of);
        }
        let clusters = cluster::clusters(groups, &docs, &exact_of, &sets);
        ledger.stats.clusters = clusters.len();
        ledger.lap("cluster");
        let mut skipped_records = skipped_records;
        list_empty_texts(&docs, &mut skipped_records);
        Outcome {
            docs,
            pairs,
            clusters,
            stats: ledger.stats,
            skipped_records,
            unread_dates,
            lsh,
            exact_of,
            timings: ledger.clock.timings,
            spill: self.spill_report(),
        }
    }
}

/// Records read but with no words to compare join the bad records (after them) as "empty
/// text", so that `skipped_records` names every record the counts call skipped.
fn list_empty_texts(docs: &[Signed], skipped: &mut Skipped) {
    for d in docs.iter().filter(|d| d.kept_len == 0) {
        skipped.push(corpus::BadRecord {
            file: d.origin.file.to_string(),
            line: d.origin.line,
            reason: "empty text (no words after normalization)".into(),
        });
    }
}

/// Exact duplicates: for each document, the first document with the same kept text, which
/// stands for the group (empty texts stand for themselves).
fn exact_duplicates(docs: &[Signed], stats: &mut Stats) -> Vec<usize> {
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
    exact_of
}

/// LSH candidates among the heads of the exact-duplicate groups, so each distinct text is
/// seen once; pairs as document indices, and the buckets larger than `max_bucket` whole.
fn candidates(
    docs: &[Signed],
    exact_of: &[usize],
    lsh: &LshParams,
    max_bucket: usize,
) -> (Vec<(usize, usize)>, Vec<Vec<usize>>) {
    let reps: Vec<usize> = (0..docs.len())
        .filter(|&i| exact_of[i] == i && docs[i].kept_len > 0)
        .collect();
    let rep_sigs: Vec<&Signature> = reps.iter().map(|&i| &docs[i].signature).collect();
    let (pairs, large) = bucketed_candidates(&rep_sigs, lsh, max_bucket);
    let pairs = pairs.into_iter().map(|(a, b)| (reps[a], reps[b])).collect();
    let large = large
        .into_iter()
        .map(|b| b.into_iter().map(|i| reps[i]).collect())
        .collect();
    (pairs, large)
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

    /// Groups of variants that differ by up to 7 of 60 words: many pairs near the threshold
    /// fail verification, so linking must fall back to other members.
    fn variant_groups() -> Vec<Document> {
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut docs = Vec::new();
        for g in 0..6 {
            let base: Vec<u64> = (0..60).map(|_| next(500)).collect();
            for m in 0..40 {
                let mut words = base.clone();
                for _ in 0..next(8) {
                    words[next(60) as usize] = 1000 + next(100_000);
                }
                let text: Vec<String> = words.iter().map(|w| format!("ك{w}")).collect();
                docs.push(doc(&format!("{g}-{m}"), "s", &text.join(" ")));
            }
        }
        docs
    }

    #[test]
    fn linking_buckets_gives_the_clusters_of_every_pair() {
        let docs = variant_groups();
        for verify in [Verify::Exact, Verify::Estimate] {
            let config = Config {
                verify,
                ..Config::default()
            };
            let all = Engine::new(config.clone())
                .all_pairs()
                .run_documents(docs.clone());
            let mut linked = Engine::new(config);
            linked.max_bucket = 0;
            let linked = linked.run_documents(docs.clone());
            let members = |o: &Outcome| -> Vec<Vec<usize>> {
                o.clusters
                    .iter()
                    .map(|c| c.members.iter().map(|m| m.doc).collect())
                    .collect()
            };
            let s = &all.stats;
            assert!(
                s.candidate_pairs > s.verified_pairs && s.singletons > 0,
                "{s:?}"
            );
            assert_eq!(members(&all), members(&linked));
            assert!(linked.stats.verified_pairs < all.stats.verified_pairs);
        }
    }

    /// Everything a run reports, with a doc's units left out (they are where spilling differs).
    fn seen(o: &Outcome) -> String {
        let docs: Vec<_> = o
            .docs
            .iter()
            .map(|d| {
                (
                    &d.info.id,
                    &d.removed,
                    d.kept_len,
                    &d.signature,
                    d.content_key,
                )
            })
            .collect();
        format!("{docs:?}\n{:?}\n{:?}\n{:?}", o.pairs, o.clusters, o.stats)
    }

    #[test]
    fn spilled_units_give_the_same_outcome() {
        let mut docs = variant_groups();
        let footer = "للتواصل مع الكاتب ارسل رسالة";
        for d in docs.iter_mut().take(30) {
            d.text.push_str(&format!("\n{footer}"));
        }
        docs.push(doc("empty", "s", "  "));
        for verify in [Verify::Exact, Verify::Estimate] {
            let config = Config {
                verify,
                ..Config::default()
            };
            for max_bucket in [MAX_BUCKET_PAIRS, 0] {
                let mut held = Engine::new(config.clone());
                held.max_bucket = max_bucket;
                let expected = held.run_documents(docs.clone());
                assert_eq!(expected.spill, SpillReport::default());
                // Nothing held, then about half the documents held.
                for budget in [0, 60 * 8 * 120] {
                    let mut spilling = Engine::new(config.clone()).spill_after(budget, None);
                    spilling.max_bucket = max_bucket;
                    let got = spilling.run_documents(docs.clone());
                    assert_eq!(seen(&got), seen(&expected), "budget {budget}");
                    let spilled = got
                        .docs
                        .iter()
                        .filter(|d| d.info.units.is_spilled())
                        .count();
                    assert_eq!(got.spill.documents, spilled);
                    assert!(spilled > 100 && spilled < docs.len(), "{spilled}");
                    assert_eq!(got.spill.errors, 0);
                    assert_eq!(expected.stats.boilerplate_removed, 30);
                }
            }
        }
    }

    #[test]
    fn a_spill_file_that_cannot_be_made_keeps_units_in_memory() {
        let docs = variant_groups();
        let expected = Engine::new(Config::default()).run_documents(docs.clone());
        let missing = std::path::PathBuf::from("/nonexistent/naql-spill");
        let e = Engine::new(Config::default()).spill_after(0, Some(missing));
        let got = e.run_documents(docs);
        assert_eq!(seen(&got), seen(&expected));
        assert!(got.docs.iter().all(|d| !d.info.units.is_spilled()));
        assert_eq!((got.spill.documents, got.spill.errors), (0, 1));
        let why = got.spill.first_error.unwrap();
        assert!(why.contains("temporary file could not be made"), "{why}");
    }
}
