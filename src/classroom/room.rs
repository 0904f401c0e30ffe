//! The room: one game (setup and the choices so far), who holds which seat, and what the
//! teacher has set (phase, timer, what a timed-out decision becomes).
//!
//! The engine is sequential: [`crate::game::advance`] replays the recorded choices and
//! stops at the one pending decision. The room answers that decision itself whenever its
//! seat is played by its bot (nobody holds it, or the teacher handed it to the bot), or the
//! round's time is up, or the teacher advances; otherwise it waits for the student holding
//! the seat. Every decision, whoever takes it, is appended to the game file before the
//! room moves on, so the file alone replays the game.

use super::tokens;
use crate::decision::{Choice, DecisionKind, Question, Request};
use crate::game::file::{self as gamefile, Appender, GameHeader};
use crate::game::{self, Progress, Setup};
use crate::model::Model;
use crate::trace::{TraceEvent, Verdict};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Longest student name, in characters.
pub const MAX_NAME: usize = 40;
/// Most students a room admits.
pub const MAX_STUDENTS: usize = 300;
/// Longest round timer, in minutes.
pub const MAX_ROUND_MINUTES: u64 = 180;

/// Where the room is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Students join and take seats; nothing is decided yet.
    Lobby,
    /// Decisions are taken.
    Running,
    /// The teacher stopped the clock: nobody decides, bots included.
    Paused,
    /// The game is over.
    Over,
}

impl Phase {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Lobby => "lobby",
            Phase::Running => "running",
            Phase::Paused => "paused",
            Phase::Over => "over",
        }
    }

    fn parse(s: &str) -> Option<Phase> {
        [Phase::Lobby, Phase::Running, Phase::Paused, Phase::Over]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// What a decision becomes when its round's time is up or the teacher advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The seat's bot decides.
    Bot,
    /// Nothing: ask nothing, refuse the ask (meeting decisions go to the bot).
    Nothing,
}

impl Fallback {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Fallback::Bot => "bot",
            Fallback::Nothing => "nothing",
        }
    }
}

/// Who took a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taker {
    /// The student of this index, from the browser.
    Student(usize),
    /// The seat's bot: nobody held the seat, or the teacher handed it to the bot.
    Bot,
    /// The round's time was up.
    Timeout,
    /// The teacher moved the room on.
    Teacher,
    /// The teacher ended the game: the bots played the rest.
    Ended,
    /// Unknown (a game file resumed without its room file).
    Unknown,
}

impl Taker {
    fn as_json(&self) -> Value {
        match self {
            Taker::Student(i) => json!({ "student": i }),
            Taker::Bot => json!("bot"),
            Taker::Timeout => json!("timeout"),
            Taker::Teacher => json!("teacher"),
            Taker::Ended => json!("ended"),
            Taker::Unknown => json!("unknown"),
        }
    }

    fn from_json(v: &Value, students: usize) -> Option<Taker> {
        match v {
            Value::String(s) => match s.as_str() {
                "bot" => Some(Taker::Bot),
                "timeout" => Some(Taker::Timeout),
                "teacher" => Some(Taker::Teacher),
                "ended" => Some(Taker::Ended),
                "unknown" => Some(Taker::Unknown),
                _ => None,
            },
            Value::Object(o) => {
                let i = o.get("student")?.as_u64()? as usize;
                (i < students).then_some(Taker::Student(i))
            }
            _ => None,
        }
    }

    /// Whether a person chose (so the debrief counts it as a human decision).
    pub fn human(&self) -> bool {
        matches!(self, Taker::Student(_))
    }
}

/// One student in the room.
#[derive(Debug, Clone)]
pub struct Student {
    /// The name given on joining.
    pub name: String,
    /// SHA-256 of the student's token.
    pub digest: String,
    /// Index into the setup's seats, when the student holds one.
    pub seat: Option<usize>,
}

/// One playable seat.
#[derive(Debug, Clone, Default)]
pub struct Seat {
    /// The teacher handed it to its bot (even if a student holds it).
    pub to_bot: bool,
}

/// A running round timer.
#[derive(Debug, Clone, Copy)]
pub struct Timer {
    /// The consultation round it times: (draft, round).
    pub round: (u16, u32),
    /// When its time is up.
    pub deadline: Instant,
}

