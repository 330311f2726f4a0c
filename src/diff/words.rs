//! Step 5: word edits between the tokens of two paired sentence runs, with spans into the
//! original texts.

use std::ops::Range;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::sentences::Tok;
use super::{Edit, Op};

/// Word edits between the tokens of two paired sentence runs: every non-equal edit, plus equal
/// runs spelled differently.
pub(super) fn word_edits(
    a: &str,
    b: &str,
    ta: &[&Tok],
    tb: &[&Tok],
    max_tokens: usize,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for op in diff_ops(ta, tb, max_tokens) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => spelling_edits(a, b, ta, tb, (old_index, new_index, len), &mut edits),
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => edits.push(Edit {
                op: Op::Delete,
                a: span(ta, old_index, old_len),
                b: span(tb, new_index, 0),
                spelling: false,
            }),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => edits.push(Edit {
                op: Op::Insert,
                a: span(ta, old_index, 0),
                b: span(tb, new_index, new_len),
                spelling: false,
            }),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => edits.push(Edit {
                op: Op::Replace,
                a: span(ta, old_index, old_len),
                b: span(tb, new_index, new_len),
                spelling: false,
            }),
        }
    }
    edits
}

/// The diff of the normalized tokens: all equal when they are, one replacement when the
/// sides together exceed `max_tokens` (bounded time), else Myers.
fn diff_ops(ta: &[&Tok], tb: &[&Tok], max_tokens: usize) -> Vec<DiffOp> {
    let same = ta.len() == tb.len() && ta.iter().zip(tb).all(|(x, y)| x.norm == y.norm);
    if same {
        vec![DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: ta.len(),
        }]
    } else if ta.len() + tb.len() > max_tokens {
        vec![DiffOp::Replace {
            old_index: 0,
            old_len: ta.len(),
            new_index: 0,
            new_len: tb.len(),
        }]
    } else {
        let na: Vec<u64> = ta.iter().map(|t| t.norm).collect();
        let nb: Vec<u64> = tb.iter().map(|t| t.norm).collect();
        capture_diff_slices(Algorithm::Myers, &na, &nb)
    }
}

/// In an equal run of `len` tokens (from `old_index` in A, `new_index` in B), the runs of words
/// spelled differently, each as its own edit.
fn spelling_edits(
    a: &str,
    b: &str,
    ta: &[&Tok],
    tb: &[&Tok],
    (old_index, new_index, len): (usize, usize, usize),
    edits: &mut Vec<Edit>,
) {
    let mut k = 0;
    while k < len {
        let differs =
            |k: usize| a[ta[old_index + k].span.clone()] != b[tb[new_index + k].span.clone()];
        if !differs(k) {
            k += 1;
            continue;
        }
        let start = k;
        while k < len && differs(k) {
            k += 1;
        }
        edits.push(Edit {
            op: Op::Equal,
            a: span(ta, old_index + start, k - start),
            b: span(tb, new_index + start, k - start),
            spelling: true,
        });
    }
}

/// Byte range of tokens `k..k + len` of a side; an empty range at the gap when `len` is 0.
fn span(toks: &[&Tok], k: usize, len: usize) -> Range<usize> {
    if len > 0 {
        toks[k].span.start..toks[k + len - 1].span.end
    } else if k > 0 {
        toks[k - 1].span.end..toks[k - 1].span.end
    } else {
        toks.first().map_or(0..0, |t| t.span.start..t.span.start)
    }
}
