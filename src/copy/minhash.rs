//! Shingles and MinHash signatures: the `naql-oph-v2` scheme (v1 with normalization v2).
//!
//! Everything here is specified bit for bit, because signatures are persisted and compared
//! across runs, machines and versions ([`ALGORITHM`] names the scheme):
//!
//! * **token hash**: [`crate::hash::token_hash`], XXH3-64 (seed 0) of the normalized token's UTF-8 bytes;
//! * **word shingle**: `n` consecutive token hashes `t₀ … tₙ₋₁` of a document; its key is
//!   `fmix64(H ^ S)` where `H = Σ tⱼ · P^(n−1−j)` (wrapping `u64` arithmetic, computed rolling),
//!   `P = 0x9E37_79B9_7F4A_7C15`, `S = XXH3-64(seed as u64 little-endian)` and `fmix64` is
//!   MurmurHash3's 64-bit finalizer. A document with fewer than `n` tokens (but at least one)
//!   has one shingle: all its tokens;
//! * **character shingle**: `n` consecutive characters of a paragraph's normalized text (tokens
//!   joined by one space); its key is XXH3-64 with the seed over their UTF-8 bytes;
//! * **signature**: one-permutation hashing (Li, Owen & Zhang 2012) into `k` bins: a key `h`
//!   falls in bin `(h >> 32) * k >> 32` with value `h & 0xFFFF_FFFF`; each bin keeps its minimum.
//!   Empty bins are filled by optimal densification (Shrivastava 2017): bin `i` takes the value of
//!   the first non-empty bin in its probe sequence. Probe `t = 0, 1, 2, …` is bin
//!   `(c * k) >> 16` where `c` is 16-bit chunk `t mod 4` (lowest first) of
//!   `G = fmix64((i << 32 | (t / 4 + 1)) ^ seed ^ DENSIFY_SEED)`: four probes per hash. The
//!   fraction of equal bins is an unbiased estimate of the Jaccard similarity of the shingle sets;
//! * **band key** ([`LshParams::band_key`](super::LshParams::band_key)): XXH3-64, seeded with the
//!   band index, of the band's `r` values as little-endian `u32`s.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// The name and version of the signature scheme; stored with every persisted signature.
/// Signatures hash normalized tokens, so the version follows [`crate::text::NORMALIZATION`]:
/// v1 was made under `naql-norm-v1`, v2 (the same scheme) under `naql-norm-v2`.
pub const ALGORITHM: &str = "naql-oph-v2";

/// The multiplier of the rolling shingle polynomial (odd, from the golden ratio).
const POLY: u64 = 0x9E37_79B9_7F4A_7C15;

/// The longest word shingle [`Signer::sign`] rolls in a ring of token hashes (a power of two).
const RING: usize = 16;

/// MurmurHash3's 64-bit finalizer: a bijection with full avalanche.
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The value mixed into every word-shingle key for a seed.
#[inline]
fn seed_key(seed: u64) -> u64 {
    xxh3_64(&seed.to_le_bytes())
}

const DENSIFY_SEED: u64 = 0x6e61_716c_6465_6e73; // "naqldens"

/// Value of an empty bin before densification and in the signature of an empty set.
pub const EMPTY_BIN: u32 = u32::MAX;

/// How a document is cut into shingles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "n")]
pub enum Shingling {
    /// `n` consecutive words (the default, n = 3: see BENCHMARKS.md for the evidence).
    Words(usize),
    /// `n` consecutive characters of the normalized text: for headlines and other short texts.
    Chars(usize),
}

impl Default for Shingling {
    fn default() -> Self {
        Shingling::Words(3)
    }
}

/// Range reduction of the high 32 bits onto `0..k` (Lemire's multiply-shift).
#[inline]
fn reduce(h: u64, k: usize) -> usize {
    (((h >> 32) * k as u64) >> 32) as usize
}

