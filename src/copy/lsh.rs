//! LSH banding: which pairs of signatures are worth verifying.
//!
//! A signature of `k` values is cut into `bands` bands of `rows` values; two documents are
//! candidates when any band of theirs hashes to the same key. The band key is XXH3-64, seeded
//! with the band index, of the band's `r` values as little-endian `u32`s (part of
//! [`ALGORITHM`](super::ALGORITHM): the index stores band keys).

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::minhash::Signature;

/// LSH banding: `bands` bands of `rows` signature values each.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct LshParams {
    /// How many bands; a pair sharing any one of them is a candidate.
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
    /// The similarity where P(candidate) = 1/2 is near: (1/b)^(1/r).
    pub midpoint: f64,
    /// P(candidate | J = threshold) = 1 − (1 − t^r)^b.
    pub p_at_threshold: f64,
    /// The weight of false candidates the bands were chosen with.
    pub false_positive_weight: f64,
    /// The weight of missed pairs the bands were chosen with.
    pub false_negative_weight: f64,
}

/// P(two sets of Jaccard `s` share at least one band).
pub fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    // Simpson's rule; the integrands are smooth polynomials.
    let steps = 200;
    let h = (b - a) / steps as f64;
    let mut sum = f(a) + f(b);
    for i in 1..steps {
        let x = a + i as f64 * h;
        sum += f(x) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0
}

impl LshParams {
    /// The (b, r) with b·r ≤ k that minimizes `fp_weight · ∫₀ᵗ P(s) ds + fn_weight · ∫ₜ¹ (1 − P(s)) ds`:
    /// the area of false candidates below the threshold against missed pairs above it.
    pub fn optimal(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> LshParams {
        let mut best = (f64::INFINITY, 1, 1);
        for b in 1..=num_perm {
            for r in 1..=num_perm / b {
                let fp = integrate(|s| candidate_probability(s, b, r), 0.0, threshold);
                let fneg = integrate(|s| 1.0 - candidate_probability(s, b, r), threshold, 1.0);
                let cost = fp_weight * fp + fn_weight * fneg;
                if cost < best.0 - 1e-12 {
                    best = (cost, b, r);
                }
            }
        }
        let (_, bands, rows) = best;
        LshParams {
            bands,
            rows,
            midpoint: (1.0 / bands as f64).powf(1.0 / rows as f64),
            p_at_threshold: candidate_probability(threshold, bands, rows),
            false_positive_weight: fp_weight,
            false_negative_weight: fn_weight,
        }
    }

    /// The key of band `band` of a signature.
    #[inline]
    pub fn band_key(&self, sig: &Signature, band: usize) -> u64 {
        let vals = &sig.0[band * self.rows..(band + 1) * self.rows];
        let mut bytes = [0u8; 4 * 64];
        if self.rows <= 64 {
            for (slot, v) in bytes.chunks_exact_mut(4).zip(vals) {
                slot.copy_from_slice(&v.to_le_bytes());
            }
            xxh3_64_with_seed(&bytes[..4 * self.rows], band as u64)
        } else {
            let v: Vec<u8> = vals.iter().flat_map(|x| x.to_le_bytes()).collect();
            xxh3_64_with_seed(&v, band as u64)
        }
    }
}

/// LSH candidates: every pair of `signatures` (as indices, `a < b`) that shares at least one
/// band key, sorted and distinct. Each band sorts its keys instead of hashing them, so the
/// result does not depend on the thread count. The number of pairs grows with the square of
/// the largest bucket: [`bucketed_candidates`] bounds it.
pub fn candidate_pairs(signatures: &[&Signature], lsh: &LshParams) -> Vec<(usize, usize)> {
    bucketed_candidates(signatures, lsh, usize::MAX).0
}

/// Candidate pairs, and the buckets too large to list as pairs.
pub type Bucketed = (Vec<(usize, usize)>, Vec<Vec<usize>>);

/// LSH candidates as [`candidate_pairs`] gives them, but only from buckets of at most
/// `max_bucket` members; the larger buckets come back whole (members in index order, buckets
/// in band then key order), for the caller to link without listing all their pairs.
pub fn bucketed_candidates(
    signatures: &[&Signature],
    lsh: &LshParams,
    max_bucket: usize,
) -> Bucketed {
    let per_band: Vec<Bucketed> = (0..lsh.bands)
        .into_par_iter()
        .map(|band| {
            let mut keys: Vec<(u64, usize)> = signatures
                .iter()
                .enumerate()
                .map(|(i, sig)| (lsh.band_key(sig, band), i))
                .collect();
            keys.sort_unstable();
            let (mut out, mut large) = (Vec::new(), Vec::new());
            for bucket in keys.chunk_by(|x, y| x.0 == y.0) {
                if bucket.len() > max_bucket {
                    large.push(bucket.iter().map(|k| k.1).collect());
                    continue;
                }
                for (x, kx) in bucket.iter().enumerate() {
                    for ky in &bucket[x + 1..] {
                        out.push((kx.1, ky.1));
                    }
                }
            }
            (out, large)
        })
        .collect();
    let mut pairs = Vec::new();
    let mut large = Vec::new();
    for (p, l) in per_band {
        pairs.extend(p);
        large.extend(l);
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    (pairs, large)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimal_lsh_respects_budget_and_weights() {
        let p = LshParams::optimal(0.8, 128, 0.5, 0.5);
        assert!(p.bands * p.rows <= 128);
        // More weight on misses must not lower the chance of catching a pair at the threshold.
        let q = LshParams::optimal(0.8, 128, 0.05, 0.95);
        assert!(q.p_at_threshold >= p.p_at_threshold);
        assert!(q.midpoint <= p.midpoint);
    }
}
