//! Side-by-side comparison of two versions of a story: sentence alignment with merges and
//! moves, then word diffs inside aligned sentences, all on normalized tokens and reported as
//! byte spans of the original texts (so what people see is each outlet's own spelling).
//!
//! How sentences are paired:
//! 1. Both texts are cut into [`sentences()`]; each sentence becomes a set of *stems*: normalized
//!    tokens with clitics (و ف ب ل ك ال) and common suffixes stripped, so «وبالمفاوضات» meets
//!    «المفاوضات». Function words weigh nothing.
//! 2. A stem weighs its inverse sentence frequency over both texts (`ln(1 + N/df)`): the words a
//!    story repeats everywhere (روسيا، الناتو) say little about *which* sentence is which. With
//!    a background table ([`Options::background`], `naql idf`), that weight is multiplied by
//!    the word's IDF in a news corpus, so words all news uses (الولايات المتحدة) weigh less too.
//! 3. Two sentences score their weighted Dice overlap. Pairs at [`Options::min_score`] or above
//!    are taken greedily, best first, each sentence once; an unpaired neighbour joins a pair
//!    when the union scores higher (one outlet split what the other kept whole: 1:2 and 2:1).
//! 4. The pairs that keep their order in both texts (the heaviest increasing chain) are the
//!    backbone; the others are **moved**. Unpaired sentences are only in A or only in B.
//! 5. Inside each pair, `similar` diffs the normalized tokens; a token whose normalized form
//!    matches but whose spelling differs (hamza, diacritics, ى/ي, digits …) is a *spelling*
//!    difference, never a change.
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

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::copy::{Config, Engine};
use crate::copy::{Overlap, intersection_size, token_hash};
use crate::text::Normalizer;
use crate::text::sentences;

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
    pub op: Op,
    pub a: Range<usize>,
    pub b: Range<usize>,
    /// For [`Op::Equal`]: the words match after normalization but are spelled differently.
    pub spelling: bool,
}

/// One row of the alignment. `a` and `b` are byte ranges of the original texts; a merged row
/// (1:2, 2:1) spans both sentences.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub kind: Kind,
    pub a: Option<Range<usize>>,
    pub b: Option<Range<usize>>,
    /// Weighted stem overlap of the paired sentences (0 for unpaired rows).
    pub score: f64,
    /// Word edits: every non-equal edit, plus equal runs that differ only in spelling. Words
    /// not covered by an edit are the same in both.
    pub edits: Vec<Edit>,
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
    pub equal: usize,
    pub changed: usize,
    pub moved: usize,
    pub only_a: usize,
    pub only_b: usize,
    /// Share of A's sentence characters that B also carries (equal, changed or moved rows).
    pub a_shared: f64,
    /// Share of B's sentence characters that A also carries.
    pub b_shared: f64,
}

/// The comparison of two texts.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub rows: Vec<Row>,
    pub layout: Vec<Slot>,
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

struct Tok {
    norm: u64,
    span: Range<usize>,
}

struct Sent {
    span: Range<usize>,
    toks: Vec<Tok>,
    /// Distinct content stems, sorted.
    stems: Vec<u64>,
    /// Hash of the normalized token sequence: equal for sentences equal up to spelling.
    whole: u64,
    chars: usize,
    /// Background weight of each stem (from an IDF table), when one is given.
    background: Vec<(u64, f64)>,
}

/// A pairing of sentence runs `a` (indices into A's sentences) and `b`.
#[derive(Clone, Debug)]
struct Group {
    a: Range<usize>,
    b: Range<usize>,
    score: f64,
}

impl Comparer {
    pub fn new(config: Config, options: Options) -> Self {
        Comparer {
            options,
            engine: Engine::new(config),
        }
    }

    pub fn normalizer(&self) -> &Normalizer {
        self.engine.normalizer()
    }

    /// Aligns `b` against `a`.
    pub fn compare(&self, a: &str, b: &str) -> Comparison {
        let sa = self.split(a);
        let sb = self.split(b);
        let weights = Weights::new(&sa, &sb);
        let groups = self.pair(&sa, &sb, &weights);
        let in_order = backbone(&groups, &sa, &sb);
        let (rows, layout) = self.rows(a, b, &sa, &sb, &groups, &in_order);
        let summary = self.summary(a, b, &sa, &sb, &rows);
        Comparison {
            rows,
            layout,
            summary,
        }
    }