/// A refusal, as the HTTP layer sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// What is wrong, in words for the person who asked.
    pub message: String,
}

fn refuse<T>(status: u16, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        status,
        message: message.into(),
    })
}

/// The whole room.
pub struct Room {
    /// The compiled scenario.
    pub model: Model,
    /// The game file's header (scenario text and hash, seed, seats).
    pub header: GameHeader,
    /// Seed, replication and the human seats (agent indices).
    pub setup: Setup,
    /// Every decision so far, in order.
    pub choices: Vec<Choice>,
    /// Who took each of them.
    pub takers: Vec<Taker>,
    /// The game replayed to the pending decision.
    pub progress: Progress,
    /// Per entry of `setup.seats`.
    pub seats: Vec<Seat>,
    /// Everybody who joined, in joining order.
    pub students: Vec<Student>,
    /// Where the room is.
    pub phase: Phase,
    /// What students type to join.
    pub join_code: String,
    /// The teacher's token (this process only: a restart prints a new one).
    pub teacher_token: String,
    /// Minutes each consultation round gets, when rounds are timed.
    pub round_minutes: Option<u64>,
    /// The running timer.
    pub timer: Option<Timer>,
    /// What a timed-out or advanced decision becomes.
    pub fallback: Fallback,
    /// Bumped on every change; event streams send a new view when it moves.
    pub version: u64,
    /// The game file being appended to, if any.
    appender: Option<Appender>,
    /// The room file beside it (seats, students, phase): texts are staged here under the
    /// room's lock and written by [`RoomFile::sync`] outside it (see [`Room::save_room_file`]).
    room_file: Option<Arc<RoomFile>>,
    /// The debrief computed at decision count `.0` (it runs the bot-only Monte Carlo).
    pub debrief: Option<(usize, Value)>,
    /// The event feed in words, rendered once per change (not once per page): each entry
    /// with the seat it is private to, if any.
    pub feed: Vec<(Option<u16>, Value)>,
    /// Each seat's private brief ([`crate::export::brief::html`]), rendered once.
    pub briefs: Vec<String>,
    /// The students' shared view at a version ([`super::views::student_shared`]).
    pub shared_view: Option<(u64, std::sync::Arc<String>)>,
}

/// Everything needed to open a room.
pub struct Opening {
    /// The compiled scenario.
    pub model: Model,
    /// Its text (kept in the game file).
    pub scenario_text: String,
    /// Seed and replication.
    pub seed: u64,
    /// Replication index.
    pub replication: u64,
    /// Human seats (agent indices), or None for every member.
    pub seats: Option<Vec<u16>>,
    /// The game file to create or resume.
    pub game: Option<PathBuf>,
    /// `--round-minutes`.
    pub round_minutes: Option<u64>,
}

/// The room file on disk (seats, students, phase, takers), written with group commit: a
/// change stages its text under the room's lock (`stage`, no disk), and the
/// request that made it calls [`RoomFile::sync`] once the room is unlocked, before it
/// answers. So a student whose seat claim was answered finds it again after a crash, the
/// room is never locked while the disk is waited for, and forty students joining at once
/// cost a few writes, not forty: whoever writes takes the newest staged text.
pub struct RoomFile {
    path: PathBuf,
    /// The newest text not yet written. Staging happens under the room's lock, so the
    /// last text staged is the newest state.
    staged: Mutex<Option<String>>,
    /// Held while writing, so one writer at a time and in order.
    writing: Mutex<()>,
}

impl RoomFile {
    fn new(path: PathBuf) -> RoomFile {
        RoomFile {
            path,
            staged: Mutex::new(None),
            writing: Mutex::new(()),
        }
    }

    /// Stages the room's newest text (called under the room's lock), replacing any older
    /// text not yet written.
    fn stage(&self, text: String) {
        *self.staged.lock().unwrap_or_else(PoisonError::into_inner) = Some(text);
    }

    /// Returns once every text staged before the call, or a newer one, is on disk
    /// (atomically replaced and synced). One writer at a time: a caller that finds the
    /// stage empty waited for the writer that took it, so that text is written.
    pub fn sync(&self) {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        let taken = self
            .staged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(text) = taken else {
            return;
        };
        if let Err(e) = crate::export::write_atomically(&self.path, text.as_bytes()) {
            eprintln!(
                "councilsim classroom: cannot write {}: {e}",
                self.path.display()
            );
        }
    }
}

