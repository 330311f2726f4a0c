//! The default background model: document frequencies from SaudiNewsNet and ANT, embedded in
//! the library, for inputs too small to estimate their own word weights.
//!
//! Five reports of one story cannot tell which of their words are common: every word is in
//! one to five of them, so «الولايات» weighs nearly as much as «الناتو». Below
//! [`BACKGROUND_BELOW`] distinct articles the story level weighs words by this table instead
//! (the figures behind the threshold are in EVALUATION.md). It is an ordinary `naql-idf-v2`
//! table (`models/background-idf-v2.json.gz`, built by `scripts/build_models.sh`), so a
//! change of stemmer or normalization that would make it wrong makes it refuse to load, and
//! the input's own weights are used.

use std::io::Read;
use std::sync::OnceLock;

use crate::story::idf::Idf;
use crate::text::NormalizeOptions;

/// The name and version of the embedded background model, as the output shows it.
pub const BACKGROUND_MODEL: &str = "naql-background-v2";

/// Inputs with fewer distinct articles than this are weighed by the background model.
pub const BACKGROUND_BELOW: usize = 50;

/// The gzipped `naql-idf-v2` table: 60,316 distinct articles of SaudiNewsNet (2015) and ANT
/// (2018), terms in at least two of them.
const IDF_GZ: &[u8] = include_bytes!("../../models/background-idf-v2.json.gz");

/// The embedded document frequencies, when they fit `normalize` (they were made with the
/// default rules; with a rule turned off their stems are not the run's, and `None` is given).
/// Decompressed and parsed once, on first use (about 1.5 MB of JSON).
pub fn background_idf(normalize: NormalizeOptions) -> Option<&'static Idf> {
    static IDF: OnceLock<Option<Idf>> = OnceLock::new();
    if normalize != NormalizeOptions::default() {
        return None;
    }
    IDF.get_or_init(|| {
        let mut json = Vec::with_capacity(IDF_GZ.len() * 4);
        flate2::read::GzDecoder::new(IDF_GZ)
            .read_to_end(&mut json)
            .ok()?;
        Idf::from_slice(&json, BACKGROUND_MODEL, normalize).ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::term_hash;

    #[test]
    fn the_embedded_table_loads_and_knows_common_from_rare_words() {
        let idf = background_idf(NormalizeOptions::default()).expect("embedded table");
        assert!(idf.documents > 50_000, "{}", idf.documents);
        let w = |s: &str| idf.weight(term_hash(s.as_bytes()));
        // «قال» is in a large share of news; «ناتو» in few.
        assert!(w("قال") < w("ناتو"), "{} {}", w("قال"), w("ناتو"));
        assert!(background_idf(NormalizeOptions::none()).is_none());
    }
}
