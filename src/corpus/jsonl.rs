//! JSON lines in chunks: one thread reads (and decompresses) and cuts the input into chunks of
//! whole lines, the rayon pool parses them; results come back in input order.

use std::io::{self, Read};
use std::sync::mpsc::{SyncSender, sync_channel};

use rayon::prelude::*;

use super::document::Origin;
use super::encoding;
use super::error::{BadRecord, ReadError};
use super::fields::FieldLookup;
use super::read::{Parsed, Progress, ReadOptions};
use super::record::parse_record;

const CHUNK_BYTES: usize = 1 << 20;

/// Tells [`ReadOptions::progress`] of the bytes read.
pub(super) struct Counted<R> {
    pub(super) inner: R,
    pub(super) progress: Option<std::sync::Arc<dyn Progress>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.advance(n as u64);
        }
        Ok(n)
    }
}

/// Whole lines of input, and where they start.
struct Chunk {
    first_line: u64,
    bytes: Vec<u8>,
    /// The read error that ended the input after this chunk, if any.
    error: Option<io::Error>,
    /// The chunk is one line longer than the cap, dropped unread (`bytes` is empty).
    too_long: bool,
}

/// Cuts `reader` into chunks of whole lines on a separate thread and processes them on the pool.
pub(super) fn read_jsonl<R, T, F>(
    reader: R,
    file: &str,
    options: &ReadOptions,
    process: &F,
) -> Result<Vec<T>, ReadError>
where
    R: Read + Send,
    T: Send,
    F: Fn(Parsed) -> T + Sync,
{
    let (tx, rx) = sync_channel::<Chunk>(4);
    std::thread::scope(|scope| {
        let max = options.max_record_bytes();
        scope.spawn(move || cut_chunks(reader, tx, max));
        let parsed: Vec<(usize, Result<T, ReadError>)> = rx
            .into_iter()
            .enumerate()
            .par_bridge()
            .map(|(i, chunk)| (i, parse_chunk(chunk, file, options).map(process)))
            .collect();
        let mut parsed = parsed;
        parsed.sort_by_key(|(i, _)| *i);
        parsed.into_iter().map(|(_, r)| r).collect()
    })
}

/// Reads `reader` to its end (or its first error) and sends it in chunks of whole lines of
/// about [`CHUNK_BYTES`], numbered by their first line; stops early if the receiver is gone.
/// A line longer than `max` bytes is not kept: it is read through to its end and sent as a
/// chunk of its own marked `too_long`, so memory stays bounded whatever the input.
fn cut_chunks<R: Read>(mut reader: R, tx: SyncSender<Chunk>, max: usize) {
    let mut carry: Vec<u8> = Vec::new();
    let mut line = 1u64;
    loop {
        let mut buf = std::mem::take(&mut carry);
        let start = buf.len();
        buf.resize(start + CHUNK_BYTES, 0);
        let mut filled = start;
        let mut error = None;
        // Fill the buffer (a decoder may return short reads).
        while filled < buf.len() {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        buf.truncate(filled);
        let at_end = filled < start + CHUNK_BYTES || error.is_some();
        if !at_end {
            // Keep the partial last line for the next chunk; a line longer than a chunk
            // just makes this chunk grow. The carry has no newline, so only the newly
            // read bytes are searched (rescanning it made long lines quadratic).
            match memchr::memrchr(b'\n', &buf[start..]) {
                Some(nl) => carry = buf.split_off(start + nl + 1),
                None if buf.len() <= max => {
                    carry = buf;
                    continue;
                }
                None => {
                    let (rest, error, at_end) = skip_line(&mut reader, buf);
                    carry = rest;
                    let chunk = Chunk {
                        first_line: line,
                        bytes: Vec::new(),
                        error,
                        too_long: true,
                    };
                    line += 1;
                    if tx.send(chunk).is_err() || at_end {
                        break;
                    }
                    continue;
                }
            }
        }
        let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let chunk = Chunk {
            first_line: line,
            bytes: buf,
            error,
            too_long: false,
        };
        line += lines;
        if tx.send(chunk).is_err() || at_end {
            break;
        }
    }
}

/// Reads through the rest of an over-long line whose start is in `buf` (reused as the read
/// buffer): the bytes after its newline, the read error that ended the input, if any, and
/// whether the input ended.
fn skip_line<R: Read>(reader: &mut R, mut buf: Vec<u8>) -> (Vec<u8>, Option<io::Error>, bool) {
    buf.resize(CHUNK_BYTES, 0);
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return (Vec::new(), None, true),
            Ok(n) => {
                if let Some(nl) = memchr::memchr(b'\n', &buf[..n]) {
                    return (buf[nl + 1..n].to_vec(), None, false);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (Vec::new(), Some(e), true),
        }
    }
}

/// The pieces of `bytes` between newlines, as `split` gives them (the last one after the
/// final newline included): found with SIMD, where `split` tests byte by byte.
fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        lines.push(&bytes[start..nl]);
        start = nl + 1;
    }
    lines.push(&bytes[start..]);
    lines
}

