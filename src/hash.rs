//! The one specified hash of tokens and terms.
//!
//! Saved artefacts depend on it bit for bit: MinHash signatures (`naql-oph-v2`) and the index
//! hash normalized tokens with it; IDF and LSA tables (`naql-idf-v2`) key their terms by it;
//! stopword lists and sentence alignment use it so that their keys agree with those tables.
//! It is XXH3-64 with seed 0 of the UTF-8 bytes. Changing it is a format change: every
//! versioned format above would need a new version. Every hash of a word in naql goes through
//! this module, so there is one place to read what it is.

use xxhash_rust::xxh3::xxh3_64;

/// The hash of a term or stem (story vectors, IDF tables, stopwords, sentence alignment): the
/// same function as [`token_hash`], over bytes.
#[inline]
pub fn term_hash(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The token hash: XXH3-64 (seed 0) of a normalized token's UTF-8 bytes.
#[inline]
pub fn token_hash(token: &str) -> u64 {
    xxh3_64(token.as_bytes())
}

/// XXH3-64 (seed 0) of `buf[..len]` (`len` ≤ 16), the same value as [`token_hash`]; `buf` may
/// hold any bytes after `len`. Tokens of 4–16 bytes (most Arabic words) take both of XXH3's short
/// formulas, 4–8 and 9–16 bytes, and keep one without a branch: which one applies changes from
/// word to word, and a mispredicted branch per token cost more than the second formula. That
/// needs 16 readable bytes, hence the padded buffer. Other lengths go to the library.
#[inline]
pub(crate) fn token_hash_padded(buf: &[u8; 16], len: usize) -> u64 {
    if !(4..=16).contains(&len) {
        return xxh3_64(&buf[..len]);
    }
    // XOR of pairs of 8-byte words of XXH3's default secret (bytes 8–24, 24–40, 40–56), as the
    // spec uses them with seed 0; `token_hash_padded_is_xxh3` checks the result on every length.
    const FLIP_4_8: u64 = 0xc73a_b174_c5ec_d5a2;
    const FLIP_9_16_LO: u64 = 0x6782_737b_ea42_39b9;
    const FLIP_9_16_HI: u64 = 0xaf56_bc3b_0996_523a;
    const PRIME_MX2: u64 = 0x9FB2_1C65_1E98_DF25;
    let n = len as u64;
    let r32 = |at: usize| u32::from_le_bytes(buf[at..at + 4].try_into().expect("4 bytes"));
    let r64 = |at: usize| u64::from_le_bytes(buf[at..at + 8].try_into().expect("8 bytes"));
    // 4–8 bytes: the first and last 4 bytes, then rrmxmx.
    let mut h = ((r32(0) as u64) << 32).wrapping_add(r32(len - 4) as u64) ^ FLIP_4_8;
    h ^= h.rotate_left(49) ^ h.rotate_left(24);
    h = h.wrapping_mul(PRIME_MX2);
    h ^= (h >> 35).wrapping_add(n);
    h = h.wrapping_mul(PRIME_MX2);
    let short = h ^ (h >> 28);
    // 9–16 bytes: the first and last 8 bytes (for a shorter token the second read is a
    // stand-in, and its result is dropped), a folded 128-bit product, then the XXH3 avalanche.
    let lo = r64(0) ^ FLIP_9_16_LO;
    let hi = r64(len.max(8) - 8) ^ FLIP_9_16_HI;
    let product = (lo as u128).wrapping_mul(hi as u128);
    let mut acc = n
        .wrapping_add(lo.swap_bytes())
        .wrapping_add(hi)
        .wrapping_add(product as u64 ^ (product >> 64) as u64);
    acc ^= acc >> 37;
    acc = acc.wrapping_mul(0x1656_6791_9E37_79F9);
    let long = acc ^ (acc >> 32);
    // A plain `if` compiles back into branches on the length.
    std::hint::select_unpredictable(len <= 8, short, long)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_padded_is_xxh3() {
        // Every length, bytes after the token set to junk, many random contents.
        let mut x = 0x1234_5678_9abc_def0u64;
        for round in 0..20_000 {
            let mut buf = [0u8; 16];
            for b in &mut buf {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            let len = round % 17;
            assert_eq!(token_hash_padded(&buf, len), xxh3_64(&buf[..len]), "{len}");
        }
        let word = "المملكة".as_bytes();
        let mut buf = [0xAAu8; 16];
        buf[..word.len()].copy_from_slice(word);
        assert_eq!(token_hash_padded(&buf, word.len()), token_hash("المملكة"));
    }

    #[test]
    fn the_hash_is_pinned() {
        // Saved tables and signatures depend on these exact values.
        assert_eq!(token_hash("المملكة"), term_hash("المملكة".as_bytes()));
        assert_eq!(token_hash(""), 0x2d06_8005_38d3_94c2);
    }
}
