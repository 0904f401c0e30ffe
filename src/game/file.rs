//! The game file: the single source of truth of a played game, as JSON Lines.
//!
//! Line 1 is the [`GameHeader`]: the file format, the councilsim version, the scenario's
//! SHA-256 *and its whole text* (a game replays without the scenario file, and a game of an
//! edited scenario is refused rather than silently replayed on another text), the seed, the
//! replication and the seats humans play. Every further line is one human decision
//! ([`DecisionLine`]), appended and synced to disk the moment it is taken ([`Appender`]), so
//! a terminal that dies loses nothing and `play --resume` continues where the game stopped.
//!
//! A game file is read back as untrusted input ([`load`]): the format and version, the text
//! against its hash, the text as a scenario, every seat, and every decision line field by
//! field against the decision the engine asks for at that point when the game is replayed.
//! Every problem names the file and the line.

use crate::behaviour::Vote;
use crate::decision::{Choice, DecisionKind, Question, Request};
use crate::game::{self, Progress, Setup};
use crate::model::Model;
use crate::scenario::{self, limits, ScenarioError};
use crate::trace::{Ask, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The format written on line 1; a file with another is refused (it may have been written
/// by a later councilsim with other fields).
pub const FORMAT: &str = "councilsim-game/1";

/// Largest game file read: the scenario's own limit plus room for many decision lines.
pub const MAX_GAME_BYTES: u64 = limits::MAX_FILE_BYTES + (16 << 20);

/// Line 1 of a game file: everything that fixes the game apart from the human decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameHeader {
    /// [`FORMAT`].
    pub format: String,
    /// The councilsim version that started the game: another version may play the same
    /// decisions differently, so it is refused.
    pub version: String,
    /// SHA-256 of `scenario`, checked when read.
    pub sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replication index: the game is replication R of `run --seed S`, with humans.
    pub replication: u64,
    /// Ids of the delegations humans play (members or participants).
    pub seats: Vec<String>,
    /// The scenario file's whole text.
    pub scenario: String,
}

impl GameHeader {
    /// The header of a new game of `model` (compiled from `text`).
    pub fn new(text: &str, model: &Model, setup: &Setup) -> Self {
        GameHeader {
            format: FORMAT.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            sha256: model.sha256.clone(),
            seed: setup.seed,
            replication: setup.replication,
            seats: setup
                .seats
                .iter()
                .map(|&s| model.agent_id(s as usize).to_string())
                .collect(),
            scenario: text.to_string(),
        }
    }
}

/// One human decision as written in the file: who, when, what was decided on which
/// subject, and the choice. Written by [`choice_line`]; every field is checked against the
/// replayed game when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionLine {
    /// The seat's id.
    pub seat: String,
    /// Minute of the game at which it was decided.
    pub minute: u64,
    /// ask, answer, table, withdraw or vote ([`DecisionKind::as_str`]).
    pub kind: String,
    /// The draft (asks, answers, withdrawals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// The ballot (tabling, votes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballot: Option<String>,
    /// The member whose ask the penholder answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asker: Option<String>,
    /// The choice: a vote `"yes"`, `"no"`, `"abstain"`; `"table"`/`"do_not_table"`;
    /// `"withdraw"`/`"put_to_vote"`; `"accept"`, `"refuse"`, `{"compromise": x}`;
    /// `"nothing"`, `{"amendment": ID}`, `{"move": DIMENSION, "from": x, "to": y}`.
    pub choice: Value,
}

