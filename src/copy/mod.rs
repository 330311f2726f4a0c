//! Finding copies: from documents to verified pairs and clusters.
//!
//! The stages, each in parallel over documents, and the file that holds each:
//! 1. **prepare** ([`Engine::prepare`], `engine.rs`): per paragraph (non-blank line), the units
//!    to shingle (token hashes, or character-shingle keys) and a hash of the paragraph; a leading
//!    dateline is left out. The original text is not kept, so memory is ~8 bytes per word
//!    ([`Prepared`], `prepared.rs`); past a budget ([`Engine::spill_after`]) the units go to a
//!    temporary file and come back only for stages 2 and 5 (`spill.rs`).
//! 2. **boilerplate** (`boilerplate.rs`): a paragraph whose normalized form appears in at least
//!    `min_docs` distinct documents of one source (comment boxes, share buttons, "// انتهى //")
//!    is left out of that source's shingles. Documents without a source are not examined: a
//!    paragraph shared by unlabelled documents is as likely copied news as boilerplate. A
//!    document that would be left with nothing keeps everything.
//! 3. **sign** (`minhash.rs`, the specified `naql-oph-v2` scheme): MinHash signature of what is
//!    kept, plus a hash of the kept units that groups exact duplicates (same normalized words),
//!    so LSH sees each distinct text once ([`Signed`]).
//! 4. **candidates** (`lsh.rs`): LSH bands over the signatures; every pair sharing a band key,
//!    except in buckets of more than [`MAX_BUCKET_PAIRS`] members, which `buckets.rs` links
//!    with about one verification per member (same clusters, near-linear in the group size).
//! 5. **verify** (`verify.rs`): exact Jaccard of the shingle sets (or the signature estimate),
//!    containment both ways; a pair is kept when its Jaccard reaches the threshold.
//! 6. **cluster** (`cluster.rs`): union-find over verified pairs; a representative per cluster.
//!
//! [`Config`] (`config.rs`) holds every parameter and checks them ([`Config::validate`]);
//! [`Outcome`] (`outcome.rs`) is what a run returns.
//!
//! ```
//! use naql::copy::{Config, Engine};
//! use naql::corpus::Document;
//!
//! let text = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق".to_string();
//! let doc = |id: &str| Document { id: id.into(), text: text.clone(), ..Document::default() };
//! let config = Config::default();
//! config.validate().unwrap();
//! let out = Engine::new(config).run_documents(vec![doc("a"), doc("b")]);
//! assert_eq!(out.clusters.len(), 1);
//! assert_eq!(out.stats.exact_duplicates, 1);
//! ```

mod boilerplate;
mod buckets;
mod cluster;
mod config;
mod engine;
mod lsh;
mod minhash;
mod outcome;
mod prepared;
mod spill;
mod verify;

pub use self::boilerplate::Boilerplate;
pub use self::config::{Config, MAX_NGRAM, MAX_NUM_PERM, Verify};
pub use self::engine::{Engine, MAX_BUCKET_PAIRS, Stages};
pub use self::lsh::{LshParams, bucketed_candidates, candidate_pairs, candidate_probability};
pub use self::minhash::{ALGORITHM, EMPTY_BIN, Shingling, Signature, Signer, Sketcher, fmix64};
pub use self::outcome::{Cluster, Member, Outcome, Pair, Stats};
pub use self::prepared::{Prepared, Signed};
pub(crate) use self::prepared::{fold, fold_all, kept_units};
pub use self::spill::SpillReport;
pub use self::verify::{Overlap, exact_pairs, intersection_size};
pub use crate::hash::token_hash;
pub(crate) use engine::Stopwatch;
