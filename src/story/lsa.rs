//! Latent semantic analysis: word vectors learnt from a news corpus, so that two reports of one
//! event written in different words still come out similar.
//!
//! TF-IDF cosine only sees shared stems: «غارات» and «قصف», «الرئيس التركي» and «أردوغان»
//! count as unrelated. A truncated SVD of the corpus' article × term TF-IDF matrix
//! (`X ≈ U Σ Vᵀ`) places terms that occur in the same articles near each other; an article is
//! then `x V` (the sum of its terms' rows weighted by TF-IDF), the usual LSA "fold-in". Nothing
//! is trained on labels: only raw articles (`naql idf --dims`).
//!
//! The SVD is the randomized range finder of Halko, Martinsson and Tropp (2011) with power
//! iterations: it needs only products of the sparse matrix with thin dense ones, so a corpus
//! of 60,000 articles and 100,000 terms takes seconds, not the hours of a dense SVD. Every
//! reduction runs in a fixed order, so the same corpus gives bit-identical vectors.

use base64::Engine as _;
use nalgebra::{DMatrix, SymmetricEigen};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::text::stem::HashedMap;

/// Rows per block of the parallel Gram products: fixed, so sums are always added in one order.
const BLOCK: usize = 1024;

/// Term vectors of a truncated SVD.
#[derive(Clone, Debug, Default)]
pub struct Lsa {
    dims: usize,
    /// Term hash → row of `vectors`.
    rows: HashedMap<u32>,
    /// Row-major, `rows.len() × dims`.
    vectors: Vec<f32>,
}

/// The persisted form of an [`Lsa`], inside an IDF table. The rows belong to the table's terms
/// with at least `min_df` documents, in the table's (sorted) order; each row is stored as
/// `dims` signed bytes scaled by `scales[row] / 127`: a quarter of the size of `f32`, and the
/// rounding moves a cosine by well under 0.001.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LsaTable {
    /// Dimensions of each row.
    pub dims: usize,
    /// Fewest articles a term of the table needs to own a row.
    pub min_df: u32,
    /// Each row's largest absolute value (its bytes are multiples of `scale / 127`).
    pub scales: Vec<f32>,
    /// Base64 (standard alphabet, padded) of the row-major bytes.
    pub vectors: String,
}

impl Lsa {
    /// The most dimensions a model may have: story vectors keep them under 1,024 reserved
    /// keys ([`crate::story::SEMANTIC_KEY`]).
    pub const MAX_DIMS: usize = 1024;

    /// Checks a number of dimensions to learn: at most [`Lsa::MAX_DIMS`] (0 learns none).
    pub fn validate_dims(dims: usize) -> Result<(), crate::ConfigError> {
        if dims > Self::MAX_DIMS {
            return Err(crate::ConfigError::new(
                "dims",
                format!("must be at most {}, got {dims}", Self::MAX_DIMS),
            ));
        }
        Ok(())
    }

    /// Dimensions of each term vector (0 for an empty model).
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Terms that have a vector.
    pub fn terms(&self) -> usize {
        self.rows.len()
    }

    /// The unit LSA vector of a sparse weighted term vector; `None` when none of its terms has
    /// a row (or they cancel out).
    pub fn embed(&self, terms: &[(u64, f32)]) -> Option<Vec<f32>> {
        let d = self.dims;
        let mut out = vec![0f32; d];
        let mut any = false;
        for &(t, w) in terms {
            if let Some(&r) = self.rows.get(&t) {
                let row = &self.vectors[r as usize * d..][..d];
                for (o, x) in out.iter_mut().zip(row) {
                    *o += w * x;
                }
                any = true;
            }
        }
        let norm = out
            .iter()
            .map(|x| *x as f64 * *x as f64)
            .sum::<f64>()
            .sqrt();
        if !any || norm == 0.0 {
            return None;
        }
        for o in &mut out {
            *o = (*o as f64 / norm) as f32;
        }
        Some(out)
    }

