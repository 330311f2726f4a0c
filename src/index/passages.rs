//! Passages a new document shares with history (`naql dedup --passages`): issue #15 item 5.
//!
//! The index stores no text, and copy verification only sees whole documents, so a quoted
//! paragraph in a long article (Jaccard far below the threshold) is invisible to it. This
//! adds, per document, its *passage seeds*: the hash of every three consecutive content-word
//! stems (stopwords out, light stems of [`crate::text::stem::for_terms_bytes`], as `naql
//! reuse` seeds) with where the three words are. Three stems in a row are nearly unique to a
//! text, so a shared seed is evidence by itself and needs no corpus document frequencies
//! (which change with every batch). Only a sample of the seeds (hash 0 modulo [`SAMPLE`]) is
//! posted for lookup; a sampled seed in more than [`MAX_DF`] documents (a formula, an
//! outlet's sign-off) is ignored. A document sharing [`MIN_SAMPLED`] sampled seeds is a
//! candidate; all its seeds are then matched and grouped into passages with
//! [`crate::reuse::rectangles`] (gaps counted in content words), so spans are exact to the
//! word although only a quarter of the seeds are posted.
//!
//! ## Storage (additive to format version 1, like the `verdicts` table)
//!
//! | table | columns | holds |
//! |---|---|---|
//! | `passage_seeds` | `hash INTEGER, seq INTEGER, PRIMARY KEY(hash, seq)`, WITHOUT ROWID | posted seed (`as i32`) → `docs.seq`, one row per distinct posted seed of a document: the lookup path |
//! | `passage_docs` | `seq INTEGER PRIMARY KEY, seeds BLOB` | the document's seeds in text order (the n-th starts at the n-th content word), 10 bytes each ([`to_blob`]): hash (u32), first character of the three words (u32), their length in characters (u16, capped) |
//!
//! Both are created by the first `--passages` run and filled only by such runs: documents
//! indexed without the flag have no seeds and are never reported (files without the tables
//! open and work as before). Removing a document removes its seeds.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Index, IndexError};
use crate::hash::term_hash;
use crate::reuse::{Hit, rectangles};
use crate::text::Normalizer;
use crate::text::stem::{Stopwords, for_terms_bytes};

/// One seed in four is posted for lookup.
pub const SAMPLE: u32 = 4;
/// A posted seed in more indexed documents than this is ignored (a formula, not a passage).
pub const MAX_DF: usize = 50;
/// Posted seeds an indexed document must share with the new one to be matched at all.
pub const MIN_SAMPLED: usize = 2;
/// The fewest shared seeds a passage has: sixteen, about eighteen content words in a row
/// (some 25 words of text); ten let in runs of official titles (EVALUATION.md).
pub const MIN_SEEDS: usize = 16;
/// The least share of a passage's seeds (on its longer side) that are shared: a run of
/// official titles («خادم الحرمين الشريفين…») in two different stories shares its titles and
/// little between them.
pub const MIN_DENSITY: f64 = 0.5;
/// The most content words between two shared seeds of one passage, on either side.
pub const GAP: u32 = 24;

/// The tables, created on first use (see the module docs).
pub(super) const TABLES: &str = "
CREATE TABLE IF NOT EXISTS passage_seeds(hash INTEGER NOT NULL, seq INTEGER NOT NULL,
                                         PRIMARY KEY(hash, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passage_docs(seq INTEGER PRIMARY KEY, seeds BLOB NOT NULL);
";

/// A seed: the hash of three content-word stems and where they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed {
    /// The seed's hash (32 bits).
    pub hash: u32,
    /// Character offset of its first word.
    pub start: u32,
    /// Character offset just after its third word.
    pub end: u32,
}

/// One document's seeds, in text order: the n-th starts at the n-th content word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassageSeeds(pub Vec<Seed>);

impl PassageSeeds {
    /// The distinct seeds posted for lookup.
    fn posted(&self) -> HashSet<u32> {
        self.0
            .iter()
            .map(|s| s.hash)
            .filter(|h| h % SAMPLE == 0)
            .collect()
    }
}

/// A passage a new document shares with an indexed one; spans in characters, end exclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SharedPassage {
    /// The indexed document's id.
    pub id: String,
    /// Its outlet.
    pub source: Option<String>,
    /// Its date as given.
    pub date: Option<String>,
    /// The passage in the new document.
    pub span: [usize; 2],
    /// The passage in the indexed document.
    pub other_span: [usize; 2],
    /// Shared seeds inside.
    pub seeds: usize,
}

