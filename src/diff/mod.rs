//! Side-by-side comparison of two versions of a story: sentence alignment with merges and
//! moves, then word diffs inside aligned sentences, all on normalized tokens and reported as
//! byte spans of the original texts (so what people see is each outlet's own spelling).
//!
//! How sentences are paired:
//! 1. Both texts are cut into [`sentences()`](crate::text::sentences()); each sentence becomes
//!    a set of *stems* ([`crate::text::stem::for_alignment`]): normalized tokens with clitics
//!    (و ف ب ل ك ال) and common suffixes stripped, so «وبالمفاوضات» meets «المفاوضات».
//!    Function words weigh nothing.
//! 2. A stem weighs its inverse sentence frequency over both texts (`ln(1 + N/df)`): the words a
//!    story repeats everywhere (روسيا، الناتو) say little about *which* sentence is which. With
//!    a background table ([`Options::background`], `naql idf`), that weight is multiplied by
//!    the word's IDF in a news corpus, so words all news uses (الولايات المتحدة) weigh less too.
//! 3. Two sentences score their weighted Dice overlap. Pairs at [`Options::min_score`] or above
//!    are taken greedily, best first, each sentence once; an unpaired neighbour joins a pair
//!    when the union scores higher (one outlet split what the other kept whole: 1:2 and 2:1).
//! 4. The pairs that keep their order in both texts (the heaviest increasing chain) are the
//!    backbone; the others are **moved**. Unpaired sentences are only in A or only in B,
//!    except page chrome ([`crate::text::chrome`]: «اترك رد», "Source link", bylines), which
//!    is never paired and is counted apart ([`Row::boilerplate`]).
//! 5. Inside each pair, `similar` diffs the normalized tokens; a token whose normalized form
//!    matches but whose spelling differs (hamza, diacritics, ى/ي, digits …) is a *spelling*
//!    difference, never a change.
//!
//! Where things are: this file holds the types; `sentences.rs` (step 1), `weights.rs`
//! (step 2), `align.rs` (steps 3 and 4), `rows.rs` (rows, layout, summary), `words.rs` (step 5).
//!
//! ```
//! use naql::diff::{Comparer, Kind};
//!
//! let a = "قال الوزير إن المحادثات ستستأنف غداً. وأضاف أن الوفد وصل.";
//! let b = "وأضاف أن الوفد وصل. قال الوزيرُ ان المحادثات ستُستأنف غدا.";
//! let cmp = Comparer::default().compare(a, b);
//! assert_eq!(cmp.summary.equal + cmp.summary.moved, 2);
//! assert!(cmp.rows.iter().any(|r| r.kind == Kind::Moved));
//! ```

mod align;
mod rows;
mod sentences;
mod weights;
mod words;

use std::ops::Range;

use serde::Serialize;

use crate::copy::{Config, Engine};
use crate::text::Normalizer;

use self::weights::Weights;

/// The stemmer of sentence alignment, now [`crate::text::stem::for_alignment`].
pub use crate::text::stem::for_alignment as stem;

/// How a row of the comparison relates the two texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Same words in the same place (spelling differences allowed).
    Equal,
    /// Paired sentences whose words differ.
    Changed,
    /// Paired sentences that sit elsewhere in the other text.
    Moved,
    /// A sentence of A with no counterpart in B.
    OnlyA,
    /// A sentence of B with no counterpart in A.
    OnlyB,
}

/// What a word-level edit does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Words in both, identical after normalization. Listed only when spelled differently.
    Equal,
    /// Words of A missing from B.
    Delete,
    /// Words of B missing from A.
    Insert,
    /// Words of A replaced by words of B.
    Replace,
}

/// One word-level edit inside a paired row; spans are byte ranges of the original texts. The
/// side an edit does not touch gets an empty range at the place it happens (where an inserted
/// word would go in A, where a deleted word was missed in B).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What the edit does.
    pub op: Op,
    /// The words of A it covers.
    pub a: Range<usize>,
    /// The words of B it covers.
    pub b: Range<usize>,
    /// For [`Op::Equal`]: the words match after normalization but are spelled differently.
    pub spelling: bool,
}

/// One row of the alignment. `a` and `b` are byte ranges of the original texts; a merged row
/// (1:2, 2:1) spans both sentences.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// How the row relates the texts.
    pub kind: Kind,
    /// The sentences of A (none for [`Kind::OnlyB`]).
    pub a: Option<Range<usize>>,
    /// The sentences of B (none for [`Kind::OnlyA`]).
    pub b: Option<Range<usize>>,
    /// Weighted stem overlap of the paired sentences (0 for unpaired rows).
    pub score: f64,
    /// Word edits: every non-equal edit, plus equal runs that differ only in spelling. Words
    /// not covered by an edit are the same in both.
    pub edits: Vec<Edit>,
    /// Page chrome ([`crate::text::chrome`]): an unpaired row that is not the article's text
    /// («إقرأ أيضاً», "Source link"). Never aligned, not counted as only in A or B; views mute it.
    pub boilerplate: bool,
}