/// The records of one chunk; a bad one is an error unless `skip_bad`.
fn parse_chunk(chunk: Chunk, file: &str, options: &ReadOptions) -> Result<Parsed, ReadError> {
    let max = options.max_record_bytes();
    let too_long = || format!("line too long (over {max} bytes; see --max-record-bytes)");
    if chunk.too_long {
        let bad = BadRecord {
            file: file.to_owned(),
            line: chunk.first_line,
            reason: too_long(),
        };
        if !options.skip_bad {
            return Err(ReadError::Bad(bad));
        }
        return Ok(Parsed::from(Err(bad)));
    }
    let mut bytes = &chunk.bytes[..];
    if chunk.first_line == 1 {
        if let Some(what) = encoding::wrong_format(bytes, file, true) {
            let file = file.to_owned();
            return Err(ReadError::Format { file, what });
        }
        bytes = bytes.strip_prefix(encoding::UTF8_BOM).unwrap_or(bytes);
    }
    let mut records = Parsed::default();
    let lookup = FieldLookup::new(&options.fields);
    let mut line_no = chunk.first_line;
    let ends_cleanly = bytes.last().is_none_or(|&b| b == b'\n');
    let mut lines = split_lines(bytes);
    if ends_cleanly {
        lines.pop(); // the empty piece after the final newline
    }
    let last = lines.len();
    let shared: std::sync::Arc<str> = file.into();
    for (i, line) in lines.into_iter().enumerate() {
        let result = match &chunk.error {
            Some(e) if i + 1 == last && !ends_cleanly => Err(format!(
                "input ends in the middle of this line (truncated file: {e})"
            )),
            // A line that ended within the read that passed the cap is cut here.
            _ if line.len() > max => Err(too_long()),
            _ => parse_record(line, file, line_no, &lookup),
        };
        match result {
            Ok(Some(doc)) => records.docs.push((
                doc,
                Origin {
                    file: shared.clone(),
                    line: line_no,
                },
            )),
            Ok(None) => {}
            Err(reason) => {
                let bad = BadRecord {
                    file: file.to_owned(),
                    line: line_no,
                    reason,
                };
                if !options.skip_bad {
                    return Err(ReadError::Bad(bad));
                }
                records.bad.push(bad);
            }
        }
        line_no += 1;
    }
    // After a cut line the error is already reported with it; else it is a record of its own.
    if let Some(error) = chunk.error.filter(|_| ends_cleanly) {
        let bad = BadRecord {
            file: file.to_owned(),
            line: line_no,
            reason: format!("cannot read further: {error}"),
        };
        if !options.skip_bad {
            return Err(ReadError::Bad(bad));
        }
        records.bad.push(bad);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::split_lines;

    #[test]
    fn lines_are_split_as_split_splits_them() {
        for bytes in [
            &b""[..],
            b"\n",
            b"\n\n",
            b"a",
            b"a\n",
            b"a\nb",
            b"{\"id\":1}\n\n{\"id\":2}\n",
            "نص\nآخر\r\n".as_bytes(),
        ] {
            let want: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
            assert_eq!(split_lines(bytes), want, "{bytes:?}");
        }
    }
}