    /// Learns `dims` term vectors from `docs` (sparse TF-IDF rows keyed by term hash, sorted by
    /// term). Only the terms in `columns` get vectors. `dims` is cut to what the corpus can
    /// support (fewer articles or terms than dimensions) and to [`Lsa::MAX_DIMS`]; `seed` fixes
    /// the random projection.
    pub fn train(docs: &[Vec<(u64, f32)>], columns: &[u64], dims: usize, seed: u64) -> Lsa {
        let dims = dims.min(Self::MAX_DIMS);
        let col_of: HashedMap<u32> = columns
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, i as u32))
            .collect();
        let x = Csr::from_rows(docs, &col_of, columns.len());
        // Oversampling by 10 columns makes the top `dims` accurate (Halko et al., §4.2).
        let l = (dims + 10).min(x.rows).min(columns.len());
        let dims = dims.min(l);
        if dims == 0 {
            return Lsa::default();
        }
        let xt = x.transpose();
        let mut rng = Gaussian::new(seed);
        let omega: Vec<f64> = (0..columns.len() * l).map(|_| rng.next()).collect();
        let mut y = x.times(&omega, l);
        // Power iterations sharpen the spectrum; four are plenty for text (singular values of
        // news fall off slowly, so fewer lose accuracy in the last dimensions).
        for _ in 0..4 {
            orthonormalize(&mut y, l);
            let mut z = xt.times(&y, l);
            orthonormalize(&mut z, l);
            y = x.times(&z, l);
        }
        orthonormalize(&mut y, l);
        // Bᵀ = Xᵀ Q (terms × l); B Bᵀ = (Xᵀ Q)ᵀ (Xᵀ Q) is small, and its eigenvectors rotate
        // Bᵀ into the right singular vectors: V = Bᵀ W Σ⁻¹.
        let bt = xt.times(&y, l);
        let gram = gram(&bt, l);
        let eig = SymmetricEigen::new(gram);
        let mut order: Vec<usize> = (0..l).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let keep: Vec<usize> = order
            .into_iter()
            .take(dims)
            .filter(|&j| eig.eigenvalues[j] > 1e-12)
            .collect();
        let dims = keep.len();
        let mut w = vec![0f64; l * dims];
        for (k, &j) in keep.iter().enumerate() {
            let sigma = eig.eigenvalues[j].sqrt();
            // A fixed sign (largest entry positive) makes the stored vectors reproducible.
            let col = eig.eigenvectors.column(j);
            let big = col
                .iter()
                .copied()
                .max_by(|a, b| a.abs().total_cmp(&b.abs()));
            let sign = if big.unwrap_or(1.0) < 0.0 { -1.0 } else { 1.0 };
            for i in 0..l {
                w[i * dims + k] = sign * col[i] / sigma;
            }
        }
        let vectors: Vec<f32> = bt
            .par_chunks(l)
            .flat_map_iter(|row| {
                (0..dims)
                    .map(|k| (0..l).map(|i| row[i] * w[i * dims + k]).sum::<f64>() as f32)
                    .collect::<Vec<_>>()
            })
            .collect();
        Lsa {
            dims,
            rows: col_of,
            vectors,
        }
    }

    /// The stored form: `terms` are the row owners in order (the table's sorted terms with at
    /// least `min_df` documents), given as hashes.
    pub fn to_table(&self, terms: &[u64], min_df: u32) -> LsaTable {
        let d = self.dims;
        let mut scales = Vec::with_capacity(terms.len());
        let mut bytes = Vec::with_capacity(terms.len() * d);
        for t in terms {
            match self.rows.get(t) {
                Some(&r) => {
                    let row = &self.vectors[r as usize * d..][..d];
                    let scale = row.iter().fold(0f32, |m, x| m.max(x.abs()));
                    scales.push(scale);
                    let q = if scale > 0.0 { 127.0 / scale } else { 0.0 };
                    bytes.extend(row.iter().map(|x| (x * q).round() as i8 as u8));
                }
                None => {
                    scales.push(0.0);
                    bytes.extend(std::iter::repeat_n(0u8, d));
                }
            }
        }
        LsaTable {
            dims: d,
            min_df,
            scales,
            vectors: base64::engine::general_purpose::STANDARD.encode(&bytes),
        }
    }

    /// Reads the stored form back; `terms` as in [`Lsa::to_table`].
    pub fn from_table(t: &LsaTable, terms: &[u64]) -> Result<Lsa, LsaError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&t.vectors)
            .map_err(LsaError::Base64)?;
        let d = t.dims;
        if d > Self::MAX_DIMS {
            return Err(LsaError::Dims { dims: d });
        }
        if t.scales.len() != terms.len() || Some(bytes.len()) != terms.len().checked_mul(d) {
            return Err(LsaError::Size {
                scales: t.scales.len(),
                bytes: bytes.len(),
                terms: terms.len(),
                dims: d,
            });
        }
        let mut rows = HashedMap::default();
        let mut vectors = Vec::with_capacity(bytes.len());
        for (r, (&term, &scale)) in terms.iter().zip(&t.scales).enumerate() {
            rows.insert(term, r as u32);
            let q = scale / 127.0;
            vectors.extend(bytes[r * d..][..d].iter().map(|&b| b as i8 as f32 * q));
        }
        Ok(Lsa {
            dims: d,
            rows,
            vectors,
        })
    }
}

