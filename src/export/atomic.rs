//! The one way councilsim writes a file: only the path the user named, in full or not at
//! all, and never by replacing something that is not a regular file.
//!
//! What happens depends on what the path names now:
//!
//! | the path is | what councilsim does |
//! |---|---|
//! | missing, in an existing directory | writes a temporary file beside it and renames it into place |
//! | a regular file | the same: the old file is replaced whole, keeping its permissions |
//! | a symbolic link | follows it: to a regular file, replaces that file (the link stays a link); to a device or FIFO, writes into it; to nothing, refuses |
//! | a character or block device, a FIFO | writes straight into it (`/dev/null`, a named pipe); never replaces it |
//! | `/dev/stdin`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` | writes into that open descriptor, wherever the shell sent it (`>>` appends) |
//! | a directory, a socket | refuses, before any work |
//!
//! A temporary file is created exclusively (`O_CREAT | O_EXCL`: an existing path, a planted
//! symbolic link included, makes creation fail and another unpredictable name is tried),
//! in the directory of the file it will replace, so the final rename is atomic. It is
//! registered with [`crate::interrupt`] and removed on any error, on drop and on SIGINT or
//! SIGTERM.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions, Permissions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a path cannot be written as asked: bad input (exit code 2), not a fault. Carried
/// inside an [`io::Error`]; [`is_refusal`] tells it apart.
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

fn refuse(reason: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, Refusal(reason.into()))
}

/// Whether `error` is a refusal to write a path (a directory, a dangling link, a missing
/// directory): the user's input is wrong (exit code 2), nothing failed (exit code 1).
pub fn is_refusal(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<Refusal>())
}

/// Where and how the bytes for a named path go.
#[derive(Debug)]
enum Destination {
    /// A new or regular file, replaced by renaming a temporary file from `dir` over `path`
    /// (the resolved path if the user named a link to it).
    Replace {
        path: PathBuf,
        dir: PathBuf,
        existing: Option<Permissions>,
    },
    /// A device or FIFO, written into.
    Direct { path: PathBuf },
    /// An open file descriptor of this process (`/dev/stdout`, `/dev/fd/N`), written
    /// into as it is: whatever the shell redirected it to, appending if it appends.
    Descriptor { fd: i32 },
}

/// The file descriptor a path like `/dev/stdin`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or
/// `/proc/self/fd/N` names. Reopening such a path would start a new file offset (and
/// following the link to a regular file would replace what `>>` appends to).
fn named_descriptor(path: &Path) -> Option<i32> {
    if !cfg!(unix) {
        return None;
    }
    let text = path.to_str()?;
    match text {
        // Its link leads to the file the shell redirected into standard input: written
        // into as an open descriptor (usually refused: it is open for reading), never
        // replaced.
        "/dev/stdin" => return Some(0),
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let number = text
        .strip_prefix("/dev/fd/")
        .or_else(|| text.strip_prefix("/proc/self/fd/"))?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| number.parse().ok())
        .flatten()
}

/// A new handle on this process's open descriptor `fd`.
#[cfg(unix)]
fn duplicate(fd: i32) -> io::Result<File> {
    use std::os::fd::FromRawFd;
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) only creates a new descriptor (or fails); the new
    // one is owned by nobody else, so the File may own and close it.
    let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if copy < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(unsafe { File::from_raw_fd(copy) })
}

