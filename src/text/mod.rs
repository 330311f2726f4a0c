//! Arabic text normalization and tokenization, with spans back into the original text.
//!
//! Normalization runs in one pass over the characters, driven by a lookup table that the
//! [`Normalizer`] builds once from its [`NormalizeOptions`]. Each character is either
//! *dropped* (it vanishes but does not break the word: diacritics, tatweel, invisible marks),
//! *mapped* to one or more letters (alef forms, ى, ة, digits, ligatures, case), or it
//! *separates* tokens (spaces and punctuation). Every token keeps the byte span of the original
//! text it came from, so later stages can show the original spelling.
//!
//! The rules, each switchable in [`NormalizeOptions`]:
//!
//! | rule | effect | why |
//! |---|---|---|
//! | `diacritics` | drop U+064B–U+065F (harakat, tanween, shadda, sukun), U+0670, U+06D6–U+06ED, U+08D3–U+08FF | outlets vocalize the same words differently |
//! | `tatweel` | drop U+0640 | decorative stretching |
//! | `alef` | آ أ إ ٱ → ا | hamza on alef is written inconsistently |
//! | `alef_maqsura` | ى → ي | Egyptian and Saudi typesetting swap them |
//! | `teh_marbuta` | ة → ه | final ة is often typed as ه |
//! | `hamza_carriers` | ؤ → و, ئ → ي | carriers vary (مسؤول / مسئول remains a known miss) |
//! | `digits` | Arabic-Indic ٠–٩ and Persian ۰–۹ → 0–9 | one number, three scripts |
//! | `presentation_forms` | U+FB50–U+FDFF and U+FE70–U+FEFF → base letters (NFKC), lam-alef ligatures split | copy-paste from PDFs |
//! | `persian_letters` | ک ی ہ ھ ۃ → ك ي ه ه ه | keyboards with Persian/Urdu layouts |
//! | `invisible` | drop U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+061C, U+FEFF, U+00AD | bidi and zero-width marks from CMSs |
//! | `case` | lowercase Latin (and any cased script) | `NATO` = `Nato` |
//!
//! Everything that is not a letter, digit or combining mark separates tokens: whitespace,
//! ASCII punctuation and Arabic punctuation (، ؛ ؟ « » “ ” ٪ ٫ ٬ …).

pub mod sentences;
pub mod stem;
pub use sentences::sentences;

use std::ops::Range;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Which folds the [`Normalizer`] applies. `Default` turns every rule on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NormalizeOptions {
    pub diacritics: bool,
    pub tatweel: bool,
    pub alef: bool,
    pub alef_maqsura: bool,
    pub teh_marbuta: bool,
    pub hamza_carriers: bool,
    pub digits: bool,
    pub presentation_forms: bool,
    pub persian_letters: bool,
    pub invisible: bool,
    pub case: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            diacritics: true,
            tatweel: true,
            alef: true,
            alef_maqsura: true,
            teh_marbuta: true,
            hamza_carriers: true,
            digits: true,
            presentation_forms: true,
            persian_letters: true,
            invisible: true,
            case: true,
        }
    }
}

impl NormalizeOptions {
    /// Every rule off: only tokenization (letters and digits vs everything else).
    pub fn none() -> Self {
        NormalizeOptions {
            diacritics: false,
            tatweel: false,
            alef: false,
            alef_maqsura: false,
            teh_marbuta: false,
            hamza_carriers: false,
            digits: false,
            presentation_forms: false,
            persian_letters: false,
            invisible: false,
            case: false,
        }
    }

    /// The names of the rules, in the order of the table above; used by `--no-fold`.
    pub const RULES: [&'static str; 11] = [
        "diacritics",
        "tatweel",
        "alef",
        "alef_maqsura",
        "teh_marbuta",
        "hamza_carriers",
        "digits",
        "presentation_forms",
        "persian_letters",
        "invisible",
        "case",
    ];

    /// Turns one rule on or off by name; `false` if there is no such rule.
    pub fn set(&mut self, rule: &str, on: bool) -> bool {
        let field = match rule {
            "diacritics" => &mut self.diacritics,
            "tatweel" => &mut self.tatweel,
            "alef" => &mut self.alef,
            "alef_maqsura" => &mut self.alef_maqsura,
            "teh_marbuta" => &mut self.teh_marbuta,
            "hamza_carriers" => &mut self.hamza_carriers,
            "digits" => &mut self.digits,
            "presentation_forms" => &mut self.presentation_forms,
            "persian_letters" => &mut self.persian_letters,
            "invisible" => &mut self.invisible,
            "case" => &mut self.case,
            _ => return false,
        };
        *field = on;
        true
    }
}