/// Cuts texts into [`PassageSeeds`] with the normalization of an index.
pub struct Seeder {
    normalizer: Normalizer,
    stopwords: Stopwords,
}

impl Seeder {
    /// The seeds of `text`.
    pub fn seeds(&self, text: &str) -> PassageSeeds {
        // (stem hash, first char, end char) of each content word.
        let mut words: Vec<(u64, u32, u32)> = Vec::new();
        let (mut byte, mut chars) = (0usize, 0u32);
        let mut char_at = |b: usize| {
            chars += text[byte..b].chars().count() as u32;
            byte = b;
            chars
        };
        self.normalizer.for_each_token_bytes(text, |t, span| {
            let (start, end) = (char_at(span.start), char_at(span.end));
            if t.len() >= 3 && !self.stopwords.contains(t, term_hash(t)) {
                words.push((term_hash(for_terms_bytes(t)), start, end));
            }
        });
        let seeds = words
            .windows(3)
            .map(|w| {
                let h = (w[0].0.rotate_left(21) ^ w[1].0.rotate_left(42) ^ w[2].0)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15);
                Seed {
                    hash: (h >> 32) as u32,
                    start: w[0].1,
                    end: w[2].2,
                }
            })
            .collect();
        PassageSeeds(seeds)
    }
}

/// The seeds as stored: 10 bytes each, little-endian `hash: u32, start: u32, length: u16`
/// (a length over 65,535 characters is capped).
pub fn to_blob(s: &PassageSeeds) -> Vec<u8> {
    let mut out = Vec::with_capacity(10 * s.0.len());
    for x in &s.0 {
        out.extend(x.hash.to_le_bytes());
        out.extend(x.start.to_le_bytes());
        out.extend((x.end.saturating_sub(x.start).min(0xffff) as u16).to_le_bytes());
    }
    out
}

/// The inverse of [`to_blob`]; a trailing partial seed is ignored.
pub fn from_blob(b: &[u8]) -> PassageSeeds {
    let u32_at = |c: &[u8], i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
    PassageSeeds(
        b.chunks_exact(10)
            .map(|c| {
                let start = u32_at(c, 4);
                Seed {
                    hash: u32_at(c, 0),
                    start,
                    end: start + u32::from(u16::from_le_bytes([c[8], c[9]])),
                }
            })
            .collect(),
    )
}

/// The passages two seed lists share: groups of at least [`MIN_SEEDS`] shared seeds with no
/// gap over [`GAP`] content words on either side and at least [`MIN_DENSITY`] of the seeds
/// of each side shared, as `(new span, other span, seeds)`. A seed
/// repeated more than four times in either document is left out.
pub fn shared(new: &PassageSeeds, old: &PassageSeeds) -> Vec<([usize; 2], [usize; 2], usize)> {
    let mut at: HashMap<u32, Vec<usize>> = HashMap::new();
    for (j, s) in old.0.iter().enumerate() {
        at.entry(s.hash).or_default().push(j);
    }
    let mut count: HashMap<u32, usize> = HashMap::new();
    for s in &new.0 {
        *count.entry(s.hash).or_default() += 1;
    }
    let mut hits = Vec::new();
    for (i, s) in new.0.iter().enumerate() {
        match at.get(&s.hash) {
            Some(js) if js.len() <= 4 && count[&s.hash] <= 4 => {
                hits.extend(js.iter().map(|&j| Hit {
                    a: i as u32,
                    b: j as u32,
                }));
            }
            _ => {}
        }
    }
    rectangles(hits, GAP, MIN_SEEDS)
        .into_iter()
        .filter(|r| r.hits as f64 >= MIN_DENSITY * r.a.len().max(r.b.len()) as f64)
        .map(|r| (span(new, &r.a), span(old, &r.b), r.hits))
        .collect()
}

