//! Story-level clustering: which reports tell the same story, even when they share no sentences.
//!
//! Copy detection ([`crate::copy`]) compares word shingles, so independently written reports
//! of one event look unrelated to it. Here each article becomes a bag of content words instead:
//!
//! 1. **terms**: the normalized tokens of the title and text, stopwords dropped, light-stemmed
//!    ([`crate::text::stem`]); a leading dateline is left out. Each occurrence counts
//!    [`StoryConfig::title_weight`] times in the title, [`StoryConfig::lead_weight`] times in
//!    the first [`StoryConfig::lead_words`] words of the text (the lead: news states its story
//!    first) and once elsewhere;
//! 2. **weights**: `(1 + ln count) · idf`, L2-normalized; `idf = 1 + ln((N + 1) / (df + 1))`,
//!    with document frequencies from the input itself (each distinct term vector counted once,
//!    so wire copies do not make their own words look common), from a saved [`Idf`] table,
//!    or, for inputs under [`BACKGROUND_BELOW`] distinct articles, too small to estimate
//!    one, from the built-in background model ([`background_idf`], [`BACKGROUND_MODEL`]);
//! 3. **candidates**: an inverted index over each article's [`StoryConfig::index_terms`]
//!    highest-weighted terms; two articles are candidates when they share one of them and
//!    their dates are at most [`StoryConfig::window_days`] apart (`examples/story_candidates.rs`
//!    measures this against weighted MinHash with LSH; BENCHMARKS.md has the comparison);
//! 4. **verification**: cosine of the weight vectors; a pair is kept at
//!    [`StoryConfig::threshold`];
//! 5. **stories**: copy-level clusters first (a story never splits a copy cluster), then
//!    verified pairs from the most similar down; two groups merge only when their *average*
//!    pairwise cosine reaches [`StoryConfig::linkage`] (by default the pair threshold itself:
//!    a group must be, on average, as similar as a pair that counts) and, with dates, the merged
//!    story spans at most the window. Plain union-find (`linkage` 0, no dates) lets a chain of
//!    pairwise-similar articles join unrelated stories (on SaudiNewsNet: one story of 2,002
//!    articles); the average keeps them apart, and the span limit cuts running series such as
//!    daily weather or market reports into stories of a few days (BENCHMARKS.md).
//!
//! # Where each part lives
//!
//! | file | holds |
//! |---|---|
//! | `config` | [`StoryConfig`]: every setting, its defaults and [`StoryConfig::validate`] |
//! | `terms` | content words of an article (title, lead, stems, bigrams) as [`TermCounts`] |
//! | `model` | [`StoryModel`]: counts to unit vectors (TF-IDF, blended with LSA) |
//! | `vector` | [`TermVector`], the one dot product, the LSA tail keys ([`SEMANTIC_KEY`]) |
//! | `background` | the embedded default IDF ([`background_idf`]) for inputs under [`BACKGROUND_BELOW`] articles |
//! | `idf` | [`Idf`], its saved form [`IdfTable`] (`naql-idf-v2`) and [`TableError`] |
//! | [`lsa`] | LSA term vectors: training (randomized SVD), saving, loading |
//! | `candidates` | steps 3 and 4: [`candidate_pairs`], [`candidate_pairs_wide`], [`verify`] |
//! | `linkage` | step 5: average-linkage union of groups with the span limit |
//! | `engine` | [`StoryEngine`]: both levels, phase by phase |
//! | `outcome` | what a run gives: [`StoryOutcome`], [`Story`], [`CopyGroup`], [`StoryStats`] |
//! | `plan` | which articles the story report aligns: [`plan()`], [`align`], [`select`] |
//!
//! Writing stories out (text, JSON, the HTML page) is not this room's: see
//! [`crate::render::stories`] and [`crate::render::story_page`].
//!
//! ```
//! use naql::story::{StoryConfig, StoryModel};
//! use naql::corpus::Document;
//!
//! let doc = |id: &str, title: &str, text: &str| Document {
//!     id: id.into(), title: Some(title.into()), text: text.into(), ..Document::default()
//! };
//! let docs = vec![
//!     doc("a", "روسيا والناتو يبدآن محادثات الضمانات الأمنية في جنيف",
//!         "بدأت روسيا وحلف الناتو محادثات في جنيف حول الضمانات الأمنية التي تطالب بها موسكو"),
//!     doc("b", "محادثات جنيف: موسكو تطالب الناتو بضمانات أمنية",
//!         "طالبت موسكو حلف الناتو في محادثات جنيف بضمانات أمنية مكتوبة بشأن توسع الحلف شرقا"),
//!     doc("c", "الهلال يفوز على النصر في الدوري",
//!         "فاز فريق الهلال على النصر بهدفين في مباراة الدوري السعودي لكرة القدم"),
//! ];
//! let model = StoryModel::from_documents(StoryConfig::default(), &docs);
//! let v: Vec<_> = docs.iter().map(|d| model.vector(d.title.as_deref(), &d.text)).collect();
//! assert!(v[0].cosine(&v[1]) > 0.3);
//! assert!(v[0].cosine(&v[2]) < 0.05);
//! ```

mod background;
mod candidates;
mod config;
mod engine;
mod idf;
mod linkage;
pub mod lsa;
mod model;
mod outcome;
mod plan;
mod terms;
mod vector;

pub use self::background::{BACKGROUND_BELOW, BACKGROUND_MODEL, background_idf};
pub use self::candidates::{candidate_pairs, candidate_pairs_wide, verify};
pub use self::config::StoryConfig;
pub use self::engine::StoryEngine;
pub use self::idf::{IDF_FORMAT, Idf, IdfTable, LSA_MIN_DF, TableError};
pub use self::lsa::LsaError;
pub use self::model::StoryModel;
pub use self::outcome::{
    CopyGroup, Story, StoryDoc, StoryMember, StoryOutcome, StoryPair, StoryStats,
};
pub use self::plan::{Aligned, NoSuchStory, Plan, align, plan, select};
pub use self::terms::{TermCounter, TermCounts};
pub use self::vector::{SEMANTIC_KEY, TermVector};
