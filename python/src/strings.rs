//! Python strings to UTF-8 without holding the GIL for the encoding: Arabic text is held by
//! CPython two bytes a character, and its own UTF-8 encoder (what every extension under the
//! stable ABI of 3.9 must call) runs on one thread under the GIL at about 600 MB/s, as long as
//! signing on two cores. Copying the code points out is a widening copy; the pool encodes them
//! with simdutf, several times faster than a scalar encoder on Arabic text.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// The texts of a batch as code points, one after the other.
#[derive(Default)]
pub struct CodePoints {
    all: Vec<u32>,
    ends: Vec<usize>,
}

impl CodePoints {
    /// Empties the batch, keeping its room.
    pub fn clear(&mut self) {
        self.all.clear();
        self.ends.clear();
    }

    /// Appends the code points of `item`, which must be a `str`.
    pub fn push(&mut self, item: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = item.py();
        let s = item.cast::<PyString>()?;
        // SAFETY: `s` is a live `str`, borrowed for the call.
        let len = unsafe { ffi::PyUnicode_GetLength(s.as_ptr()) };
        let len = usize::try_from(len).map_err(|_| PyErr::fetch(py))?;
        let start = self.all.len();
        self.all.reserve(len);
        if len > 0 {
            // SAFETY: room for `len` values after `start` is reserved, and `PyUnicode_AsUCS4`
            // writes the string's `len` code points there (no NUL: `copy_null` is 0) or fails.
            let written = unsafe {
                let at = self.all.as_mut_ptr().add(start);
                ffi::PyUnicode_AsUCS4(s.as_ptr(), at, len as ffi::Py_ssize_t, 0)
            };
            if written.is_null() {
                return Err(PyErr::fetch(py));
            }
            // SAFETY: the `len` values after `start` were written just above.
            unsafe { self.all.set_len(start + len) };
        }
        self.ends.push(self.all.len());
        Ok(())
    }

    /// Text `i` as UTF-8, encoded in `buf`; `None` when it holds a lone surrogate, which has
    /// no UTF-8 (Python's encoder refuses it too).
    pub fn utf8<'b>(&self, i: usize, buf: &'b mut Vec<u8>) -> Option<&'b str> {
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j]);
        let points = &self.all[start..self.ends[i]];
        if points.is_empty() {
            return Some("");
        }
        // The buffer only grows, never cleared: four bytes a code point is the most UTF-8 takes.
        if buf.len() < 4 * points.len() {
            buf.resize(4 * points.len(), 0);
        }
        // SAFETY: `points` is readable for its length, `buf` has room for the longest UTF-8 of
        // it, and the two do not overlap.
        let written = unsafe {
            simdutf::convert_utf32_to_utf8(points.as_ptr(), points.len(), buf.as_mut_ptr())
        };
        // simdutf says 0 for a surrogate or a value past U+10FFFF (which CPython never holds);
        // any other input is encoded whole.
        if written == 0 {
            return None;
        }
        // SAFETY: what simdutf wrote from valid UTF-32 is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(&buf[..written]) })
    }
}