/// What one character does. Small and `Copy` so the table stays cache-friendly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    /// Ends the current token.
    Separate,
    /// Vanishes without ending the token.
    Drop,
    /// Part of a token, written as this character (UTF-8 bytes and their count).
    Letter([u8; 4], u8),
    /// Part of a token, written as several characters (ligatures); index into the expansions.
    Expand(u16),
    /// A letter whose lowercase is several characters: lowercased at run time.
    Other,
}

/// The bytes of the token being built. Letters are stored 4 bytes at a time (a fixed-size copy
/// the compiler turns into one store) and the length, kept by the caller in a local so it can
/// live in a register, advances by the real width; a token longer than the inline array (a
/// URL, junk) moves to the heap.
struct TokenBuf {
    inline: [u8; 128],
    heap: Vec<u8>,
    spilled: bool,
}

impl TokenBuf {
    fn new() -> Self {
        TokenBuf {
            inline: [0; 128],
            heap: Vec::new(),
            spilled: false,
        }
    }

    /// Appends `n` bytes of `enc` to a token of `len` bytes. One comparison on the fast path:
    /// a spill happens only once `len` passes 124, and `len` only grows until `clear`, so a
    /// spilled buffer never takes the fast path.
    #[inline(always)]
    fn push(&mut self, len: usize, enc: [u8; 4], n: u8) {
        if len <= self.inline.len() - 4 {
            self.inline[len..len + 4].copy_from_slice(&enc);
        } else {
            if !self.spilled {
                self.heap.clear();
                self.heap.extend_from_slice(&self.inline[..len]);
                self.spilled = true;
            }
            self.heap.extend_from_slice(&enc[..n as usize]);
        }
    }

    #[inline(always)]
    fn bytes(&self, len: usize) -> &[u8] {
        if self.spilled {
            &self.heap
        } else {
            &self.inline[..len]
        }
    }

    /// XXH3-64 of the token of `len` bytes.
    #[inline(always)]
    fn hash(&self, len: usize) -> u64 {
        if len <= 16 {
            // Never spilled: a spill happens only past 124 bytes.
            let first: &[u8; 16] = self.inline[..16].try_into().expect("16 bytes");
            crate::hash::token_hash_padded(first, len)
        } else {
            crate::hash::term_hash(self.bytes(len))
        }
    }
}

/// Room a token must leave in the inline buffer for a 16-byte run copy.
const RUN_ROOM: usize = 128 - 16;

/// The code points below this bound are decided by table lookup (ASCII, Latin, Greek,
/// Cyrillic, Arabic); everything above that is not a special range goes through `Other`.
const TABLE_END: u32 = 0x0800;

/// One token: its normalized text and the byte range it came from in the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub span: Range<usize>,
}

/// Normalizes and tokenizes text by a fixed set of rules. Build once, use from many threads.
#[derive(Clone, Debug)]
pub struct Normalizer {
    options: NormalizeOptions,
    table: Vec<Action>,
    /// `table` packed for the hot loop (see [`pack`]); fixed size so masked indexing needs no
    /// bounds check.
    packed: Box<[u32; TABLE_END as usize]>,
    /// Presentation-form code points (U+FB50–U+FDFF, U+FE70–U+FEFF) → actions.
    presentation: Vec<Action>,
    expansions: Vec<Vec<Action>>,
    /// The CPU has SSSE3, for the runs of [`simd::run`].
    simd: bool,
    /// Lookups for [`simd::run`], derived from `table`.
    runs: simd::Tables,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer::new(NormalizeOptions::default())
    }
}

fn letter(c: char) -> Action {
    let mut enc = [0u8; 4];
    let len = c.encode_utf8(&mut enc).len() as u8;
    Action::Letter(enc, len)
}

/// Packs an action into a `u32` for the hot loop: the high byte is the kind — 0 separate,
/// 1–3 a letter of that many UTF-8 bytes (held in the low bytes, little-endian), 4 drop,
/// 5 expand (index in the low 16 bits), 6 other, 7 a 4-byte letter (looked up again).
fn pack(a: Action) -> u32 {
    match a {
        Action::Separate => 0,
        Action::Letter(enc, len) if len <= 3 => {
            (len as u32) << 24 | u32::from_le_bytes([enc[0], enc[1], enc[2], 0])
        }
        Action::Letter(..) => 7 << 24,
        Action::Drop => 4 << 24,
        Action::Expand(k) => 5 << 24 | k as u32,
        Action::Other => 6 << 24,
    }
}

fn presentation_index(c: u32) -> Option<usize> {
    match c {
        0xFB50..=0xFDFF => Some((c - 0xFB50) as usize),
        0xFE70..=0xFEFF => Some((0xFDFF - 0xFB50 + 1 + c - 0xFE70) as usize),
        _ => None,
    }
}

fn is_invisible(c: u32) -> bool {
    matches!(c, 0x200B..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0x061C | 0xFEFF | 0x00AD)
}

