//! What a run produces: verified pairs, clusters with scored members, and counts that account
//! for every input record.

use std::collections::{BTreeMap, HashMap};

use crate::corpus::{Skipped, UnreadDates};

use super::lsh::LshParams;
use super::prepared::Signed;
use super::spill::SpillReport;
use super::verify::Overlap;

/// A verified pair of documents (indices into [`Outcome::docs`], `a < b`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// The first document.
    pub a: usize,
    /// The second document.
    pub b: usize,
    /// The signature estimate of the Jaccard similarity.
    pub jaccard_est: f64,
    /// Exact values; `None` when verifying by estimate only.
    pub overlap: Option<Overlap>,
}

/// A member of a cluster, scored against the representative.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Index into [`Outcome::docs`].
    pub doc: usize,
    /// Jaccard similarity with the representative (exact, or the estimate).
    pub jaccard: f64,
    /// |member ∩ rep| / |member|: how much of this report the representative already has.
    pub containment: Option<f64>,
    /// |member ∩ rep| / |rep|: how much of the representative this report carries.
    pub rep_containment: Option<f64>,
}

/// Documents joined by exact duplicates and verified pairs (transitively).
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// 1 for the largest cluster, and so on.
    pub id: usize,
    /// The earliest document (then the longest, then the smallest id).
    pub representative: usize,
    /// The representative first, then by date and id.
    pub members: Vec<Member>,
}

/// Counts that account for every input record.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Stats {
    /// Records seen: documents read plus bad records set aside.
    pub input_records: usize,
    /// Documents read.
    pub documents: usize,
    /// Documents in a cluster.
    pub clustered: usize,
    /// Documents with words but no copy.
    pub singletons: usize,
    /// Not clustered and why: `empty text` (no words after normalization), bad records by reason.
    pub skipped: BTreeMap<String, usize>,
    /// How many clusters.
    pub clusters: usize,
    /// Documents whose kept text equals an earlier document's.
    pub exact_duplicates: usize,
    /// Pairs sharing an LSH band.
    pub candidate_pairs: usize,
    /// Candidates that reached the threshold.
    pub verified_pairs: usize,
    /// Distinct (source, paragraph) pairs found to be boilerplate.
    pub boilerplate_paragraphs: usize,
    /// Paragraphs left out of documents as boilerplate.
    pub boilerplate_removed: usize,
    /// Documents that were all boilerplate (and so kept everything).
    pub documents_all_boilerplate: usize,
    /// Leading datelines left out.
    pub datelines_removed: usize,
    /// Files in input folders that are not `.txt` and were not read.
    pub ignored_files: usize,
    /// Documents whose date is present but unreadable (they count as undated).
    pub unparsed_dates: usize,
}

/// The result of a run.
pub struct Outcome {
    /// Every document read, in input order.
    pub docs: Vec<Signed>,
    /// Verified pairs between exact-duplicate group heads (see [`Outcome::all_pairs`]).
    pub pairs: Vec<Pair>,
    /// Clusters, largest first.
    pub clusters: Vec<Cluster>,
    /// Counts of every stage.
    pub stats: Stats,
    /// Bad records set aside: all counted, the first thousand with file and line.
    pub skipped_records: Skipped,
    /// Dates present but unreadable: how many, and the first (`stats.unparsed_dates` is the
    /// count).
    pub unread_dates: UnreadDates,
    /// The LSH bands used.
    pub lsh: LshParams,
    /// For each document, the index of the first document with the same kept text.
    pub exact_of: Vec<usize>,
    /// Wall time of each stage in seconds (not part of any output: it varies run to run).
    pub timings: Vec<(&'static str, f64)>,
    /// What went to disk past the memory budget ([`super::Engine::spill_after`]).
    pub spill: SpillReport,
}

impl Outcome {
    /// Verified pairs over all documents: pairs between exact-duplicate groups expanded to
    /// their members, plus the pairs inside each group (Jaccard 1). Sorted by (a, b).
    pub fn all_pairs(&self) -> Vec<Pair> {
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &e) in self.exact_of.iter().enumerate() {
            if self.docs[i].kept_len > 0 {
                members.entry(e).or_default().push(i);
            }
        }
        let mut out = within_groups(&members);
        for p in &self.pairs {
            for &a in &members[&p.a] {
                for &b in &members[&p.b] {
                    let (a, b, swap) = if a < b { (a, b, false) } else { (b, a, true) };
                    let overlap = p.overlap.map(|o| {
                        if swap {
                            Overlap {
                                containment_ab: o.containment_ba,
                                containment_ba: o.containment_ab,
                                ..o
                            }
                        } else {
                            o
                        }
                    });
                    out.push(Pair {
                        a,
                        b,
                        jaccard_est: p.jaccard_est,
                        overlap,
                    });
                }
            }
        }
        out.sort_by_key(|p| (p.a, p.b));
        out
    }
}

/// The pairs inside each exact-duplicate group: identical kept texts, so every value is 1.
fn within_groups(members: &HashMap<usize, Vec<usize>>) -> Vec<Pair> {
    let one = Overlap {
        jaccard: 1.0,
        containment_ab: 1.0,
        containment_ba: 1.0,
    };
    let mut out = Vec::new();
    for group in members.values() {
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
                out.push(Pair {
                    a,
                    b,
                    jaccard_est: 1.0,
                    overlap: Some(one),
                });
            }
        }
    }
    out
}
