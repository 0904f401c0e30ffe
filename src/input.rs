//! The one way councilsim reads a file it is given (a scenario, a shard's partial result,
//! a sweep's manifest or saved cell): a regular file, never more than a limit.
//!
//! A path is inspected before it is opened, so a FIFO, a device or a directory is refused
//! without blocking or reading; the opened file is inspected again (it could have been
//! swapped meanwhile; it is opened non-blocking so a swapped-in FIFO cannot hang the
//! open), and at most `limit + 1` bytes are ever read, so even a file that grows while it
//! is read cannot exhaust memory.

use std::io::Read;
use std::path::Path;

/// Largest partial result (`--shard`) or saved sweep cell read back. Generous: the
/// counters of exact abstention blocs grow with the replications, and these files are the
/// program's own; the bound is there so that nothing is read without one.
pub const MAX_RESULT_BYTES: u64 = 4 << 30;

/// Largest sweep manifest read back (the grid and the command line).
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Why an input could not be read. Always the user's input (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {path}: {reason}")]
pub struct InputError {
    /// The path as given.
    pub path: String,
    /// What is wrong with it, or what the system said.
    pub reason: String,
}

/// What a path that is not a regular file is, for messages.
fn not_regular_reason(file_type: &std::fs::FileType) -> String {
    let mut kind = if file_type.is_dir() {
        Some("a directory")
    } else {
        None
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            kind = Some("a FIFO (named pipe)");
        } else if file_type.is_char_device() {
            kind = Some("a character device");
        } else if file_type.is_block_device() {
            kind = Some("a block device");
        } else if file_type.is_socket() {
            kind = Some("a socket");
        }
    }
    match kind {
        Some(kind) => format!("is {kind}, not a regular file; councilsim reads only regular files"),
        None => "is not a regular file; councilsim reads only regular files".to_string(),
    }
}

/// Reads the regular file at `path`, refusing anything else and anything over `limit`
/// bytes (`what` names the limit in the message, such as "scenarios").
pub fn read_bounded(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, InputError> {
    let fail = |reason: String| InputError {
        path: path.display().to_string(),
        reason,
    };
    let not_regular = |file_type: &std::fs::FileType| fail(not_regular_reason(file_type));
    let too_big = |size: String| {
        fail(format!(
            "the file is {size} bytes; {what} are limited to {limit} bytes"
        ))
    };
    // Before opening: opening a FIFO for reading blocks until a writer comes.
    let before = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !before.is_file() {
        return Err(not_regular(&before.file_type()));
    }
    if before.len() > limit {
        return Err(too_big(before.len().to_string()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| fail(e.to_string()))?;
    let after = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !after.is_file() {
        return Err(not_regular(&after.file_type()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(after.len().min(limit)).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(format!("more than {limit}")));
    }
    Ok(bytes)
}

/// [`read_bounded`], as UTF-8 text.
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String, InputError> {
    let bytes = read_bounded(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| InputError {
        path: path.display().to_string(),
        reason: format!("not UTF-8: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(label: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("councilsim-input-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_a_regular_file_up_to_the_limit_and_no_further() {
        let dir = scratch("limit");
        let path = dir.join("a.toml");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_text(&path, 5, "tests").unwrap(), "12345");
        let e = read_text(&path, 4, "tests").unwrap_err();
        assert_eq!(
            e.reason,
            "the file is 5 bytes; tests are limited to 4 bytes"
        );
    }

    #[test]
    fn refuses_a_directory() {
        let dir = scratch("dir");
        let e = read_bounded(&dir, 10, "tests").unwrap_err();
        assert!(e.reason.starts_with("is a directory"), "{}", e.reason);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_an_endless_device_without_reading_it() {
        let e = read_bounded(Path::new("/dev/zero"), 10, "tests").unwrap_err();
        assert!(
            e.reason.starts_with("is a character device"),
            "{}",
            e.reason
        );
    }
}