impl Normalizer {
    pub fn new(options: NormalizeOptions) -> Self {
        let mut n = Normalizer {
            options,
            table: Vec::with_capacity(TABLE_END as usize),
            packed: Box::new([0; TABLE_END as usize]),
            presentation: Vec::new(),
            expansions: Vec::new(),
            simd: simd::available(),
            runs: simd::Tables::new(|_| Action::Separate),
        };
        for cp in 0..TABLE_END {
            let a = char::from_u32(cp).map_or(Action::Separate, |c| n.base_action(c));
            n.table.push(a);
        }
        let ranges = [0xFB50u32..=0xFDFF, 0xFE70..=0xFEFF];
        for cp in ranges.into_iter().flatten() {
            let a = match char::from_u32(cp) {
                Some(c) if options.presentation_forms => n.decompose(c),
                Some(c) => n.base_action(c),
                None => Action::Separate,
            };
            n.presentation.push(a);
        }
        for (p, &a) in n.packed.iter_mut().zip(&n.table) {
            *p = pack(a);
        }
        n.runs = simd::Tables::new(|cp| n.table[cp as usize]);
        n
    }

    /// The action of a packed entry that is not a plain letter or separator.
    #[cold]
    fn unpack(&self, entry: u32, text: &str, i: usize) -> Action {
        match entry >> 24 {
            4 => Action::Drop,
            5 => Action::Expand(entry as u16),
            6 => Action::Other,
            _ => {
                // A letter of 4 UTF-8 bytes does not fit in 24 bits: decide it again.
                let c = text[i..].chars().next().expect("valid UTF-8");
                self.action_of(c)
            }
        }
    }

    pub fn options(&self) -> &NormalizeOptions {
        &self.options
    }