/// Why the LSA part of a saved table cannot be read back ([`Lsa::from_table`]).
#[derive(Debug, thiserror::Error)]
pub enum LsaError {
    /// The vectors are not valid base64.
    #[error("LSA vectors are not base64: {0}")]
    Base64(#[source] base64::DecodeError),
    /// More dimensions than story vectors have keys for.
    #[error(
        "LSA part has {dims} dimensions, at most {} are supported",
        Lsa::MAX_DIMS
    )]
    Dims {
        /// The dimensions the table names.
        dims: usize,
    },
    /// The scales or bytes do not fit the table's terms and dimensions.
    #[error(
        "LSA part holds {scales} scales and {bytes} bytes, but {terms} terms × {dims} dimensions need {terms} and {}",
        .terms * .dims
    )]
    Size {
        /// Scales stored (one per term needed).
        scales: usize,
        /// Bytes stored (terms × dims needed).
        bytes: usize,
        /// Terms that own rows.
        terms: usize,
        /// Dimensions of each row.
        dims: usize,
    },
}

/// A sparse matrix in compressed rows.
struct Csr {
    rows: usize,
    cols: usize,
    start: Vec<usize>,
    col: Vec<u32>,
    val: Vec<f32>,
}

impl Csr {
    fn from_rows(docs: &[Vec<(u64, f32)>], col_of: &HashedMap<u32>, cols: usize) -> Csr {
        let mut start = vec![0];
        let (mut col, mut val) = (Vec::new(), Vec::new());
        for d in docs {
            for (t, w) in d {
                if let Some(&c) = col_of.get(t) {
                    col.push(c);
                    val.push(*w);
                }
            }
            start.push(col.len());
        }
        Csr {
            rows: docs.len(),
            cols,
            start,
            col,
            val,
        }
    }

    fn transpose(&self) -> Csr {
        let mut count = vec![0usize; self.cols + 1];
        for &c in &self.col {
            count[c as usize + 1] += 1;
        }
        for i in 0..self.cols {
            count[i + 1] += count[i];
        }
        let start = count.clone();
        let mut next = count;
        let mut col = vec![0u32; self.col.len()];
        let mut val = vec![0f32; self.val.len()];
        for r in 0..self.rows {
            for k in self.start[r]..self.start[r + 1] {
                let c = self.col[k] as usize;
                col[next[c]] = r as u32;
                val[next[c]] = self.val[k];
                next[c] += 1;
            }
        }
        Csr {
            rows: self.cols,
            cols: self.rows,
            start,
            col,
            val,
        }
    }

    /// `self × dense`, where `dense` is `cols × l`, row-major.
    fn times(&self, dense: &[f64], l: usize) -> Vec<f64> {
        let mut out = vec![0f64; self.rows * l];
        out.par_chunks_mut(l).enumerate().for_each(|(r, o)| {
            for k in self.start[r]..self.start[r + 1] {
                let w = self.val[k] as f64;
                let row = &dense[self.col[k] as usize * l..][..l];
                for (o, x) in o.iter_mut().zip(row) {
                    *o += w * x;
                }
            }
        });
        out
    }
}

