//! Python strings to UTF-8 without holding the GIL for the encoding: Arabic text is held by
//! CPython two bytes a character, and its own UTF-8 encoder (what every extension under the
//! stable ABI of 3.9 must call) runs on one thread under the GIL at about 600 MB/s, as long as
//! signing on two cores. Copying the code points out is a widening copy; the pool encodes.

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
        // Every byte read below is written first: the buffer only grows, never cleared.
        if buf.len() < 4 * points.len() {
            buf.resize(4 * points.len(), 0);
        }
        let mut w = 0;
        for &c in points {
            if c >= 0x800 {
                w += encode_one(c, &mut buf[w..])?;
                continue;
            }
            // ASCII or two bytes (Arabic, Persian, Urdu), without a branch: Arabic words and
            // the spaces between them alternate too often for a predictor.
            let ascii = c < 0x80;
            buf[w] = std::hint::select_unpredictable(ascii, c as u8, 0xC0 | (c >> 6) as u8);
            buf[w + 1] = 0x80 | (c & 0x3F) as u8;
            w += 2 - usize::from(ascii);
        }
        // Checked, not assumed: a fast check, and a code point past U+10FFFF (which CPython
        // never holds) would fail it rather than make a broken `str`.
        simdutf8::basic::from_utf8(&buf[..w]).ok()
    }
}

/// Writes the UTF-8 of one code point at the start of `out` (room for four bytes), and says
/// how many bytes; `None` for a lone surrogate.
#[inline(always)]
fn encode_one(c: u32, out: &mut [u8]) -> Option<usize> {
    Some(match c {
        0..0x80 => {
            out[0] = c as u8;
            1
        }
        0x80..0x800 => {
            out[0] = 0xC0 | (c >> 6) as u8;
            out[1] = 0x80 | (c & 0x3F) as u8;
            2
        }
        0xD800..0xE000 => return None,
        0x800..0x10000 => {
            out[0] = 0xE0 | (c >> 12) as u8;
            out[1] = 0x80 | ((c >> 6) & 0x3F) as u8;
            out[2] = 0x80 | (c & 0x3F) as u8;
            3
        }
        _ => {
            out[0] = 0xF0 | (c >> 18) as u8;
            out[1] = 0x80 | ((c >> 12) & 0x3F) as u8;
            out[2] = 0x80 | ((c >> 6) & 0x3F) as u8;
            out[3] = 0x80 | (c & 0x3F) as u8;
            4
        }
    })
}
