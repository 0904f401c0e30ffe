//! The game file as the classroom writes it: a header line, then one line per decision,
//! each appended, flushed and synced to disk as the decision is made.
//!
//! Same names as the game file of `play` (`GameHeader`, [`read`], [`Appender`],
//! [`choice_line`]); JSON Lines: the header carries the format version, councilsim's
//! version, the scenario's SHA-256 and text, seed, replication and seat ids; each decision
//! line carries the seat, the kind, the minute and the choice. What is read back is
//! untrusted: every line is parsed and checked, and a torn last line (a crash mid-write)
//! is reported with its line number, never guessed at.

use crate::behaviour::Vote;
use crate::decision::{Choice, Request};
use crate::model::Model;
use crate::trace::{Ask, Verdict};
use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The game file's format version.
pub const FORMAT: u64 = 1;

/// The first line of a game file: what game this is.
#[derive(Debug, Clone, PartialEq)]
pub struct GameHeader {
    /// Format version ([`FORMAT`]).
    pub format: u64,
    /// councilsim's version that wrote it.
    pub version: String,
    /// SHA-256 of the scenario text.
    pub sha256: String,
    /// The scenario text itself, so the game can be replayed from the file alone.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Replication index.
    pub replication: u64,
    /// The human seats' ids, in the order of the setup.
    pub seats: Vec<String>,
}

impl GameHeader {
    fn to_json(&self) -> Value {
        json!({
            "format": self.format, "councilsim": self.version, "sha256": self.sha256,
            "scenario": self.scenario, "seed": self.seed, "replication": self.replication,
            "seats": self.seats,
        })
    }

    fn from_json(v: &Value) -> Result<Self, String> {
        let text = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("the header has no text `{k}`"))
        };
        let number = |k: &str| {
            v.get(k)
                .and_then(Value::as_u64)
                .ok_or_else(|| format!("the header has no whole number `{k}`"))
        };
        let seats = v
            .get("seats")
            .and_then(Value::as_array)
            .ok_or("the header has no list `seats`")?
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or("a seat id is not text")
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(GameHeader {
            format: number("format")?,
            version: text("councilsim")?,
            sha256: text("sha256")?,
            scenario: text("scenario")?,
            seed: number("seed")?,
            replication: number("replication")?,
            seats,
        })
    }
}

/// A choice as JSON, as the trace and every game file write it
/// ([`crate::export::decision::choice_json`]): `{"kind": "vote", "vote": "no"}`,
/// `{"kind": "ask", "ask": null | {"amendment": ID} | {"soften": DIM, "from", "to"}}`,
/// `{"kind": "answer", "verdict": "accepted" | "refused" | "compromise", "to"}`,
/// `{"kind": "table", "table": bool}`, `{"kind": "withdraw", "withdraw": bool}`.
pub fn choice_json(model: &Model, choice: &Choice) -> Value {
    crate::export::decision::choice_json(model, choice)
}