/// Why a game file cannot be used. Always the user's input (exit code 2).
#[derive(Debug)]
pub enum GameFileError {
    /// The file cannot be read, or a line of it is wrong: `path:line: message`.
    Bad {
        /// The file as named.
        path: String,
        /// 1-based line, when the problem is in one line.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The embedded scenario text (whose hash matched) is not a valid scenario.
    Scenario(ScenarioError),
}

impl std::fmt::Display for GameFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GameFileError::Bad {
                path,
                line: Some(line),
                message,
            } => write!(f, "{path}:{line}: {message}"),
            GameFileError::Bad { path, message, .. } => write!(f, "{path}: {message}"),
            GameFileError::Scenario(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for GameFileError {}

/// A game file read and checked: its header, the scenario compiled from its text, the
/// seats as agent indices, the decisions and the game replayed up to its last decision.
pub struct LoadedGame {
    /// Line 1.
    pub header: GameHeader,
    /// The embedded scenario, compiled.
    pub model: Model,
    /// Seed, replication and seats (agent indices).
    pub setup: Setup,
    /// The human decisions, in order.
    pub choices: Vec<Choice>,
    /// The game replayed with them: the log so far and the next decision, if any.
    pub progress: Progress,
    /// Bytes read: [`Appender::resume`] refuses a file that changed since.
    pub length: u64,
}

/// Reads and checks the game file at `path` (see [`load`]) and returns its header and
/// decisions.
pub fn read(path: &Path) -> Result<(GameHeader, Vec<Choice>), GameFileError> {
    load(path).map(|g| (g.header, g.choices))
}

/// Reads the game file at `path` as untrusted input and replays it: the header's format,
/// version, hash and scenario text, its seats, and each decision line against the decision
/// the replayed game asks for at that point (seat, minute, kind, subject and a valid
/// choice). Any problem is an error naming the file and line.
pub fn load(path: &Path) -> Result<LoadedGame, GameFileError> {
    let name = path.display().to_string();
    let text = crate::input::read_text(path, MAX_GAME_BYTES, "game files").map_err(|e| {
        GameFileError::Bad {
            path: name.clone(),
            line: None,
            message: e.reason,
        }
    })?;
    parse(&name, &text)
}

/// [`load`] on a game file's text; `name` names it in messages.
pub fn parse(name: &str, text: &str) -> Result<LoadedGame, GameFileError> {
    let bad = |line: usize, message: String| GameFileError::Bad {
        path: name.to_string(),
        line: Some(line),
        message,
    };
    if text.is_empty() {
        return Err(GameFileError::Bad {
            path: name.to_string(),
            line: None,
            message: "is empty; a game file starts with its header line".to_string(),
        });
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    // Every line ends with a newline; what follows the last is empty.
    if lines.pop() != Some("") {
        return Err(bad(
            lines.len() + 1,
            "the line is cut off (no end of line): the file was damaged while being written"
                .to_string(),
        ));
    }
    let header = parse_header(lines[0]).map_err(|m| bad(1, m))?;
    let model = scenario::compile(&format!("{name} (its scenario)"), &header.scenario)
        .map_err(GameFileError::Scenario)?;
    let setup = Setup::from_ids(&model, header.seed, header.replication, &header.seats)
        .map_err(|m| bad(1, format!("seats: {m}")))?;
    let mut records = Vec::with_capacity(lines.len() - 1);
    let mut choices = Vec::with_capacity(lines.len() - 1);
    for (k, raw) in lines[1..].iter().enumerate() {
        let n = k + 2;
        let record: DecisionLine =
            serde_json::from_str(raw).map_err(|e| bad(n, format!("not a decision line: {e}")))?;
        if !header.seats.contains(&record.seat) {
            return Err(bad(
                n,
                format!(
                    "seat `{}` is not one of the game's seats ({})",
                    record.seat,
                    header.seats.join(", ")
                ),
            ));
        }
        choices.push(to_choice(&model, &record).map_err(|m| bad(n, m))?);
        records.push(record);
    }
    let progress = game::advance(&model, &setup, &choices).map_err(|e| match e {
        game::GameError::Invalid { index, why } => bad(index + 2, why),
        game::GameError::TooMany { decisions, .. } => bad(
            decisions + 2,
            "the game was over before this decision".to_string(),
        ),
    })?;
    if progress.decided.len() != choices.len() {
        return Err(bad(
            progress.decided.len() + 2,
            "the game was over before this decision".to_string(),
        ));
    }
    for (k, (decided, record)) in progress.decided.iter().zip(&records).enumerate() {
        let expected = choice_line(&model, &decided.request, &decided.chosen);
        if let Some(why) = difference(&expected, record) {
            return Err(bad(k + 2, why));
        }
    }
    Ok(LoadedGame {
        header,
        model,
        setup,
        choices,
        progress,
        length: text.len() as u64,
    })
}

fn parse_header(line: &str) -> Result<GameHeader, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not a game file header: {e}"))?;
    // The format first, so that a file of another format is named as such, not as a
    // header with unknown fields.
    match value.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "is a game file of format `{other}`; this councilsim reads `{FORMAT}`"
            ))
        }
        None => return Err(format!("not a game file header: no `format` (`{FORMAT}`)")),
    }
    let header: GameHeader =
        serde_json::from_value(value).map_err(|e| format!("not a game file header: {e}"))?;
    let version = env!("CARGO_PKG_VERSION");
    if header.version != version {
        return Err(format!(
            "the game was played with councilsim {}; this is councilsim {version}, which may \
             play the same decisions differently",
            header.version
        ));
    }
    let actual = scenario::sha256_hex(header.scenario.as_bytes());
    if actual != header.sha256 {
        return Err(format!(
            "the scenario text does not match its recorded SHA-256 (recorded {}, the text's is \
             {actual}): the file was edited",
            header.sha256
        ));
    }
    Ok(header)
}

