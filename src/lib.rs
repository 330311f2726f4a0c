//! # naql — find copied and rewritten Arabic news across outlets
//!
//! Outlets republish wire copy and each other's stories with small edits: another dateline,
//! added diacritics, a different hamza or alef, ة for ه, tatweel, Arabic-Indic digits,
//! ligatures, invisible bidi marks, a footer. naql normalizes all of that away (keeping the
//! original spelling reachable through spans), cuts each article into word shingles, sketches
//! them with MinHash, finds candidate pairs with LSH, verifies them exactly and clusters them.
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
//! use naql::copy::Signer;
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
//! use naql::corpus::Document;
//! use naql::copy::{Config, Engine};
//!
//! let story = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن \
//!              الفرق الطبية تعمل على مدار الساعة لمتابعة المخالطين";
//! let doc = |id: &str, source: &str, text: String| Document {
//!     id: id.into(), source: Some(source.into()), text, ..Document::default()
//! };
//! let engine = Engine::new(Config::default());
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
//! use naql::diff::{Comparer, Kind};
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
//! The modules follow the data: [`corpus`] reads documents, [`text`] normalizes them and cuts
//! them into tokens, sentences and stems, [`copy`] shingles and signs them and finds, verifies
//! and clusters copies, [`story`] groups reports of the same story (content words, TF-IDF and
//! LSA cosine), [`diff`] aligns two reports sentence by sentence and diffs their words, and
//! [`render`] shows all of it (terminal columns, word diff, JSON, CSV, HTML); [`index`] keeps
//! signatures on disk for scheduled dedup.

pub mod copy;
pub mod corpus;
pub mod date;
pub mod diff;
pub mod error;
pub mod hash;
pub mod index;
pub mod render;
pub mod story;
pub mod text;

pub use error::{ConfigError, Error, Result};