#[cfg(not(unix))]
fn duplicate(_fd: i32) -> io::Result<File> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn is_device_or_fifo(file_type: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        file_type.is_char_device() || file_type.is_block_device() || file_type.is_fifo()
    }
    #[cfg(not(unix))]
    {
        !file_type.is_file() && !file_type.is_dir() && !file_type.is_symlink()
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Decides what writing `target` means, without touching anything.
fn destination(target: &Path) -> io::Result<Destination> {
    if let Some(fd) = named_descriptor(target) {
        return Ok(Destination::Descriptor { fd });
    }
    if target.file_name().is_none() {
        return Err(refuse("names no file"));
    }
    let found = match std::fs::symlink_metadata(target) {
        Ok(found) => found,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = parent_dir(target);
            return match std::fs::metadata(&dir) {
                Ok(m) if m.is_dir() => Ok(Destination::Replace {
                    path: target.to_path_buf(),
                    dir,
                    existing: None,
                }),
                Ok(_) => Err(refuse(format!("{} is not a directory", dir.display()))),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Err(refuse(format!(
                    "the directory {} does not exist",
                    dir.display()
                ))),
                Err(e) => Err(e),
            };
        }
        Err(e) => return Err(e),
    };
    let (path, found) =
        if found.file_type().is_symlink() {
            match std::fs::metadata(target) {
                Ok(m) if m.is_file() => (std::fs::canonicalize(target)?, m),
                Ok(m) => (target.to_path_buf(), m),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(refuse(
                    "is a symbolic link to nothing; councilsim creates no file where a link points",
                )),
                Err(e) => return Err(e),
            }
        } else {
            (target.to_path_buf(), found)
        };
    let kind = found.file_type();
    if kind.is_file() {
        Ok(Destination::Replace {
            dir: parent_dir(&path),
            existing: Some(found.permissions()),
            path,
        })
    } else if kind.is_dir() {
        Err(refuse("is a directory; name a file to write"))
    } else if is_device_or_fifo(&kind) {
        Ok(Destination::Direct { path })
    } else {
        Err(refuse(
            "is not a regular file, a device or a FIFO; councilsim does not replace it",
        ))
    }
}

/// Checks, before any work, that `path` can be written: refuses a directory, a socket, a
/// link to nothing or a path in a missing directory (see [`is_refusal`]).
pub fn check_output(path: &Path) -> io::Result<()> {
    destination(path).map(|_| ())
}

/// Whether writing `a` and writing `b` would replace the same file: the same existing
/// regular file (through any links or spellings), or the same new path. One result would
/// silently overwrite the other, or an input be destroyed by an output. Devices, FIFOs and
/// open descriptors are written into, not replaced, so they never clash.
pub fn same_file(a: &Path, b: &Path) -> bool {
    fn identity(path: &Path) -> Option<(u64, u64, Option<PathBuf>)> {
        if named_descriptor(path).is_some() {
            return None;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    Some((m.dev(), m.ino(), None))
                }
                #[cfg(not(unix))]
                {
                    std::fs::canonicalize(path).ok().map(|p| (0, 0, Some(p)))
                }
            }
            Ok(_) => None,
            Err(_) => {
                // Not there yet: where it would be created.
                let dir = std::fs::canonicalize(parent_dir(path)).ok()?;
                Some((0, 0, Some(dir.join(path.file_name()?))))
            }
        }
    }
    match (identity(a), identity(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Attempts at a fresh temporary name before giving up.
const NAME_ATTEMPTS: u32 = 100;

/// Unpredictable temporary names for `name` in `dir`: `.NAME.PID.NONCE.tmp`, the nonce
/// from a per-process random hasher and a counter.
fn temporary_names<'a>(dir: &'a Path, name: &OsStr) -> impl Iterator<Item = PathBuf> + 'a {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let keys = std::collections::hash_map::RandomState::new();
    let name = name.to_string_lossy().into_owned();
    (0..NAME_ATTEMPTS).map(move |_| {
        let mut hasher = keys.build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        dir.join(format!(
            ".{name}.{}.{:016x}.tmp",
            std::process::id(),
            hasher.finish()
        ))
    })
}

/// Whether `file_name` is one of councilsim's temporary names for `NAME`; returns `NAME`.
/// Also knows the `.NAME.PID.tmp` of earlier versions.
pub fn temporary_target(file_name: &str) -> Option<&str> {
    let inner = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, last) = inner.rsplit_once('.')?;
    let hex = |s: &str| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if hex(last) {
        let (name, pid) = rest.rsplit_once('.')?;
        (digits(pid) && !name.is_empty()).then_some(name)
    } else {
        (digits(last) && !rest.is_empty()).then_some(rest)
    }
}

