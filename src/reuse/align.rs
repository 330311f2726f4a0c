//! From seed hits to passages: the hits of a pair of documents are split wherever a gap opens
//! along either document, until every group is dense on both axes.

use std::ops::Range;

use super::seeds::Prepared;

/// A seed both documents hold: its word position in A and in B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Word position in A.
    pub a: u32,
    /// Word position in B.
    pub b: u32,
}

/// A dense group of hits: the words it covers in A and in B (end exclusive) and how many hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Words of A.
    pub a: Range<u32>,
    /// Words of B.
    pub b: Range<u32>,
    /// Hits inside.
    pub hits: usize,
}

/// Every pairing of a seed's positions in `a` with its positions in `b`; a seed repeated
/// more than `max_repeats` times in either document is left out (restricting did that already
/// for seeds of the index; this holds for any two documents). Both must be restricted.
pub fn hits(a: &Prepared, b: &Prepared, max_repeats: usize) -> Vec<Hit> {
    let all = Rect {
        a: 0..a.words,
        b: 0..b.words,
        hits: 0,
    };
    hits_within(a, b, &[all], 0, max_repeats)
}

/// [`hits`] inside `boxes`, each grown by `margin` words on every side: the seeds of a
/// window are a slice of the position-ordered seeds, so the cost follows the windows, not the
/// documents (a 20,000-word source is compared with many documents).
pub fn hits_within(
    a: &Prepared,
    b: &Prepared,
    boxes: &[Rect],
    margin: u32,
    max_repeats: usize,
) -> Vec<Hit> {
    let window = |p: &Prepared, w: &Range<u32>| {
        let (lo, hi) = (w.start.saturating_sub(margin), w.end.saturating_add(margin));
        let s = &p.seeds;
        let mut v = s[s.partition_point(|x| x.1 < lo)..s.partition_point(|x| x.1 < hi)].to_vec();
        v.sort_unstable();
        v
    };
    let mut out = Vec::new();
    for r in boxes {
        out.extend(join(&window(a, &r.a), &window(b, &r.b), max_repeats));
    }
    if boxes.len() > 1 {
        out.sort_unstable();
        out.dedup();
    }
    out
}

/// [`hits`] of the rare seeds only: few, and enough to tell whether a pair shares a passage.
pub fn rare_hits(a: &Prepared, b: &Prepared, max_repeats: usize) -> Vec<Hit> {
    join(&a.rare, &b.rare, max_repeats)
}

fn join(sa: &[(u64, u32)], sb: &[(u64, u32)], max_repeats: usize) -> Vec<Hit> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < sa.len() && j < sb.len() {
        let (ha, hb) = (sa[i].0, sb[j].0);
        if ha < hb {
            i += 1;
        } else if hb < ha {
            j += 1;
        } else {
            let ei = i + sa[i..].partition_point(|s| s.0 == ha);
            let ej = j + sb[j..].partition_point(|s| s.0 == ha);
            if ei - i <= max_repeats && ej - j <= max_repeats {
                for x in &sa[i..ei] {
                    out.extend(sb[j..ej].iter().map(|y| Hit { a: x.1, b: y.1 }));
                }
            }
            (i, j) = (ei, ej);
        }
    }
    out
}

/// Splits `hits` into groups with no gap of more than `gap` words between neighbours along A
/// nor along B, dropping groups of fewer than `min_hits`; each becomes a [`Rect`], in order of
/// their start in A. Splitting alternates between the axes until neither splits a group.
pub fn rectangles(hits: Vec<Hit>, gap: u32, min_hits: usize) -> Vec<Rect> {
    // (group, axis to split next: true = A, axes in a row that did not split it)
    let mut work = vec![(hits, true, 0u8)];
    let mut out = Vec::new();
    while let Some((mut group, by_a, unsplit)) = work.pop() {
        if group.len() < min_hits.max(1) {
            continue;
        }
        let key = |h: &Hit| if by_a { h.a } else { h.b };
        group.sort_unstable_by_key(|h| (key(h), if by_a { h.b } else { h.a }));
        let mut runs = Vec::new();
        let mut start = 0;
        for k in 1..group.len() {
            if key(&group[k]) - key(&group[k - 1]) > gap {
                runs.push(start..k);
                start = k;
            }
        }
        if start == 0 {
            if unsplit == 1 {
                if trim(&mut group, gap / 3) {
                    work.push((group, true, 0));
                    continue;
                }
                out.push(rect(&group));
            } else {
                work.push((group, !by_a, unsplit + 1));
            }
            continue;
        }
        runs.push(start..group.len());
        for r in runs.into_iter().rev() {
            work.push((group[r].to_vec(), !by_a, 0));
        }
    }
    out.sort_unstable_by_key(|r| (r.a.start, r.b.start, r.a.end, r.b.end));
    out
}

