//! Stage 2: paragraphs that recur across one source's documents (comment boxes, share buttons,
//! "// انتهى //") are left out of that source's shingles.
//!
//! Documents without a source are not examined: a paragraph shared by unlabelled documents is
//! as likely copied news as boilerplate.
//!
//! The table is found here over documents in memory ([`Boilerplate::find`]); a distributed job
//! counts the same `(source, paragraph hash, text key)` triples ([`Prepared::paragraph_hashes`],
//! [`Prepared::text_key`]) with its own shuffle, builds the table with
//! [`Boilerplate::from_entries`] and signs with [`super::Engine::sign_with`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::corpus::Item;

use super::prepared::{Prepared, kept_from};

/// Per source, the hashes of the paragraphs left out of that source's documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Boilerplate(HashMap<String, HashSet<u64>>);

impl Prepared {
    /// The hash of each paragraph (non-blank line, after the dateline is cut), in order: what
    /// boilerplate is counted by. Equal normalized units, equal hashes.
    pub fn paragraph_hashes(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.paragraphs.iter().map(|&(_, h)| h)
    }

    /// The hash of all the document's units: texts that agree on it count once when
    /// boilerplate is counted (so exact copies of one article do not make boilerplate).
    pub fn text_key(&self) -> u64 {
        self.content_key.0
    }
}

impl Boilerplate {
    /// Per source, the paragraph hashes that recur in at least `min` distinct documents of it
    /// (distinct by [`Prepared::text_key`]); `min == 0` finds none.
    pub fn find(items: &[Item<Prepared>], min: usize) -> Boilerplate {
        let docs: Vec<&Prepared> = items.iter().map(|it| &it.value).collect();
        Boilerplate::find_in(&docs, min)
    }

    /// [`Boilerplate::find`] over documents, one source at a time: the `(paragraph, text)`
    /// pairs of the largest source are what is held at once (16 bytes a paragraph), not those
    /// of the whole corpus.
    pub(crate) fn find_in(docs: &[&Prepared], min: usize) -> Boilerplate {
        let mut out = Boilerplate::default();
        if min == 0 {
            return out;
        }
        let mut by_source: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in docs.iter().enumerate() {
            if let Some(s) = p.source.as_deref() {
                by_source.entry(s).or_default().push(i);
            }
        }
        for (source, members) in by_source {
            let mut seen: Vec<(u64, u64)> = members
                .par_iter()
                .flat_map_iter(|&i| {
                    let doc = docs[i].text_key();
                    docs[i].paragraph_hashes().map(move |h| (h, doc))
                })
                .collect();
            seen.par_sort_unstable();
            seen.dedup();
            for run in seen.chunk_by(|x, y| x.0 == y.0) {
                if run.len() >= min {
                    out.insert(source, run[0].0);
                }
            }
        }
        out
    }

    /// A table of `(source, paragraph hash)` entries counted elsewhere.
    pub fn from_entries<S: Into<String>>(entries: impl IntoIterator<Item = (S, u64)>) -> Self {
        let mut out = Boilerplate::default();
        for (s, h) in entries {
            out.0.entry(s.into()).or_default().insert(h);
        }
        out
    }

    fn insert(&mut self, source: &str, hash: u64) {
        if let Some(set) = self.0.get_mut(source) {
            set.insert(hash);
        } else {
            self.0.insert(source.to_owned(), HashSet::from([hash]));
        }
    }

    /// How many `(source, paragraph)` entries the table holds.
    pub fn len(&self) -> usize {
        self.0.values().map(HashSet::len).sum()
    }