    /// The action for a character, before presentation forms are considered.
    fn base_action(&self, c: char) -> Action {
        let o = &self.options;
        let cp = c as u32;
        if o.invisible && is_invisible(cp) {
            return Action::Drop;
        }
        let mapped = match cp {
            0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x08D3..=0x08FF if o.diacritics => {
                return Action::Drop;
            }
            0x0640 if o.tatweel => return Action::Drop,
            0x0622 | 0x0623 | 0x0625 | 0x0671 if o.alef => 'ا',
            0x0649 if o.alef_maqsura => 'ي',
            0x0629 if o.teh_marbuta => 'ه',
            0x0624 if o.hamza_carriers => 'و',
            0x0626 if o.hamza_carriers => 'ي',
            0x0660..=0x0669 if o.digits => char::from(b'0' + (cp - 0x0660) as u8),
            0x06F0..=0x06F9 if o.digits => char::from(b'0' + (cp - 0x06F0) as u8),
            0x06A9 if o.persian_letters => 'ك',
            0x06CC if o.persian_letters => 'ي',
            0x06C1 | 0x06BE | 0x06C3 if o.persian_letters => 'ه',
            // Tatweel, diacritics and invisible marks with their rule off still belong to words.
            0x0640 | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED => c,
            _ if is_invisible(cp) => c,
            _ if c.is_alphanumeric() => {
                if o.case {
                    let mut lower = c.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) => l,
                        _ => return Action::Other,
                    }
                } else {
                    c
                }
            }
            _ if is_combining_mark(c) => c,
            _ => return Action::Separate,
        };
        letter(mapped)
    }

    /// A presentation form: its NFKC decomposition, each character then folded by the other rules.
    fn decompose(&mut self, c: char) -> Action {
        let parts: Vec<Action> = c
            .to_string()
            .nfkc()
            .map(|d| {
                let a = self.action_of(d);
                if a == Action::Other { letter(d) } else { a }
            })
            .collect();
        match parts.as_slice() {
            [] => Action::Drop,
            [single] => *single,
            _ => {
                self.expansions.push(parts);
                Action::Expand((self.expansions.len() - 1) as u16)
            }
        }
    }

    fn action_of(&self, c: char) -> Action {
        let cp = c as u32;
        // While the tables are being built, entries not made yet fall through to the rules.
        if cp < TABLE_END
            && let Some(a) = self.table.get(cp as usize)
        {
            return *a;
        }
        if let Some(i) = presentation_index(cp)
            && let Some(a) = self.presentation.get(i)
        {
            return *a;
        }
        self.base_action(c)
    }

    /// Calls `f(normalized, span)` for each token of `text`, in order. `span` is the token's
    /// byte range in `text`: from its first letter to its last letter or trailing mark.
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(&str, Range<usize>)) {
        self.for_each_token_bytes(text, |t, span| {
            f(
                std::str::from_utf8(t).expect("the normalizer writes UTF-8"),
                span,
            )
        })
    }

    /// [`Normalizer::for_each_token`] with the token as UTF-8 bytes.
    /// Walks bytes, not chars: every 1- and 2-byte UTF-8 sequence (U+0000–U+07FF, which holds
    /// ASCII and the Arabic block) is decoded inline and looked up in the table, whose entries
    /// carry their output already encoded. Where SSSE3 is available, runs of letters that stay
    /// in their block (ب, أ → ا, …) are copied and folded 16 bytes at a time (module `simd`).
    /// Reuses one buffer; allocates nothing per token.
    pub fn for_each_token_bytes(&self, text: &str, mut f: impl FnMut(&[u8], Range<usize>)) {
        self.scan(
            text,
            (),
            #[inline(always)]
            |_, buf, tl, span| f(buf.bytes(tl), span),
        )
    }

    /// [`Normalizer::for_each_token`] with each token's XXH3-64 ([`crate::copy::token_hash`])
    /// instead of its text. Hashing here, where the token buffer is at hand, lets short tokens
    /// be hashed from a padded buffer without a branch on their length.
    pub fn for_each_token_hash(&self, text: &str, mut f: impl FnMut(u64, Range<usize>)) {
        self.scan(
            text,
            (),
            #[inline(always)]
            |_, buf, tl, span| f(buf.hash(tl), span),
        )
    }

    /// Folds `f` over the XXH3-64 of each token, starting from `state`: the hot path of
    /// signing. The state is moved into the tokenizer's frame and back, so the compiler can
    /// keep it in registers; a closure's captures would stay behind pointers.
    pub fn fold_token_hashes<S>(&self, text: &str, state: S, mut f: impl FnMut(&mut S, u64)) -> S {
        self.scan(
            text,
            state,
            #[inline(always)]
            |s, buf, tl, _| f(s, buf.hash(tl)),
        )
    }

    /// Runs the tokenizer with the SIMD runs when they are usable, else the scalar one.
    #[inline(always)]
    fn scan<S>(
        &self,
        text: &str,
        state: S,
        f: impl FnMut(&mut S, &TokenBuf, usize, Range<usize>),
    ) -> S {
        #[cfg(target_arch = "x86_64")]
        if self.simd {
            // SAFETY: `simd` is set only when SSSE3 was detected at run time.
            return unsafe { self.tokens_ssse3(text, state, f) };
        }
        self.tokens_with::<false, S>(text, state, f)
    }

    /// The SIMD instance of [`Normalizer::tokens_with`], compiled with SSSE3 so the chunk scan
    /// inlines into the loop.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    fn tokens_ssse3<S>(
        &self,
        text: &str,
        state: S,
        f: impl FnMut(&mut S, &TokenBuf, usize, Range<usize>),
    ) -> S {
        self.tokens_with::<true, S>(text, state, f)
    }

    /// The tokenizer: calls `f(state, buffer, length, span)` for each token and returns the
    /// state. `SIMD` adds the runs of [`simd::run`] (instantiated with `true` only inside
    /// `tokens_ssse3`).
    #[inline(always)]
    fn tokens_with<const SIMD: bool, S>(
        &self,
        text: &str,
        mut state: S,
        mut f: impl FnMut(&mut S, &TokenBuf, usize, Range<usize>),
    ) -> S {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut buf = TokenBuf::new();
        let mut tl = 0usize; // the token's length in bytes
        let mut i = 0;
        while i < len {
            let mut start = i;
            // Most tokens start with a run of letters: copy it before any lookup.
            if SIMD && i >= 1 && i + 16 <= len {
                // SAFETY: `SIMD` is true only in `tokens_ssse3`, which runs with SSSE3.
                tl = unsafe { simd::run(&self.runs, &bytes[i - 1..i + 16], &mut buf.inline[..16]) };
                i += tl;
                if i == len {
                    f(&mut state, &buf, tl, start..i);
                    break;
                }
            }
            let (mut entry, mut width) = self.entry_at(text, i);
            let mut kind = entry >> 24;
            if tl == 0 && (kind == 0 || kind == 4) {
                // Between tokens: skip separators, and marks that have no letter to attach to.
                i += width;
                continue;
            }
            // A token starts at `start`; consume characters until a separator. Letters and
            // trailing marks alike extend the token, so its span always ends where the loop stops.
            let end = loop {
                if kind.wrapping_sub(1) < 3 {
                    // The common case: a letter of 1–3 UTF-8 bytes, stored as is.
                    buf.push(tl, entry.to_le_bytes(), kind as u8);
                    tl += kind as usize;
                    i += width;
                } else if kind == 0 {
                    // The separator ends the token and is consumed with it.
                    i += width;
                    break i - width;
                } else {
                    let next = i + width;
                    match self.unpack(entry, text, i) {
                        Action::Drop => {}
                        Action::Letter(enc, n) => {
                            buf.push(tl, enc, n);
                            tl += n as usize;
                        }
                        Action::Other => {
                            // A character whose lowercase is several characters (such as İ).
                            for l in text[i..next].chars().flat_map(char::to_lowercase) {
                                let mut e = [0u8; 4];
                                let n = l.encode_utf8(&mut e).len() as u8;
                                buf.push(tl, e, n);
                                tl += n as usize;
                            }
                        }
                        Action::Expand(k) => {
                            // A ligature such as ﷺ can hold several words; each gets its span.
                            for part in &self.expansions[k as usize] {
                                match *part {
                                    Action::Letter(enc, n) => {
                                        buf.push(tl, enc, n);
                                        tl += n as usize;
                                    }
                                    Action::Separate if tl > 0 => {
                                        f(&mut state, &buf, tl, start..next);
                                        buf.spilled = false;
                                        tl = 0;
                                        start = i;
                                    }
                                    _ => {}
                                }
                            }
                        }
                        Action::Separate => unreachable!("kind 0 is handled above"),
                    }
                    i = next;
                }
                // `i` is past a whole character (so `i >= 1`): copy the run that follows.
                if SIMD && i + 16 <= len && tl <= RUN_ROOM {
                    // SAFETY: `SIMD` is true only in `tokens_ssse3`, which runs with SSSE3.
                    let run = unsafe {
                        simd::run(
                            &self.runs,
                            &bytes[i - 1..i + 16],
                            &mut buf.inline[tl..tl + 16],
                        )
                    };
                    tl += run;
                    i += run;
                }
                if i >= len {
                    break i;
                }
                (entry, width) = self.entry_at(text, i);
                kind = entry >> 24;
            };
            if tl > 0 {
                f(&mut state, &buf, tl, start..end);
                buf.spilled = false;
                tl = 0;
            }
        }
        state
    }

    /// The packed entry of the character at byte `i` and its width in bytes. Every 1- and
    /// 2-byte UTF-8 sequence (U+0000–U+07FF: ASCII and the Arabic block) is decoded inline.
    #[inline(always)]
    fn entry_at(&self, text: &str, i: usize) -> (u32, usize) {
        let bytes = text.as_bytes();
        let b = bytes[i];
        if b < 0x80 {
            (self.packed[b as usize], 1)
        } else if b < 0xE0 {
            // The input is a valid &str, so the continuation byte exists.
            let cp = ((b as usize & 0x1F) << 6) | (bytes[i + 1] as usize & 0x3F);
            (self.packed[cp & 0x7FF], 2)
        } else {
            let c = text[i..].chars().next().expect("valid UTF-8");
            (pack(self.action_of(c)), c.len_utf8())
        }
    }

    /// All tokens of `text` with their spans.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.for_each_token(text, |t, span| {
            out.push(Token {
                text: t.to_owned(),
                span,
            })
        });
        out
    }

    /// The normalized text: tokens joined by one space, one output line per input line.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for (n, line) in text.split('\n').enumerate() {
            if n > 0 {
                out.push('\n');
            }
            let mut first = true;
            self.for_each_token(line, |t, _| {
                if !first {
                    out.push(' ');
                }
                out.push_str(t);
                first = false;
            });
        }
        out
    }
}