/// Drops sparse hits at the edges of a group: along either axis, the run of edge hits (at
/// most a quarter of them) spread furthest beyond three times the words the group's mean
/// density gives them: repeats of the passage's common words ("المملكة العربية
/// السعودية") just outside it in one document. True when something was dropped.
fn trim(group: &mut Vec<Hit>, _gap: u32) -> bool {
    const SPARSE: f64 = 3.0;
    let before = group.len();
    for by_a in [true, false] {
        let n = group.len();
        if n < 8 {
            break;
        }
        let key = |h: &Hit| if by_a { h.a } else { h.b };
        group.sort_unstable_by_key(|h| (key(h), if by_a { h.b } else { h.a }));
        let words = f64::from(key(&group[n - 1]) - key(&group[0]) + 1);
        let per_hit = words / n as f64;
        // The edge run to drop: the one whose spread most exceeds what its hits would cover at
        // a third of the group's density, if any does.
        let excess = |j: usize, span: u32| f64::from(span) - SPARSE * per_hit * j as f64;
        let best = |f: &dyn Fn(usize) -> f64| {
            (1..=n / 4)
                .map(|j| (f(j), j))
                .filter(|&(e, _)| e > 0.0)
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
                .map(|(_, j)| j)
        };
        let lead = best(&|j| excess(j, key(&group[j]) - key(&group[0])));
        let tail = best(&|j| excess(j, key(&group[n - 1]) - key(&group[n - 1 - j])));
        if let Some(j) = tail {
            group.truncate(n - j);
        }
        if let Some(j) = lead {
            group.drain(..j);
        }
    }
    group.len() != before
}

fn rect(group: &[Hit]) -> Rect {
    let (mut a0, mut a1, mut b0, mut b1) = (u32::MAX, 0, u32::MAX, 0);
    for h in group {
        (a0, a1) = (a0.min(h.a), a1.max(h.a));
        (b0, b1) = (b0.min(h.b), b1.max(h.b));
    }
    Rect {
        a: a0..a1 + 1,
        b: b0..b1 + 1,
        hits: group.len(),
    }
}

/// Grows `r` over the words just before and just after it that are the same in both documents
/// (the stopwords and common words at a verbatim passage's edges, which seed nothing).
pub fn extend(r: &mut Rect, a: &Prepared, b: &Prepared) {
    let (ta, tb) = (&a.tokens, &b.tokens);
    while r.a.start > 0 && r.b.start > 0 && ta[r.a.start as usize - 1] == tb[r.b.start as usize - 1]
    {
        r.a.start -= 1;
        r.b.start -= 1;
    }
    while (r.a.end as usize) < ta.len()
        && (r.b.end as usize) < tb.len()
        && ta[r.a.end as usize] == tb[r.b.end as usize]
    {
        r.a.end += 1;
        r.b.end += 1;
    }
}

