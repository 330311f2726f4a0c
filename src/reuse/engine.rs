//! The reuse engine: read, seed, find candidates, align, then spans, direction and clusters.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::copy::Stages;
use crate::corpus::{self, Document, ReadError, ReadOptions, Skipped};
use crate::text::Normalizer;
use crate::text::stem::Stopwords;

use super::Config;
use super::align::{extend, hits_within, rare_hits, rectangles, score};
use super::clusters::{Cluster, cluster};
use super::direction::{Direction, Side, decide};
use super::seeds::{Prepared, SeedIndex, prepare};

/// What the output needs of a document besides its links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocInfo {
    /// Its id.
    pub id: String,
    /// Its outlet.
    pub source: Option<String>,
    /// Its date as written.
    pub date: Option<String>,
    /// Its length in characters.
    pub chars: usize,
    /// Its length in words.
    pub words: u32,
}

/// One passage two documents share.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The document read first (input position).
    pub a: u32,
    /// The other.
    pub b: u32,
    /// A's words in the passage (end exclusive).
    pub a_words: Range<u32>,
    /// B's words.
    pub b_words: Range<u32>,
    /// A's passage in bytes of its text.
    pub a_bytes: Range<usize>,
    /// B's passage in bytes.
    pub b_bytes: Range<usize>,
    /// A's passage in characters (what JSON shows).
    pub a_chars: Range<usize>,
    /// B's passage in characters.
    pub b_chars: Range<usize>,
    /// Seed hits inside.
    pub seeds: usize,
    /// Share of the passage's informative words that matched (0–1).
    pub score: f64,
    /// Both documents are of the same outlet: the passage is likely its boilerplate.
    pub boilerplate: bool,
    /// The likely source side.
    pub direction: Direction,
    /// The start of A's passage as written (at most [`EXCERPT_CHARS`] characters), for
    /// listings that show what was reused.
    pub excerpt: String,
}

/// The longest [`Link::excerpt`] in characters.
pub const EXCERPT_CHARS: usize = 80;

impl Link {
    /// The passage's length in words: the shorter side.
    pub fn words(&self) -> u32 {
        self.a_words.len().min(self.b_words.len()) as u32
    }
}

/// What a run accounted for: every record is a document with reuse, one without, an empty
/// one (no words) or a bad record set aside.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Records seen: documents read plus bad records set aside.
    pub input_records: usize,
    /// Documents read.
    pub documents: usize,
    /// Documents with at least one link.
    pub with_reuse: usize,
    /// Documents with words but no link.
    pub without_reuse: usize,
    /// Not compared and why: `empty text`, bad records by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Distinct seeds in the corpus.
    pub seeds: usize,
    /// Pairs sharing at least `min_shared` rare seeds.
    pub candidate_pairs: usize,
    /// Passage links.
    pub links: usize,
    /// Links between two documents of one outlet.
    pub boilerplate_links: usize,
    /// Passage clusters.
    pub clusters: usize,
    /// Files in input directories that are not `.txt`.
    pub ignored_files: usize,
}

/// Everything a run found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Every document read, in input order (links refer to positions here).
    pub docs: Vec<DocInfo>,
    /// The links, by A, then B, then position.
    pub links: Vec<Link>,
    /// The passage clusters, largest first.
    pub clusters: Vec<Cluster>,
    /// The accounting.
    pub stats: Stats,
    /// Records set aside.
    pub skipped_records: Skipped,
    /// Wall time of each stage in seconds.
    pub timings: Vec<(&'static str, f64)>,
}

/// Rare hits a pair needs in one group to be aligned at all.
const PREVIEW_HITS: usize = 4;

/// Finds passage reuse with one [`Config`].
pub struct Engine {
    config: Config,
    normalizer: Normalizer,
    /// The stopword list normalized with `normalizer`, built once.
    stopwords: Stopwords,
    /// Told of each stage (see [`Engine::with_stages`]).
    stages: Option<Arc<dyn Stages>>,
}

impl Engine {
    /// An engine for `config` (check it with [`Config::validate`] first).
    pub fn new(config: Config) -> Engine {
        let normalizer = Normalizer::new(config.normalize);
        let stopwords = Stopwords::new(&normalizer);
        Engine {
            config,
            normalizer,
            stopwords,
            stages: None,
        }
    }