/// Creates the first of `candidates` that does not exist, exclusively: never opens an
/// existing file and never follows a symbolic link (`create_new` is `O_CREAT | O_EXCL`).
fn create_exclusive(candidates: impl Iterator<Item = PathBuf>) -> io::Result<(PathBuf, File)> {
    for path in candidates {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "found no free temporary file name",
    ))
}

/// Refuses to rename over `path` if it has become something other than a regular file
/// since it was inspected (a device or FIFO must never be replaced).
fn still_replaceable(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => Err(refuse(
            "is no longer a regular file; councilsim does not replace it",
        )),
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes `contents` to `path` in full or not at all (see [`AtomicFile`]): an interrupted
/// run never leaves a half-written file that looks complete, and never destroys an earlier
/// result.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(contents)?;
    file.commit()
}

/// A file written in full or not at all: everything goes to a temporary file beside the
/// target, which [`AtomicFile::commit`] renames into place. Dropped without a commit, or
/// after a commit that failed, the temporary file is removed and the target untouched.
/// A device or FIFO is written directly instead (there is nothing to replace).
pub struct AtomicFile {
    /// The path the rename goes to, or the device written.
    target: PathBuf,
    /// The temporary file until it is renamed; `None` when writing a device.
    temporary: Option<PathBuf>,
    /// The replaced file's permissions, given to its replacement.
    permissions: Option<Permissions>,
    writer: BufWriter<File>,
}

impl AtomicFile {
    /// Starts writing `target`; refuses (see [`is_refusal`]) a directory, a socket, a
    /// link to nothing, or a path in a missing directory.
    pub fn create(target: &Path) -> io::Result<Self> {
        match destination(target)? {
            Destination::Replace {
                path,
                dir,
                existing,
            } => {
                let name = path.file_name().unwrap_or(OsStr::new("output"));
                let (temporary, file) =
                    crate::interrupt::track(|| create_exclusive(temporary_names(&dir, name)))?;
                Ok(AtomicFile {
                    target: path,
                    temporary: Some(temporary),
                    permissions: existing,
                    writer: BufWriter::new(file),
                })
            }
            Destination::Descriptor { fd } => Ok(AtomicFile {
                target: target.to_path_buf(),
                temporary: None,
                permissions: None,
                writer: BufWriter::new(duplicate(fd)?),
            }),
            Destination::Direct { path } => {
                // No create, no truncate: if the device went away, fail rather than make
                // a regular file in its place.
                let file = OpenOptions::new().write(true).open(&path)?;
                let kind = file.metadata()?.file_type();
                if !is_device_or_fifo(&kind) {
                    return Err(refuse(
                        "changed while being opened; councilsim does not write it",
                    ));
                }
                Ok(AtomicFile {
                    target: path,
                    temporary: None,
                    permissions: None,
                    writer: BufWriter::new(file),
                })
            }
        }
    }