/// The share of the informative words inside `r` (on both sides) that a hit matched: 1 for
/// a verbatim copy, lower as words are replaced.
pub fn score(r: &Rect, hits: &[Hit], a: &Prepared, b: &Prepared) -> f64 {
    let inside = |h: &&Hit| r.a.contains(&h.a) && r.b.contains(&h.b);
    let mut pa: Vec<u32> = hits.iter().filter(inside).map(|h| h.a).collect();
    let mut pb: Vec<u32> = hits.iter().filter(inside).map(|h| h.b).collect();
    pa.sort_unstable();
    pa.dedup();
    pb.sort_unstable();
    pb.dedup();
    let count = |p: &Prepared, w: &Range<u32>| {
        p.informative.partition_point(|&x| x < w.end)
            - p.informative.partition_point(|&x| x < w.start)
    };
    let total = count(a, &r.a) + count(b, &r.b);
    if total == 0 {
        return 0.0;
    }
    ((pa.len() + pb.len()) as f64 / total as f64).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(a: u32, b: u32) -> Hit {
        Hit { a, b }
    }

    #[test]
    fn a_diagonal_and_a_shuffled_block_are_one_passage_each() {
        let mut hits: Vec<Hit> = (0..20).map(|i| h(i, 100 + i)).collect();
        // A shuffled block: the same words in another order, far from the first.
        hits.extend((0..20).map(|i| h(500 + i, 900 + (i * 7) % 20)));
        let rects = rectangles(hits, 10, 3);
        assert_eq!(rects.len(), 2);
        assert_eq!(rects[0].a, 0..20);
        assert_eq!(rects[0].b, 100..120);
        assert_eq!(rects[1].a, 500..520);
        assert_eq!(rects[1].b, 900..920);
    }

    #[test]
    fn a_gap_along_b_alone_splits_a_group() {
        // Contiguous in A, but the second half comes from far away in B.
        let hits: Vec<Hit> = (0..10)
            .map(|i| h(i, i))
            .chain((10..20).map(|i| h(i, 1000 + i)))
            .collect();
        let rects = rectangles(hits, 5, 3);
        assert_eq!(rects.len(), 2);
        assert_eq!(rects[1].b, 1010..1020);
    }

    #[test]
    fn a_stray_hit_at_an_edge_is_trimmed() {
        let mut hits: Vec<Hit> = (10..40).map(|i| h(i, 100 + i)).collect();
        // A common word of the passage's start that B also has 20 words before it.
        hits.push(h(10, 90));
        let rects = rectangles(hits, 30, 3);
        assert_eq!(rects.len(), 1);
        assert_eq!(rects[0].b, 110..140);
    }

    fn restricted(texts: [&str; 2]) -> [Prepared; 2] {
        let n = crate::text::default_normalizer();
        let stop = crate::text::stem::Stopwords::new(n);
        let mut p = texts.map(|t| super::super::seeds::prepare(t, n, &stop, 1));
        let index = super::super::SeedIndex::build(&p, 2, 2);
        for x in &mut p {
            index.restrict(x, 4);
        }
        p
    }

    #[test]
    fn hits_in_windows_are_the_hits_of_those_windows() {
        let [a, b] = restricted([
            "اعلن الوزير افتتاح المعرض الدولي للكتاب في العاصمه بمشاركه ناشرين عرب",
            "كتب المراسل ان الوزير اعلن افتتاح المعرض الدولي للكتاب اليوم",
        ]);
        let all = hits(&a, &b, 4);
        assert!(all.len() >= 5, "{all:?}");
        // A window over A's first three words and all of B keeps only their hits.
        let w = Rect {
            a: 0..3,
            b: 0..b.words,
            hits: 0,
        };
        let some = hits_within(&a, &b, &[w], 0, 4);
        assert!(!some.is_empty() && some.iter().all(|h| h.a < 3), "{some:?}");
        let mut expected: Vec<Hit> = all.into_iter().filter(|h| h.a < 3).collect();
        expected.sort();
        assert_eq!(some, expected);
    }

    #[test]
    fn extension_takes_the_equal_words_at_both_edges() {
        let [a, b] = restricted([
            "قال انه في الصباح وصل الوفد الرسمي الى المطار ثم من هناك",
            "ذكر انه في الصباح وصل الوفد الرسمي الى المطار ثم من هناك",
        ]);
        // Words 3..6 of both («الصباح وصل الوفد»); the stopwords around them seed nothing.
        let mut r = Rect {
            a: 3..6,
            b: 3..6,
            hits: 3,
        };
        extend(&mut r, &a, &b);
        // Back to «انه» (word 1; «قال» and «ذكر» differ), forward to the end.
        assert_eq!((r.a, r.b), (1..12, 1..12));
    }

    #[test]
    fn scattered_hits_make_no_passage() {
        let hits: Vec<Hit> = (0..10).map(|i| h(i * 100, i * 100)).collect();
        assert!(rectangles(hits, 30, 3).is_empty());
    }
}