/// The first field in which `found` differs from what the replayed game `expected`.
fn difference(expected: &DecisionLine, found: &DecisionLine) -> Option<String> {
    let show = |o: &Option<String>| o.clone().unwrap_or_else(|| "none".to_string());
    if expected.seat != found.seat || expected.kind != found.kind {
        Some(format!(
            "records a decision of {} ({}), but the game asks {} for a decision ({}) here",
            found.seat, found.kind, expected.seat, expected.kind
        ))
    } else if expected.minute != found.minute {
        Some(format!(
            "records minute {}, but the game asks at minute {}",
            found.minute, expected.minute
        ))
    } else if expected.draft != found.draft {
        Some(format!(
            "records draft {}, but the game asks about draft {}",
            show(&found.draft),
            show(&expected.draft)
        ))
    } else if expected.ballot != found.ballot {
        Some(format!(
            "records ballot {}, but the game asks about ballot {}",
            show(&found.ballot),
            show(&expected.ballot)
        ))
    } else if expected.asker != found.asker {
        Some(format!(
            "records the ask of {}, but the game asks about the ask of {}",
            show(&found.asker),
            show(&expected.asker)
        ))
    } else if expected.choice != found.choice {
        Some(format!(
            "records the choice {}, which does not fit the decision asked for here",
            found.choice
        ))
    } else {
        None
    }
}

/// The line that records `choice`, taken on `request`.
pub fn choice_line(model: &Model, request: &Request, choice: &Choice) -> DecisionLine {
    let ballot_id = |b: u16| model.ballot_id(model.ballots[b as usize]).to_string();
    let draft_id = |d: u16| model.drafts[d as usize].id.clone();
    let (draft, ballot, asker) = match &request.question {
        Question::Ask { draft, .. } | Question::Withdraw { draft, .. } => {
            (Some(draft_id(*draft)), None, None)
        }
        Question::Answer { draft, asker, .. } => (
            Some(draft_id(*draft)),
            None,
            Some(model.agent_id(*asker as usize).to_string()),
        ),
        Question::Table { ballot, .. } | Question::Vote { ballot, .. } => {
            (None, Some(ballot_id(*ballot)), None)
        }
    };
    DecisionLine {
        seat: model.agent_id(request.seat as usize).to_string(),
        minute: request.minute,
        kind: request.kind().as_str().to_string(),
        draft,
        ballot,
        asker,
        choice: choice_json(model, choice),
    }
}

/// A choice as it is written in the file.
pub fn choice_json(model: &Model, choice: &Choice) -> Value {
    match choice {
        Choice::Vote(v) => json!(v.as_str()),
        Choice::Table(true) => json!("table"),
        Choice::Table(false) => json!("do_not_table"),
        Choice::Withdraw(true) => json!("withdraw"),
        Choice::Withdraw(false) => json!("put_to_vote"),
        Choice::Answer(Verdict::Accepted) => json!("accept"),
        Choice::Answer(Verdict::Refused) => json!("refuse"),
        Choice::Answer(Verdict::Compromise(to)) => json!({ "compromise": to }),
        Choice::Ask(None) => json!("nothing"),
        Choice::Ask(Some(Ask::Amendment(a))) => {
            json!({ "amendment": model.amendments[*a as usize].id })
        }
        Choice::Ask(Some(Ask::Soften { dim, from, to })) => json!({
            "move": model.dims[*dim as usize].id, "from": from, "to": to
        }),
    }
}