    /// Appends bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// Flushes, syncs and renames the file into place (for a device: flushes). On error the
    /// temporary file is removed and the target untouched.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        let Some(temporary) = self.temporary.clone() else {
            return Ok(());
        };
        let file = self.writer.get_ref();
        file.sync_all()?;
        if let Some(permissions) = self.permissions.clone() {
            file.set_permissions(permissions)?;
        }
        still_replaceable(&self.target)?;
        crate::interrupt::settle(&temporary, || std::fs::rename(&temporary, &self.target))?;
        self.temporary = None;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let _ =
                crate::interrupt::settle(&temporary, || match std::fs::remove_file(&temporary) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(label: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("councilsim-atomic-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_a_temporary_name_is_never_followed() {
        let dir = scratch("planted");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let nowhere = dir.join("would-be-created");
        // The first candidates are links: to a file, and to nothing (O_CREAT alone would
        // create the link's target).
        let candidates: Vec<PathBuf> = (0..4).map(|i| dir.join(format!(".t{i}.tmp"))).collect();
        std::os::unix::fs::symlink(&victim, &candidates[0]).unwrap();
        std::os::unix::fs::symlink(&nowhere, &candidates[1]).unwrap();
        std::os::unix::fs::symlink(&victim, &candidates[2]).unwrap();
        let (path, mut file) = create_exclusive(candidates.clone().into_iter()).unwrap();
        assert_eq!(path, candidates[3]);
        file.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!nowhere.exists());
        // Nothing but links: creation fails rather than follow one.
        let err = create_exclusive(candidates[..3].iter().cloned()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[cfg(unix)]
    #[test]
    fn the_predictable_name_of_earlier_versions_is_not_followed() {
        let dir = scratch("legacy");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let legacy = dir.join(format!(".out.json.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &legacy).unwrap();
        write_atomically(&dir.join("out.json"), b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(dir.join("out.json")).unwrap(), "{}");
        let legacy_name = legacy.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            entries(&dir),
            [legacy_name, "out.json".into(), "victim.txt".into()]
        );
    }

    #[test]
    fn temporary_names_are_unpredictable_and_recognised() {
        let dir = Path::new("d");
        let a: Vec<PathBuf> = temporary_names(dir, OsStr::new("x.csv")).take(3).collect();
        let b: Vec<PathBuf> = temporary_names(dir, OsStr::new("x.csv")).take(3).collect();
        assert_ne!(a[0], a[1]);
        assert_ne!(a, b);
        for p in a.iter().chain(&b) {
            let name = p.file_name().unwrap().to_str().unwrap();
            assert_eq!(temporary_target(name), Some("x.csv"), "{name}");
        }
        assert_eq!(temporary_target(".cells.csv.123.tmp"), Some("cells.csv"));
        assert_eq!(temporary_target(".cells.csv.tmp"), None);
        assert_eq!(temporary_target("cells.csv.123.tmp"), None);
        assert_eq!(temporary_target(".x.12a.0123456789abcdef.tmp"), None);
    }

    #[test]
    fn a_failed_commit_or_a_drop_leaves_no_temporary_file() {
        let dir = scratch("failed");
        let target = dir.join("out.csv");
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"a,b\n").unwrap();
        drop(file);
        assert!(entries(&dir).is_empty());
        // The target becomes a directory after the file was started: the rename fails,
        // and the temporary file goes with it.
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"a,b\n").unwrap();
        std::fs::create_dir(&target).unwrap();
        let err = file.commit().unwrap_err();
        assert!(is_refusal(&err), "{err}");
        assert_eq!(entries(&dir), ["out.csv"]);
        assert!(target.is_dir());
    }

    #[test]
    fn a_replaced_file_keeps_its_permissions_and_directories_are_refused() {
        let dir = scratch("perms");
        let target = dir.join("report.json");
        std::fs::write(&target, "old").unwrap();
        let mut permissions = std::fs::metadata(&target).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&target, permissions).unwrap();
        write_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(std::fs::metadata(&target).unwrap().permissions().readonly());
        let err = check_output(&dir).unwrap_err();
        assert!(is_refusal(&err));
        let err = check_output(&dir.join("missing").join("x.json")).unwrap_err();
        assert!(is_refusal(&err), "{err}");
        assert!(check_output(&dir.join("new.json")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_regular_file_replaces_that_file_and_stays_a_link() {
        let dir = scratch("link");
        std::fs::create_dir(dir.join("real")).unwrap();
        let real = dir.join("real").join("data.json");
        std::fs::write(&real, "old").unwrap();
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(entries(&dir), ["link.json", "real"]);
        assert_eq!(entries(&dir.join("real")), ["data.json"]);
        let dangling = dir.join("dangling.json");
        std::os::unix::fs::symlink(dir.join("nothing"), &dangling).unwrap();
        let err = write_atomically(&dangling, b"x").unwrap_err();
        assert!(is_refusal(&err));
        assert!(!dir.join("nothing").exists());
    }
}
