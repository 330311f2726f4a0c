//! Units kept on disk. Past a memory budget, a document's units (8 bytes a word, two thirds of
//! what a run holds per document) go to one unnamed temporary file and come back only for the
//! few stages that need them: boilerplate removal and verification of candidate pairs. The
//! file has no name, so it is gone when the run ends or is killed.
//!
//! The file is private to one process and never persisted, so it holds the units as native
//! `u64`s with no header; offsets are reserved atomically, so workers append without a lock.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Where a spilled document's units are in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spilled {
    pub(crate) offset: u64,
    pub(crate) len: u32,
}

/// What spilling did in a run: told to the user, as the file takes disk space and a failure
/// falls back to estimates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpillReport {
    /// Documents whose units went to the file.
    pub documents: usize,
    /// Bytes written to the file.
    pub bytes: u64,
    /// Failed writes (the document kept its units in memory) and reads (a pair was scored by
    /// its signature estimate instead); the first error says why.
    pub errors: usize,
    /// The first error, as the system told it.
    pub first_error: Option<String>,
}

/// One run's temporary file of units.
pub(crate) struct Spill {
    file: File,
    /// Set by the first failed write (a full disk): later documents keep their units in
    /// memory without trying again.
    broken: AtomicBool,
    end: AtomicU64,
    documents: AtomicUsize,
    errors: AtomicUsize,
    first_error: Mutex<Option<String>>,
}

impl Spill {
    /// An unnamed file in `dir` (or the system's temporary folder, `TMPDIR`).
    pub(crate) fn create(dir: Option<&PathBuf>) -> io::Result<Spill> {
        let file = match dir {
            Some(d) => tempfile::tempfile_in(d)?,
            None => tempfile::tempfile()?,
        };
        Ok(Spill::on(file))
    }

    fn on(file: File) -> Spill {
        Spill {
            file,
            broken: AtomicBool::new(false),
            end: AtomicU64::new(0),
            documents: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            first_error: Mutex::new(None),
        }
    }

    /// Appends `units`; `None` when the write fails (e.g. a full disk: the error is counted,
    /// and no later write is tried).
    pub(crate) fn write(&self, units: &[u64]) -> Option<Spilled> {
        if self.broken.load(Ordering::Relaxed) {
            return None;
        }
        let bytes: &[u8] = bytemuck::cast_slice(units);
        let offset = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        match write_at(&self.file, bytes, offset) {
            Ok(()) => {
                self.documents.fetch_add(1, Ordering::Relaxed);
                Some(Spilled {
                    offset,
                    len: units.len() as u32,
                })
            }
            Err(e) => {
                self.broken.store(true, Ordering::Relaxed);
                self.fail(e);
                None
            }
        }
    }

    /// The units at `at`; `None` (the error counted) when the read fails.
    pub(crate) fn read(&self, at: Spilled) -> Option<Vec<u64>> {
        let mut units = vec![0u64; at.len as usize];
        match read_at(&self.file, bytemuck::cast_slice_mut(&mut units), at.offset) {
            Ok(()) => Some(units),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn fail(&self, e: io::Error) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert_with(|| e.to_string());
    }

    /// What was written and what failed so far.
    pub(crate) fn report(&self) -> SpillReport {
        SpillReport {
            documents: self.documents.load(Ordering::Relaxed),
            bytes: self.end.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            first_error: self
                .first_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }
}

/// Gives the memory the allocator holds free back to the system. glibc keeps freed small
/// blocks for reuse, and the large arrays a run makes next cannot reuse them; so a run within
/// a memory budget trims after freeing what it read, and its resident size follows what is
/// live. Elsewhere a no-op.
pub(crate) fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's own heap to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "spilling units to disk is only implemented on Unix",
    ))
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "spilling units to disk is only implemented on Unix",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_come_back_as_written_from_many_threads() {
        let spill = Spill::create(None).unwrap();
        let written: Vec<(Vec<u64>, Spilled)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4u64)
                .map(|t| {
                    let spill = &spill;
                    s.spawn(move || {
                        (0..200u64)
                            .map(|i| {
                                let units: Vec<u64> =
                                    (0..i % 17).map(|k| t << 40 | i << 8 | k).collect();
                                let at = spill.write(&units).unwrap();
                                (units, at)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (units, at) in &written {
            assert_eq!(&spill.read(*at).unwrap(), units);
        }
        let report = spill.report();
        assert_eq!(report.documents, 800);
        assert_eq!(
            report.bytes,
            written.iter().map(|(u, _)| 8 * u.len() as u64).sum::<u64>()
        );
        assert_eq!(report.errors, 0);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn after_a_failed_write_no_other_is_tried() {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        let full = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/full")
            .unwrap();
        let spill = Spill::on(full);
        assert_eq!(spill.write(&[1, 2, 3]), None);
        assert_eq!(spill.write(&[4, 5]), None);
        let report = spill.report();
        assert_eq!((report.documents, report.errors), (0, 1));
        assert!(report.first_error.unwrap().contains("space"));
    }

    #[test]
    fn a_failed_read_is_counted_not_fatal() {
        let spill = Spill::create(None).unwrap();
        let at = spill.write(&[1, 2, 3]).unwrap();
        let past_the_end = Spilled {
            offset: at.offset + 8,
            len: 3,
        };
        assert_eq!(spill.read(past_the_end), None);
        let report = spill.report();
        assert_eq!(report.errors, 1);
        assert!(report.first_error.is_some());
    }
}
