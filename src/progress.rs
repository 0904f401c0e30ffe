//! Progress for long runs: a bar on a terminal, plain lines in cluster job logs.
//!
//! Nothing is shown for work that ends within about a second. On a terminal an indicatif
//! bar shows cells and replications done, the rate and the time left; when stderr is not a
//! terminal a plain line is printed every ten seconds instead. `--quiet` silences both.
//! Progress goes to stderr only, so it never mixes with results.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Work shorter than this shows no progress at all.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// Interval between plain progress lines.
const LINE_EVERY: Duration = Duration::from_secs(10);

enum Display {
    Quiet,
    Bar(Option<ProgressBar>),
    Lines(Instant, bool),
}

/// Tracks replications and cells done out of a known total.
pub struct Progress {
    display: Display,
    started: Instant,
    total: u64,
    done: u64,
    cells: u64,
    cells_done: u64,
}

impl Progress {
    /// Progress over `replications` replications in `cells` cells.
    pub fn new(quiet: bool, cells: u64, replications: u64) -> Self {
        let display = if quiet {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            Display::Bar(None)
        } else {
            Display::Lines(Instant::now(), false)
        };
        Progress {
            display,
            started: Instant::now(),
            total: replications.max(1),
            done: 0,
            cells: cells.max(1),
            cells_done: 0,
        }
    }

    /// Records `replications` more done.
    pub fn advance(&mut self, replications: u64) {
        self.done += replications;
        self.show();
    }

    /// Records one more cell done (replications of skipped cells count as done too).
    pub fn cell_done(&mut self, skipped_replications: u64) {
        self.cells_done += 1;
        self.done += skipped_replications;
        self.show();
    }

    fn message(&self) -> String {
        if self.cells > 1 {
            format!(
                "cell {}/{}",
                (self.cells_done + 1).min(self.cells),
                self.cells
            )
        } else {
            String::new()
        }
    }

    fn show(&mut self) {
        let elapsed = self.started.elapsed();
        if elapsed < SHOW_AFTER {
            return;
        }
        let message = self.message();
        match &mut self.display {
            Display::Quiet => {}
            Display::Bar(bar) => {
                let bar = bar.get_or_insert_with(|| {
                    let b = ProgressBar::new(self.total);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{elapsed_precise} [{bar:32}] {human_pos}/{human_len} replications {msg} · {per_sec} · {eta} left",
                    ) {
                        b.set_style(style.progress_chars("=> "));
                    }
                    b
                });
                bar.set_position(self.done);
                bar.set_message(message);
            }
            Display::Lines(last, finished) => {
                let complete = self.done >= self.total;
                if (last.elapsed() >= LINE_EVERY && !complete) || (complete && !*finished) {
                    *last = Instant::now();
                    *finished = complete;
                    let rate = self.done as f64 / elapsed.as_secs_f64();
                    let left = (self.total.saturating_sub(self.done)) as f64 / rate.max(1e-9);
                    // A progress line that cannot be shown loses no result: carry on.
                    let _ = writeln!(
                        std::io::stderr(),
                        "councilsim: {}/{} replications ({:.0}%){}{}, {:.0}/s, about {:.0} s left",
                        self.done,
                        self.total,
                        100.0 * self.done as f64 / self.total as f64,
                        if message.is_empty() { "" } else { ", " },
                        message,
                        rate,
                        left
                    );
                }
            }
        }
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if let Display::Bar(Some(bar)) = &self.display {
            bar.finish_and_clear();
        }
    }
}