/// Characters from the first seed of `ords` to the end of the last one.
fn span(s: &PassageSeeds, ords: &std::ops::Range<u32>) -> [usize; 2] {
    let inside = &s.0[ords.start as usize..ords.end as usize];
    let (mut a, mut b) = (u32::MAX, 0);
    for x in inside {
        (a, b) = (a.min(x.start), b.max(x.end));
    }
    [a as usize, b as usize]
}

impl Index {
    /// A [`Seeder`] with this index's normalization.
    pub fn passage_seeder(&self) -> Seeder {
        let normalizer = Normalizer::new(self.config().normalize);
        let stopwords = Stopwords::new(&normalizer);
        Seeder {
            normalizer,
            stopwords,
        }
    }

    fn has_passage_tables(&self) -> Result<bool, IndexError> {
        self.conn
            .query_row(
                "SELECT count(*) = 2 FROM sqlite_master WHERE type = 'table' \
                 AND name IN ('passage_seeds', 'passage_docs')",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))
    }

    /// For each document (`id`, seeds), the passages it shares with indexed documents that
    /// have stored seeds, other than itself; best first (most seeds, then id). Nothing is
    /// written: run it before [`Index::dedup`] adds the batch, so history means earlier batches.
    pub fn shared_passages(
        &self,
        docs: &[(String, PassageSeeds)],
    ) -> Result<Vec<Vec<SharedPassage>>, IndexError> {
        if !self.has_passage_tables()? {
            return Ok(vec![Vec::new(); docs.len()]);
        }
        let sql = |e| self.sql(e);
        let mut postings = self
            .conn
            .prepare_cached("SELECT seq FROM passage_seeds WHERE hash = ?1 LIMIT ?2")
            .map_err(sql)?;
        let mut load = self
            .conn
            .prepare_cached(
                "SELECT d.id, s.name, d.date, p.seeds FROM passage_docs p \
                 JOIN docs d ON d.seq = p.seq LEFT JOIN sources s ON s.id = d.source \
                 WHERE p.seq = ?1",
            )
            .map_err(sql)?;
        let mut out = Vec::with_capacity(docs.len());
        for (id, seeds) in docs {
            let mut shared_seeds: HashMap<i64, usize> = HashMap::new();
            for h in seeds.posted() {
                let seqs: Vec<i64> = postings
                    .query_map(params![h as i32, MAX_DF as i64 + 1], |r| r.get(0))
                    .map_err(sql)?
                    .collect::<Result<_, _>>()
                    .map_err(sql)?;
                if seqs.len() <= MAX_DF {
                    for s in seqs {
                        *shared_seeds.entry(s).or_default() += 1;
                    }
                }
            }
            let mut found = Vec::new();
            let mut candidates: Vec<i64> = shared_seeds
                .into_iter()
                .filter(|&(_, n)| n >= MIN_SAMPLED)
                .map(|(s, _)| s)
                .collect();
            candidates.sort_unstable();
            for seq in candidates {
                type Row = (String, Option<String>, Option<String>, Vec<u8>);
                let row: Option<Row> = load
                    .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()
                    .map_err(sql)?;
                let Some((other, source, date, blob)) = row else {
                    continue;
                };
                if other == *id {
                    continue;
                }
                for (span, other_span, n) in shared(seeds, &from_blob(&blob)) {
                    found.push(SharedPassage {
                        id: other.clone(),
                        source: source.clone(),
                        date: date.clone(),
                        span,
                        other_span,
                        seeds: n,
                    });
                }
            }
            found.sort_by(|x, y| y.seeds.cmp(&x.seeds).then_with(|| x.id.cmp(&y.id)));
            out.push(found);
        }
        Ok(out)
    }

    /// Stores the seeds of documents already in the index (by id; ids not indexed are left
    /// out), in one transaction; creates the tables on first use. Returns how many were
    /// stored. A document that has seeds keeps them.
    pub fn store_passage_seeds(
        &mut self,
        docs: &[(String, PassageSeeds)],
    ) -> Result<usize, IndexError> {
        let (path, wait) = (self.path.clone(), self.wait);
        let sql = move |e| IndexError::from_sqlite(&path, e, wait);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&sql)?;
        tx.execute_batch(TABLES).map_err(&sql)?;
        let mut stored = 0;
        {
            let mut seq_of = tx
                .prepare_cached("SELECT seq FROM docs WHERE id = ?1")
                .map_err(&sql)?;
            let mut put_doc = tx
                .prepare_cached("INSERT OR IGNORE INTO passage_docs(seq, seeds) VALUES (?1, ?2)")
                .map_err(&sql)?;
            let mut put_seed = tx
                .prepare_cached("INSERT OR IGNORE INTO passage_seeds(hash, seq) VALUES (?1, ?2)")
                .map_err(&sql)?;
            for (id, seeds) in docs {
                let Some(seq) = seq_of
                    .query_row([id], |r| r.get::<_, i64>(0))
                    .optional()
                    .map_err(&sql)?
                else {
                    continue;
                };
                if put_doc
                    .execute(params![seq, to_blob(seeds)])
                    .map_err(&sql)?
                    == 0
                {
                    continue;
                }
                for h in seeds.posted() {
                    put_seed.execute(params![h as i32, seq]).map_err(&sql)?;
                }
                stored += 1;
            }
        }
        tx.commit().map_err(&sql)?;
        Ok(stored)
    }
}

