//! How each outlet told one story: an N-way comparison of a story's reports.
//!
//! `naql diff` aligns two texts 1:1; independently written reports of one event share facts in
//! other words, split and merged differently, so a 1:1 alignment finds little. Collation links
//! sentences many-to-many instead:
//!
//! 1. Each report is cut into [`sentences()`](crate::text::sentences()); lines of page chrome
//!    ([`crate::text::chrome`]) are kept but muted: never linked, never counted as content.
//!    Each sentence gets its content stems, its numbers (with multiplier and unit word) and the
//!    names it carries ([`Sentence`]).
//! 2. A stem weighs its rarity in news (the background IDF, [`crate::story::background_idf`])
//!    times its rarity in the story (`ln(1 + N / sentence frequency)`): a word every report of
//!    the story uses says little about *which* fact a sentence states.
//! 3. Two sentences of different reports are scored by a [`Similarity`] (the built-in one,
//!    [`Lexical`], is weighted stem overlap plus shared numbers, names and quotes). A pair is a
//!    [`Link`] when it is alike as a whole ([`LinkKind::Same`]) or when the shorter one's
//!    content is mostly inside the longer one ([`LinkKind::Partial`]: one outlet carries the
//!    fact of the other plus more). A sentence may link to many, but into each other report
//!    only to those near its best there ([`Options::relative`]): sentences that merely share
//!    the story's vocabulary with several sentences of a report lose to the one that says
//!    the same thing.
//! 4. Linked sentences form [`Fact`]s (connected groups); the grid has one row per fact,
//!    one column per report, ordered by first appearance, the earliest-dated report marked.
//! 5. Names, numbers and quotes are tabled per report ([`Entity`]); sentences that link to
//!    nothing are each report's unique content.
//!
//! Spans are byte ranges of the original texts; the JSON view turns them into characters.
//!
//! ```
//! use naql::collate::{Collator, Report};
//!
//! let a = "أعلنت الوزارة تسجيل 120 إصابة جديدة بالفيروس في مدينة جدة. وقال الوزير إن الوضع مستقر.";
//! let b = "سجلت مدينة جدة 120 إصابة جديدة بالفيروس بحسب الوزارة. وتوقع الطقس أمطارا غزيرة.";
//! let reports = [Report::new("a", a), Report::new("b", b)];
//! let c = Collator::default().collate(&reports);
//! assert_eq!(c.links.len(), 1);
//! assert_eq!(&a[c.links[0].a_span.clone()], "أعلنت الوزارة تسجيل 120 إصابة جديدة بالفيروس في مدينة جدة.");
//! assert_eq!(c.facts.len(), 1);
//! assert_eq!(c.unique[1].len(), 1); // the weather is b's alone
//! ```

mod entities;
mod facts;
mod link;
mod prepare;

use std::ops::Range;

pub use self::entities::{Entity, EntityKind};
pub use self::facts::Fact;
pub use self::link::{Evidence, Lexical, Link, LinkKind, Pair, Scored, Similarity, Weights};
pub use self::prepare::{Sentence, Stem};

/// One report of the story: what the collation reads of a document.
#[derive(Clone, Copy, Debug)]
pub struct Report<'a> {
    /// The document's id.
    pub id: &'a str,
    /// The outlet, when known.
    pub source: Option<&'a str>,
    /// The publication date as given (any form [`crate::date`] reads).
    pub date: Option<&'a str>,
    /// The original text.
    pub text: &'a str,
}

impl<'a> Report<'a> {
    /// A report with an id and a text, no outlet or date.
    pub fn new(id: &'a str, text: &'a str) -> Self {
        Report {
            id,
            source: None,
            date: None,
            text,
        }
    }
}

/// Tuning of the links.
#[derive(Clone, Debug)]
pub struct Options {
    /// Score (weighted Dice plus evidence) at which two sentences state the same fact.
    pub min_score: f64,
    /// Share of the shorter sentence's content weight found in the longer one for a partial
    /// link (one sentence carries the other's fact plus more).
    pub min_contained: f64,
    /// Fewest shared content stems for any link: one shared word is never a fact.
    pub min_shared: usize,
    /// Weight (news rarity × story rarity) the most telling shared word must reach, unless a
    /// number or quote is shared: the story's everyday words alone never make a fact.
    pub min_top: f64,
    /// A stem in more sentences than this proposes no candidates (it still counts in scores).
    pub max_postings: usize,
    /// A link's score must reach this share of the best score each of its sentences has
    /// with any sentence of the other report; a partial link, of its lighter sentence's only
    /// (the heavier may carry several facts). 0: off. A report states a fact in one or two
    /// places; a sentence that merely shares the story's vocabulary with several sentences of
    /// another report keeps only those most like it.
    pub relative: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_score: 0.15,
            min_contained: 0.5,
            min_shared: 3,
            min_top: 0.0,
            max_postings: 400,
            relative: 0.7,
        }
    }
}

impl Options {
    /// Checks the parameters: scores and shares in [0, 1].
    pub fn validate(&self) -> Result<(), crate::ConfigError> {
        crate::error::in_unit_closed("min_score", self.min_score)?;
        crate::error::in_unit_closed("min_contained", self.min_contained)?;
        crate::error::in_unit_closed("relative", self.relative)
    }
}

