//! The files a command touches itself: where its output goes (stdout, or a file replaced
//! atomically) and the one whole text it reads for `diff` and `normalize`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::exit::Failure;

/// Writes to a temporary file beside `path` and renames it into place when done, so a reader
/// (or a killed job) never sees half an output; or writes to stdout.
pub fn with_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
            match write(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| Failure::error(format!("writing output: {e}"))),
            }
        }
        // A symlink, device or FIFO (`-o /dev/stdout`, `-o /dev/null`) is written in place:
        // renaming over it would replace the link or the device itself.
        Some(path) if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) => {
            in_place(path, write)
        }
        Some(path) => replace(path, write),
    }
}

fn in_place(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let err = |e: io::Error| Failure::error(format!("{}: {e}", path.display()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(err)?;
    let mut w = BufWriter::new(file);
    write(&mut w).and_then(|_| w.flush()).map_err(err)
}

fn replace(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.naql-tmp-{}", std::process::id()));
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| Failure::error(format!("{}: {e}", path.display())))
}

/// The whole text of `file` (`-`: stdin), which must be UTF-8 (`diff`, `normalize`).
pub fn read_text(file: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    if file == "-" {
        io::Read::read_to_end(&mut io::stdin(), &mut bytes)
            .map_err(|e| Failure::error(format!("stdin: {e}")))?;
    } else {
        bytes = std::fs::read(file).map_err(|e| Failure::error(format!("{file}: {e}")))?;
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        Failure::error(format!("{file}:{line}: invalid UTF-8 at byte {at}"))
    })
}