/// `Aᵀ A` of a row-major `n × l` matrix, summed block by block in a fixed order.
fn gram(a: &[f64], l: usize) -> DMatrix<f64> {
    let partial: Vec<Vec<f64>> = a
        .par_chunks(BLOCK * l)
        .map(|block| {
            let mut g = vec![0f64; l * l];
            for row in block.chunks(l) {
                for i in 0..l {
                    let ri = row[i];
                    if ri == 0.0 {
                        continue;
                    }
                    let gi = &mut g[i * l..][i..l];
                    for (g, x) in gi.iter_mut().zip(&row[i..]) {
                        *g += ri * x;
                    }
                }
            }
            g
        })
        .collect();
    let mut g = DMatrix::<f64>::zeros(l, l);
    for p in partial {
        for i in 0..l {
            for j in i..l {
                g[(i, j)] += p[i * l + j];
            }
        }
    }
    for i in 0..l {
        for j in 0..i {
            g[(i, j)] = g[(j, i)];
        }
    }
    g
}

/// Makes the columns of a row-major `n × l` matrix orthonormal (Cholesky QR, twice, which is
/// as accurate as Householder QR for the well-conditioned matrices the power iteration gives,
/// and is all matrix products). A column that has collapsed is kept at zero, not divided by it.
fn orthonormalize(a: &mut [f64], l: usize) {
    for _ in 0..2 {
        let mut g = gram(a, l);
        // A tiny ridge keeps Cholesky defined when columns are dependent (small corpora).
        let ridge = 1e-12 * (0..l).map(|i| g[(i, i)]).sum::<f64>().max(1e-300) / l as f64;
        for i in 0..l {
            g[(i, i)] += ridge;
        }
        let Some(chol) = g.cholesky() else {
            return;
        };
        // A = Q R with R = Lᵀ, so Q = A L⁻ᵀ.
        let inv = chol
            .l()
            .transpose()
            .try_inverse()
            .unwrap_or_else(|| DMatrix::identity(l, l));
        let inv: Vec<f64> = (0..l * l).map(|k| inv[(k / l, k % l)]).collect();
        a.par_chunks_mut(l).for_each(|row| {
            let old = row.to_vec();
            for (j, r) in row.iter_mut().enumerate() {
                // R⁻¹ is upper triangular: only entries i ≤ j.
                *r = (0..=j).map(|i| old[i] * inv[i * l + j]).sum();
            }
        });
    }
}

/// Standard normal numbers from a seed (SplitMix64 and Box–Muller): the same on every machine.
struct Gaussian {
    state: u64,
    spare: Option<f64>,
}

impl Gaussian {
    fn new(seed: u64) -> Gaussian {
        Gaussian {
            state: seed,
            spare: None,
        }
    }

