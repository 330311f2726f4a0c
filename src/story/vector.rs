//! Sparse term vectors and the one dot product every stage sums them with.

/// A sparse, L2-normalized term vector: `(term hash, weight)` sorted by hash.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermVector(pub Vec<(u64, f32)>);

impl TermVector {
    /// Cosine similarity: the dot product of two unit vectors, clamped to [0, 1]; 0 when either
    /// is empty. Summed in hash order, so the result is the same wherever it is computed.
    pub fn cosine(&self, other: &TermVector) -> f64 {
        dot(&self.0, &other.0).clamp(0.0, 1.0)
    }

    /// No terms: an article with no content words, which pairs with nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `k` highest weights' terms, heaviest first (ties: smaller hash first). LSA
    /// dimensions are not terms and are left out.
    pub fn top(&self, k: usize) -> Vec<u64> {
        top_terms(&self.0, k)
    }
}

/// [`TermVector::top`] of a vector's entries.
pub(crate) fn top_terms(entries: &[(u64, f32)], k: usize) -> Vec<u64> {
    let mut v: Vec<(u64, f32)> = entries
        .iter()
        .copied()
        .filter(|e| e.0 < SEMANTIC_KEY)
        .collect();
    let order = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    // The order is total (hashes are distinct), so selecting then sorting the first k gives
    // exactly the first k of a full sort.
    if k < v.len() {
        v.select_nth_unstable_by(k, order);
        v.truncate(k);
    }
    v.sort_unstable_by(order);
    v.into_iter().map(|(h, _)| h).collect()
}

/// Keys from here up hold the LSA dimensions of a [`TermVector`] (key `SEMANTIC_KEY + i` for
/// dimension `i`), so that one sparse dot product gives the blended similarity and story
/// centres, sums and linkage need no second code path. A stem hashing this high (2⁻⁵⁴) would
/// only blur its own weight.
pub const SEMANTIC_KEY: u64 = u64::MAX - 1023;

/// Where a vector's LSA dimensions begin (keys from [`SEMANTIC_KEY`] up, always last).
pub(crate) fn tail_start(v: &[(u64, f32)]) -> usize {
    v.partition_point(|e| e.0 < SEMANTIC_KEY)
}

/// The dot product of two LSA tails: both full (`SEMANTIC_KEY + 0..dims`, the same dims) or
/// one empty. Four running sums instead of one chain make it several times faster, and every
/// caller uses this one function, so the result is the same bits wherever it is computed.
pub(crate) fn tail_dot<T>(a: &[T], b: &[T], value: impl Fn(&T) -> f32) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let mut acc = [0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let rest: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| value(x) as f64 * value(y) as f64)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += value(&x[k]) as f64 * value(&y[k]) as f64;
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest
}

/// Dot product: the terms summed in term order, plus the LSA tails (so every method gives the
/// same value).
pub(crate) fn dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (sa, sb) = (tail_start(a), tail_start(b));
    let tail = if sa < a.len() && sb < b.len() {
        tail_dot(&a[sa..], &b[sb..], |e| e.1)
    } else {
        0.0
    };
    sparse_dot(&a[..sa], &b[..sb]) + tail
}

/// Sparse dot product, summed in term order. A short vector against a long one (an article
/// against a story's sum) searches instead of merging.
fn sparse_dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() * 16 < long.len() {
        let (mut from, mut s) = (0, 0.0f64);
        for &(t, x) in short {
            match long[from..].binary_search_by_key(&t, |e| e.0) {
                Ok(k) => {
                    s += x as f64 * long[from + k].1 as f64;
                    from += k + 1;
                }
                Err(k) => from += k,
            }
        }
        return s;
    }
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// `a + b` for sparse vectors sorted by term.
pub(crate) fn add(a: &[(u64, f32)], b: &[(u64, f32)]) -> Vec<(u64, f32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i == a.len() || b[j].0 < a[i].0 {
            out.push(b[j]);
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + b[j].1));
            i += 1;
            j += 1;
        }
    }
    out
}