/// The collation of one story's reports.
#[derive(Clone, Debug)]
pub struct Collation {
    /// Every sentence of every report, per report in text order.
    pub sentences: Vec<Vec<Sentence>>,
    /// Sentence pairs that state the same fact, best first within each report pair.
    pub links: Vec<Link>,
    /// Groups of linked sentences, ordered by first appearance.
    pub facts: Vec<Fact>,
    /// Names, numbers and quotes, the ones most reports carry first.
    pub entities: Vec<Entity>,
    /// Per report: indices of its content sentences that link to nothing.
    pub unique: Vec<Vec<usize>>,
    /// Reports in reading order: by date (undated last), then input order.
    pub order: Vec<usize>,
}

impl Collation {
    /// The byte span of sentence `s` of report `r`.
    pub fn span(&self, r: usize, s: usize) -> Range<usize> {
        self.sentences[r][s].span.clone()
    }
}

/// Collates reports with one set of options and one sentence similarity.
pub struct Collator {
    options: Options,
    similarity: Box<dyn Similarity + Send + Sync>,
}

impl Default for Collator {
    fn default() -> Self {
        Collator::new(Options::default())
    }
}

impl Collator {
    /// A collator with the built-in lexical similarity.
    pub fn new(options: Options) -> Self {
        Collator {
            options,
            similarity: Box::new(Lexical),
        }
    }

    /// The same collator scoring sentence pairs with `similarity` (the seam for an encoder).
    pub fn with_similarity(mut self, similarity: Box<dyn Similarity + Send + Sync>) -> Self {
        self.similarity = similarity;
        self
    }

    /// Collates `reports` (two or more make links; one gives its sentences and names only).
    pub fn collate(&self, reports: &[Report]) -> Collation {
        let mut sentences = prepare::prepare(reports);
        let order = reading_order(reports);
        let entities = entities::entities(reports, &mut sentences, &order);
        let texts: Vec<&str> = reports.iter().map(|r| r.text).collect();
        let links = link::links(&self.options, self.similarity.as_ref(), &sentences, &texts);
        let facts = facts::facts(&sentences, &links, &order, reports);
        let unique = facts::unique(&sentences, &links);
        Collation {
            sentences,
            links,
            facts,
            entities,
            unique,
            order,
        }
    }
}

/// Report indices by date (undated last), ties in input order.
fn reading_order(reports: &[Report]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| {
        let t = reports[i].date.and_then(crate::date::epoch_seconds);
        (t.is_none(), t, i)
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_link_when_one_sentence_carries_the_other_plus_more() {
        let a = "وصل وزير الخارجية الروسي سيرغي لافروف إلى جنيف.";
        let b = "وصل وزير الخارجية الروسي سيرغي لافروف إلى جنيف مساء الأحد، حيث يلتقي \
                 نظيره الأمريكي أنتوني بلينكن لبحث الأزمة الأوكرانية والضمانات الأمنية \
                 التي تطالب بها موسكو منذ أسابيع.";
        let c = Collator::default().collate(&[Report::new("a", a), Report::new("b", b)]);
        assert_eq!(c.links.len(), 1, "{:?}", c.links);
        assert_eq!(c.links[0].kind, LinkKind::Partial);
    }

    #[test]
    fn unrelated_sentences_do_not_link() {
        let a = "افتتح أمير المنطقة معرض الكتاب الدولي بمشاركة خمسمئة دار نشر.";
        let b = "انتهت مباراة الهلال والنصر بالتعادل الإيجابي في الدوري.";
        let c = Collator::default().collate(&[Report::new("a", a), Report::new("b", b)]);
        assert!(c.links.is_empty());
        assert_eq!(c.unique, vec![vec![0], vec![0]]);
    }

    #[test]
    fn chrome_is_never_linked_nor_unique() {
        let text = "اترك رد\nأعلنت الوزارة تسجيل 120 إصابة جديدة بالفيروس في مدينة جدة.";
        let c = Collator::default().collate(&[Report::new("a", text), Report::new("b", text)]);
        assert!(c.sentences[0][0].chrome);
        assert_eq!(c.links.len(), 1);
        assert!(c.unique.iter().all(|u| u.is_empty()));
    }

    #[test]
    fn facts_ordered_by_first_appearance_and_earliest_marked() {
        let f1 = "أعلنت الوزارة تسجيل 120 إصابة جديدة بالفيروس في مدينة جدة.";
        let f2 = "وافتتح الأمير مستشفى ميدانيا بسعة خمسمئة سرير في حي الصفا.";
        let a = format!("{f2} {f1}");
        let b = format!("{f1} {f2}");
        let mut ra = Report::new("a", &a);
        ra.date = Some("2015-07-22");
        let mut rb = Report::new("b", &b);
        rb.date = Some("2015-07-21");
        let c = Collator::default().collate(&[ra, rb]);
        assert_eq!(c.order, [1, 0]);
        assert_eq!(c.facts.len(), 2);
        // b is earlier, so its order wins and it is marked first on both facts.
        assert_eq!(c.facts[0].cells[1], vec![0]);
        assert_eq!(c.facts[0].first, vec![1]);
    }
}