    fn split(&self, text: &str) -> Vec<Sent> {
        sentences(text)
            .into_iter()
            .map(|span| {
                let piece = &text[span.clone()];
                let mut toks = Vec::new();
                let mut stems = Vec::new();
                let mut whole = 0x6e61_716c_u64;
                let mut bgw: Vec<(u64, f64)> = Vec::new();
                self.normalizer().for_each_token(piece, |t, s| {
                    let norm = token_hash(t);
                    whole = crate::copy::fold(whole, norm);
                    toks.push(Tok {
                        norm,
                        span: span.start + s.start..span.start + s.end,
                    });
                    if let Some(stem) = crate::text::stem::for_alignment(t) {
                        stems.push(token_hash(stem));
                        if let Some(bg) = &self.options.background {
                            // The table is keyed by the story stemmer's stems.
                            let key =
                                crate::hash::term_hash(crate::text::stem::for_terms(t).as_bytes());
                            bgw.push((token_hash(stem), bg.weight(key) as f64));
                        }
                    }
                });
                stems.sort_unstable();
                stems.dedup();
                if toks.is_empty() {
                    // Marks only («…», «***»): identical ones still pair up.
                    whole = token_hash(piece);
                }
                Sent {
                    background: bgw,
                    chars: piece.chars().count(),
                    span,
                    toks,
                    stems,
                    whole,
                }
            })
            .collect()
    }

    /// Steps 3 and the merges: groups of paired sentences, sorted by their A position.
    fn pair(&self, sa: &[Sent], sb: &[Sent], w: &Weights) -> Vec<Group> {
        let mut used_a = vec![false; sa.len()];
        let mut used_b = vec![false; sb.len()];
        let mut groups = Vec::new();

        // Sentences identical up to spelling pair first, in order, whatever their stems.
        let mut by_whole: HashMap<u64, Vec<usize>> = HashMap::new();
        for (j, s) in sb.iter().enumerate().rev() {
            by_whole.entry(s.whole).or_default().push(j);
        }
        for (i, s) in sa.iter().enumerate() {
            if let Some(js) = by_whole.get_mut(&s.whole)
                && let Some(j) = js.pop()
            {
                used_a[i] = true;
                used_b[j] = true;
                groups.push(Group {
                    a: i..i + 1,
                    b: j..j + 1,
                    score: 1.0,
                });
            }
        }

        // Candidates share a stem that is not everywhere.
        let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
        for (j, s) in sb.iter().enumerate() {
            if used_b[j] {
                continue;
            }
            for &k in &s.stems {
                postings.entry(k).or_default().push(j as u32);
            }
        }
        let mut scored = Vec::new();
        let mut seen = vec![usize::MAX; sb.len()];
        for (i, s) in sa.iter().enumerate() {
            if used_a[i] {
                continue;
            }
            for &k in &s.stems {
                let Some(list) = postings.get(&k) else {
                    continue;
                };
                if list.len() > self.options.max_postings {
                    continue;
                }
                for &j in list {
                    let j = j as usize;
                    if seen[j] == i {
                        continue;
                    }
                    seen[j] = i;
                    // One shared word is chance, however short the sentences.
                    if intersection_size(&s.stems, &sb[j].stems) < 2 {
                        continue;
                    }
                    let score = w.dice(&s.stems, &sb[j].stems);
                    if score >= self.options.seed_score {
                        scored.push((score, i, j));
                    }
                }
            }
        }
        scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let min = self.options.min_score;
        let first_new = groups.len();
        for &(score, i, j) in scored.iter().filter(|c| c.0 >= min) {
            if !used_a[i] && !used_b[j] {
                used_a[i] = true;
                used_b[j] = true;
                groups.push(Group {
                    a: i..i + 1,
                    b: j..j + 1,
                    score,
                });
            }
        }
        for g in &mut groups[first_new..] {
            self.grow(
                g,
                &mut used_a,
                &mut used_b,
                sa,
                sb,
                w,
                self.options.grow_gain,
            );
        }
        // Weaker pairs may be the seed of a larger match: a passage whose words were shuffled
        // across sentence ends, or one outlet's long sentence holding three of the other's.
        for &(score, i, j) in scored.iter().filter(|c| c.0 < min) {
            if used_a[i] || used_b[j] {
                continue;
            }
            used_a[i] = true;
            used_b[j] = true;
            let mut g = Group {
                a: i..i + 1,
                b: j..j + 1,
                score,
            };
            // Any gain will do here: the group only counts if it ends at `min_score`.
            self.grow(&mut g, &mut used_a, &mut used_b, sa, sb, w, 1e-3);
            if g.score >= min {
                groups.push(g);
            } else {
                used_a[g.a].fill(false);
                used_b[g.b].fill(false);
            }
        }
        groups.sort_by_key(|g| g.a.start);
        groups
    }