/// Builds MinHash signatures with fixed parameters. Cheap to copy; share between threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signer {
    /// How a text is cut into shingles.
    pub shingling: Shingling,
    /// Signature length: the number of one-permutation bins.
    pub num_perm: usize,
    /// Mixed into every shingle key; signatures of different seeds do not compare.
    pub seed: u64,
}

impl Default for Signer {
    fn default() -> Self {
        Signer {
            shingling: Shingling::default(),
            num_perm: 128,
            seed: 0,
        }
    }
}

/// A MinHash signature: `k` bin values (see the module docs for how they are made).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature(pub Vec<u32>);

impl Signature {
    /// True for the signature of an empty shingle set, which matches nothing.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == EMPTY_BIN)
    }

    /// The fraction of equal bins: an unbiased estimate of the Jaccard similarity.
    /// 0 when either side is empty or the lengths differ.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.0.len() != other.0.len() || self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let equal = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        equal as f64 / self.0.len() as f64
    }
}

/// Accumulates shingle keys into one-permutation bins; [`Sketcher::finish`] densifies.
pub struct Sketcher {
    bins: Vec<u64>,
    seed: u64,
}

impl Sketcher {
    /// An empty sketch of `num_perm` bins.
    ///
    /// # Panics
    /// If `num_perm` is 0 or above 65,536 (densification probes address bins with 16 bits).
    pub fn new(num_perm: usize, seed: u64) -> Self {
        assert!(
            (1..=1 << 16).contains(&num_perm),
            "num_perm must be between 1 and 65536, got {num_perm}"
        );
        Sketcher {
            bins: vec![u64::MAX; num_perm],
            seed,
        }
    }

    /// Adds one shingle key (already hashed with the signer's seed).
    #[inline]
    pub fn add(&mut self, key: u64) {
        let k = self.bins.len();
        let bin = &mut self.bins[reduce(key, k)];
        // Without a branch: whether a key lowers its bin is a coin toss early in a document.
        *bin = (*bin).min(key & 0xFFFF_FFFF);
    }

    /// The densified signature. An empty set gives all [`EMPTY_BIN`].
    pub fn finish(self) -> Signature {
        let k = self.bins.len();
        // Filled bins in one pass the compiler vectorizes; only empty ones are probed.
        let mut out: Vec<u32> = self.bins.iter().map(|&b| b as u32).collect();
        let filled = self.bins.iter().filter(|&&b| b != u64::MAX).count();
        if filled == 0 {
            return Signature(vec![EMPTY_BIN; k]);
        }
        if filled == k {
            return Signature(out);
        }
        let dseed = self.seed ^ DENSIFY_SEED;
        for (i, (o, &b)) in out.iter_mut().zip(&self.bins).enumerate() {
            if b != u64::MAX {
                continue;
            }
            let mut round = 1u64;
            'probe: loop {
                let g = fmix64(((i as u64) << 32 | round) ^ dseed);
                for chunk in 0..4 {
                    let c = (g >> (16 * chunk)) & 0xFFFF;
                    let j = ((c * k as u64) >> 16) as usize;
                    if self.bins[j] != u64::MAX {
                        *o = self.bins[j] as u32;
                        break 'probe;
                    }
                }
                round += 1;
            }
        }
        Signature(out)
    }
}

impl Signer {
    /// Calls `f` with the key of every word shingle of `tokens` (token hashes, in order).
    #[inline]
    pub fn for_each_word_shingle(&self, n: usize, tokens: &[u64], mut f: impl FnMut(u64)) {
        if tokens.is_empty() {
            return;
        }
        let n = n.clamp(1, tokens.len());
        let s = seed_key(self.seed);
        // P^(n-1): the weight of the token that leaves the window.
        let lead = (1..n).fold(1u64, |p, _| p.wrapping_mul(POLY));
        let mut h = tokens[..n]
            .iter()
            .fold(0u64, |h, &t| h.wrapping_mul(POLY).wrapping_add(t));
        f(fmix64(h ^ s));
        for i in n..tokens.len() {
            h = h
                .wrapping_sub(tokens[i - n].wrapping_mul(lead))
                .wrapping_mul(POLY)
                .wrapping_add(tokens[i]);
            f(fmix64(h ^ s));
        }
    }

