//! The commands of a played game: `play` (a new game or `--resume`), `replay` and
//! `debrief`. Arguments and files here; the game itself is [`crate::play`], the game file
//! [`crate::game::file`], the debrief [`crate::debrief`].

use super::args::{thread_count, TraceFormat};
use super::error::Error;
use super::output::{emit, pretty_json, stdout};
use crate::export::{self, trace as trace_export};
use crate::game::file::{self, Appender, GameFileError, GameHeader, LoadedGame};
use crate::game::Setup;
use crate::play::{self, Ended, PlayError};
use crate::scenario;
use crate::workflow::JobError;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// Output format of a debrief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DebriefFormat {
    /// Text for the class.
    Text,
    /// The JSON contract.
    Json,
}

/// What `play` was asked to do.
pub struct PlayArgs {
    /// The scenario (a new game), or the one a resumed game must be of.
    pub scenario: Option<String>,
    /// `--as`: the seats humans play.
    pub seats: Vec<String>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--replication`.
    pub replication: Option<u64>,
    /// `--game`: the new game's file.
    pub game: Option<PathBuf>,
    /// `--resume`: the game file to continue.
    pub resume: Option<PathBuf>,
}

fn game_error(e: GameFileError) -> Error {
    match e {
        GameFileError::Scenario(e) => Error::from(e),
        bad => Error::Usage(bad.to_string()),
    }
}

fn load(path: &Path) -> Result<LoadedGame, Error> {
    file::load(path).map_err(game_error)
}

/// `councilsim play`: a new game, or `--resume FILE`.
pub fn play(args: PlayArgs) -> Result<(), Error> {
    match args.resume.clone() {
        Some(path) => resume(args, &path),
        None => start(args),
    }
}

fn start(args: PlayArgs) -> Result<(), Error> {
    let Some(path) = args.scenario.as_deref() else {
        return Err(Error::Usage(
            "name a scenario to play (`councilsim play SCENARIO --as ID`), or continue a game \
             with `--resume FILE`"
                .to_string(),
        ));
    };
    let text = scenario::read(path)?;
    let model = scenario::compile(path, &text)?;
    if args.seats.is_empty() {
        return Err(Error::Usage(format!(
            "name the delegations humans play with --as ID[,ID...]; valid ids: {}",
            agent_ids(&model).join(", ")
        )));
    }
    let setup = Setup::from_ids(
        &model,
        args.seed.unwrap_or(model.montecarlo.seed),
        args.replication.unwrap_or(0),
        &args.seats,
    )
    .map_err(|why| Error::Usage(format!("--as: {why}")))?;
    let mut appender = match &args.game {
        Some(game) => {
            if export::same_file(game, Path::new(path)) {
                return Err(Error::Usage(format!(
                    "--game {} is the scenario file; name another file for the game",
                    game.display()
                )));
            }
            Some(create(game, &GameHeader::new(&text, &model, &setup))?)
        }
        None => None,
    };
    let intro = match &args.game {
        Some(game) => format!(
            "A game of {} — seed {}, replication {}; you play {}. Every decision is saved to {} as you take it.\n",
            model.name,
            setup.seed,
            setup.replication,
            args.seats.join(", "),
            game.display()
        ),
        None => format!(
            "A game of {} — seed {}, replication {}; you play {}. Not saved: name a file with --game to keep the game and resume it.\n",
            model.name,
            setup.seed,
            setup.replication,
            args.seats.join(", ")
        ),
    };
    stdout(&export::printable_lines(&intro))?;
    session(
        &model,
        &setup,
        Vec::new(),
        appender.as_mut(),
        args.game.as_deref(),
    )
}

/// Creates a new game file; an existing path is never replaced.
fn create(game: &Path, header: &GameHeader) -> Result<Appender, Error> {
    if std::fs::symlink_metadata(game).is_ok() {
        return Err(exists(game));
    }
    Appender::create(game, header).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            exists(game)
        } else if matches!(
            source.kind(),
            std::io::ErrorKind::NotFound
                | std::io::ErrorKind::PermissionDenied
                | std::io::ErrorKind::IsADirectory
        ) {
            Error::Usage(format!("cannot create {}: {source}", game.display()))
        } else {
            Error::Write {
                target: game.display().to_string(),
                source,
            }
        }
    })
}

fn exists(game: &Path) -> Error {
    Error::Usage(format!(
        "{} already exists; continue that game with `councilsim play --resume {}`, or name a new file with --game",
        game.display(),
        game.display()
    ))
}

fn agent_ids(model: &crate::model::Model) -> Vec<&str> {
    (0..model.agent_count())
        .map(|a| model.agent_id(a))
        .collect()
}

fn resume(args: PlayArgs, path: &Path) -> Result<(), Error> {
    if args.game.is_some() {
        return Err(Error::Usage(
            "--resume FILE goes on appending to FILE; --game names the file of a new game"
                .to_string(),
        ));
    }
    let game = load(path)?;
    let shown = path.display();
    if let Some(scenario_path) = args.scenario.as_deref() {
        let text = scenario::read(scenario_path)?;
        let sha = scenario::sha256_hex(text.as_bytes());
        if sha != game.header.sha256 {
            return Err(Error::Usage(format!(
                "{shown} is a game of another scenario: its text has SHA-256 {}, {scenario_path}'s is {sha}",
                game.header.sha256
            )));
        }
    }
    let differs = |what: &str, asked: String, recorded: String| {
        Error::Usage(format!(
            "{shown} was played with {what} {recorded}, not {asked}; a resumed game keeps its own"
        ))
    };
    let sorted = |ids: &[String]| {
        let mut v = ids.to_vec();
        v.sort();
        v
    };
    if !args.seats.is_empty() && sorted(&args.seats) != sorted(&game.header.seats) {
        return Err(differs(
            "--as",
            args.seats.join(","),
            game.header.seats.join(","),
        ));
    }
    if let Some(seed) = args.seed.filter(|&s| s != game.header.seed) {
        return Err(differs(
            "--seed",
            seed.to_string(),
            game.header.seed.to_string(),
        ));
    }
    if let Some(r) = args.replication.filter(|&r| r != game.header.replication) {
        return Err(differs(
            "--replication",
            r.to_string(),
            game.header.replication.to_string(),
        ));
    }
    if game.progress.pending.is_none() {
        return stdout(&format!(
            "{shown}: this game is over. Replay it with `councilsim replay {shown}`, debrief it with `councilsim debrief {shown}`.\n"
        ));
    }
    let mut appender = Appender::resume(path, game.length).map_err(|source| {
        if source.kind() == std::io::ErrorKind::InvalidInput {
            Error::Usage(format!("{shown} {source}"))
        } else {
            Error::Write {
                target: shown.to_string(),
                source,
            }
        }
    })?;
    let intro = format!(
        "Resuming the game in {shown} ({}, seed {}, replication {}; you play {}), {} decision(s) taken so far.\n",
        game.model.name,
        game.header.seed,
        game.header.replication,
        game.header.seats.join(", "),
        game.choices.len()
    );
    stdout(&export::printable_lines(&intro))?;
    session(
        &game.model,
        &game.setup,
        game.choices,
        Some(&mut appender),
        Some(path),
    )
}

/// Plays on standard input and output until the game is over or the input ends.
fn session(
    model: &crate::model::Model,
    setup: &Setup,
    choices: Vec<crate::decision::Choice>,
    save: Option<&mut Appender>,
    game: Option<&Path>,
) -> Result<(), Error> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    let echo = !stdin.is_terminal();
    let mut input = stdin.lock();
    let mut output = std::io::stdout().lock();
    let ended = play::play(model, setup, choices, save, &mut input, &mut output, echo);
    drop(output);
    let (ended, _) = ended.map_err(|e| match e {
        PlayError::Output(source) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            Error::BrokenPipe
        }
        PlayError::Output(source) => Error::Write {
            target: "standard output".to_string(),
            source,
        },
        PlayError::Save(source) => Error::Write {
            target: game.map_or("the game file".to_string(), |g| g.display().to_string()),
            source,
        },
        PlayError::Input(source) => Error::Job(JobError::Io {
            path: "standard input".to_string(),
            source,
        }),
        PlayError::Engine(why) => {
            Error::Internal(format!("the game engine refused a choice: {why}"))
        }
    })?;
    let note = match (ended, game) {
        (Ended::Finished, Some(g)) => format!(
            "The game is saved in {g}. Replay it with `councilsim replay {g}`; debrief it with `councilsim debrief {g}`.\n",
            g = g.display()
        ),
        (Ended::Finished, None) => {
            "The game was not saved (no --game FILE).\n".to_string()
        }
        (Ended::InputEnded, Some(g)) => format!(
            "Input ended: the game is saved in {g}; continue it with `councilsim play --resume {g}`.\n",
            g = g.display()
        ),
        (Ended::InputEnded, None) => {
            "Input ended; the game was not saved (no --game FILE).\n".to_string()
        }
    };
    stdout(&export::printable_lines(&note))
}

/// `councilsim replay`: the game's event log, like `trace`, human decisions marked.
pub fn replay(path: &Path, format: TraceFormat, output: Option<PathBuf>) -> Result<(), Error> {
    let game = load(path)?;
    if let Some(out) = &output {
        refuse_game_as_output(path, out)?;
    }
    let (seed, replication) = (game.header.seed, game.header.replication);
    let text = match format {
        TraceFormat::Text => trace_export::text(&game.model, seed, replication, &game.progress.log),
        TraceFormat::Jsonl => {
            trace_export::jsonl(&game.model, seed, replication, &game.progress.log)
        }
    };
    emit(output, &text)?;
    if game.progress.pending.is_some() {
        eprintln!(
            "{}",
            export::printable_lines(&format!(
                "note: the game in {} is not over; this is its log so far (continue it with `councilsim play --resume {}`)",
                path.display(),
                path.display()
            ))
        );
    }
    Ok(())
}

fn refuse_game_as_output(game: &Path, output: &Path) -> Result<(), Error> {
    if export::same_file(game, output) {
        return Err(Error::Usage(format!(
            "--output {} is the game file; name another file",
            output.display()
        )));
    }
    Ok(())
}

/// What `debrief` was asked to do.
pub struct DebriefArgs {
    /// The game file.
    pub game: PathBuf,
    /// Bot-only replications [default: the scenario's].
    pub replications: Option<u64>,
    /// Worker threads.
    pub threads: Option<u64>,
    /// Text or JSON.
    pub format: DebriefFormat,
    /// Write here instead of standard output.
    pub output: Option<PathBuf>,
}

/// `councilsim debrief`: the game, the bots, the counterfactuals.
pub fn debrief(args: DebriefArgs) -> Result<(), Error> {
    let game = load(&args.game)?;
    if let Some(out) = &args.output {
        refuse_game_as_output(&args.game, out)?;
        export::check_output(out).map_err(|source| Error::Write {
            target: out.display().to_string(),
            source,
        })?;
    }
    if game.progress.pending.is_some() {
        return Err(Error::Usage(format!(
            "{} is not over yet; finish it with `councilsim play --resume {}` before a debrief",
            args.game.display(),
            args.game.display()
        )));
    }
    let replications = args
        .replications
        .unwrap_or(game.model.montecarlo.replications);
    let threads = thread_count(args.threads);
    let debrief = crate::debrief::build(
        &game.model,
        &game.header,
        &game.choices,
        replications,
        threads,
    )
    .map_err(|e| match e {
        crate::debrief::DebriefError::Run(job) => Error::Job(job),
        other => Error::Internal(other.to_string()),
    })?;
    let text = match args.format {
        DebriefFormat::Text => export::debrief::text(&game.model, &game.header, &debrief),
        DebriefFormat::Json => pretty_json(&debrief)?,
    };
    emit(args.output, &text)
}