/// Runs of letters copied, and folded, 16 bytes at a time with SSSE3. A *run letter* is a
/// character the tables below can write without the scalar loop: an ASCII digit or letter that
/// stays as it is, or an Arabic letter of U+0620–U+064F that becomes a letter of the same block
/// (ب stays ب; with the default rules أ إ آ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي are folded in
/// place). News text is mostly such runs, so [`run`] classifies 16 bytes at once (nibble
/// lookups), folds them by XOR, and copies the run of whole run letters at their start; the
/// table handles whatever stops it (a space, a diacritic, a digit to convert, …). The tables
/// are derived from the normalizer's own actions, so the runs follow its options. Tested
/// against the scalar path in `tests::simd_and_scalar_paths_agree*`.
mod simd {
    use super::Action;

    /// Whether this CPU can run [`run`].
    pub(super) fn available() -> bool {
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
    pub(super) struct Tables {
        high: [u8; 16],
        low: [u8; 16],
        /// The classes a continuation may have after D8 (entry 0) and D9 (entry 1).
        after: [u8; 16],
        fold_d8_a: [u8; 16],
        fold_d9_8: [u8; 16],
    }

    impl Tables {
        /// The tables for a normalizer whose action for code point `cp` is `action(cp)`.
        pub(super) fn new(action: impl Fn(u32) -> Action) -> Tables {
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
    pub(super) unsafe fn run(t: &Tables, src: &[u8], dst: &mut [u8]) -> usize {
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
    pub(super) unsafe fn run(_t: &Tables, _src: &[u8], _dst: &mut [u8]) -> usize {
        0
    }
}

/// The process-wide default normalizer, built on first use.
pub fn default_normalizer() -> &'static Normalizer {
    static N: OnceLock<Normalizer> = OnceLock::new();
    N.get_or_init(Normalizer::default)
}

/// News agencies as they appear in datelines, normalized (multi-word names as token lists).
const AGENCIES: &[&[&str]] = &[
    &["واس"],
    &["ا", "ف", "ب"],
    &["اف", "ب"],
    &["رويترز"],
    &["د", "ب", "ا"],
    &["الاناضول"],
    &["قنا"],
    &["وام"],
    &["بنا"],
    &["كونا"],
    &["سبا"],
    &["سانا"],
    &["وفا"],
    &["العمانيه"],
    &["الفرنسيه"],
    &["الالمانيه"],
    &["يو", "بي", "اي"],
    &["اسوشيتد", "برس"],
    &["شينخوا"],
    &["ونا"],
];

fn ends_with_agency(words: &[&str]) -> bool {
    AGENCIES.iter().any(|a| words.ends_with(a))
}

const DASHES: &[char] = &['-', '–', '—', '_'];

impl Normalizer {
    /// The byte offset where the news starts in the first line of an article, past a dateline
    /// such as «الرياض - واس:», «جدة: عكاظ —» or a whole line «بريدة 25 شوال 1436 هـ … واس»;
    /// 0 when there is none. Outlets rewrite datelines when they copy, so they are left out of
    /// the shingles. Rules (checked on the first 12 tokens only):
    /// 1. a colon after at most 8 tokens, where the prefix holds a dash or ends with an agency;
    /// 2. a dash after at most 4 tokens followed by an agency name (then an optional colon);
    /// 3. a line of at most 14 tokens that ends with an agency name (the whole line goes).
    pub fn dateline_end(&self, line: &str) -> usize {
        // Only the start of the line matters: tokenize at most ~600 bytes of it.
        let mut cut = line.len().min(600);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &line[..cut];
        let mut buf = String::new();
        let mut toks: Vec<(Range<usize>, Range<usize>)> = Vec::with_capacity(16); // (in buf, span)
        self.for_each_token(head, |t, span| {
            if toks.len() < 15 {
                let at = buf.len();
                buf.push_str(t);
                toks.push((at..buf.len(), span));
            }
        });
        if toks.is_empty() {
            return 0;
        }
        let whole_line = cut == line.len() && toks.len() < 15;
        let words: Vec<&str> = toks.iter().map(|(b, _)| &buf[b.clone()]).collect();
        // The separator text between token i and i+1 (or after the last one).
        let gap = |i: usize| {
            let from = toks[i].1.end;
            let to = toks.get(i + 1).map_or(line.len(), |t| t.1.start);
            &line[from..to]
        };
        for i in 0..toks.len().min(8) {
            let g = gap(i);
            if g.contains(['.', '!', '?', '؟']) {
                break;
            }
            if g.contains(':') {
                let dashed = (0..i).any(|j| gap(j).contains(DASHES)) || g.contains(DASHES);
                if dashed || ends_with_agency(&words[..=i]) {
                    return toks.get(i + 1).map_or(line.len(), |t| t.1.start);
                }
                break;
            }
        }
        for i in 0..toks.len().min(4) {
            if gap(i).contains(DASHES) {
                for a in AGENCIES {
                    if words[i + 1..].starts_with(a) {
                        let last = i + a.len();
                        return toks.get(last + 1).map_or(line.len(), |t| t.1.start);
                    }
                }
                break;
            }
        }
        if whole_line && ends_with_agency(&words) {
            return line.len();
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        default_normalizer().normalize(s)
    }

    #[test]
    fn folds_each_default_rule() {
        assert_eq!(norm("مُحَمَّدٌ"), "محمد");
        assert_eq!(norm("الـــعـــربية"), "العربيه");
        assert_eq!(norm("أحمد إلى آخر ٱلله"), "احمد الي اخر الله");
        assert_eq!(norm("مدرسة"), "مدرسه");
        assert_eq!(norm("مسؤول رئيس"), "مسوول رييس");
        assert_eq!(norm("٢٠٢٢ ۱۴۰۰"), "2022 1400");
        assert_eq!(norm("\u{FEFB}"), "لا"); // lam-alef with hamza below → لا
        assert_eq!(
            norm("\u{FE8D}\u{FEDF}\u{FEE4}\u{FEAE}\u{FE8E}\u{FE93}"),
            "المراه"
        );
        assert_eq!(norm("کتاب یوم"), "كتاب يوم");
        assert_eq!(norm("NATO Nato"), "nato nato");
        assert_eq!(norm("مو\u{200F}سكو\u{200B}"), "موسكو");
        assert_eq!(norm("الرياض - واس: «قال»، و؛ هل؟"), "الرياض واس قال و هل");
    }

    #[test]
    fn ligature_with_spaces_yields_several_tokens_with_the_ligature_span() {
        let text = "النبي ﷺ قال";
        let toks = default_normalizer().tokens(text);
        let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["النبي", "صلي", "الله", "عليه", "وسلم", "قال"]);
        let lig = text.find('ﷺ').unwrap();
        for t in &toks[1..5] {
            assert_eq!(t.span, lig..lig + 'ﷺ'.len_utf8());
        }
    }

    #[test]
    fn spans_cover_the_original_spelling_including_trailing_marks() {
        let text = "\u{200F}قالَ  المُتَحَدِّثُ،";
        let toks = default_normalizer().tokens(text);
        assert_eq!(toks.len(), 2);
        assert_eq!(&text[toks[0].span.clone()], "قالَ");
        assert_eq!(&text[toks[1].span.clone()], "المُتَحَدِّثُ");
        assert_eq!(toks[1].text, "المتحدث");
    }

    #[test]
    fn rules_can_be_switched_off() {
        let mut o = NormalizeOptions::default();
        assert!(o.set("teh_marbuta", false));
        assert!(o.set("hamza_carriers", false));
        assert!(!o.set("no_such_rule", false));
        let n = Normalizer::new(o);
        assert_eq!(n.normalize("مدرسة مسؤول"), "مدرسة مسؤول");
        let raw = Normalizer::new(NormalizeOptions::none());
        assert_eq!(raw.normalize("أَحمد NATO"), "أَحمد NATO");
    }

    #[test]
    fn finds_datelines() {
        let n = default_normalizer();
        let cut = |l: &str| l[n.dateline_end(l)..].to_string();
        assert_eq!(cut("الرياض - واس: أعلن الوزير"), "أعلن الوزير");
        assert_eq!(cut("القاهرة – أ ف ب: قال"), "قال");
        assert_eq!(cut("جدة - واس أعلن الوزير"), "أعلن الوزير");
        assert_eq!(
            cut(" بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس"),
            ""
        );
        assert_eq!(cut("لندن (رويترز): ارتفعت"), "ارتفعت");
        // Not datelines: a quote after a colon, a dash inside a sentence, a long line.
        assert_eq!(cut("قال الوزير: إن"), "قال الوزير: إن");
        assert_eq!(
            cut("أعلن الوزير أن الاتفاق - وهو الأول - سيوقع"),
            "أعلن الوزير أن الاتفاق - وهو الأول - سيوقع"
        );
        assert_eq!(cut(""), "");
    }

    /// Every token with its span and XXH3 hash (the signing unit), by the scalar path or by
    /// the public functions (SIMD where available); their hashes are checked against XXH3.
    fn token_list(n: &Normalizer, text: &str, scalar: bool) -> Vec<(Vec<u8>, Range<usize>, u64)> {
        let mut out = Vec::new();
        if scalar {
            n.tokens_with::<false, _>(text, (), |_, b, tl, span| {
                out.push((b.bytes(tl).to_vec(), span, b.hash(tl)))
            });
        } else {
            n.for_each_token_bytes(text, |t, span| out.push((t.to_vec(), span, 0)));
            let mut k = 0;
            n.for_each_token_hash(text, |h, span| {
                assert_eq!(out[k].1, span);
                out[k].2 = h;
                k += 1;
            });
            assert_eq!(k, out.len());
        }
        for (t, _, h) in &out {
            assert_eq!(*h, crate::hash::term_hash(t));
        }
        out
    }

    /// The default rules, every rule off, and each rule off alone.
    fn option_sets() -> Vec<NormalizeOptions> {
        let mut sets = vec![NormalizeOptions::default(), NormalizeOptions::none()];
        for rule in NormalizeOptions::RULES {
            let mut o = NormalizeOptions::default();
            o.set(rule, false);
            sets.push(o);
        }
        sets
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn runs_take_exactly_the_letters_the_table_writes_in_place() {
        if !simd::available() {
            return;
        }
        for o in option_sets() {
            let n = Normalizer::new(o);
            for cp in 1..0x800u32 {
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                let w = c.len_utf8();
                let mut own = [0u8; 4];
                c.encode_utf8(&mut own);
                // What a run may take, stated per code point (the tables state it per nibble).
                let out = match n.table[cp as usize] {
                    Action::Letter(enc, 1) if cp < 0x80 && (3..=7).contains(&(cp >> 4)) => {
                        (enc[0] == cp as u8).then_some(enc)
                    }
                    Action::Letter(enc, 2) if (0x620..=0x64F).contains(&cp) => {
                        let arabic = enc[0] == 0xD8 || enc[0] == 0xD9;
                        let kept = !(0x630..=0x63F).contains(&cp) || enc == own;
                        (arabic && kept).then_some(enc)
                    }
                    _ => None,
                };
                for at in [0usize, 7, 14, 15] {
                    // `at` letters b, then c, then spaces; the byte before the chunk is a space.
                    let mut src = vec![b' '];
                    src.extend(std::iter::repeat_n(b'b', at));
                    src.extend_from_slice(&own[..w]);
                    src.resize(17, b' ');
                    let mut dst = [0u8; 16];
                    // SAFETY: SSSE3 was detected above.
                    let run = unsafe { simd::run(&n.runs, &src, &mut dst) };
                    assert_eq!(dst[..at], src[1..=at]);
                    match out {
                        Some(enc) if at + w <= 16 => {
                            assert_eq!(run, at + w, "U+{cp:04X} after {at} letters, {o:?}");
                            assert_eq!(dst[at..at + w], enc[..w], "U+{cp:04X}, {o:?}");
                        }
                        _ => assert_eq!(run, at, "U+{cp:04X} after {at} letters, {o:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn default_runs_fold_the_common_letters() {
        let n = default_normalizer();
        let text = "أإآا بةى ؤئ";
        let mut got = Vec::new();
        // SAFETY: only with SSSE3.
        if n.simd {
            let src = [&b" "[..], text.as_bytes()].concat();
            let mut dst = [0u8; 16];
            let run = unsafe { simd::run(&n.runs, &src[..17], &mut dst) };
            got.extend_from_slice(&dst[..run]);
            assert_eq!(std::str::from_utf8(&got).unwrap(), "اااا");
        }
        assert_eq!(n.normalize(text), "اااا بهي وي");
    }

    /// Text that makes the run copy stop everywhere it can: plain and folded letters, runs
    /// crossing 16-byte chunks and the 112-byte inline limit, Latin of both cases, digits,
    /// marks, ligatures, 3- and 4-byte characters, separators.
    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "ا",
            "أ",
            "إ",
            "آ",
            "ب",
            "ت",
            "ة",
            "ه",
            "ى",
            "ي",
            "ئ",
            "ؤ",
            "و",
            "ء",
            "ل",
            "غ",
            "ػ",
            "ف",
            "ـ",
            "\u{064E}",
            "\u{0651}",
            "\u{0670}",
            "٢",
            "۴",
            "ک",
            "ی",
            "پ",
            "ڤ",
            "7",
            "0",
            "a",
            "z",
            "A",
            "Z",
            "é",
            "É",
            "İ",
            "ß",
            "Ω",
            "\u{FEFB}",
            "\u{FDFA}",
            "\u{200F}",
            "\u{FEFF}",
            "€",
            "😀",
            "𝐀",
            " ",
            "\n",
            "،",
            "«",
            "»",
            ".",
            "-",
            "الرياض",
            "المملكة",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "بببببببببببببببببببببببببببببب",
        ]);
        prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn simd_and_scalar_paths_agree(text in mixed_text()) {
            let n = default_normalizer();
            proptest::prop_assert_eq!(token_list(n, &text, false), token_list(n, &text, true));
        }

        #[test]
        fn simd_and_scalar_paths_agree_with_rules_off(text in mixed_text()) {
            let n = Normalizer::new(NormalizeOptions::none());
            proptest::prop_assert_eq!(token_list(&n, &text, false), token_list(&n, &text, true));
        }

        #[test]
        fn simd_and_scalar_paths_agree_under_any_rules(
            text in mixed_text(),
            rules in proptest::collection::vec(proptest::bool::ANY, NormalizeOptions::RULES.len()),
        ) {
            let mut o = NormalizeOptions::default();
            for (rule, on) in NormalizeOptions::RULES.iter().zip(rules) {
                o.set(rule, on);
            }
            let n = Normalizer::new(o);
            proptest::prop_assert_eq!(token_list(&n, &text, false), token_list(&n, &text, true));
        }
    }

    #[test]
    fn runs_that_reach_the_end_of_the_text() {
        let n = default_normalizer();
        // A run of exactly 16 bytes ending the text, at a token start and inside a token.
        for text in [
            " بببببببب",
            " أبببببببب",
            " aaaaaaaaaaaaaaaa",
            "ة ببببببببب",
        ] {
            assert_eq!(
                token_list(n, text, false),
                token_list(n, text, true),
                "{text}"
            );
        }
    }

    #[test]
    fn simd_and_scalar_paths_agree_on_the_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/saudinewsnet-sample.jsonl"
        );
        let text = std::fs::read_to_string(path).expect("fixture");
        let n = default_normalizer();
        for line in text.lines() {
            assert_eq!(token_list(n, line, false), token_list(n, line, true));
        }
    }

    #[test]
    fn very_long_tokens_survive_the_inline_buffer() {
        let long = "ب".repeat(500) + "أ";
        let toks = default_normalizer().tokens(&format!("قبل {long} بعد"));
        assert_eq!(toks.len(), 3);
        assert_eq!(toks[1].text, "ب".repeat(500) + "ا");
    }
}