impl Row {
    /// Whether both texts carry this row.
    pub fn is_shared(&self) -> bool {
        matches!(self.kind, Kind::Equal | Kind::Changed | Kind::Moved)
    }

    /// Whether some words are spelled differently without being changed.
    pub fn has_spelling(&self) -> bool {
        self.edits.iter().any(|e| e.spelling)
    }
}

/// Where rows go when both texts are shown side by side in reading order: every row once, and
/// each moved row a second time, as a pointer, where its B side sits in B's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Row `usize`, in full.
    Row(usize),
    /// The B position of moved row `usize`.
    MovedB(usize),
}

/// Figures for the pair as a whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Exact Jaccard of the two shingle sets, as `naql pairs` reports it.
    pub jaccard: f64,
    /// Share of A's shingles found in B.
    pub containment_ab: f64,
    /// Share of B's shingles found in A.
    pub containment_ba: f64,
    /// Rows of each kind.
    pub equal: usize,
    /// Rows whose words differ.
    pub changed: usize,
    /// Paired rows off the backbone.
    pub moved: usize,
    /// Sentences only A has.
    pub only_a: usize,
    /// Sentences only B has.
    pub only_b: usize,
    /// Sentences of A that are page chrome (neither aligned nor counted in `only_a`).
    pub boilerplate_a: usize,
    /// Sentences of B that are page chrome.
    pub boilerplate_b: usize,
    /// Share of A's sentence characters that B also carries (equal, changed or moved rows).
    pub a_shared: f64,
    /// Share of B's sentence characters that A also carries.
    pub b_shared: f64,
}

/// The comparison of two texts.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Every sentence of both texts once, in A's order along the backbone.
    pub rows: Vec<Row>,
    /// The rows side by side in reading order (see [`Slot`]).
    pub layout: Vec<Slot>,
    /// Figures for the pair as a whole.
    pub summary: Summary,
}

/// Tuning of the alignment.
#[derive(Clone, Debug)]
pub struct Options {
    /// Weighted stem overlap (Dice) at which two sentences count as telling the same thing.
    pub min_score: f64,
    /// Weaker sentence pairs (down to this overlap) are tried as seeds of larger matches.
    pub seed_score: f64,
    /// How much each sentence added to a pair (1:2, 2:1, and on) must raise the overlap.
    pub grow_gain: f64,
    /// Most sentences on one side of a pair.
    pub max_group: usize,
    /// Document frequencies from a corpus (`naql idf`): a word common in all news weighs less.
    pub background: Option<crate::story::Idf>,
    /// Paired rows over this many tokens (both sides) get no word diff: they are shown as one
    /// replacement, which bounds time on pathological input (a 50 MB text with no full stop).
    pub max_diff_tokens: usize,
    /// A stem found in more sentences than this does not propose candidates (it still counts
    /// in the score): bounds the work on huge or repetitive texts.
    pub max_postings: usize,
    /// Leave page-chrome lines ([`crate::text::chrome`]) out of the alignment.
    pub skip_chrome: bool,
}

impl Options {
    /// Checks the parameters a user sets: `min_score` in [0, 1].
    pub fn validate(&self) -> Result<(), crate::ConfigError> {
        crate::error::in_unit_closed("min_score", self.min_score)
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_score: 0.35,
            seed_score: 0.05,
            grow_gain: 0.001,
            max_group: 64,
            background: None,
            max_diff_tokens: 20_000,
            max_postings: 200,
            skip_chrome: true,
        }
    }
}

/// Compares texts with one configuration (its normalization and shingles, as `naql cluster`
/// uses them) and one set of alignment options.
pub struct Comparer {
    options: Options,
    engine: Engine,
}

impl Default for Comparer {
    fn default() -> Self {
        Comparer::new(Config::default(), Options::default())
    }
}

impl Comparer {
    /// A comparer with `config`'s normalization and shingles and these alignment options.
    pub fn new(config: Config, options: Options) -> Self {
        Comparer {
            options,
            engine: Engine::new(config),
        }
    }

    /// The normalizer both texts go through.
    pub fn normalizer(&self) -> &Normalizer {
        self.engine.normalizer()
    }

