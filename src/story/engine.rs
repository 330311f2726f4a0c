//! [`StoryEngine`]: the copy level, then the story level phase by phase (weigh, candidates,
//! verify, link, report), each a method of `Level`, the state they share.

use std::collections::BTreeMap;
use std::time::Instant;

use rayon::prelude::*;

use crate::copy::{self as dedup, Engine, Outcome};
use crate::corpus::{self, Document, Item, ReadError, ReadOptions, Skipped};
use crate::story::background::{BACKGROUND_BELOW, BACKGROUND_MODEL, background_idf};
use crate::story::candidates::{candidate_pairs, verify};
use crate::story::config::StoryConfig;
use crate::story::idf::Idf;
use crate::story::linkage::{Groups, Refused};
use crate::story::model::StoryModel;
use crate::story::outcome::{
    CopyGroup, Story, StoryDoc, StoryMember, StoryOutcome, StoryPair, StoryStats,
};
use crate::story::terms::TermCounts;
use crate::story::vector::{TermVector, dot};

/// Runs copy-level and story-level clustering with one configuration each.
pub struct StoryEngine {
    /// The copy level (MinHash, LSH, verification, clusters).
    pub copy: Engine,
    /// The story level's term vectors.
    pub model: StoryModel,
    /// IDF from a saved table instead of the input.
    pub fixed_idf: bool,
    /// Weigh inputs of fewer than [`BACKGROUND_BELOW`] distinct articles by the embedded
    /// background model (on by default).
    pub background: bool,
    /// Whether the last run used the background model.
    used_background: bool,
}

impl StoryEngine {
    /// The same engine, telling `stages` when each stage of both levels starts.
    pub fn with_stages(mut self, stages: std::sync::Arc<dyn crate::copy::Stages>) -> Self {
        self.copy.stages = Some(stages);
        self
    }

    /// Both levels with their settings; `idf`: document frequencies from a saved table
    /// instead of the input.
    pub fn new(copy: dedup::Config, story: StoryConfig, idf: Option<Idf>) -> StoryEngine {
        let mut model = StoryModel::new(story);
        let fixed_idf = idf.is_some();
        if let Some(idf) = idf {
            model.idf = idf;
        }
        StoryEngine {
            copy: Engine::new(copy),
            model,
            fixed_idf,
            background: true,
            used_background: false,
        }
    }

    /// Where document frequencies come from, for the output: `input`, `table`,
    /// `table+lsa` (a table with LSA vectors, blended into the similarity), or
    /// [`BACKGROUND_MODEL`] (the input was too small; known once it has run).
    pub fn idf_source(&self) -> &'static str {
        match (self.fixed_idf, self.model.idf.lsa.is_some()) {
            _ if self.used_background => BACKGROUND_MODEL,
            (false, _) => "input",
            (true, false) => "table",
            (true, true) => "table+lsa",
        }
    }

    /// One document as both levels hold it; public for callers that keep more of each
    /// document while reading (the story report keeps its text).
    pub fn prepare(&self, mut doc: Document) -> (dedup::Prepared, StoryDoc) {
        doc.title = crate::text::chrome::skip_chrome_title(doc.title.take(), &doc.text);
        let days = doc.date.as_deref().and_then(crate::date::epoch_days);
        let title = doc.title.clone();
        // One tokenizing pass for both levels when they read the same tokens.
        let (p, text, counts) = if self.copy.shares_tokens(self.model.normalizer.options()) {
            let mut counter = self.model.counter(title.as_deref(), doc.text.len() / 12);
            let (p, text) = self
                .copy
                .prepare_keeping_text(doc, |w, h| counter.word(w, h));
            (p, text, counter.finish())
        } else {
            let counts = self.model.counts(title.as_deref(), &doc.text);
            let (p, text) = self.copy.prepare_keeping_text(doc, |_, _| {});
            (p, text, counts)
        };
        let doc = StoryDoc {
            counts,
            days,
            title,
            text,
        };
        (p, doc)
    }

    /// Reads the inputs and runs every stage.
    pub fn run_inputs(
        &mut self,
        inputs: &[String],
        read: &ReadOptions,
    ) -> Result<StoryOutcome, ReadError> {
        let start = Instant::now();
        let (items, report) = corpus::read_with(inputs, read, |doc| self.prepare(doc))?;
        let read_time = start.elapsed().as_secs_f64();
        let mut out = self.run(items, report.skipped);
        out.copy.stats.ignored_files = report.ignored_files.len();
        out.timings.insert(0, ("read+normalize", read_time));
        Ok(out)
    }

    /// Runs every stage on documents already in memory.
    pub fn run_documents(&mut self, docs: Vec<Document>) -> StoryOutcome {
        let items = crate::corpus::items_in_memory(docs, |d| self.prepare(d));
        self.run(items, Skipped::default())
    }

    /// All stages after reading.
    pub fn run(
        &mut self,
        items: Vec<Item<(dedup::Prepared, StoryDoc)>>,
        skipped_records: Skipped,
    ) -> StoryOutcome {
        let mut clock = crate::copy::Stopwatch::start();
        let (prepared, mut docs) = split(items);
        let copy = self.copy.run(prepared, skipped_records);
        clock.lap("copy level");

        if !self.fixed_idf {
            self.model.idf = self.input_idf(&docs);
        }
        self.copy.stage("weigh", docs.len(), "documents");
        let vectors = weigh(&self.model, &copy, &mut docs);
        let level = Level::new(&self.model, &copy, &docs, vectors);
        clock.lap("weigh");

        self.copy.stage("story candidates", docs.len(), "documents");
        let config = &self.model.config;
        let candidates = candidate_pairs(
            &level.vectors,
            &level.days,
            config.index_terms,
            config.window_days,
        );
        clock.lap("candidates");
        self.copy
            .stage("story verify", candidates.len(), "candidate pairs");
        let pairs = verify(&level.vectors, &candidates, config.threshold);
        clock.lap("verify");
        self.copy.stage("link", pairs.len(), "story pairs");

        let (groups, refused, by_root) = level.link(&pairs);
        clock.lap("stories");

        let stories = level.stories(&groups, by_root);
        clock.lap("report");

        let stats = level.stats(&stories, candidates.len(), pairs.len(), refused);
        drop(groups);
        drop(level);
        StoryOutcome {
            copy,
            pairs,
            stories,
            stats,
            timings: clock.timings,
        }
    }
}