    /// Calls `f` with the key of every character shingle of one normalized paragraph.
    pub fn for_each_char_shingle(&self, n: usize, normalized: &str, mut f: impl FnMut(u64)) {
        if normalized.is_empty() {
            return;
        }
        let bounds: Vec<usize> = normalized
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(normalized.len()))
            .collect();
        let chars = bounds.len() - 1;
        let n = n.clamp(1, chars);
        for s in 0..=chars - n {
            f(xxh3_64_with_seed(
                &normalized.as_bytes()[bounds[s]..bounds[s + n]],
                self.seed,
            ));
        }
    }

    /// The shingle keys of a list of units: token hashes for word shingles, or character
    /// shingle keys (already final) for character shingles.
    pub fn for_each_shingle(&self, units: &[u64], f: impl FnMut(u64)) {
        match self.shingling {
            Shingling::Words(n) => self.for_each_word_shingle(n, units, f),
            Shingling::Chars(_) => units.iter().copied().for_each(f),
        }
    }

    /// Signature of a list of units (see [`Signer::for_each_shingle`]).
    pub fn sign_units(&self, units: &[u64]) -> Signature {
        let mut s = Sketcher::new(self.num_perm, self.seed);
        self.for_each_shingle(units, |k| s.add(k));
        s.finish()
    }

    /// The units of `text` for this signer's shingling: token hashes, or character-shingle keys
    /// of each line.
    pub fn units(&self, normalizer: &crate::text::Normalizer, text: &str, out: &mut Vec<u64>) {
        match self.shingling {
            Shingling::Words(_) => normalizer.for_each_token_hash(text, |t, _| out.push(t)),
            Shingling::Chars(n) => {
                for line in text.split('\n') {
                    let norm = normalizer.normalize(line);
                    self.for_each_char_shingle(n, &norm, |k| out.push(k));
                }
            }
        }
    }

    /// Normalizes, shingles and signs one text (no boilerplate or dateline removal: those need
    /// a corpus or a document structure; see [`Engine`](super::Engine)).
    pub fn sign(&self, normalizer: &crate::text::Normalizer, text: &str) -> Signature {
        self.sign_pieces(normalizer, &[text])
    }

    /// [`Signer::sign`] of pieces of text read one after the other, as if they were one text
    /// with a token break between them (a document with its dateline cut out).
    pub fn sign_pieces(&self, normalizer: &crate::text::Normalizer, pieces: &[&str]) -> Signature {
        let general = |units: &mut Vec<u64>| {
            for piece in pieces {
                self.units(normalizer, piece, units);
            }
            self.sign_units(units)
        };
        let mut units = Vec::new();
        let Shingling::Words(n) = self.shingling else {
            return general(&mut units);
        };
        // Word shingles as the tokens come, the same keys as `for_each_word_shingle`: the
        // sketch's scattered updates then overlap with tokenizing instead of a second pass.
        // The last `n` token hashes are kept in a ring; longer shingles take the general path.
        let n = n.max(1);
        if n > RING {
            return general(&mut units);
        }
        struct Rolling {
            sketch: Sketcher,
            ring: [u64; RING],
            count: usize,
            h: u64,
        }
        let s = seed_key(self.seed);
        let lead = (1..n).fold(1u64, |p, _| p.wrapping_mul(POLY));
        let start = Rolling {
            sketch: Sketcher::new(self.num_perm, self.seed),
            ring: [0; RING],
            count: 0,
            h: 0,
        };
        let mut r = start;
        for piece in pieces {
            r = normalizer.fold_token_hashes(
                piece,
                r,
                #[inline(always)]
                move |r, t| {
                    if r.count >= n {
                        r.h =
                            r.h.wrapping_sub(r.ring[(r.count - n) % RING].wrapping_mul(lead));
                    }
                    r.h = r.h.wrapping_mul(POLY).wrapping_add(t);
                    r.ring[r.count % RING] = t;
                    r.count += 1;
                    if r.count >= n {
                        r.sketch.add(fmix64(r.h ^ s));
                    }
                },
            );
        }
        // Fewer than `n` tokens: one shingle of them all.
        if (1..n).contains(&r.count) {
            r.sketch.add(fmix64(r.h ^ s));
        }
        r.sketch.finish()
    }

    /// The sorted, distinct shingle keys of `units`: the exact set whose Jaccard the signature estimates.
    pub fn shingle_set(&self, units: &[u64]) -> Vec<u64> {
        let mut v = Vec::with_capacity(units.len());
        self.for_each_shingle(units, |k| v.push(k));
        v.sort_unstable();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::token_hash;
    use crate::text::default_normalizer;

    #[test]
    fn identical_texts_have_identical_signatures_and_estimate_one() {
        let s = Signer::default();
        let n = default_normalizer();
        let a = s.sign(
            n,
            "قال المتحدث باسم وزارة الخارجية الأمريكية إن التحركات الدبلوماسية",
        );
        let b = s.sign(
            n,
            "قالَ المتحدث باسم وزارة الخارجيّة الأمريكيـة إنّ التحركات الدبلوماسيّة",
        );
        assert_eq!(a, b);
        assert_eq!(a.jaccard(&b), 1.0);
        assert_eq!(a.0.len(), 128);
        assert!(!a.is_empty());
    }

    #[test]
    fn streaming_sign_equals_sign_of_units() {
        let n = default_normalizer();
        for shingling in [
            Shingling::Words(1),
            Shingling::Words(3),
            Shingling::Words(5),
        ] {
            let s = Signer {
                shingling,
                ..Signer::default()
            };
            for text in [
                "",
                "كلمة",
                "كلمة ثانية",
                "واحد اثنان ثلاثة أربعة خمسة ستة سبعة",
            ] {
                let mut units = Vec::new();
                s.units(n, text, &mut units);
                assert_eq!(
                    s.sign(n, text),
                    s.sign_units(&units),
                    "{shingling:?} {text}"
                );
            }
        }
    }

    #[test]
    fn streaming_sign_equals_sign_of_units_on_the_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/saudinewsnet-sample.jsonl"
        );
        let text = std::fs::read_to_string(path).expect("fixture");
        let n = default_normalizer();
        for k in [1, 2, 3, 5, 9, 16, 17] {
            let s = Signer {
                shingling: Shingling::Words(k),
                ..Signer::default()
            };
            for line in text.lines().take(60) {
                let mut units = Vec::new();
                n.for_each_token(line, |t, _| units.push(token_hash(t)));
                assert_eq!(s.sign(n, line), s.sign_units(&units), "{k}");
                // The first words alone: fewer tokens than the shingle size.
                let head: String = line.chars().take(30).collect();
                let mut units = Vec::new();
                n.for_each_token(&head, |t, _| units.push(token_hash(t)));
                assert_eq!(s.sign(n, &head), s.sign_units(&units), "{k} {head}");
            }
        }
    }

    #[test]
    fn short_documents_get_one_shingle_and_empty_ones_none() {
        let s = Signer::default();
        assert_eq!(s.shingle_set(&[1, 2]).len(), 1);
        assert_eq!(s.shingle_set(&[]).len(), 0);
        let empty = s.sign_units(&[]);
        assert!(empty.is_empty());
        assert_eq!(empty.jaccard(&empty), 0.0);
        // A one-shingle document fills every bin by densification.
        assert!(s.sign_units(&[7]).0.iter().all(|&v| v != EMPTY_BIN));
    }
}
