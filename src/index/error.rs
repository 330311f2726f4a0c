//! Why an index could not be used.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::ErrorCode;

use super::FORMAT_VERSION;

/// Why an index could not be used. Each message names the file; [`std::error::Error::source`]
/// gives the SQLite or I/O error behind [`IndexError::Sqlite`] and [`IndexError::Io`].
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No file at the path.
    #[error(
        "{}: no index there (create one with `naql index create {}`)",
        .0.display(),
        .0.display()
    )]
    Missing(PathBuf),
    /// The directory a new index would go in does not exist.
    #[error("{}: the directory does not exist", .0.display())]
    NoDirectory(PathBuf),
    /// `create` found a file there already.
    #[error("{}: already exists; not overwriting it", .0.display())]
    Exists(PathBuf),
    /// The file is not a naql index; the string says what it is instead.
    #[error("{}: not a naql index ({})", .0.display(), .1)]
    NotAnIndex(PathBuf, String),
    /// An index of format version 1: its keys were made under normalization `naql-norm-v1`.
    #[error(
        "{}: index format version 1, built with normalization naql-norm-v1; this naql \
         (format {}, {}) cannot add to it or compare with it: rebuild it from the \
         documents with `naql index create NEW.naql` (the same --history and options), then \
         `naql dedup --index NEW.naql FILES...`",
        .0.display(),
        FORMAT_VERSION,
        crate::text::NORMALIZATION
    )]
    OldNormalization(PathBuf),
    /// A naql index of another format version.
    #[error(
        "{}: index format version {}, this naql reads version {} only",
        .0.display(),
        .1,
        FORMAT_VERSION
    )]
    UnknownVersion(PathBuf, i64),
    /// Stored parameters this naql cannot use, or options that differ from them.
    #[error("{}: {}", .0.display(), .1)]
    Mismatch(PathBuf, String),
    /// Another job held the index for longer than the wait given.
    #[error(
        "{}: in use by another job; gave up after waiting {} s (see --wait)",
        .0.display(),
        .1.as_secs_f64()
    )]
    Busy(PathBuf, Duration),
    /// A write to an index the file system does not let us write.
    #[error(
        "{}: the index is read-only (file or directory not writable); nothing was added",
        .0.display()
    )]
    ReadOnly(PathBuf),
    /// Reading needs `FILE-shm` beside the index (SQLite's WAL index), which cannot be created,
    /// because `FILE-wal` holds changes not yet folded into the file.
    #[error(
        "{}: cannot read the index without write access to its directory: its write-ahead \
         log ({}-wal) holds changes not yet folded into the file, and reading them needs a \
         shared-memory file ({}-shm) that cannot be created there; open the index once where \
         it can be written, or copy it with its -wal elsewhere",
        .0.display(),
        .0.display(),
        .0.display()
    )]
    SharedMemory(PathBuf),
    /// A write was refused: disk full, file size limit or I/O error (the transaction is undone).
    #[error(
        "{}: cannot write (disk full, file size limit or I/O error); nothing was changed",
        .0.display()
    )]
    Full(PathBuf),
    /// Any other SQLite error.
    #[error("{}: {}", .0.display(), .1)]
    Sqlite(PathBuf, #[source] rusqlite::Error),
    /// Reading or writing a file (for `export`, the output: path `output`).
    #[error("{}: {}", .0.display(), .1)]
    Io(PathBuf, #[source] std::io::Error),
}

impl IndexError {
    /// Maps SQLite's error codes onto the cases a user can act on.
    pub(super) fn from_sqlite(path: &Path, e: rusqlite::Error, wait: Duration) -> IndexError {
        let p = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                IndexError::Busy(p, wait)
            }
            Some(ErrorCode::ReadOnly) => IndexError::ReadOnly(p),
            Some(ErrorCode::DiskFull) => IndexError::Full(p),
            Some(ErrorCode::NotADatabase) => {
                IndexError::NotAnIndex(p, "not an SQLite database".into())
            }
            // SQLite reports a refused write (EFBIG past a file size limit, EIO) as an I/O error.
            Some(ErrorCode::SystemIoFailure) => IndexError::Full(p),
            _ => IndexError::Sqlite(p, e),
        }
    }

    /// Whether another job held the index: a scheduled job may simply try again later.
    pub fn is_busy(&self) -> bool {
        matches!(self, IndexError::Busy(..))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn messages_name_the_file_and_keep_their_causes() {
        let p = PathBuf::from("news.naql");
        let busy = IndexError::Busy(p.clone(), Duration::from_millis(2500));
        assert_eq!(
            busy.to_string(),
            "news.naql: in use by another job; gave up after waiting 2.5 s (see --wait)"
        );
        assert!(busy.is_busy() && busy.source().is_none());
        let v = IndexError::UnknownVersion(p.clone(), 7);
        assert_eq!(
            v.to_string(),
            "news.naql: index format version 7, this naql reads version 2 only"
        );
        let io = IndexError::Io(p, std::io::Error::other("boom"));
        assert_eq!(io.to_string(), "news.naql: boom");
        assert_eq!(io.source().unwrap().to_string(), "boom");
        assert!(!io.is_busy());
    }
}