    fn uniform(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = crate::copy::fmix64(self.state);
        // 53 random bits in (0, 1].
        ((z >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    fn next(&mut self) -> f64 {
        if let Some(s) = self.spare.take() {
            return s;
        }
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let t = std::f64::consts::TAU * v;
        self.spare = Some(r * t.sin());
        r * t.cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Articles over two topics with disjoint words inside each topic: LSA must relate the words
    /// of one topic (they co-occur with shared ones) and keep topics apart.
    fn corpus() -> (Vec<Vec<(u64, f32)>>, Vec<u64>) {
        // Topic 0: terms 1..=6; topic 1: terms 11..=16. Term 1 (and 11) is in every article of
        // its topic; the rest come in two halves that never meet.
        let mut docs = Vec::new();
        for i in 0..40u64 {
            let base = if i % 2 == 0 { 0 } else { 10 };
            let half = if (i / 2) % 2 == 0 { [2, 3] } else { [5, 6] };
            let mut d = vec![
                (base + 1, 1.0f32),
                (base + half[0], 1.0),
                (base + half[1], 1.0),
            ];
            d.sort_by_key(|x| x.0);
            let n = (d.len() as f32).sqrt();
            docs.push(d.into_iter().map(|(t, w)| (t, w / n)).collect());
        }
        let cols = vec![1, 2, 3, 5, 6, 11, 12, 13, 15, 16];
        (docs, cols)
    }

    fn cos(a: &[f32], b: &[f32]) -> f64 {
        a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
    }

    #[test]
    fn words_of_one_topic_meet_and_topics_stay_apart() {
        let (docs, cols) = corpus();
        let lsa = Lsa::train(&docs, &cols, 2, 7);
        assert_eq!(lsa.dims(), 2);
        // Terms 2 and 5 never share an article, but both share term 1's articles.
        let a = lsa.embed(&[(2, 1.0)]).unwrap();
        let b = lsa.embed(&[(5, 1.0)]).unwrap();
        let c = lsa.embed(&[(12, 1.0)]).unwrap();
        assert!(cos(&a, &b) > 0.9, "same topic: {}", cos(&a, &b));
        assert!(cos(&a, &c).abs() < 0.1, "other topic: {}", cos(&a, &c));
        assert!(lsa.embed(&[(99, 1.0)]).is_none());
    }

    #[test]
    fn training_is_deterministic_and_tables_round_trip() {
        let (docs, cols) = corpus();
        let a = Lsa::train(&docs, &cols, 3, 7);
        let b = Lsa::train(&docs, &cols, 3, 7);
        assert_eq!(a.vectors, b.vectors);
        let table = a.to_table(&cols, 1);
        let back = Lsa::from_table(&table, &cols).unwrap();
        assert_eq!(back.dims(), a.dims());
        for t in &cols {
            let (x, y) = (a.embed(&[(*t, 1.0)]), back.embed(&[(*t, 1.0)]));
            match (x, y) {
                (Some(x), Some(y)) => assert!(cos(&x, &y) > 0.9999),
                (x, y) => assert_eq!(x.is_none(), y.is_none()),
            }
        }
        // A table for other terms, or with impossible dimensions, is refused, not misread.
        assert!(Lsa::from_table(&table, &cols[..3]).is_err());
        let huge = LsaTable {
            dims: usize::MAX / 2,
            ..table.clone()
        };
        assert!(Lsa::from_table(&huge, &cols).is_err());
    }

    #[test]
    fn the_top_singular_vectors_match_a_dense_eigendecomposition() {
        // A small dense check: the embedding's Gram structure equals XᵀX's top eigenspace.
        let (docs, cols) = corpus();
        let lsa = Lsa::train(&docs, &cols, 2, 3);
        let n = cols.len();
        let mut xtx = DMatrix::<f64>::zeros(n, n);
        let idx: HashedMap<usize> = cols.iter().enumerate().map(|(i, &t)| (t, i)).collect();
        for d in &docs {
            for &(s, a) in d {
                for &(t, b) in d {
                    xtx[(idx[&s], idx[&t])] += a as f64 * b as f64;
                }
            }
        }
        let eig = SymmetricEigen::new(xtx);
        let mut ev: Vec<f64> = eig.eigenvalues.iter().copied().collect();
        ev.sort_by(|a, b| b.total_cmp(a));
        // ‖V row‖ weighted: Σ over terms of |v_t|² = dims (V has orthonormal columns).
        let total: f64 = lsa.vectors.iter().map(|x| *x as f64 * *x as f64).sum();
        assert!((total - 2.0).abs() < 1e-4, "columns orthonormal: {total}");
        // X V = U Σ: the article embeddings' squared norms sum to σ₁² + σ₂².
        let mut s = 0.0;
        for d in &docs {
            let mut e = [0f64; 2];
            for &(t, w) in d {
                let r = lsa.rows[&t] as usize;
                for (k, e) in e.iter_mut().enumerate() {
                    *e += w as f64 * lsa.vectors[r * 2 + k] as f64;
                }
            }
            s += e[0] * e[0] + e[1] * e[1];
        }
        assert!(
            (s - ev[0] - ev[1]).abs() < 1e-3 * ev[0],
            "{s} vs {}",
            ev[0] + ev[1]
        );
    }
}