/// Parses [`choice_json`]'s shape back; says what is wrong otherwise.
pub fn parse_choice(model: &Model, v: &Value) -> Result<Choice, String> {
    let Some(map) = v.as_object() else {
        return Err("a choice is an object with a `kind`".to_string());
    };
    let number = |v: Option<&Value>, what: &str| {
        v.and_then(Value::as_f64)
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{what}` must be a number"))
    };
    let flag = |key: &str| {
        map.get(key)
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("`{key}` is true or false"))
    };
    match map.get("kind").and_then(Value::as_str).unwrap_or_default() {
        "ask" => match map.get("ask") {
            Some(Value::Null) => Ok(Choice::Ask(None)),
            Some(Value::Object(ask)) => {
                if let Some(id) = ask.get("amendment") {
                    let id = id.as_str().unwrap_or_default();
                    let a = model
                        .amendments
                        .iter()
                        .position(|x| x.id == id)
                        .ok_or_else(|| format!("there is no amendment `{id}`"))?;
                    Ok(Choice::Ask(Some(Ask::Amendment(a as u16))))
                } else if let Some(dim) = ask.get("soften") {
                    let id = dim.as_str().unwrap_or_default();
                    let d = model
                        .dims
                        .iter()
                        .position(|x| x.id == id)
                        .ok_or_else(|| format!("there is no dimension `{id}`"))?;
                    Ok(Choice::Ask(Some(Ask::Soften {
                        dim: d as u16,
                        from: number(ask.get("from"), "from")?,
                        to: number(ask.get("to"), "to")?,
                    })))
                } else {
                    Err("an ask is null, {\"amendment\": ID} or {\"soften\": DIMENSION, \"from\": X, \"to\": Y}".to_string())
                }
            }
            _ => Err("`ask` is null or an object".to_string()),
        },
        "answer" => match map.get("verdict").and_then(Value::as_str) {
            Some("accepted") => Ok(Choice::Answer(Verdict::Accepted)),
            Some("refused") => Ok(Choice::Answer(Verdict::Refused)),
            Some("compromise") => Ok(Choice::Answer(Verdict::Compromise(number(
                map.get("to"),
                "to",
            )?))),
            _ => Err("`verdict` is \"accepted\", \"refused\" or \"compromise\"".to_string()),
        },
        "table" => flag("table").map(Choice::Table),
        "withdraw" => flag("withdraw").map(Choice::Withdraw),
        "vote" => match map.get("vote").and_then(Value::as_str) {
            Some("yes") => Ok(Choice::Vote(Vote::Yes)),
            Some("no") => Ok(Choice::Vote(Vote::No)),
            Some("abstain") => Ok(Choice::Vote(Vote::Abstain)),
            _ => Err("`vote` is \"yes\", \"no\" or \"abstain\"".to_string()),
        },
        other => Err(format!(
            "`kind` {other:?} is not a decision: ask, answer, table, withdraw or vote"
        )),
    }
}

/// One decision line (without the line break).
pub fn choice_line(model: &Model, request: &Request, choice: &Choice) -> String {
    json!({
        "seat": model.agent_id(request.seat as usize),
        "kind": request.kind().as_str(),
        "minute": request.minute,
        "choice": choice_json(model, choice),
    })
    .to_string()
}

/// Why a game file cannot be used.
#[derive(Debug)]
pub enum ReadError {
    /// It could not be read.
    Io(io::Error),
    /// Line `line` (from 1) is not what it should be.
    Line {
        /// Line number.
        line: usize,
        /// What is wrong.
        why: String,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Line { line, why } => write!(f, "line {line}: {why}"),
        }
    }
}

/// Reads a game file: its header and the choices, each checked for shape against `model`
/// (whether each fits its request is for [`crate::game::advance`] to say).
pub fn read(path: &Path, model: &Model) -> Result<(GameHeader, Vec<Choice>), ReadError> {
    let text = std::fs::read_to_string(path).map_err(ReadError::Io)?;
    let mut lines = text.split_inclusive('\n').enumerate();
    let bad = |line: usize, why: String| ReadError::Line {
        line: line + 1,
        why,
    };
    let (_, first) = lines
        .next()
        .ok_or_else(|| bad(0, "the file is empty".into()))?;
    if !first.ends_with('\n') {
        return Err(bad(0, "the header line is incomplete".into()));
    }
    let header: Value =
        serde_json::from_str(first).map_err(|e| bad(0, format!("not JSON: {e}")))?;
    let header = GameHeader::from_json(&header).map_err(|why| bad(0, why))?;
    if header.format != FORMAT {
        return Err(bad(
            0,
            format!("format {} (this councilsim reads {FORMAT})", header.format),
        ));
    }
    let mut choices = Vec::new();
    for (i, line) in lines {
        if !line.ends_with('\n') {
            return Err(bad(
                i,
                "the line is incomplete (was the writer stopped mid-line?)".into(),
            ));
        }
        let v: Value = serde_json::from_str(line).map_err(|e| bad(i, format!("not JSON: {e}")))?;
        let choice = v
            .get("choice")
            .ok_or_else(|| bad(i, "no `choice`".into()))
            .and_then(|c| parse_choice(model, c).map_err(|why| bad(i, why)))?;
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
        if kind != choice.kind().as_str() {
            return Err(bad(i, format!("kind `{kind}` does not match its choice")));
        }
        choices.push(choice);
    }
    Ok((header, choices))
}

/// Appends decision lines to a game file, each flushed and synced before the room goes on.
#[derive(Debug)]
pub struct Appender {
    file: File,
}

impl Appender {
    /// Creates `path` (which must not exist) with `header` as its first line.
    pub fn create(path: &Path, header: &GameHeader) -> io::Result<Self> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
        file.write_all(format!("{}\n", header.to_json()).as_bytes())?;
        file.sync_all()?;
        Ok(Appender { file })
    }

    /// Opens an existing game file to append to.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Appender { file })
    }

    /// Appends one decision line, synced to disk.
    pub fn append(&mut self, line: &str) -> io::Result<()> {
        self.file.write_all(format!("{line}\n").as_bytes())?;
        self.file.sync_data()
    }
}

/// The whole file's text for a download: header and lines.
pub fn render(model: &Model, header: &GameHeader, decided: &[(Request, Choice)]) -> String {
    let mut out = format!("{}\n", header.to_json());
    for (request, choice) in decided {
        out.push_str(&choice_line(model, request, choice));
        out.push('\n');
    }
    out
}
