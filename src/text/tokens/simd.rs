//! Runs of letters copied, and folded, 16 bytes at a time with SSSE3. A *run letter* is a
//! character the tables below can write without the scalar loop: an ASCII digit or letter that
//! stays as it is, or an Arabic letter of U+0620–U+064F that becomes a letter of the same block
//! (ب stays ب; with the default rules أ إ آ → ا, ة → ه, ى → ي, ؤ ئ → ء are folded in
//! place). News text is mostly such runs, so [`run`] classifies 16 bytes at once (nibble
//! lookups), folds them by XOR, and copies the run of whole run letters at their start; the
//! table handles whatever stops it (a space, a diacritic, a digit to convert, …). The tables
//! are derived from the normalizer's own actions, so the runs follow its options. Tested
//! against the scalar path in `text::tokens::tests::simd_and_scalar_paths_agree*`.

use crate::text::normalize::Action;

/// Whether this CPU can run [`run`].
pub(in crate::text) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("ssse3")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

// A byte's classes are the AND of a lookup by its high nibble and one by its low nibble.
// An Arabic class holds the continuation bytes of one lead and high nibble (U+0620–U+062F
// is D8 A0–AF, U+0630–U+063F is D8 B0–BF, U+0640–U+064F is D9 80–8F); the other five hold
// the ASCII bytes of high nibble 3 to 7.
const D8_A: u8 = 1;
const D8_B: u8 = 2;
const D9_8: u8 = 4;
const ASCII: u8 = 0xF8;

/// The lookups of one normalizer. A fold is the XOR that turns a continuation byte into
/// its letter's, plus 0x40 when the lead changes too (D8 ↔ D9, an XOR of 1).
#[derive(Clone, Debug)]
pub(in crate::text) struct Tables {
    high: [u8; 16],
    low: [u8; 16],
    /// The classes a continuation may have after D8 (entry 0) and D9 (entry 1).
    after: [u8; 16],
    fold_d8_a: [u8; 16],
    fold_d9_8: [u8; 16],
}

impl Tables {
    /// The tables for a normalizer whose action for code point `cp` is `action(cp)`.
    pub(in crate::text) fn new(action: impl Fn(u32) -> Action) -> Tables {
        let mut t = Tables {
            high: [0; 16],
            low: [0; 16],
            after: [0; 16],
            fold_d8_a: [0; 16],
            fold_d9_8: [0; 16],
        };
        t.after[0] = D8_A | D8_B;
        t.after[1] = D9_8;
        t.high[0x8] = D9_8;
        t.high[0xA] = D8_A;
        t.high[0xB] = D8_B;
        for hi in 3..=7u8 {
            t.high[hi as usize] = 1 << hi;
        }
        for lo in 0..16u8 {
            for hi in 3..=7u8 {
                let b = hi << 4 | lo;
                if matches!(action(b as u32), Action::Letter(enc, 1) if enc[0] == b) {
                    t.low[lo as usize] |= 1 << hi;
                }
            }
            let groups = [
                (D8_A, 0xD8u8, 0xA0u8, Some(&mut t.fold_d8_a)),
                (D8_B, 0xD8, 0xB0, None), // no fold table: only letters kept as they are
                (D9_8, 0xD9, 0x80, Some(&mut t.fold_d9_8)),
            ];
            for (class, lead, hi, fold) in groups {
                let cont = hi | lo;
                let cp = ((lead as u32 & 0x1F) << 6) | (cont as u32 & 0x3F);
                let Action::Letter(enc, 2) = action(cp) else {
                    continue;
                };
                if enc[0] != 0xD8 && enc[0] != 0xD9 {
                    continue;
                }
                let xor = (cont ^ enc[1]) | if enc[0] != lead { 0x40 } else { 0 };
                match fold {
                    Some(f) => f[lo as usize] = xor,
                    None if xor != 0 => continue,
                    None => {}
                }
                t.low[lo as usize] |= class;
            }
        }
        t
    }
}