/// Deletes the seeds of document `seq`, if the tables exist (a removal hook for
/// `maintain.rs`: seq values can be handed out again).
pub(super) fn delete(tx: &rusqlite::Transaction, seq: i64) -> rusqlite::Result<()> {
    let has: bool = tx.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'passage_docs'",
        [],
        |r| r.get(0),
    )?;
    if !has {
        return Ok(());
    }
    let blob: Option<Vec<u8>> = tx
        .query_row(
            "SELECT seeds FROM passage_docs WHERE seq = ?1",
            [seq],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(b) = blob {
        let mut del =
            tx.prepare_cached("DELETE FROM passage_seeds WHERE hash = ?1 AND seq = ?2")?;
        for h in from_blob(&b).posted() {
            del.execute(params![h as i32, seq])?;
        }
        tx.execute("DELETE FROM passage_docs WHERE seq = ?1", [seq])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAGRAPH: &str = "وأوضح المتحدث الرسمي باسم الهيئة العامة للأرصاد وحماية البيئة أن \
        الرياح النشطة المثيرة للأتربة والغبار ستستمر على أجزاء واسعة من المنطقة الشرقية \
        والوسطى حتى نهاية الأسبوع مع انخفاض مدى الرؤية الأفقية على الطرق السريعة الرابطة بين \
        المدن ودعا السائقين إلى توخي الحذر والالتزام بتعليمات السلامة المرورية";

    fn seeder() -> Seeder {
        let normalizer = Normalizer::new(crate::text::NormalizeOptions::default());
        let stopwords = Stopwords::new(&normalizer);
        Seeder {
            normalizer,
            stopwords,
        }
    }

    #[test]
    fn a_quoted_paragraph_is_found_with_its_spans_and_unrelated_text_is_not() {
        let own = "افتتح أمير المنطقة معرض الكتاب الدولي في دورته الجديدة بمشاركة دور نشر \
                   عربية وأجنبية وسط حضور كبير من المثقفين والأدباء والطلاب";
        let s = seeder();
        let old = s.seeds(PARAGRAPH);
        let new_text = format!("{own}. {PARAGRAPH}. {own}");
        let new = s.seeds(&new_text);
        let found = shared(&new, &old);
        assert_eq!(found.len(), 1, "{found:?}");
        let (span, other, n) = found[0];
        assert!(n >= MIN_SEEDS);
        // The new document's span lies inside the quoted paragraph, most of it.
        let at = own.chars().count() + 2;
        let len = PARAGRAPH.chars().count();
        assert!(span[0] >= at && span[1] <= at + len, "{span:?}");
        assert!((span[1] - span[0]) * 10 >= len * 9, "{span:?}");
        assert!(other[0] < 40 && other[1] + 40 > len, "{other:?}");
        assert!(shared(&s.seeds(own), &old).is_empty());
    }

    #[test]
    fn blobs_round_trip() {
        let s = seeder().seeds(PARAGRAPH);
        assert!(!s.0.is_empty());
        let b = to_blob(&s);
        assert_eq!(b.len(), 10 * s.0.len());
        assert_eq!(from_blob(&b), s);
    }
}
