//! From groups to rows: every sentence of both texts once, in reading order, each pair with its
//! word edits; and the summary figures.

use std::ops::Range;

use crate::copy::Overlap;

use super::align::Group;
use super::sentences::{Sent, Tok};
use super::words::word_edits;
use super::{Comparer, Kind, Op, Row, Slot, Summary};

/// Rows in the making: a walk through both texts along the backbone.
struct Rows<'a> {
    comparer: &'a Comparer,
    texts: (&'a str, &'a str),
    sa: &'a [Sent],
    sb: &'a [Sent],
    groups: &'a [Group],
    /// Which group each sentence belongs to (`usize::MAX`: none).
    group_of_a: Vec<usize>,
    group_of_b: Vec<usize>,
    rows: Vec<Row>,
    row_of_group: Vec<usize>,
    /// Slots refer to groups until every row exists; `Err(g)` is a moved B side.
    slots: Vec<Result<usize, usize>>,
    /// The next sentence of A and of B not yet in a row.
    i: usize,
    j: usize,
}

impl<'a> Rows<'a> {
    fn new(
        comparer: &'a Comparer,
        texts: (&'a str, &'a str),
        (sa, sb): (&'a [Sent], &'a [Sent]),
        groups: &'a [Group],
    ) -> Self {
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
        Rows {
            comparer,
            texts,
            sa,
            sb,
            groups,
            group_of_a,
            group_of_b,
            rows: Vec::new(),
            row_of_group: vec![usize::MAX; groups.len()],
            slots: Vec::new(),
            i: 0,
            j: 0,
        }
    }

    fn push(&mut self, row: Row) {
        self.rows.push(row);
        self.slots.push(Ok(self.rows.len() - 1));
    }

    /// A's sentences up to `end`: unpaired ones, and groups off the backbone (moved).
    fn a_until(&mut self, end: usize) {
        while self.i < end {
            let g = self.group_of_a[self.i];
            if g == usize::MAX {
                self.push(Row {
                    kind: Kind::OnlyA,
                    a: Some(self.sa[self.i].span.clone()),
                    b: None,
                    score: 0.0,
                    edits: Vec::new(),
                    boilerplate: self.sa[self.i].chrome,
                });
                self.i += 1;
            } else {
                let grp = &self.groups[g];
                self.row_of_group[g] = self.rows.len();
                let row = self.paired(grp, Kind::Moved);
                self.push(row);
                self.i = grp.a.end;
            }
        }
    }

    /// B's sentences up to `end`: unpaired ones, and a pointer to each moved group's row.
    fn b_until(&mut self, end: usize) {
        while self.j < end {
            let g = self.group_of_b[self.j];
            if g == usize::MAX {
                self.push(Row {
                    kind: Kind::OnlyB,
                    a: None,
                    b: Some(self.sb[self.j].span.clone()),
                    score: 0.0,
                    edits: Vec::new(),
                    boilerplate: self.sb[self.j].chrome,
                });
                self.j += 1;
            } else {
                self.slots.push(Err(g));
                self.j = self.groups[g].b.end;
            }
        }
    }

    /// A row for a paired group: word diff, then Equal/Changed (or Moved when `kind` says so).
    fn paired(&self, g: &Group, kind: Kind) -> Row {
        let (a, b) = self.texts;
        let (sa, sb) = (self.sa, self.sb);
        let ta: Vec<&Tok> = sa[g.a.clone()].iter().flat_map(|s| &s.toks).collect();
        let tb: Vec<&Tok> = sb[g.b.clone()].iter().flat_map(|s| &s.toks).collect();
        let edits = word_edits(a, b, &ta, &tb, self.comparer.options.max_diff_tokens);
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
            boilerplate: false,
        }
    }

    /// The rows, and the layout with each moved B side pointing at its row.
    fn finish(self) -> (Vec<Row>, Vec<Slot>) {
        let row_of_group = self.row_of_group;
        let layout = self
            .slots
            .into_iter()
            .map(|s| match s {
                Ok(r) => Slot::Row(r),
                Err(g) => Slot::MovedB(row_of_group[g]),
            })
            .collect();
        (self.rows, layout)
    }
}

impl Comparer {
    /// Every sentence once, in reading order along the backbone (`in_order`): the pairs in
    /// order, with what lies between them in A then in B.
    pub(super) fn rows(
        &self,
        texts: (&str, &str),
        sents: (&[Sent], &[Sent]),
        groups: &[Group],
        in_order: &[bool],
    ) -> (Vec<Row>, Vec<Slot>) {
        let mut r = Rows::new(self, texts, sents, groups);
        for (g, grp) in groups.iter().enumerate() {
            if !in_order[g] {
                continue;
            }
            r.a_until(grp.a.start);
            r.b_until(grp.b.start);
            let row = r.paired(grp, Kind::Equal);
            r.push(row);
            r.i = grp.a.end;
            r.j = grp.b.end;
        }
        r.a_until(sents.0.len());
        r.b_until(sents.1.len());
        r.finish()
    }

    /// The shingle overlap of the whole texts, the rows by kind, and how much of each text's
    /// sentences the other carries.
    pub(super) fn summary(
        &self,
        a: &str,
        b: &str,
        sa: &[Sent],
        sb: &[Sent],
        rows: &[Row],
    ) -> Summary {
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
                Kind::OnlyA if r.boilerplate => s.boilerplate_a += 1,
                Kind::OnlyB if r.boilerplate => s.boilerplate_b += 1,
                Kind::OnlyA => s.only_a += 1,
                Kind::OnlyB => s.only_b += 1,
            }
        }
        // Rows cover every sentence once, in order; count the characters of shared ones
        // (chrome is never shared).
        let share = |sents: &[Sent], side: fn(&Row) -> &Option<Range<usize>>| {
            // Page chrome is no part of the article.
            let total: usize = sents.iter().filter(|s| !s.chrome).map(|s| s.chars).sum();
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
                if !s.chrome && k < spans.len() && spans[k].start <= s.span.start {
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
