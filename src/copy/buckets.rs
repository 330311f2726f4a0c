//! Linking the members of large LSH buckets without verifying all their pairs.
//!
//! A bucket of `k` near-identical texts (a wire story syndicated thousands of times) has
//! `k(k−1)/2` candidate pairs; listing them all is what ran out of memory. The clusters only
//! depend on which documents end up connected, so a pair whose two documents are already
//! connected needs no verification. Each new member is verified against one member of each
//! part of the bucket it is not yet connected to, trying the next member of that part only
//! when a verification fails; in a bucket of copies that is one verification per member. Every
//! pair between parts that are still apart is tried, so the connected groups are exactly those
//! of verifying every candidate pair.

use super::cluster::UnionFind;
use super::outcome::Pair;
use super::prepared::Signed;
use super::verify::{ShingleSets, verify_pair};

/// What linking the large buckets found.
pub(crate) struct Linked {
    /// The verified pairs that joined two parts, in the order found.
    pub(crate) pairs: Vec<Pair>,
    /// How many pairs were verified.
    pub(crate) tried: usize,
}

/// Links the members (document indices, ascending) of each of `buckets`, starting from the
/// connections of the exact groups and of the pairs already verified.
pub(crate) fn link(
    docs: &[Signed],
    exact_of: &[usize],
    verified: &[Pair],
    buckets: &[Vec<usize>],
    sets: &ShingleSets,
    threshold: f64,
) -> Linked {
    let mut uf = UnionFind((0..docs.len()).collect());
    for (i, &e) in exact_of.iter().enumerate() {
        uf.union(i, e);
    }
    for p in verified {
        uf.union(p.a, p.b);
    }
    let mut linked = Linked {
        pairs: Vec::new(),
        tried: 0,
    };
    for bucket in buckets {
        link_bucket(docs, bucket, sets, threshold, &mut uf, &mut linked);
    }
    linked
}

/// One bucket: `parts` holds the members seen so far, one list per connected group.
fn link_bucket(
    docs: &[Signed],
    bucket: &[usize],
    sets: &ShingleSets,
    threshold: f64,
    uf: &mut UnionFind,
    linked: &mut Linked,
) {
    let mut parts: Vec<Vec<usize>> = Vec::new();
    for &x in bucket {
        let mut joined: Vec<usize> = Vec::new();
        for (p, part) in parts.iter().enumerate() {
            if uf.find(part[0]) == uf.find(x) {
                joined.push(p);
                continue;
            }
            for &y in part {
                linked.tried += 1;
                if let Some(pair) = verify_pair(docs, sets, y.min(x), y.max(x), threshold) {
                    uf.union(x, y);
                    linked.pairs.push(pair);
                    joined.push(p);
                    break;
                }
            }
        }
        let mut merged = vec![x];
        for &p in joined.iter().rev() {
            merged.extend(parts.swap_remove(p));
        }
        parts.push(merged);
    }
}
