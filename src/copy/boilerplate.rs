//! Stage 2: paragraphs that recur across one source's documents (comment boxes, share buttons,
//! "// انتهى //") are left out of that source's shingles.
//!
//! Documents without a source are not examined: a paragraph shared by unlabelled documents is
//! as likely copied news as boilerplate.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::corpus::Item;

use super::prepared::Prepared;

/// Per source, the paragraph hashes that recur in at least `min` distinct documents of it
/// (distinct by text, so exact copies count once); `min == 0` finds none.
pub(crate) fn find(items: &[Item<Prepared>], min: usize) -> HashMap<String, HashSet<u64>> {
    if min == 0 {
        return HashMap::new();
    }
    // One entry per (source, paragraph, distinct document text).
    let mut seen: Vec<(&str, u64, u64)> = items
        .par_iter()
        .filter_map(|it| it.value.source.as_deref().map(|s| (s, &it.value)))
        .flat_map_iter(|(s, p)| {
            // Distinct texts are told apart by the hash made while preparing.
            let doc = p.content_key.0;
            p.paragraphs.iter().map(move |&(_, h)| (s, h, doc))
        })
        .collect();
    seen.par_sort_unstable();
    seen.dedup();
    let mut out: HashMap<String, HashSet<u64>> = HashMap::new();
    let mut i = 0;
    while i < seen.len() {
        let mut j = i;
        while j < seen.len() && seen[j].0 == seen[i].0 && seen[j].1 == seen[i].1 {
            j += 1;
        }
        if j - i >= min {
            out.entry(seen[i].0.to_owned())
                .or_default()
                .insert(seen[i].1);
        }
        i = j;
    }
    out
}

/// The indices of `p`'s paragraphs to leave out, and whether every paragraph was boilerplate
/// (then none is left out: a document that would be left with nothing keeps everything).
pub(crate) fn removed_paragraphs(
    p: &Prepared,
    boiler: &HashMap<String, HashSet<u64>>,
) -> (Vec<u32>, bool) {
    let source_boiler = p.source.as_deref().and_then(|s| boiler.get(s));
    let mut removed: Vec<u32> = match source_boiler {
        Some(b) => (0..p.paragraphs.len() as u32)
            .filter(|&i| b.contains(&p.paragraphs[i as usize].1))
            .collect(),
        None => Vec::new(),
    };
    let all_boiler = !removed.is_empty() && removed.len() == p.paragraphs.len();
    if all_boiler {
        removed.clear();
    }
    (removed, all_boiler)
}
