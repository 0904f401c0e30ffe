//! An interrupted run leaves nothing half-written behind.
//!
//! Every temporary file the program is writing is registered here from the moment it is
//! created until it is renamed into place or removed. Once [`install`]ed (the command line
//! does it first thing), a SIGINT, SIGTERM or SIGHUP removes every registered temporary
//! file and ends the process with exit code 128 + the signal (130, 143, 129), as shells
//! expect. A signal that was ignored when the program started (`nohup`, `&` in a script)
//! stays ignored. Files already committed are complete results and stay.
//!
//! Creating and settling a temporary file happen with the registry locked, and the handler
//! holds the lock until the process exits: a temporary file cannot appear after the handler
//! has cleaned up, and a rename is never half-reported.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `create`, which makes a temporary file and returns its path with a value, and
/// registers the path, all with the registry locked (a signal cannot slip in between).
pub fn track<T>(create: impl FnOnce() -> io::Result<(PathBuf, T)>) -> io::Result<(PathBuf, T)> {
    let mut live = live();
    let (path, value) = create()?;
    live.push(path.clone());
    Ok((path, value))
}

/// Runs `finish` (a rename into place or a removal) on the registered temporary file
/// `path` with the registry locked; if it succeeds, `path` is no longer tracked. If it
/// fails, the file stays registered, so an interrupt still removes it.
pub fn settle(path: &Path, finish: impl FnOnce() -> io::Result<()>) -> io::Result<()> {
    let mut live = live();
    finish()?;
    if let Some(i) = live.iter().rposition(|p| p == path) {
        live.swap_remove(i);
    }
    Ok(())
}

#[cfg(unix)]
/// Removes every registered temporary file and exits with 128 + `signal`. The registry
/// stays locked until the process is gone, so nothing new is created meanwhile.
fn clean_up_and_exit(signal: i32, name: &str) -> ! {
    let live = live();
    for path in live.iter() {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("error: interrupted by {name}; no unfinished output was left behind");
    std::process::exit(128 + signal)
}

/// Whether `signal` is ignored now, as `nohup` ignores SIGHUP and a shell without job
/// control ignores SIGINT for a command started with `&`. Such a signal stays ignored.
#[cfg(unix)]
fn is_ignored(signal: i32) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current disposition into
    // `current`, a zeroed plain C struct of the right type.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}

/// Installs the handler of SIGINT, SIGTERM and SIGHUP (those not ignored already): a
/// thread that waits for one, then removes the registered temporary files and exits with
/// 130, 143 or 129. If the handler cannot be installed the signals keep their default
/// effect (the process ends at once), which is why this never fails.
#[cfg(unix)]
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&s| !is_ignored(s))
        .collect();
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("councilsim-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let name = match signal {
                    SIGINT => "SIGINT",
                    SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                clean_up_and_exit(signal, name);
            }
        });
}

/// Installs nothing where there are no POSIX signals.
#[cfg(not(unix))]
pub fn install() {}