    /// Every `(source, paragraph hash)` entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.0
            .iter()
            .flat_map(|(s, set)| set.iter().map(move |&h| (s.as_str(), h)))
    }

    /// Whether the table is empty (nothing is left out).
    pub fn is_empty(&self) -> bool {
        self.0.values().all(HashSet::is_empty)
    }

    /// Whether paragraph `hash` is boilerplate in `source`'s documents.
    pub fn contains(&self, source: &str, hash: u64) -> bool {
        self.0.get(source).is_some_and(|b| b.contains(&hash))
    }

    /// The indices of `p`'s paragraphs to leave out, and whether every paragraph was
    /// boilerplate (then none is left out: a document that would be left with nothing keeps
    /// everything).
    pub(crate) fn removed_paragraphs(&self, p: &Prepared) -> (Vec<u32>, bool) {
        let source_boiler = p.source.as_deref().and_then(|s| self.0.get(s));
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

    /// The units of `p` that are shingled once this table's paragraphs are left out (what
    /// verification compares; borrowed when nothing is left out).
    ///
    /// # Panics
    /// Only for a document of a run that spilled its units to disk, when reading them back
    /// fails ([`super::Engine::prepare`] keeps units in memory).
    pub fn kept_units<'a>(&self, p: &'a Prepared) -> Cow<'a, [u64]> {
        let (removed, _) = self.removed_paragraphs(p);
        let units = p.units.all();
        if removed.is_empty() {
            units
        } else {
            Cow::Owned(kept_from(&units, &p.paragraphs, &removed))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy::{Config, Engine};
    use crate::corpus::{Document, items_in_memory};

    fn items(docs: &[(&str, Option<&str>, &str)]) -> (Engine, Vec<Item<Prepared>>) {
        let engine = Engine::new(Config::default());
        let docs = docs
            .iter()
            .map(|&(id, source, text)| Document {
                id: id.into(),
                source: source.map(Into::into),
                text: text.into(),
                ..Document::default()
            })
            .collect();
        let items = items_in_memory(docs, |d| engine.prepare(d));
        (engine, items)
    }

    const SHARE: &str = "شارك هذا الخبر على مواقع التواصل";

    #[test]
    fn counted_entries_give_the_table_found_in_memory() {
        let docs: Vec<(String, Option<&str>, String)> = (0..4)
            .map(|i| {
                let body = format!("خبر رقم {i} عن الاقتصاد والسياسة في المنطقة");
                (format!("d{i}"), Some("s"), format!("{body}\n{SHARE}"))
            })
            .chain([("u".into(), None, format!("خبر آخر\n{SHARE}"))])
            .collect();
        let refs: Vec<_> = docs
            .iter()
            .map(|(i, s, t)| (i.as_str(), *s, t.as_str()))
            .collect();
        let (_, items) = items(&refs);
        let found = Boilerplate::find(&items, 3);
        assert_eq!(found.len(), 1);
        let share = items[0].value.paragraph_hashes().nth(1).unwrap();
        assert!(found.contains("s", share));
        // The unlabelled document's copy of the paragraph is not examined.
        assert_eq!(items[4].value.paragraph_hashes().nth(1), Some(share));
        assert!(!found.contains("", share));
        assert_eq!(Boilerplate::from_entries([("s", share)]), found);
        assert_eq!(found.entries().collect::<Vec<_>>(), [("s", share)]);
        let (d0, u) = (&items[0].value, &items[4].value);
        let share_len = u.units.all().len() - u.paragraphs[0].0 as usize;
        assert_eq!(found.kept_units(d0).len(), d0.units.all().len() - share_len);
        assert_eq!(found.kept_units(u).len(), u.units.all().len());
    }

    #[test]
    fn exact_copies_count_once_and_min_zero_finds_nothing() {
        let text = format!("خبر واحد\n{SHARE}");
        let (_, items) = items(&[
            ("a", Some("s"), &text),
            ("b", Some("s"), &text),
            ("c", Some("s"), &text),
        ]);
        assert_eq!(items[0].value.text_key(), items[2].value.text_key());
        assert!(Boilerplate::find(&items, 2).is_empty());
        assert_eq!(Boilerplate::find(&items, 1).len(), 2);
        assert!(Boilerplate::find(&items, 0).is_empty());
    }
}