    /// Aligns `b` against `a`.
    pub fn compare(&self, a: &str, b: &str) -> Comparison {
        let sa = self.split(a);
        let sb = self.split(b);
        let weights = Weights::new(&sa, &sb);
        let groups = align::pair(&self.options, &sa, &sb, &weights);
        let in_order = align::backbone(&groups, &sa, &sb);
        let (rows, layout) = self.rows((a, b), (&sa, &sb), &groups, &in_order);
        let summary = self.summary(a, b, &sa, &sb, &rows);
        Comparison {
            rows,
            layout,
            summary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(c: &Comparison) -> Vec<Kind> {
        c.rows.iter().map(|r| r.kind).collect()
    }

    #[test]
    fn spelling_only_differences_are_equal_and_marked() {
        let a = "أعلنت الوزارة عن ٣ حالات جديدة.";
        let b = "اعلنت الوزاره عن 3 حالات جديده.";
        let c = Comparer::default().compare(a, b);
        assert_eq!(kinds(&c), [Kind::Equal]);
        assert!(c.rows[0].has_spelling());
        assert!(c.rows[0].edits.iter().all(|e| e.op == Op::Equal));
        assert_eq!(c.summary.a_shared, 1.0);
    }

    #[test]
    fn insertions_deletions_and_changes() {
        let a = "قصفت الطائرات مواقع المسلحين شمال المدينة. وقتل خمسة أشخاص في الهجوم. \
                 الطقس حار جدا اليوم في العاصمة.";
        let b = "قصفت الطائرات مواقع المسلحين جنوب المدينة. وقتل خمسة أشخاص في الهجوم. \
                 وأعلنت الحكومة الحداد ثلاثة أيام على الضحايا.";
        let c = Comparer::default().compare(a, b);
        assert_eq!(
            kinds(&c),
            [Kind::Changed, Kind::Equal, Kind::OnlyA, Kind::OnlyB]
        );
        let changed = &c.rows[0];
        let e = changed.edits.iter().find(|e| e.op == Op::Replace).unwrap();
        assert_eq!(&a[e.a.clone()], "شمال");
        assert_eq!(&b[e.b.clone()], "جنوب");
    }

    #[test]
    fn split_sentence_is_merged() {
        let a = "وصل الرئيس إلى العاصمة الفرنسية باريس صباح الاثنين في زيارة رسمية \
                 يلتقي خلالها نظيره الفرنسي لبحث ملفات التعاون الاقتصادي والطاقة.";
        let b = "وصل الرئيس إلى العاصمة الفرنسية باريس صباح الاثنين في زيارة رسمية. \
                 ويلتقي خلالها نظيره الفرنسي لبحث ملفات التعاون الاقتصادي والطاقة.";
        let c = Comparer::default().compare(a, b);
        assert_eq!(c.rows.len(), 1, "{:?}", kinds(&c));
        assert_eq!(c.rows[0].b, Some(0..b.len()));
    }

    #[test]
    fn moved_paragraph_is_linked() {
        let p1 = "افتتح الوزير معرض الكتاب الدولي بمشاركة خمسمئة دار نشر.";
        let p2 = "ويستمر المعرض عشرة أيام ويضم ندوات فكرية وأمسيات شعرية.";
        let p3 = "وقال المنظمون إن عدد الزوار المتوقع يتجاوز مليون زائر.";
        let a = format!("{p1}\n{p2}\n{p3}");
        let b = format!("{p3}\n{p1}\n{p2}");
        let c = Comparer::default().compare(&a, &b);
        assert_eq!(c.summary.equal, 2);
        assert_eq!(c.summary.moved, 1);
        let moved = c.rows.iter().position(|r| r.kind == Kind::Moved).unwrap();
        assert_eq!(&a[c.rows[moved].a.clone().unwrap()], p3);
        // The moved row appears once as itself and once where B has it: first in B.
        assert_eq!(c.layout.first(), Some(&Slot::MovedB(moved)));
        assert!(c.layout.contains(&Slot::Row(moved)));
    }

    #[test]
    fn unrelated_texts_share_nothing() {
        let a = "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك.";
        let b = "فاز الفريق الأهلي بكأس البطولة بعد مباراة مثيرة.";
        let c = Comparer::default().compare(a, b);
        assert_eq!(kinds(&c), [Kind::OnlyA, Kind::OnlyB]);
        assert_eq!(c.summary.a_shared, 0.0);
    }

    #[test]
    fn empty_and_unpunctuated_inputs() {
        let c = Comparer::default().compare("", "");
        assert!(c.rows.is_empty());
        let words = "كلمة ".repeat(30_000);
        let c = Comparer::default().compare(&words, &words);
        assert_eq!(kinds(&c), [Kind::Equal]);
    }
}
