//! How much two documents share, measured from what the index stores of them: the exact
//! overlap of two shingle sets, or the MinHash estimate from 16-bit signatures.

use crate::copy::Overlap;

/// Fraction of equal 16-bit values of two `sig` blobs (0 unless their widths agree).
pub(super) fn estimate16(a: &[u8], b: &[u8]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let eq = a
        .chunks_exact(2)
        .zip(b.chunks_exact(2))
        .filter(|(x, y)| x == y)
        .count();
    eq as f64 / (a.len() / 2) as f64
}

/// Exact overlap of two sorted, distinct `u32` sets.
pub(super) fn overlap32(a: &[u32], b: &[u32]) -> Overlap {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    let r = |x: usize, y: usize| if y > 0 { x as f64 / y as f64 } else { 0.0 };
    Overlap {
        jaccard: r(inter, union),
        containment_ab: r(inter, a.len()),
        containment_ba: r(inter, b.len()),
    }
}

/// Containment of A in B from an estimated Jaccard and the set sizes:
/// |A ∩ B| = J (|A| + |B|) / (1 + J).
pub(super) fn containment_from(j: f64, a: usize, b: usize) -> f64 {
    if a == 0 {
        return 0.0;
    }
    (j * (a + b) as f64 / (1.0 + j) / a as f64).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimated_containment_is_exact_for_consistent_sizes() {
        // |A| = 100, |B| = 150, |A ∩ B| = 80: J = 80 / 170.
        let j = 80.0 / 170.0;
        assert!((containment_from(j, 100, 150) - 0.8).abs() < 1e-12);
        assert_eq!(overlap32(&[1, 2, 3, 4], &[2, 3, 4, 5]).jaccard, 0.6);
    }

    #[test]
    fn estimates_count_equal_values() {
        assert_eq!(estimate16(&[1, 0, 2, 0], &[1, 0, 3, 0]), 0.5);
        assert_eq!(estimate16(&[1, 0], &[1, 0, 2, 0]), 0.0);
        assert_eq!(estimate16(&[], &[]), 0.0);
    }
}