/// The room file kept beside game file `game`.
pub fn room_file_of(game: &std::path::Path) -> PathBuf {
    let mut name = game.file_name().unwrap_or_default().to_os_string();
    name.push(".room.json");
    game.with_file_name(name)
}

impl Room {
    /// Opens a room: a new game, or the game in `opening.game` resumed where it stopped.
    pub fn open(opening: Opening) -> Result<Room, String> {
        let Opening {
            model,
            scenario_text,
            seed,
            replication,
            seats,
            game: game_path,
            round_minutes,
        } = opening;
        let teacher_token = tokens::token().map_err(|e| format!("no OS randomness: {e}"))?;
        let mut join_code = tokens::join_code().map_err(|e| format!("no OS randomness: {e}"))?;
        let existing = game_path.as_ref().filter(|p| p.exists()).cloned();
        // A game file is read as untrusted input and replayed by the game file's own reader
        // (the same one `replay` and `debrief` use), then checked against this scenario.
        let mut resumed_length = None;
        let (header, setup, choices) = match &existing {
            Some(path) => {
                let loaded = gamefile::load(path).map_err(|e| e.to_string())?;
                let header = loaded.header;
                if header.sha256 != model.sha256 {
                    return Err(format!(
                        "{} was played on another scenario text (sha256 {}…, this one {}…)",
                        path.display(),
                        &header.sha256[..header.sha256.len().min(12)],
                        &model.sha256[..12]
                    ));
                }
                if let Some(seats) = &seats {
                    let mut ids: Vec<&str> =
                        seats.iter().map(|&s| model.agent_id(s as usize)).collect();
                    let mut recorded: Vec<&str> = header.seats.iter().map(String::as_str).collect();
                    ids.sort_unstable();
                    recorded.sort_unstable();
                    if ids != recorded {
                        return Err(format!(
                            "{} was played with seats {} (drop --seats to resume it)",
                            path.display(),
                            header.seats.join(",")
                        ));
                    }
                }
                resumed_length = Some(loaded.length);
                (header, loaded.setup, loaded.choices)
            }
            None => {
                let seats = seats.unwrap_or_else(|| (0..model.members.len() as u16).collect());
                let ids: Vec<String> = seats
                    .iter()
                    .map(|&s| model.agent_id(s as usize).to_string())
                    .collect();
                // The engine takes seats in agent order; the room keeps them in that order too.
                let setup = Setup::from_ids(&model, seed, replication, &ids)
                    .map_err(|why| format!("--seats: {why}"))?;
                let header = GameHeader::new(&scenario_text, &model, &setup);
                (header, setup, Vec::new())
            }
        };
        let progress = game::advance(&model, &setup, &choices).map_err(|e| match e {
            game::GameError::Invalid { index, why } => format!(
                "decision {} of the game file (line {}) does not fit the game: {why}",
                index + 1,
                index + 2
            ),
            other => format!("the game file: {other}"),
        })?;
        let mut room = Room {
            seats: vec![Seat::default(); setup.seats.len()],
            takers: vec![Taker::Unknown; choices.len()],
            phase: if progress.pending.is_none() {
                Phase::Over
            } else if choices.is_empty() {
                Phase::Lobby
            } else {
                Phase::Paused
            },
            model,
            header,
            setup,
            choices,
            progress,
            students: Vec::new(),
            join_code: String::new(),
            teacher_token,
            round_minutes,
            timer: None,
            fallback: Fallback::Bot,
            version: 0,
            appender: None,
            room_file: None,
            debrief: None,
            feed: Vec::new(),
            briefs: Vec::new(),
            shared_view: None,
        };
        room.briefs = room
            .setup
            .seats
            .iter()
            .map(|&a| {
                let brief = crate::brief::build(&room.model, a as usize);
                crate::export::brief::html(&room.model, &brief)
            })
            .collect();
        room.feed = super::views::render_feed(&room);
        if let Some(path) = game_path {
            let room_file = room_file_of(&path);
            if existing.is_some() {
                if room_file.exists() {
                    room.load_room_file(&room_file, &mut join_code)?;
                }
                let length = resumed_length.unwrap_or_default();
                room.appender = Some(
                    Appender::resume(&path, length)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                );
            } else {
                room.appender = Some(
                    Appender::create(&path, &room.header)
                        .map_err(|e| format!("cannot create {}: {e}", path.display()))?,
                );
            }
            room.room_file = Some(Arc::new(RoomFile::new(room_file)));
        }
        room.join_code = join_code;
        room.save_room_file();
        room.sync_room_file();
        Ok(room)
    }