    /// The same engine, telling `stages` when each stage starts.
    pub fn with_stages(mut self, stages: Arc<dyn Stages>) -> Self {
        self.stages = Some(stages);
        self
    }

    fn stage(&self, name: &'static str, count: usize, what: &'static str) {
        if let Some(s) = &self.stages {
            s.start(name, count, what);
        }
    }

    /// Its configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads `inputs` and runs every stage.
    pub fn run_inputs(&self, inputs: &[String], read: &ReadOptions) -> Result<Outcome, ReadError> {
        Ok(self.run_inputs_with_texts(inputs, read)?.0)
    }

    /// As [`Engine::run_inputs`], also returning the original text of every document that has
    /// a link (an empty string for the others, so memory holds only what a page shows), in
    /// the order of [`Outcome::docs`]: what the HTML page highlights.
    pub fn run_inputs_with_texts(
        &self,
        inputs: &[String],
        read: &ReadOptions,
    ) -> Result<(Outcome, Vec<String>), ReadError> {
        let start = Instant::now();
        let (items, report) = corpus::read_with(inputs, read, |doc| self.prepare(doc))?;
        let read_time = start.elapsed().as_secs_f64();
        let docs = items.into_iter().map(|i| i.value).collect();
        let (mut out, texts) = self.run(docs, report.skipped);
        out.stats.ignored_files = report.ignored_files.len();
        out.timings.insert(0, ("read+seed", read_time));
        Ok((out, texts))
    }

    /// Runs every stage on documents in memory.
    pub fn run_documents(&self, docs: Vec<Document>) -> Outcome {
        let docs = docs.into_par_iter().map(|d| self.prepare(d)).collect();
        self.run(docs, Skipped::default()).0
    }

    fn prepare(&self, doc: Document) -> (Document, Prepared) {
        let p = prepare(
            &doc.text,
            &self.normalizer,
            &self.stopwords,
            self.config.ngram,
        );
        (doc, p)
    }

    fn run(&self, docs: Vec<(Document, Prepared)>, skipped: Skipped) -> (Outcome, Vec<String>) {
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name, timings: &mut Vec<(&'static str, f64)>| {
            timings.push((name, clock.elapsed().as_secs_f64()));
            clock = Instant::now();
        };
        let (docs, mut prepared): (Vec<Document>, Vec<Prepared>) = docs.into_iter().unzip();
        self.stage("seeds", prepared.len(), "documents");
        let align_df = (self.config.align_df_share * prepared.len() as f64) as usize;
        let index = SeedIndex::build(&prepared, self.config.max_df, align_df);
        let repeats = self.config.max_repeats;
        prepared
            .par_iter_mut()
            .for_each(|p| index.restrict(p, repeats));
        let candidates = index.candidates(&prepared, self.config.min_shared);
        lap("seeds+candidates", &mut timings);
        self.stage("align", candidates.len(), "candidate pairs");
        let mut links = self.align(&candidates, &prepared);
        lap("align", &mut timings);
        let info: Vec<DocInfo> = docs
            .iter()
            .zip(&prepared)
            .map(|(d, p)| DocInfo {
                id: d.id.clone(),
                source: d.source.clone(),
                date: d.date.clone(),
                chars: d.text.chars().count(),
                words: p.words,
            })
            .collect();
        self.stage("passages", links.len(), "passage links");
        spans(&mut links, &docs, &self.normalizer);
        self.finish_links(&mut links, &info);
        let clusters = clusters_of(&links, &info);
        lap("spans+clusters", &mut timings);
        let stats = stats(
            &info,
            &prepared,
            &links,
            &clusters,
            &skipped,
            index_seeds(&index),
            candidates.len(),
        );
        let mut linked = vec![false; docs.len()];
        for l in &links {
            (linked[l.a as usize], linked[l.b as usize]) = (true, true);
        }
        let texts = docs
            .into_iter()
            .zip(linked)
            .map(|(d, keep)| if keep { d.text } else { String::new() })
            .collect();
        let out = Outcome {
            docs: info,
            links,
            clusters,
            stats,
            skipped_records: skipped,
            timings,
        };
        (out, texts)
    }