impl StoryEngine {
    /// The input's own document frequencies, or the background model's when the input has
    /// too few distinct articles to tell common words from rare ones.
    fn input_idf(&mut self, docs: &[StoryDoc]) -> Idf {
        let counts: Vec<&TermCounts> = docs.iter().map(|d| &d.counts).collect();
        let own = Idf::from_counts(&counts);
        self.used_background = false;
        if self.background
            && (own.documents as usize) < BACKGROUND_BELOW
            && let Some(bg) = background_idf(self.model.config.normalize)
        {
            self.used_background = true;
            return bg.clone();
        }
        own
    }
}

/// Each item's two halves: the copy level's input, and the story level's documents.
fn split(
    items: Vec<Item<(dedup::Prepared, StoryDoc)>>,
) -> (Vec<Item<dedup::Prepared>>, Vec<StoryDoc>) {
    let mut prepared = Vec::with_capacity(items.len());
    let mut docs = Vec::with_capacity(items.len());
    for it in items {
        let (p, s) = it.value;
        prepared.push(Item {
            id: it.id,
            origin: it.origin,
            value: p,
        });
        docs.push(s);
    }
    (prepared, docs)
}

/// Every document's unit vector. Each document's counts are dropped as its vector is made:
/// nothing later reads them, and their entries are the vectors' size, so the vectors reuse
/// the memory (peak RSS at 310 k documents 6.07 → 5.10 GB, BENCHMARKS.md).
fn weigh(model: &StoryModel, copy: &Outcome, docs: &mut [StoryDoc]) -> Vec<TermVector> {
    // An article with no text (only a title) is skipped as "empty text" at both levels.
    docs.par_iter_mut()
        .zip(&copy.docs)
        .map(|(d, c)| {
            let counts = std::mem::take(&mut d.counts);
            if c.kept_len == 0 {
                TermVector::default()
            } else {
                model.weigh(&counts)
            }
        })
        .collect()
}

/// What the story-level phases share once the copy level has run and the IDF is known.
struct Level<'a> {
    model: &'a StoryModel,
    copy: &'a Outcome,
    docs: &'a [StoryDoc],
    /// Each document's unit vector (empty for an empty text).
    vectors: Vec<TermVector>,
    /// Each document's date in days, if it has one.
    days: Vec<Option<f64>>,
}

/// The stories' members by their group's root, in root order.
type ByRoot = BTreeMap<usize, Vec<usize>>;