/// Writes the folded `src[1..17]` to `dst` and returns how many of its leading bytes are
/// whole run letters (0–16). `src[0]` is the byte before the chunk and `src[1]` must start
/// a character: a continuation byte counts only after the lead of its class, and a lead
/// only when its continuation counts, so a letter cut by the chunk's end is left out.
///
/// # Safety
/// The CPU must support SSSE3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
pub(in crate::text) unsafe fn run(t: &Tables, src: &[u8], dst: &mut [u8]) -> usize {
    use std::arch::x86_64::*;
    let src: &[u8; 17] = src.try_into().expect("17 source bytes");
    let dst: &mut [u8; 16] = dst.try_into().expect("16 destination bytes");
    // SAFETY: 16-byte unaligned loads at offsets 0 and 1 of a 17-byte array and from
    // 16-byte tables.
    let [prev, cur, high, low, after, fold_d8_a, fold_d9_8] = unsafe {
        [
            src.as_ptr(),
            src.as_ptr().add(1),
            t.high.as_ptr(),
            t.low.as_ptr(),
            t.after.as_ptr(),
            t.fold_d8_a.as_ptr(),
            t.fold_d9_8.as_ptr(),
        ]
        .map(|p| _mm_loadu_si128(p.cast()))
    };
    let nibble = _mm_set1_epi8(0x0F);
    let low_nibble = _mm_and_si128(cur, nibble);
    let class = _mm_and_si128(
        _mm_shuffle_epi8(high, _mm_and_si128(_mm_srli_epi16(cur, 4), nibble)),
        _mm_shuffle_epi8(low, low_nibble),
    );
    // The continuation classes each byte may have, looked up by the byte before it: D8 → 0
    // and D9 → 1 pick their entries; every other byte ends up at 0x72 or above, whose
    // entry is 0 (0x72–0x7F) or which the shuffle zeroes (0x80 and above).
    let lead = _mm_adds_epu8(
        _mm_xor_si128(prev, _mm_set1_epi8(0xD8u8 as i8)),
        _mm_set1_epi8(0x70),
    );
    let cont = _mm_and_si128(class, _mm_shuffle_epi8(after, lead));
    // A counted continuation makes its lead count too.
    let letters = _mm_or_si128(
        _mm_and_si128(class, _mm_set1_epi8(ASCII as i8)),
        _mm_or_si128(cont, _mm_srli_si128(cont, 1)),
    );
    let stops = _mm_movemask_epi8(_mm_cmpeq_epi8(letters, _mm_setzero_si128())) as u32;
    // Folds: each continuation's XOR by its class, and the lead's flip one byte earlier.
    let in_class = |c: u8| {
        let c = _mm_set1_epi8(c as i8);
        _mm_cmpeq_epi8(_mm_and_si128(cont, c), c)
    };
    let fold = _mm_or_si128(
        _mm_and_si128(_mm_shuffle_epi8(fold_d8_a, low_nibble), in_class(D8_A)),
        _mm_and_si128(_mm_shuffle_epi8(fold_d9_8, low_nibble), in_class(D9_8)),
    );
    let lead_flip = _mm_srli_si128(
        _mm_srli_epi16(_mm_and_si128(fold, _mm_set1_epi8(0x40)), 6),
        1,
    );
    let out = _mm_xor_si128(
        _mm_xor_si128(cur, lead_flip),
        _mm_and_si128(fold, _mm_set1_epi8(0x3F)),
    );
    // SAFETY: a 16-byte store into a 16-byte array.
    unsafe { _mm_storeu_si128(dst.as_mut_ptr().cast(), out) };
    (stops | 1 << 16).trailing_zeros() as usize
}

/// Never called: the scalar path has no runs.
#[cfg(not(target_arch = "x86_64"))]
pub(in crate::text) unsafe fn run(_t: &Tables, _src: &[u8], _dst: &mut [u8]) -> usize {
    0
}