    /// The passages of every candidate pair (spans and direction still empty).
    fn align(&self, candidates: &[(u32, u32, u32)], prepared: &[Prepared]) -> Vec<Link> {
        let c = &self.config;
        candidates
            .par_iter()
            .flat_map_iter(|&(a, b, _)| {
                let (pa, pb) = (&prepared[a as usize], &prepared[b as usize]);
                // A quick look first: do the rare hits alone make a group, with twice the gap
                // (they are sparser)? Most candidates stop here; the others are aligned only
                // around those groups.
                let rare = rare_hits(pa, pb, c.max_repeats);
                let boxes = rectangles(rare, 2 * c.gap as u32, PREVIEW_HITS);
                if boxes.is_empty() {
                    return Vec::new();
                }
                let hs = hits_within(pa, pb, &boxes, 2 * c.gap as u32, c.max_repeats);
                let rects = rectangles(hs.clone(), c.gap as u32, c.min_seeds);
                rects
                    .into_iter()
                    .filter(|r| r.a.len().min(r.b.len()) >= c.min_words)
                    .filter_map(|mut r| {
                        let s = score(&r, &hs, pa, pb);
                        extend(&mut r, pa, pb);
                        (s >= c.min_score).then(|| Link {
                            a,
                            b,
                            a_words: r.a,
                            b_words: r.b,
                            a_bytes: 0..0,
                            b_bytes: 0..0,
                            a_chars: 0..0,
                            b_chars: 0..0,
                            seeds: r.hits,
                            score: crate::score::round4(s),
                            boilerplate: false,
                            direction: Direction {
                                a_is_source: true,
                                reason: super::Reason::InputOrder,
                            },
                            excerpt: String::new(),
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Direction and boilerplate of each link, from the documents' dates and outlets.
    fn finish_links(&self, links: &mut [Link], info: &[DocInfo]) {
        let keys: Vec<Option<u64>> = info
            .iter()
            .map(|d| d.date.as_deref().and_then(crate::date::sort_key))
            .collect();
        for l in links {
            let (da, db) = (&info[l.a as usize], &info[l.b as usize]);
            fn side<'a>(d: &'a DocInfo, k: Option<u64>, w: &Range<u32>) -> Side<'a> {
                Side {
                    date: k,
                    source: d.source.as_deref(),
                    words: w.len() as u32,
                }
            }
            l.direction = decide(
                side(da, keys[l.a as usize], &l.a_words),
                side(db, keys[l.b as usize], &l.b_words),
                &self.config.wire,
            );
            l.boilerplate = da.source.is_some() && da.source == db.source;
        }
    }
}

fn index_seeds(index: &SeedIndex) -> usize {
    index.len()
}

/// Byte and character spans of every link end, one document at a time.
fn spans(links: &mut [Link], docs: &[Document], normalizer: &Normalizer) {
    let mut ends: Vec<Vec<(usize, bool)>> = vec![Vec::new(); docs.len()];
    for (i, l) in links.iter().enumerate() {
        ends[l.a as usize].push((i, true));
        ends[l.b as usize].push((i, false));
    }
    let found: Vec<(usize, bool, Range<usize>, Range<usize>)> = ends
        .par_iter()
        .enumerate()
        .filter(|(_, e)| !e.is_empty())
        .flat_map_iter(|(d, e)| {
            let text = &docs[d].text;
            let mut tokens = Vec::new();
            normalizer.for_each_token_bytes(text, |_, span| tokens.push(span));
            let bytes: Vec<Range<usize>> = e
                .iter()
                .map(|&(i, is_a)| {
                    let w = if is_a {
                        &links[i].a_words
                    } else {
                        &links[i].b_words
                    };
                    tokens[w.start as usize].start..tokens[w.end as usize - 1].end
                })
                .collect();
            let chars = char_offsets(text, &bytes);
            e.iter()
                .zip(bytes)
                .zip(chars)
                .map(|((&(i, is_a), b), c)| (i, is_a, b, c))
                .collect::<Vec<_>>()
        })
        .collect();
    for (i, is_a, b, c) in found {
        if is_a {
            let text = &docs[links[i].a as usize].text[b.clone()];
            links[i].excerpt = text.chars().take(EXCERPT_CHARS).collect();
            (links[i].a_bytes, links[i].a_chars) = (b, c);
        } else {
            (links[i].b_bytes, links[i].b_chars) = (b, c);
        }
    }
}

/// The character offsets of byte ranges of `text`, in one walk over it.
fn char_offsets(text: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut at: Vec<usize> = ranges.iter().flat_map(|r| [r.start, r.end]).collect();
    at.sort_unstable();
    at.dedup();
    let mut chars = Vec::with_capacity(at.len());
    let (mut byte, mut count) = (0, 0);
    for &b in &at {
        count += text[byte..b].chars().count();
        byte = b;
        chars.push(count);
    }
    let char_at = |b: usize| chars[at.binary_search(&b).expect("offset listed")];
    ranges
        .iter()
        .map(|r| char_at(r.start)..char_at(r.end))
        .collect()
}

fn clusters_of(links: &[Link], info: &[DocInfo]) -> Vec<Cluster> {
    let ends: Vec<(u32, Range<u32>)> = links
        .iter()
        .flat_map(|l| [(l.a, l.a_words.clone()), (l.b, l.b_words.clone())])
        .collect();
    let keys: Vec<Option<u64>> = info
        .iter()
        .map(|d| d.date.as_deref().and_then(crate::date::sort_key))
        .collect();
    cluster(&ends, |d| keys[d as usize], |l| links[l].boilerplate)
}

fn stats(
    info: &[DocInfo],
    prepared: &[Prepared],
    links: &[Link],
    clusters: &[Cluster],
    skipped: &Skipped,
    seeds: usize,
    candidate_pairs: usize,
) -> Stats {
    let mut linked = vec![false; info.len()];
    for l in links {
        linked[l.a as usize] = true;
        linked[l.b as usize] = true;
    }
    let mut s = Stats {
        input_records: info.len() + skipped.total(),
        documents: info.len(),
        seeds,
        candidate_pairs,
        links: links.len(),
        boilerplate_links: links.iter().filter(|l| l.boilerplate).count(),
        clusters: clusters.len(),
        ..Stats::default()
    };
    for (d, p) in prepared.iter().enumerate() {
        if linked[d] {
            s.with_reuse += 1;
        } else if p.words == 0 {
            *s.skipped.entry("empty text".into()).or_default() += 1;
        } else {
            s.without_reuse += 1;
        }
    }
    for (kind, n) in skipped.by_kind() {
        *s.skipped.entry(kind.to_string()).or_default() += n;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSAGE: &str = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن \
        الفرق الطبية تعمل على مدار الساعة لمتابعة المخالطين وتقديم الرعاية اللازمة للمصابين في \
        المستشفيات الحكومية والخاصة بالتنسيق مع الجهات المعنية في المحافظات الشمالية والجنوبية";

    fn doc(id: &str, source: &str, date: &str, text: String) -> Document {
        Document {
            id: id.into(),
            source: Some(source.into()),
            date: Some(date.into()),
            text,
            ..Document::default()
        }
    }

    #[test]
    fn a_quoted_passage_links_to_the_earlier_wire_story() {
        let own = "وفي سياق آخر ناقش المجلس البلدي خطط تطوير الحدائق العامة وتوسعة الطرق الرئيسية";
        let out = Engine::new(Config::default()).run_documents(vec![
            doc(
                "paper",
                "okaz",
                "2015-07-22",
                format!("{own}. {PASSAGE}. {own}"),
            ),
            doc("wire", "was", "2015-07-21", PASSAGE.to_string()),
            doc(
                "other",
                "sabq",
                "2015-07-21",
                "مباراة كرة القدم بين الفريقين انتهت بالتعادل".into(),
            ),
        ]);
        assert_eq!(out.links.len(), 1, "{:?}", out.links);
        let l = &out.links[0];
        assert_eq!((l.a, l.b), (0, 1));
        assert_eq!(l.direction.reason, super::super::Reason::EarlierDate);
        assert!(!l.direction.a_is_source);
        assert!(!l.boilerplate);
        // The paper's passage starts after its own sentence, in characters.
        let start = own.chars().count() + 2;
        assert!(
            l.a_chars.start >= start && l.a_chars.start <= start + 6,
            "{:?}",
            l.a_chars
        );
        assert_eq!((out.stats.with_reuse, out.stats.without_reuse), (2, 1));
        assert_eq!(out.clusters.len(), 1);
        assert_eq!(
            out.clusters[0]
                .earliest
                .map(|m| out.clusters[0].members[m].doc),
            Some(1)
        );
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let t = "قال x الوزير";
        let b = t.find('x').unwrap();
        assert_eq!(char_offsets(t, &[b..b + 1, 0..b]), [4..5, 0..4]);
    }
}