    /// Seat, students, phase and takers from the room file (untrusted: every field checked).
    fn load_room_file(&mut self, path: &std::path::Path, code: &mut String) -> Result<(), String> {
        let fail = |why: &str| format!("{}: {why}", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| fail(&e.to_string()))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| fail(&format!("not JSON: {e}")))?;
        if v.get("format").and_then(Value::as_u64) != Some(1) {
            return Err(fail("not a room file of this version (format 1)"));
        }
        let c = v
            .get("join_code")
            .and_then(Value::as_str)
            .filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_alphanumeric()))
            .ok_or_else(|| fail("no valid join_code"))?;
        *code = c.to_string();
        let seats = v
            .get("seats")
            .and_then(Value::as_array)
            .filter(|s| s.len() == self.seats.len())
            .ok_or_else(|| fail("seats do not match the game file's"))?;
        for (seat, s) in self.seats.iter_mut().zip(seats) {
            seat.to_bot = s.get("to_bot").and_then(Value::as_bool).unwrap_or(false);
        }
        let students = v
            .get("students")
            .and_then(Value::as_array)
            .filter(|s| s.len() <= MAX_STUDENTS)
            .ok_or_else(|| fail("no valid students list"))?;
        for s in students {
            let name = s.get("name").and_then(Value::as_str).unwrap_or_default();
            let digest = s
                .get("token_sha256")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if name.is_empty() || name.chars().count() > MAX_NAME || digest.len() != 64 {
                return Err(fail("a student entry is malformed"));
            }
            let seat = match s.get("seat") {
                None | Some(Value::Null) => None,
                Some(x) => Some(
                    x.as_u64()
                        .map(|x| x as usize)
                        .filter(|&x| x < self.seats.len())
                        .ok_or_else(|| fail("a student's seat is out of range"))?,
                ),
            };
            if seat.is_some() && self.students.iter().any(|o| o.seat == seat) {
                return Err(fail("two students hold the same seat"));
            }
            self.students.push(Student {
                name: name.to_string(),
                digest: digest.to_string(),
                seat,
            });
        }
        if let Some(takers) = v.get("takers").and_then(Value::as_array) {
            for (i, t) in takers.iter().enumerate().take(self.takers.len()) {
                self.takers[i] = Taker::from_json(t, self.students.len())
                    .ok_or_else(|| fail("a decision's taker is malformed"))?;
            }
        }
        if let Some(Value::String(f)) = v.get("fallback") {
            self.fallback = if f == "nothing" {
                Fallback::Nothing
            } else {
                Fallback::Bot
            };
        }
        if let Some(p) = v
            .get("phase")
            .and_then(Value::as_str)
            .and_then(Phase::parse)
        {
            // A room that was running when the server stopped comes back paused: the
            // teacher resumes it when the class is back.
            self.phase = match (p, self.phase) {
                (_, Phase::Over) => Phase::Over,
                (Phase::Running, _) => Phase::Paused,
                (p, _) => p,
            };
        }
        Ok(())
    }

    /// The room file, for writing what was staged once the room is unlocked.
    pub fn room_file(&self) -> Option<Arc<RoomFile>> {
        self.room_file.clone()
    }

    /// Writes what was staged now (for a room no other thread sees yet).
    fn sync_room_file(&self) {
        if let Some(file) = &self.room_file {
            file.sync();
        }
    }

    /// Stages the room file's new text (names, token digests, seats); the request that
    /// changed the room writes it with [`RoomFile::sync`] before answering, outside the
    /// room's lock. The decisions themselves go to the game file synchronously
    /// ([`Room::take`]).
    fn save_room_file(&self) {
        let Some(file) = &self.room_file else {
            return;
        };
        let v = json!({
            "format": 1,
            "join_code": self.join_code,
            "phase": self.phase.as_str(),
            "fallback": self.fallback.as_str(),
            "seats": self.seats.iter().enumerate().map(|(i, s)| json!({
                "id": self.header.seats[i], "to_bot": s.to_bot,
            })).collect::<Vec<_>>(),
            "students": self.students.iter().map(|s| json!({
                "name": s.name, "token_sha256": s.digest, "seat": s.seat,
            })).collect::<Vec<_>>(),
            "takers": self.takers.iter().map(Taker::as_json).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
        file.stage(text);
    }

    /// The seat index (into `setup.seats`) of agent id `id`.
    pub fn seat_index(&self, id: &str) -> Option<usize> {
        self.header.seats.iter().position(|s| s == id)
    }

    /// The seat's agent index.
    pub fn seat_agent(&self, seat: usize) -> usize {
        self.setup.seats[seat] as usize
    }

    /// The student holding seat `seat`, if any.
    pub fn holder(&self, seat: usize) -> Option<usize> {
        self.students.iter().position(|s| s.seat == Some(seat))
    }

    /// Whether the seat's bot decides for it now.
    pub fn bot_plays(&self, seat: usize) -> bool {
        self.seats[seat].to_bot || self.holder(seat).is_none()
    }

    /// The student whose token this is.
    pub fn student_by_token(&self, token: &str) -> Option<usize> {
        let digest = tokens::digest(token);
        self.students
            .iter()
            .position(|s| tokens::same(&s.digest, &digest))
    }

    /// Whether `token` is the teacher's.
    pub fn is_teacher(&self, token: &str) -> bool {
        tokens::same(token, &self.teacher_token)
    }

    /// The seat index of the pending decision, when there is one.
    pub fn pending_seat(&self) -> Option<usize> {
        let (request, _) = self.progress.pending.as_ref()?;
        self.setup.seats.iter().position(|&s| s == request.seat)
    }

    /// The consultation round the game is in: (draft, round) of the last round that ended.
    pub fn current_round(&self) -> Option<(u16, u32)> {
        self.progress
            .log
            .entries
            .iter()
            .rev()
            .find_map(|(_, e)| match e {
                TraceEvent::RoundEnded { draft, round } => Some((*draft, *round)),
                _ => None,
            })
    }

    fn touch(&mut self) {
        self.version += 1;
        self.save_room_file();
    }

    /// Records `choice` for the pending decision, appends it to the game file and replays.
    fn take(&mut self, choice: Choice, taker: Taker) -> Result<(), Refusal> {
        let Some((request, _)) = &self.progress.pending else {
            return refuse(409, "the game is over");
        };
        if let Err(why) = request.validate(&self.model, &choice) {
            return refuse(422, why);
        }
        let line = gamefile::choice_line(&self.model, request, &choice);
        let mut choices = self.choices.clone();
        choices.push(choice);
        let progress = match game::advance(&self.model, &self.setup, &choices) {
            Ok(p) => p,
            Err(game::GameError::Invalid { why, .. }) => return refuse(422, why),
            Err(other) => return refuse(500, other.to_string()),
        };
        if let Some(appender) = &mut self.appender {
            if let Err(e) = appender.append(&line) {
                return refuse(500, format!("the game file cannot be written: {e}"));
            }
        }
        self.choices = choices;
        self.takers.push(taker);
        self.progress = progress;
        self.feed = super::views::render_feed(self);
        if self.progress.pending.is_none() {
            self.phase = Phase::Over;
            self.timer = None;
        }
        Ok(())
    }

    /// What a decision becomes when time is up or the teacher advances.
    fn fallback_choice(&self) -> Option<Choice> {
        let (request, bot) = self.progress.pending.as_ref()?;
        Some(match (self.fallback, &request.question) {
            (Fallback::Nothing, Question::Ask { .. }) => Choice::Ask(None),
            (Fallback::Nothing, Question::Answer { .. }) => Choice::Answer(Verdict::Refused),
            _ => *bot,
        })
    }

    /// Answers every pending decision the room answers itself (bot-played seats, an
    /// expired round) until one waits for a student, the game ends or the room is not
    /// running. Returns whether anything changed.
    pub fn settle(&mut self, now: Instant) -> bool {
        let mut changed = false;
        while self.phase == Phase::Running {
            let Some(seat) = self.pending_seat() else {
                break;
            };
            let Some((request, bot)) = self.progress.pending.clone() else {
                break;
            };
            self.start_timer_if_due(now, &request);
            let expired = self.timer.is_some_and(|t| {
                now >= t.deadline
                    && Some(t.round) == self.current_round()
                    && matches!(request.kind(), DecisionKind::Ask | DecisionKind::Answer)
            });
            let (choice, taker) = if self.bot_plays(seat) {
                (bot, Taker::Bot)
            } else if expired {
                (self.fallback_choice().unwrap_or(bot), Taker::Timeout)
            } else {
                break;
            };
            if self.take(choice, taker).is_err() {
                // The bot's own choice always fits; a failure here is a fault, and the room
                // waits for the teacher rather than spin.
                break;
            }
            changed = true;
        }
        if changed {
            self.touch();
        }
        changed
    }

    /// With `--round-minutes`, a round a student must act in gets its timer when the room
    /// first waits on it.
    fn start_timer_if_due(&mut self, now: Instant, request: &Request) {
        let Some(minutes) = self.round_minutes else {
            return;
        };
        if !matches!(request.kind(), DecisionKind::Ask | DecisionKind::Answer) {
            return;
        }
        let Some(round) = self.current_round() else {
            return;
        };
        if self.timer.is_none_or(|t| t.round != round) {
            self.timer = Some(Timer {
                round,
                deadline: now + Duration::from_secs(minutes * 60),
            });
            self.version += 1;
        }
    }

    /// A student joins with the room's code and a name; returns the student's token.
    pub fn join(&mut self, code: &str, name: &str) -> Result<(usize, String), Refusal> {
        if !tokens::same(&tokens::normalise_code(code), &self.join_code) {
            return refuse(403, "that is not this room's join code");
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return refuse(400, format!("a name is 1 to {MAX_NAME} characters"));
        }
        if self
            .students
            .iter()
            .any(|s| s.name.eq_ignore_ascii_case(name))
        {
            return refuse(
                409,
                format!("somebody called {name} has joined already: add an initial"),
            );
        }
        if self.students.len() >= MAX_STUDENTS {
            return refuse(409, "the room is full");
        }
        let token = tokens::token().map_err(|e| Refusal {
            status: 500,
            message: format!("no OS randomness: {e}"),
        })?;
        self.students.push(Student {
            name: name.to_string(),
            digest: tokens::digest(&token),
            seat: None,
        });
        self.touch();
        Ok((self.students.len() - 1, token))
    }

    /// A student takes a free seat.
    pub fn pick_seat(&mut self, student: usize, id: &str, now: Instant) -> Result<(), Refusal> {
        if self.phase == Phase::Over {
            return refuse(409, "the game is over");
        }
        let Some(seat) = self.seat_index(id) else {
            return refuse(404, format!("{id} is not a seat of this room"));
        };
        if let Some(own) = self.students[student].seat {
            return refuse(
                409,
                format!(
                    "you hold {} already (the teacher can move you)",
                    self.header.seats[own]
                ),
            );
        }
        if self.holder(seat).is_some() {
            return refuse(409, format!("{id} is taken"));
        }
        self.students[student].seat = Some(seat);
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// A student's decision for the pending request. `seat` is the seat the student says
    /// it acts for, `step` the decision number its page showed.
    pub fn decide(
        &mut self,
        student: usize,
        seat_id: &str,
        step: usize,
        choice: Choice,
        now: Instant,
    ) -> Result<(), Refusal> {
        match self.phase {
            Phase::Lobby => return refuse(409, "the game has not started yet"),
            Phase::Paused => return refuse(409, "the room is paused"),
            Phase::Over => return refuse(409, "the game is over"),
            Phase::Running => {}
        }
        let Some(own) = self.students[student].seat else {
            return refuse(403, "you hold no seat");
        };
        let own_id = self.header.seats[own].clone();
        if seat_id != own_id {
            return refuse(403, format!("you hold {own_id}, not {seat_id}"));
        }
        if self.seats[own].to_bot {
            return refuse(409, format!("the teacher handed {own_id} to its bot"));
        }
        let Some((request, _)) = &self.progress.pending else {
            return refuse(409, "the game is over");
        };
        let agent = self.seat_agent(own) as u16;
        if let Choice::Vote(_) = choice {
            let ballot = match request.question {
                Question::Vote { ballot, .. } => Some(ballot),
                _ => None,
            };
            let voted = ballot.is_some_and(|b| {
                self.progress.decided.iter().any(|d| {
                    d.request.seat == agent
                        && matches!(d.request.question, Question::Vote { ballot, .. } if ballot == b)
                })
            });
            if voted {
                let b = self.model.ballots[ballot.unwrap_or(0) as usize];
                return refuse(
                    409,
                    format!("{own_id} has voted on {} already", self.model.ballot_id(b)),
                );
            }
            if ballot.is_none() {
                return refuse(409, "no vote is open: the Council is not voting now");
            }
        }
        if request.seat != agent {
            return refuse(
                409,
                format!(
                    "it is not {own_id}'s turn: the room waits for {} to {}",
                    self.model.agent_id(request.seat as usize),
                    request.kind().as_str()
                ),
            );
        }
        if step != self.choices.len() {
            return refuse(
                409,
                format!(
                    "decision {step} was taken already; the pending one is {}",
                    self.choices.len()
                ),
            );
        }
        self.take(choice, Taker::Student(student))?;
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// Teacher: start the game.
    pub fn start(&mut self, now: Instant) -> Result<(), Refusal> {
        if self.phase != Phase::Lobby {
            return refuse(409, format!("the game is {} already", self.phase.as_str()));
        }
        self.phase = Phase::Running;
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// Teacher: pause (true) or resume (false).
    pub fn pause(&mut self, pause: bool, now: Instant) -> Result<(), Refusal> {
        match (pause, self.phase) {
            (true, Phase::Running) => self.phase = Phase::Paused,
            (false, Phase::Paused) => self.phase = Phase::Running,
            (_, phase) => {
                return refuse(
                    409,
                    format!(
                        "cannot {} a room that is {}",
                        if pause { "pause" } else { "resume" },
                        phase.as_str()
                    ),
                )
            }
        }
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// Teacher: take the pending decision now (the fallback's choice).
    pub fn advance(&mut self, now: Instant) -> Result<(), Refusal> {
        if self.phase == Phase::Lobby {
            return refuse(409, "start the game first");
        }
        let Some(choice) = self.fallback_choice() else {
            return refuse(409, "the game is over");
        };
        self.take(choice, Taker::Teacher)?;
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// Teacher: time the current consultation round (`minutes` from now), or stop timing.
    pub fn time_round(&mut self, minutes: Option<u64>, now: Instant) -> Result<(), Refusal> {
        match minutes {
            None => self.timer = None,
            Some(m) if m == 0 || m > MAX_ROUND_MINUTES => {
                return refuse(
                    400,
                    format!("a round lasts 1 to {MAX_ROUND_MINUTES} minutes"),
                )
            }
            Some(m) => {
                let Some(round) = self.current_round() else {
                    return refuse(409, "no consultation round has begun");
                };
                self.timer = Some(Timer {
                    round,
                    deadline: now + Duration::from_secs(m * 60),
                });
            }
        }
        self.touch();
        Ok(())
    }

    /// Teacher: what timed-out and advanced decisions become.
    pub fn set_fallback(&mut self, fallback: Fallback) {
        self.fallback = fallback;
        self.touch();
    }

    /// Teacher: give seat `id` to student `student` (None: free it).
    pub fn assign(
        &mut self,
        id: &str,
        student: Option<usize>,
        now: Instant,
    ) -> Result<(), Refusal> {
        let Some(seat) = self.seat_index(id) else {
            return refuse(404, format!("{id} is not a seat of this room"));
        };
        if let Some(s) = student {
            if s >= self.students.len() {
                return refuse(404, format!("there is no student {s}"));
            }
        }
        if let Some(old) = self.holder(seat) {
            self.students[old].seat = None;
        }
        if let Some(s) = student {
            self.students[s].seat = Some(seat);
        }
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// Teacher: hand seat `id` to its bot (true) or give it back (false).
    pub fn to_bot(&mut self, id: &str, to_bot: bool, now: Instant) -> Result<(), Refusal> {
        let Some(seat) = self.seat_index(id) else {
            return refuse(404, format!("{id} is not a seat of this room"));
        };
        self.seats[seat].to_bot = to_bot;
        self.touch();
        self.settle(now);
        Ok(())
    }

    /// Teacher: end the game; the bots play every remaining decision.
    pub fn end(&mut self) -> Result<(), Refusal> {
        if self.progress.pending.is_none() {
            return refuse(409, "the game is over already");
        }
        while let Some((_, bot)) = self.progress.pending.clone() {
            self.take(bot, Taker::Ended)?;
        }
        self.phase = Phase::Over;
        self.timer = None;
        self.touch();
        Ok(())
    }

    /// Seconds left on the running timer, when it times the current round.
    pub fn seconds_left(&self, now: Instant) -> Option<u64> {
        let t = self.timer?;
        (Some(t.round) == self.current_round())
            .then(|| t.deadline.saturating_duration_since(now).as_secs())
    }

    /// The game file's text (for the download), from the decisions in memory: the same
    /// bytes the appender wrote.
    pub fn game_file_text(&self) -> String {
        let mut out = serde_json::to_string(&self.header).unwrap_or_default();
        out.push('\n');
        for d in &self.progress.decided {
            let line = gamefile::choice_line(&self.model, &d.request, &d.chosen);
            out.push_str(&serde_json::to_string(&line).unwrap_or_default());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_room(seats: &[&str], round_minutes: Option<u64>) -> Room {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/ukraine-2025-unsc.toml"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let model = crate::scenario::compile(path, &text).unwrap();
        let seats = seats
            .iter()
            .map(|id| model.member_index(id).unwrap() as u16)
            .collect();
        let seed = model.montecarlo.seed;
        Room::open(Opening {
            model,
            scenario_text: text,
            seed,
            replication: 0,
            seats: Some(seats),
            game: None,
            round_minutes,
        })
        .unwrap()
    }

    #[test]
    fn a_round_whose_time_is_up_is_decided_by_the_fallback() {
        let mut room = seed_room(&["FRA"], Some(1));
        let (ana, _) = room.join(&room.join_code.clone(), "Ana").unwrap();
        let now = Instant::now();
        room.pick_seat(ana, "FRA", now).unwrap();
        room.set_fallback(Fallback::Nothing);
        room.start(now).unwrap();
        let (request, _) = room.progress.pending.clone().unwrap();
        assert_eq!(request.kind(), DecisionKind::Ask, "FRA asks first");
        assert_eq!(
            room.seconds_left(now),
            Some(60),
            "--round-minutes 1 timed the round"
        );
        // Before the time is up nothing moves; after, FRA's ask is "nothing".
        assert!(!room.settle(now + Duration::from_secs(59)));
        let step = room.choices.len();
        assert!(room.settle(now + Duration::from_secs(61)));
        assert_eq!(room.choices[step], Choice::Ask(None));
        assert_eq!(room.takers[step], Taker::Timeout);
    }

    #[test]
    fn a_paused_room_decides_nothing_not_even_for_the_bots() {
        let mut room = seed_room(&["FRA", "USA"], None);
        let now = Instant::now();
        room.start(now).unwrap();
        // Nobody holds a seat: the bots played the whole game at once.
        assert_eq!(room.phase, Phase::Over);
        assert!(room.takers.iter().all(|t| *t == Taker::Bot));
        let mut room = seed_room(&["FRA", "USA"], None);
        let (ana, _) = room.join(&room.join_code.clone(), "Ana").unwrap();
        room.pick_seat(ana, "FRA", now).unwrap();
        room.start(now).unwrap();
        room.pause(true, now).unwrap();
        let step = room.choices.len();
        room.to_bot("FRA", true, now).unwrap();
        assert_eq!(room.choices.len(), step, "paused: the bot waits too");
        room.pause(false, now).unwrap();
        assert_eq!(room.phase, Phase::Over, "resumed: FRA's bot plays on");
    }
}