    /// Extends a group by free neighbouring sentences, one at a time, while the union of the
    /// two sides overlaps better by at least `gain`.
    #[allow(clippy::too_many_arguments)]
    fn grow(
        &self,
        g: &mut Group,
        used_a: &mut [bool],
        used_b: &mut [bool],
        sa: &[Sent],
        sb: &[Sent],
        w: &Weights,
        gain: f64,
    ) {
        let max = self.options.max_group;
        loop {
            let mut best: Option<(f64, Range<usize>, Range<usize>)> = None;
            let (a, b) = (g.a.clone(), g.b.clone());
            // Each side may stay, or take its free neighbour before or after; both sides at once
            // too, since a passage may only match better once both have grown.
            let side = |r: &Range<usize>, used: &[bool], len: usize| {
                let mut v = vec![r.clone()];
                if r.len() < max {
                    if r.start > 0 && !used[r.start - 1] {
                        v.push(r.start - 1..r.end);
                    }
                    if r.end < len && !used[r.end] {
                        v.push(r.start..r.end + 1);
                    }
                }
                v
            };
            let mut tries = Vec::with_capacity(8);
            for ta in side(&a, used_a, sa.len()) {
                for tb in side(&b, used_b, sb.len()) {
                    if ta != a || tb != b {
                        tries.push((ta.clone(), tb));
                    }
                }
            }
            for (ta, tb) in tries {
                let score = w.dice(&union(sa, &ta), &union(sb, &tb));
                if score >= g.score + gain && best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                    best = Some((score, ta, tb));
                }
            }
            let Some((score, ta, tb)) = best else {
                return;
            };
            used_a[ta.clone()].fill(true);
            used_b[tb.clone()].fill(true);
            *g = Group {
                a: ta,
                b: tb,
                score,
            };
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rows(
        &self,
        a: &str,
        b: &str,
        sa: &[Sent],
        sb: &[Sent],
        groups: &[Group],
        in_order: &[bool],
    ) -> (Vec<Row>, Vec<Slot>) {
        // Which group each sentence belongs to.
        let mut group_of_a = vec![usize::MAX; sa.len()];
        let mut group_of_b = vec![usize::MAX; sb.len()];
        for (g, grp) in groups.iter().enumerate() {
            for i in grp.a.clone() {
                group_of_a[i] = g;
            }
            for j in grp.b.clone() {
                group_of_b[j] = g;
            }
        }
        let mut rows = Vec::new();
        let mut row_of_group = vec![usize::MAX; groups.len()];
        // Slots refer to groups until every row exists; `Err(g)` is a moved B side.
        let mut slots: Vec<Result<usize, usize>> = Vec::new();
        let (mut i, mut j) = (0usize, 0usize);
        let mut emit_a_until =
            |end: usize, i: &mut usize, rows: &mut Vec<Row>, slots: &mut Vec<_>| {
                while *i < end {
                    let g = group_of_a[*i];
                    if g == usize::MAX {
                        rows.push(Row {
                            kind: Kind::OnlyA,
                            a: Some(sa[*i].span.clone()),
                            b: None,
                            score: 0.0,
                            edits: Vec::new(),
                        });
                        slots.push(Ok(rows.len() - 1));
                        *i += 1;
                    } else {
                        let grp = &groups[g];
                        row_of_group[g] = rows.len();
                        rows.push(self.paired(a, b, sa, sb, grp, Kind::Moved));
                        slots.push(Ok(rows.len() - 1));
                        *i = grp.a.end;
                    }
                }
            };
        let emit_b_until = |end: usize, j: &mut usize, rows: &mut Vec<Row>, slots: &mut Vec<_>| {
            while *j < end {
                let g = group_of_b[*j];
                if g == usize::MAX {
                    rows.push(Row {
                        kind: Kind::OnlyB,
                        a: None,
                        b: Some(sb[*j].span.clone()),
                        score: 0.0,
                        edits: Vec::new(),
                    });
                    slots.push(Ok(rows.len() - 1));
                    *j += 1;
                } else {
                    slots.push(Err(g));
                    *j = groups[g].b.end;
                }
            }
        };
        for (g, grp) in groups.iter().enumerate() {
            if !in_order[g] {
                continue;
            }
            emit_a_until(grp.a.start, &mut i, &mut rows, &mut slots);
            emit_b_until(grp.b.start, &mut j, &mut rows, &mut slots);
            let row = self.paired(a, b, sa, sb, grp, Kind::Equal);
            rows.push(row);
            slots.push(Ok(rows.len() - 1));
            i = grp.a.end;
            j = grp.b.end;
        }
        emit_a_until(sa.len(), &mut i, &mut rows, &mut slots);
        emit_b_until(sb.len(), &mut j, &mut rows, &mut slots);
        let layout = slots
            .into_iter()
            .map(|s| match s {
                Ok(r) => Slot::Row(r),
                Err(g) => Slot::MovedB(row_of_group[g]),
            })
            .collect();
        (rows, layout)
    }

    /// A row for a paired group: word diff, then Equal/Changed (or Moved when `kind` says so).
    fn paired(&self, a: &str, b: &str, sa: &[Sent], sb: &[Sent], g: &Group, kind: Kind) -> Row {
        let ta: Vec<&Tok> = sa[g.a.clone()].iter().flat_map(|s| &s.toks).collect();
        let tb: Vec<&Tok> = sb[g.b.clone()].iter().flat_map(|s| &s.toks).collect();
        let edits = word_edits(a, b, &ta, &tb, self.options.max_diff_tokens);
        let kind = match kind {
            Kind::Moved => Kind::Moved,
            _ if edits.iter().all(|e| e.op == Op::Equal) => Kind::Equal,
            _ => Kind::Changed,
        };
        Row {
            kind,
            a: Some(sa[g.a.start].span.start..sa[g.a.end - 1].span.end),
            b: Some(sb[g.b.start].span.start..sb[g.b.end - 1].span.end),
            score: g.score,
            edits,
        }
    }

    fn summary(&self, a: &str, b: &str, sa: &[Sent], sb: &[Sent], rows: &[Row]) -> Summary {
        let doc = |text: &str| crate::corpus::Document {
            text: text.to_string(),
            ..Default::default()
        };
        let overlap: Overlap = self
            .engine
            .overlap(&self.engine.prepare(doc(a)), &self.engine.prepare(doc(b)));
        let mut s = Summary {
            jaccard: overlap.jaccard,
            containment_ab: overlap.containment_ab,
            containment_ba: overlap.containment_ba,
            ..Summary::default()
        };
        for r in rows {
            match r.kind {
                Kind::Equal => s.equal += 1,
                Kind::Changed => s.changed += 1,
                Kind::Moved => s.moved += 1,
                Kind::OnlyA => s.only_a += 1,
                Kind::OnlyB => s.only_b += 1,
            }
        }
        // Rows cover every sentence once, in order; count the characters of shared ones.
        let share = |sents: &[Sent], side: fn(&Row) -> &Option<Range<usize>>| {
            let total: usize = sents.iter().map(|s| s.chars).sum();
            if total == 0 {
                return 0.0;
            }
            let mut spans: Vec<&Range<usize>> = rows
                .iter()
                .filter(|r| r.is_shared())
                .filter_map(|r| side(r).as_ref())
                .collect();
            spans.sort_by_key(|r| r.start);
            let mut k = 0;
            let mut shared = 0;
            for s in sents {
                while k < spans.len() && spans[k].end < s.span.end {
                    k += 1;
                }
                if k < spans.len() && spans[k].start <= s.span.start {
                    shared += s.chars;
                }
            }
            shared as f64 / total as f64
        };
        s.a_shared = share(sa, |r| &r.a);
        s.b_shared = share(sb, |r| &r.b);
        s
    }
}

fn union(sents: &[Sent], r: &Range<usize>) -> Vec<u64> {
    let mut v: Vec<u64> = sents[r.clone()]
        .iter()
        .flat_map(|s| s.stems.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Inverse sentence frequency of each stem over both texts.
struct Weights {
    idf: HashMap<u64, f64>,
}

impl Weights {
    fn new(sa: &[Sent], sb: &[Sent]) -> Self {
        let mut df: HashMap<u64, u32> = HashMap::new();
        for s in sa.iter().chain(sb) {
            for &k in &s.stems {
                *df.entry(k).or_default() += 1;
            }
        }
        let n = (sa.len() + sb.len()) as f64;
        let mut bg: HashMap<u64, f64> = HashMap::new();
        for s in sa.iter().chain(sb) {
            for &(k, w) in &s.background {
                let e = bg.entry(k).or_insert(w);
                *e = e.min(w);
            }
        }
        let idf = df
            .into_iter()
            .map(|(k, d)| {
                let local = (1.0 + n / d as f64).ln();
                (k, local * bg.get(&k).copied().unwrap_or(1.0))
            })
            .collect();
        Weights { idf }
    }

    fn weight(&self, k: u64) -> f64 {
        self.idf.get(&k).copied().unwrap_or(0.0)
    }

    /// Weighted Dice overlap of two sorted stem sets.
    fn dice(&self, x: &[u64], y: &[u64]) -> f64 {
        let (mut i, mut j) = (0, 0);
        let mut shared = 0.0;
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += self.weight(x[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        let total: f64 = x.iter().chain(y).map(|&k| self.weight(k)).sum();
        if total == 0.0 {
            0.0
        } else {
            2.0 * shared / total
        }
    }
}

/// Step 4: which groups (sorted by A position) form the heaviest chain increasing in B too.
/// Weighted longest increasing subsequence with a Fenwick tree of prefix maxima over B
/// positions: O(n log n), so a long text with thousands of pairs stays fast.
fn backbone(groups: &[Group], sa: &[Sent], sb: &[Sent]) -> Vec<bool> {
    let n = sb.len();
    let mut tree: Vec<(f64, usize)> = vec![(0.0, usize::MAX); n + 1];
    let mut best_before = vec![usize::MAX; groups.len()];
    let mut total = vec![0.0; groups.len()];
    for (g, grp) in groups.iter().enumerate() {
        let tokens: usize = sa[grp.a.clone()]
            .iter()
            .map(|s| s.toks.len())
            .sum::<usize>()
            + sb[grp.b.clone()]
                .iter()
                .map(|s| s.toks.len())
                .sum::<usize>();
        let weight = grp.score * (tokens.max(1) as f64);
        // Best chain ending strictly before this group's B start.
        let (mut best, mut from) = (0.0, usize::MAX);
        let mut k = grp.b.start;
        while k > 0 {
            if tree[k].0 > best {
                (best, from) = tree[k];
            }
            k &= k - 1;
        }
        total[g] = best + weight;
        best_before[g] = from;
        // Record at this group's last B position, so the next group must start after it.
        let mut k = grp.b.end;
        while k <= n {
            if total[g] > tree[k].0 {
                tree[k] = (total[g], g);
            }
            k += k & k.wrapping_neg();
        }
    }
    let mut in_order = vec![false; groups.len()];
    let mut g = (0..groups.len()).max_by(|&x, &y| total[x].total_cmp(&total[y]).then(y.cmp(&x)));
    while let Some(k) = g {
        in_order[k] = true;
        g = (best_before[k] != usize::MAX).then_some(best_before[k]);
    }
    in_order
}

/// Step 5: word edits between the tokens of two paired sentence runs.
fn word_edits(a: &str, b: &str, ta: &[&Tok], tb: &[&Tok], max_tokens: usize) -> Vec<Edit> {
    // Byte range of tokens `k..k + len` of a side; an empty range at the gap when `len` is 0.
    fn span(toks: &[&Tok], k: usize, len: usize) -> Range<usize> {
        if len > 0 {
            toks[k].span.start..toks[k + len - 1].span.end
        } else if k > 0 {
            toks[k - 1].span.end..toks[k - 1].span.end
        } else {
            toks.first().map_or(0..0, |t| t.span.start..t.span.start)
        }
    }
    let same = ta.len() == tb.len() && ta.iter().zip(tb).all(|(x, y)| x.norm == y.norm);
    let ops = if same {
        vec![DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: ta.len(),
        }]
    } else if ta.len() + tb.len() > max_tokens {
        vec![DiffOp::Replace {
            old_index: 0,
            old_len: ta.len(),
            new_index: 0,
            new_len: tb.len(),
        }]
    } else {
        let na: Vec<u64> = ta.iter().map(|t| t.norm).collect();
        let nb: Vec<u64> = tb.iter().map(|t| t.norm).collect();
        capture_diff_slices(Algorithm::Myers, &na, &nb)
    };
    let mut edits = Vec::new();
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                // Runs of words spelled differently become their own edits.
                let mut k = 0;
                while k < len {
                    let differs = |k: usize| {
                        a[ta[old_index + k].span.clone()] != b[tb[new_index + k].span.clone()]
                    };
                    if !differs(k) {
                        k += 1;
                        continue;
                    }
                    let start = k;
                    while k < len && differs(k) {
                        k += 1;
                    }
                    edits.push(Edit {
                        op: Op::Equal,
                        a: span(ta, old_index + start, k - start),
                        b: span(tb, new_index + start, k - start),
                        spelling: true,
                    });
                }
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => edits.push(Edit {
                op: Op::Delete,
                a: span(ta, old_index, old_len),
                b: span(tb, new_index, 0),
                spelling: false,
            }),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => edits.push(Edit {
                op: Op::Insert,
                a: span(ta, old_index, 0),
                b: span(tb, new_index, new_len),
                spelling: false,
            }),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => edits.push(Edit {
                op: Op::Replace,
                a: span(ta, old_index, old_len),
                b: span(tb, new_index, new_len),
                spelling: false,
            }),
        }
    }
    edits
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