impl<'a> Level<'a> {
    fn new(
        model: &'a StoryModel,
        copy: &'a Outcome,
        docs: &'a [StoryDoc],
        vectors: Vec<TermVector>,
    ) -> Level<'a> {
        let days: Vec<Option<f64>> = docs.iter().map(|d| d.days).collect();
        Level {
            model,
            copy,
            docs,
            vectors,
            days,
        }
    }

    /// Copy clusters first, then the verified pairs by average linkage; the groups of every
    /// document with text.
    fn link(&self, pairs: &[StoryPair]) -> (Groups<'_>, Refused, ByRoot) {
        let config = &self.model.config;
        let mut groups = Groups::new(&self.vectors, &self.days);
        groups.merge_copies(&self.copy.clusters);
        let max_span = config.window_days.unwrap_or(f64::INFINITY);
        let refused = groups.merge_pairs(pairs, config.linkage, max_span);
        let mut by_root: ByRoot = BTreeMap::new();
        for i in 0..self.docs.len() {
            if self.copy.docs[i].kept_len != 0 {
                let r = groups.find(i);
                by_root.entry(r).or_default().push(i);
            }
        }
        (groups, refused, by_root)
    }

    /// The groups of two or more as stories, largest first (then by earliest report),
    /// numbered from 1.
    fn stories(&self, groups: &Groups<'_>, by_root: ByRoot) -> Vec<Story> {
        let multi: Vec<(usize, Vec<usize>)> =
            by_root.into_iter().filter(|g| g.1.len() > 1).collect();
        // Copy clusters are the inner level of each story.
        let mut copy_of: Vec<Option<usize>> = vec![None; self.docs.len()];
        for c in &self.copy.clusters {
            for m in &c.members {
                copy_of[m.doc] = Some(c.id);
            }
        }
        let mut stories: Vec<Story> = multi
            .par_iter()
            .map(|(root, members)| self.story(groups.sum(*root), members, &copy_of))
            .collect();
        stories.sort_by(|x, y| {
            y.size.cmp(&x.size).then_with(|| {
                self.date_order(x.groups[0].members[0].doc)
                    .cmp(&self.date_order(y.groups[0].members[0].doc))
            })
        });
        for (i, s) in stories.iter_mut().enumerate() {
            s.id = i + 1;
        }
        stories
    }

    /// Sorts articles: dated ones by date, then undated ones; ties by id.
    fn date_order(&self, i: usize) -> (bool, u64, &'a str) {
        let k = self.copy.docs[i]
            .info
            .date
            .as_deref()
            .and_then(crate::date::sort_key);
        (
            k.is_none(),
            k.unwrap_or(0),
            self.copy.docs[i].info.id.as_str(),
        )
    }

    /// One story (numbered later) of `members`, whose vectors sum to `centre`.
    fn story(&self, centre: &[(u64, f32)], members: &[usize], copy_of: &[Option<usize>]) -> Story {
        let norm = centre
            .iter()
            .map(|x| x.1 as f64 * x.1 as f64)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE);
        Story {
            id: 0,
            size: members.len(),
            groups: self.copy_groups(centre, norm, members, copy_of),
            terms: self.terms(centre, norm, members),
        }
    }

    /// The story's members by copy cluster (lone articles alone), each with its cosine to the
    /// centre; groups by their earliest member, members by date.
    fn copy_groups(
        &self,
        centre: &[(u64, f32)],
        norm: f64,
        members: &[usize],
        copy_of: &[Option<usize>],
    ) -> Vec<CopyGroup> {
        let mut cg: BTreeMap<(usize, Option<usize>), Vec<StoryMember>> = BTreeMap::new();
        for &m in members {
            let similarity = (dot(&self.vectors[m].0, centre) / norm).clamp(0.0, 1.0);
            // Lone articles get a key of their own (the article index, past any cluster id).
            let key = match copy_of[m] {
                Some(c) => (c, Some(c)),
                None => (usize::MAX / 2 + m, None),
            };
            cg.entry(key)
                .or_default()
                .push(StoryMember { doc: m, similarity });
        }
        let mut groups: Vec<CopyGroup> = cg
            .into_iter()
            .map(|((_, c), mut members)| {
                members.sort_by(|a, b| self.date_order(a.doc).cmp(&self.date_order(b.doc)));
                CopyGroup {
                    copy_cluster: c,
                    members,
                }
            })
            .collect();
        groups.sort_by(|a, b| {
            self.date_order(a.members[0].doc)
                .cmp(&self.date_order(b.members[0].doc))
        });
        groups
    }

    /// The centre's heaviest terms, named by the stems they come from, with their weight in
    /// the unit centre.
    fn terms(&self, centre: &[(u64, f32)], norm: f64, members: &[usize]) -> Vec<(String, f64)> {
        let top = crate::story::vector::top_terms(centre, self.model.config.top_terms);
        let texts: Vec<(Option<&str>, &str)> = members
            .iter()
            .map(|&m| (self.docs[m].title.as_deref(), self.docs[m].text.as_str()))
            .collect();
        let names = self.model.names(&texts, &top);
        // The centre is sorted by term hash, as every vector.
        let weight = |h: &u64| {
            centre[centre
                .binary_search_by_key(h, |e| e.0)
                .expect("a centre term")]
            .1
        };
        top.iter()
            .map(|h| {
                let name = names.get(h).cloned().unwrap_or_else(|| format!("{h:016x}"));
                (name, weight(h) as f64 / norm)
            })
            .collect()
    }

    /// The counts that account for every input record.
    fn stats(
        &self,
        stories: &[Story],
        candidates: usize,
        verified: usize,
        refused: Refused,
    ) -> StoryStats {
        let copy = self.copy;
        // Bad records and empty texts, as the copy level counted them.
        let skipped_total: usize = copy.stats.skipped.values().sum();
        let in_stories: usize = stories.iter().map(|s| s.size).sum();
        StoryStats {
            input_records: copy.stats.input_records,
            documents: self.docs.len(),
            in_stories,
            singletons: copy.stats.input_records - in_stories - skipped_total,
            skipped: copy.stats.skipped.clone(),
            stories: stories.len(),
            copy_clusters: copy.clusters.len(),
            undated: self.days.iter().filter(|d| d.is_none()).count(),
            unparsed_dates: copy.stats.unparsed_dates,
            candidate_pairs: candidates,
            verified_pairs: verified,
            merges_refused: refused.linkage,
            merges_refused_span: refused.span,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, date: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            source: Some(format!("s{id}")),
            date: (!date.is_empty()).then(|| date.into()),
            title: None,
            text: text.into(),
        }
    }

    const X: &str = "أعلنت وزارة الصحة تسجيل إصابات جديدة بفيروس كورونا في مدينة جدة وأكدت الوزارة أن المستشفيات مستعدة لاستقبال المصابين";
    const Y: &str = "فاز فريق الهلال على النصر في مباراة الدوري على ملعب الملك فهد بهدفين وتصدر الهلال جدول الترتيب بعد المباراة";

    fn bridged(linkage: f64) -> StoryOutcome {
        let docs = vec![
            doc("x1", "2015-07-21", X),
            doc("x2", "2015-07-21", &format!("{X} في المنطقة")),
            doc("x3", "2015-07-22", &format!("قالت {X}")),
            // Half of each story: similar to both sides, a bridge for single linkage.
            doc("bridge", "2015-07-21", &format!("{X} {Y}")),
            doc("y1", "2015-07-21", Y),
            doc("y2", "2015-07-22", &format!("{Y} أمس")),
            doc("y3", "2015-07-22", &format!("وقد {Y}")),
        ];
        let mut e = StoryEngine::new(
            dedup::Config {
                threshold: 0.99,
                ..dedup::Config::default()
            },
            StoryConfig {
                linkage,
                // Every shared term makes a candidate: this test is about linkage alone.
                index_terms: 1000,
                ..StoryConfig::default()
            },
            None,
        );
        e.run_documents(docs)
    }

    fn story_of(out: &StoryOutcome, id: &str) -> Option<usize> {
        out.stories.iter().find_map(|s| {
            s.groups
                .iter()
                .flat_map(|g| &g.members)
                .any(|m| out.id(m.doc) == id)
                .then_some(s.id)
        })
    }

    #[test]
    fn average_linkage_stops_a_bridge_from_joining_two_stories() {
        let single = bridged(0.0);
        assert_eq!(
            single.stories.len(),
            1,
            "single linkage chains through the bridge"
        );
        let avg = bridged(StoryConfig::default().linkage);
        assert!(avg.stats.merges_refused > 0);
        assert_ne!(story_of(&avg, "x1"), story_of(&avg, "y1"));
        assert_eq!(story_of(&avg, "x1"), story_of(&avg, "x3"));
        assert_eq!(story_of(&avg, "y1"), story_of(&avg, "y3"));
        for out in [&single, &avg] {
            let s = &out.stats;
            let skipped: usize = s.skipped.values().sum();
            assert_eq!(s.in_stories + s.singletons + skipped, s.input_records);
        }
    }
}
