//! The files a command touches itself: where its output goes (stdout, or a file replaced
//! atomically) and the one whole text it reads for `diff` and `normalize`.
//!
//! A reader that closes early (`naql index export i.naql | head`) ends the output quietly:
//! a broken pipe is not an error, as in ripgrep. A temporary file beside an `-o` target is
//! removed on Ctrl-C or SIGTERM (the process then dies of the signal: 130 or 143 in a shell), one left by a killed run
//! is swept the next time that target is written, and the target keeps its permissions.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use super::exit::Failure;

/// Whether `e` says the reader went away: the end of the output, not an error.
pub fn broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

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
            quiet_on_broken_pipe(write(&mut w).and_then(|_| w.flush()))
                .map_err(|e| Failure::error(format!("writing output: {e}")))
        }
        // A symlink, device or FIFO (`-o /dev/stdout`, `-o /dev/null`) is written in place:
        // renaming over it would replace the link or the device itself.
        Some(path) if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) => {
            in_place(path, write)
        }
        Some(path) => replace(path, write),
    }
}

/// `Ok` for a reader that closed early, the error otherwise.
fn quiet_on_broken_pipe(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if broken_pipe(&e) => Ok(()),
        r => r,
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
    quiet_on_broken_pipe(write(&mut w).and_then(|_| w.flush())).map_err(err)
}

fn replace(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    sweep_stale(path, &name);
    let tmp = path.with_file_name(temp_name(&name, std::process::id()));
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions());
    let guard = TempGuard::register(tmp.clone());
    let result = (|| {
        let file = create_temp(&tmp, mode)?;
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    drop(guard);
    result.map_err(|e| Failure::error(format!("{}: {e}", path.display())))
}

/// `.NAME.naql-tmp-PID`: the temporary file of the run `pid` writing `NAME`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.naql-tmp-{pid}")
}

/// The temporary file, new, with the permissions of the target it replaces (a 0600 report
/// stays 0600, and is never readable by others while it is written).
fn create_temp(tmp: &Path, mode: Option<std::fs::Permissions>) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // A file of ours from an earlier run whose PID came back.
    let _ = std::fs::remove_file(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    if let Some(m) = &mode {
        options.mode(m.mode() & 0o7777);
    }
    let file = options.open(tmp)?;
    if let Some(m) = mode {
        // The umask may have narrowed what `mode` asked.
        file.set_permissions(m)?;
    }
    Ok(file)
}

/// Removes `.NAME.naql-tmp-PID` files beside `path` whose run is gone (killed by SIGKILL, or
/// before temp files were cleaned up on signals). Files of live runs are left alone.
fn sweep_stale(path: &Path, name: &str) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.naql-tmp-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != std::process::id() && !alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process `pid` exists (EPERM: it does, someone else's).
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks that `pid` exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Temporary files being written, removed by the signal thread on SIGINT/SIGTERM/SIGHUP.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary file registered for removal on a signal while it lives.
struct TempGuard(PathBuf);

impl TempGuard {
    fn register(path: PathBuf) -> TempGuard {
        static HANDLER: Once = Once::new();
        HANDLER.call_once(install_handler);
        lock_temps().push(path.clone());
        TempGuard(path)
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        let mut temps = lock_temps();
        if let Some(i) = temps.iter().position(|p| *p == self.0) {
            temps.swap_remove(i);
        }
    }
}

fn lock_temps() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A thread that waits for SIGINT, SIGTERM or SIGHUP, removes the registered temporary
/// files and ends the process by that signal (a shell reports 130, 143, 129).
/// Installed with the first temporary file, so commands that write none keep the default.
fn install_handler() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            for tmp in lock_temps().iter() {
                let _ = std::fs::remove_file(tmp);
            }
            // Die of the signal itself, so that a shell loop sees Ctrl-C (`$?` is 130 or
            // 143 either way); exiting with the code is the fallback.
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
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