/// The choice a decision line records, with its ids resolved; whether it fits the
/// decision asked for is checked when the game is replayed.
fn to_choice(model: &Model, line: &DecisionLine) -> Result<Choice, String> {
    let c = &line.choice;
    let word = c.as_str();
    let kind = DecisionKind::parse(&line.kind).ok_or_else(|| {
        format!(
            "kind `{}` is not a decision: ask, answer, table, withdraw or vote",
            line.kind
        )
    })?;
    let expected = |what: &str| format!("choice {c}: a {} takes {what}", kind.as_str());
    let number = |key: &str| -> Result<f64, String> {
        c.get(key)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("choice {c}: `{key}` must be a number"))
    };
    let object_keys = |keys: &[&str]| -> bool {
        c.as_object()
            .is_some_and(|o| o.len() == keys.len() && keys.iter().all(|k| o.contains_key(*k)))
    };
    match kind {
        DecisionKind::Vote => match word {
            Some("yes") => Ok(Choice::Vote(Vote::Yes)),
            Some("no") => Ok(Choice::Vote(Vote::No)),
            Some("abstain") => Ok(Choice::Vote(Vote::Abstain)),
            _ => Err(expected("\"yes\", \"no\" or \"abstain\"")),
        },
        DecisionKind::Table => match word {
            Some("table") => Ok(Choice::Table(true)),
            Some("do_not_table") => Ok(Choice::Table(false)),
            _ => Err(expected("\"table\" or \"do_not_table\"")),
        },
        DecisionKind::Withdraw => match word {
            Some("withdraw") => Ok(Choice::Withdraw(true)),
            Some("put_to_vote") => Ok(Choice::Withdraw(false)),
            _ => Err(expected("\"withdraw\" or \"put_to_vote\"")),
        },
        DecisionKind::Answer => match word {
            Some("accept") => Ok(Choice::Answer(Verdict::Accepted)),
            Some("refuse") => Ok(Choice::Answer(Verdict::Refused)),
            None if object_keys(&["compromise"]) => {
                Ok(Choice::Answer(Verdict::Compromise(number("compromise")?)))
            }
            _ => Err(expected(
                "\"accept\", \"refuse\" or {\"compromise\": position}",
            )),
        },
        DecisionKind::Ask => match word {
            Some("nothing") => Ok(Choice::Ask(None)),
            None if object_keys(&["amendment"]) => {
                let id = c["amendment"].as_str().unwrap_or_default();
                let a = model
                    .amendments
                    .iter()
                    .position(|a| a.id == id)
                    .ok_or_else(|| format!("choice {c}: no amendment `{id}` in the scenario"))?;
                Ok(Choice::Ask(Some(Ask::Amendment(a as u16))))
            }
            None if object_keys(&["move", "from", "to"]) => {
                let id = c["move"].as_str().unwrap_or_default();
                let dim =
                    model.dims.iter().position(|d| d.id == id).ok_or_else(|| {
                        format!("choice {c}: no dimension `{id}` in the scenario")
                    })?;
                Ok(Choice::Ask(Some(Ask::Soften {
                    dim: dim as u16,
                    from: number("from")?,
                    to: number("to")?,
                })))
            }
            _ => Err(expected(
                "\"nothing\", {\"amendment\": ID} or {\"move\": DIMENSION, \"from\": x, \"to\": y}",
            )),
        },
    }
}

/// Appends decision lines to a game file, each written whole and synced to disk before
/// [`Appender::append`] returns: a terminal that dies loses at most the decision being typed.
pub struct Appender {
    file: File,
    path: PathBuf,
}

impl Appender {
    /// Starts a new game file at `path` with `header`. The file is created exclusively: an
    /// existing path (a file, a link, anything) is never opened or replaced; the error then
    /// has kind [`io::ErrorKind::AlreadyExists`].
    pub fn create(path: &Path, header: &GameHeader) -> io::Result<Self> {
        // Until its header is on disk the new file is a temporary one: an interrupt, or a
        // failed write, removes it rather than leave a game file without a header.
        let (_, mut file) = crate::interrupt::track(|| {
            let file = OpenOptions::new().write(true).create_new(true).open(path)?;
            Ok((path.to_path_buf(), file))
        })?;
        let written = (|| {
            let mut line = serde_json::to_string(header).map_err(io::Error::other)?;
            line.push('\n');
            file.write_all(line.as_bytes())?;
            file.sync_all()?;
            // The new name itself must survive a crash, not only the bytes.
            #[cfg(unix)]
            if let Some(dir) = path.parent() {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                File::open(dir)?.sync_all()?;
            }
            Ok(())
        })();
        match written {
            Ok(()) => crate::interrupt::settle(path, || Ok(()))?,
            Err(e) => {
                let _ = crate::interrupt::settle(path, || std::fs::remove_file(path));
                return Err(e);
            }
        }
        Ok(Appender {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Opens the existing game file at `path` to go on appending, after [`load`] read
    /// `length` bytes of it: refuses anything but a regular file, and a file that changed
    /// length since it was read (another `play` appending to it).
    pub fn resume(path: &Path, length: u64) -> io::Result<Self> {
        let mut options = OpenOptions::new();
        options.append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // A FIFO swapped in since the read must not block the open.
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = options.open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is no longer a regular file",
            ));
        }
        if meta.len() != length {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "changed while it was being read (is another `play` appending to it?)",
            ));
        }
        Ok(Appender {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Appends one decision line and syncs it to disk.
    pub fn append(&mut self, line: &DecisionLine) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        self.file.write_all(text.as_bytes())?;
        self.file.sync_data()
    }

    /// The file appended to.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
