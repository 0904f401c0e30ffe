//! Everything that leaves the simulator: the run report (JSON and table), traces, and the
//! atomic file writer they all go through.

pub mod csv;
pub mod plot;
pub mod power_table;
pub mod replication_log;
pub mod report;
pub mod table;
pub mod trace;

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically: into a temporary file in the same directory,
/// flushed to disk, then renamed over the target. An interrupted run never leaves a
/// half-written file that looks complete, and never destroys an earlier result.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(contents)?;
    file.commit()
}

/// A file written in full or not at all: everything goes to a temporary file beside the
/// target, which [`AtomicFile::commit`] renames into place. Dropped without a commit (an
/// error, an interrupted run), the temporary file is removed and the target untouched.
pub struct AtomicFile {
    target: std::path::PathBuf,
    temporary: std::path::PathBuf,
    writer: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Starts writing `target`.
    pub fn create(target: &Path) -> std::io::Result<Self> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temporary)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temporary,
            writer: Some(std::io::BufWriter::new(file)),
        })
    }

    /// Appends bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.writer {
            Some(w) => w.write_all(bytes),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&self.temporary, &self.target)?;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}
