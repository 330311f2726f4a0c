//! # naql — find copied and rewritten Arabic news across outlets
//!
//! Outlets republish wire copy and each other's stories with small edits: another dateline,
//! added diacritics, a different hamza or alef, ة for ه, tatweel, Arabic-Indic digits,
//! ligatures, invisible bidi marks, a footer. naql normalizes all of that away (keeping the
//! original spelling reachable through spans), cuts each article into word shingles, sketches
//! them with MinHash, finds candidate pairs with LSH, verifies them exactly and clusters them.
//! One level up it groups independently written reports of the same story, and it aligns two
//! reports sentence by sentence to show what each outlet changed.
//!
//! The library stands alone: the `naql` command is a thin front door onto it (build the
//! library without the command-line crates with `default-features = false`). The types most
//! programs need are re-exported here at the root; each room below holds the rest.
//!
//! ## Normalize
//!
//! ```
//! use naql::text::Normalizer;
//!
//! let n = Normalizer::default();
//! assert_eq!(n.normalize("قالَ المُتَحَدِّثُ إنّ «الإتفاقيّة» ستُوقّع في ٢٠٢٢"),
//!            "قال المتحدث ان الاتفاقيه ستوقع في 2022");
//! // Every token remembers where it came from.
//! let tokens = n.tokens("أعلنَ الوزير");
//! assert_eq!(tokens[0].text, "اعلن");
//! assert_eq!(&"أعلنَ الوزير"[tokens[0].span.clone()], "أعلنَ");
//! ```
//!
//! ## Sign and compare two texts
//!
//! ```
//! use naql::Signer;
//! use naql::text::default_normalizer;
//!
//! let signer = Signer::default(); // 3-word shingles, 128 values
//! let a = signer.sign(default_normalizer(),
//!     "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق");
//! let b = signer.sign(default_normalizer(),
//!     "أعلنَت وزارةُ الصحّة اليوم عن تسجيل حالاتٍ جديدة في عدد من المناطق.");
//! assert_eq!(a.jaccard(&b), 1.0);
//! ```
//!
//! ## Cluster a corpus
//!
//! ```
//! use naql::{CopyConfig, CopyEngine, Document};
//!
//! let story = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن \
//!              الفرق الطبية تعمل على مدار الساعة لمتابعة المخالطين";
//! let doc = |id: &str, source: &str, text: String| Document {
//!     id: id.into(), source: Some(source.into()), text, ..Document::default()
//! };
//! let engine = CopyEngine::new(CopyConfig::default());
//! let out = engine.run_documents(vec![
//!     doc("wire", "was", format!("الرياض - واس: {story}")),
//!     doc("paper", "okaz", format!("{story}.")),
//!     doc("other", "sabq", "مباراة كرة القدم بين الفريقين انتهت بالتعادل".into()),
//! ]);
//! assert_eq!(out.clusters.len(), 1);
//! assert_eq!(out.stats.singletons, 1);
//! ```
//!
//! ## Compare two reports sentence by sentence
//!
//! ```
//! use naql::Comparer;
//! use naql::diff::Kind;
//!
//! let a = "قال الوزير إن المحادثات انتهت. وأضاف أن الوفد غادر العاصمة.";
//! let b = "قال الوزيرُ ان المحادثات انتهت دون اتفاق. وأضاف أن الوفد غادر العاصمة.";
//! let cmp = Comparer::default().compare(a, b);
//! let kinds: Vec<Kind> = cmp.rows.iter().map(|r| r.kind).collect();
//! assert_eq!(kinds, [Kind::Changed, Kind::Equal]);
//! // Spans point into the original texts: the words B added.
//! let added = &cmp.rows[0].edits.iter().find(|e| e.a.is_empty()).unwrap().b;
//! assert_eq!(&b[added.clone()], "دون اتفاق");
//! ```
//!
//! ## Errors
//!
//! Each layer has its own error type naming the file (and line) at fault; [`Error`] holds any
//! of them, and parameters are checked by `validate()` before any work:
//!
//! ```
//! let bad = naql::CopyConfig { threshold: 1.5, ..Default::default() };
//! assert_eq!(bad.validate().unwrap_err().to_string(), "threshold must be in (0, 1], got 1.5");
//! ```
//!
//! More complete programs, from a user's point of view, are in `examples/`: `cluster_copies`,
//! `stories` (story level and alignment) and `scheduled_dedup` (the persistent index).
//!
//! ## Rooms
//!
//! The modules follow the data: [`corpus`] reads documents, [`text`] normalizes them and cuts
//! them into tokens, sentences and stems, [`copy`] shingles and signs them and finds, verifies
//! and clusters copies, [`story`] groups reports of the same story (content words, TF-IDF and
//! LSA cosine), [`diff`] aligns two reports sentence by sentence and diffs their words, and
//! [`render`] shows all of it (terminal columns, word diff, JSON, CSV, HTML); [`index`] keeps
//! signatures on disk for scheduled dedup.

#![warn(missing_docs)]

pub mod collate;
pub mod copy;
pub mod corpus;
pub mod date;
pub mod diff;
pub mod error;
pub mod hash;
pub mod index;
pub mod render;
pub mod reuse;
mod score;
pub mod story;
pub mod text;

pub use copy::{
    Config as CopyConfig, Engine as CopyEngine, Outcome as CopyOutcome, Signature, Signer,
};
pub use corpus::{Document, ReadError, ReadOptions};
pub use diff::{Comparer, Comparison};
pub use error::{ConfigError, Error, Result};
pub use index::{Index, IndexError};
pub use story::{Idf, StoryConfig, StoryEngine, StoryOutcome, TableError};
pub use text::{NormalizeOptions, Normalizer, Token};
