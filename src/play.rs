//! A game at a terminal: humans play some seats, bots the others.
//!
//! [`play`] steps the game ([`crate::game::advance`]) to the next human decision, shows
//! what the bots did since the last one (the trace's own sentences), asks the question
//! ([`crate::export::play::prompt`]), reads the answer from any `BufRead` (a terminal or a
//! pipe), appends it to the game file and goes on, until the game is over or the input
//! ends. Answers are parsed by [`parse_answer`] and [`parse_target`]; anything else is
//! answered with what is valid, and asked again.

use crate::decision::{Choice, Question, Request};
use crate::export::play::{self as render, Pick, Prompt};
use crate::game::file::{choice_line, Appender};
use crate::game::{self, Setup};
use crate::model::Model;
use crate::trace::{Ask, TraceEvent, TraceLog, Verdict};
use std::io::{self, BufRead, Read, Write};

/// What an answer to a prompt means.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A choice, complete.
    Choice(Choice),
    /// A move on a dimension: its target position is asked next.
    Move {
        /// Dimension index.
        dim: u16,
        /// The text's position there now.
        from: f64,
        /// The target an empty line takes.
        default_to: f64,
    },
    /// Not a valid answer: what to tell the human.
    Invalid(String),
}

/// Reads one answer to `prompt` on `request`: an empty line is the bot's suggestion
/// (`bot`), a number picks an option, `yes`/`no`/`abstain` are votes on a vote, and `no`
/// on any other question does nothing (ask nothing, refuse, do not table, do not
/// withdraw).
pub fn parse_answer(prompt: &Prompt, request: &Request, bot: &Choice, line: &str) -> Answer {
    let word = line.trim().to_ascii_lowercase();
    let pick = |p: &Pick| match p {
        Pick::Choice(c) => Answer::Choice(*c),
        Pick::Move {
            dim,
            from,
            default_to,
        } => Answer::Move {
            dim: *dim,
            from: *from,
            default_to: *default_to,
        },
    };
    if word.is_empty() {
        return Answer::Choice(*bot);
    }
    if let Ok(n) = word.parse::<usize>() {
        return match n.checked_sub(1).and_then(|k| prompt.options.get(k)) {
            Some(o) => pick(&o.pick),
            None => Answer::Invalid(prompt.invalid(line)),
        };
    }
    use crate::behaviour::Vote;
    let choice = match (&request.question, word.as_str()) {
        (Question::Vote { .. }, "yes") => Choice::Vote(Vote::Yes),
        (Question::Vote { .. }, "no") => Choice::Vote(Vote::No),
        (Question::Vote { .. }, "abstain") => Choice::Vote(Vote::Abstain),
        (Question::Ask { .. }, "no") => Choice::Ask(None),
        (Question::Answer { .. }, "no") => Choice::Answer(Verdict::Refused),
        (Question::Table { .. }, "no") => Choice::Table(false),
        (Question::Withdraw { .. }, "no") => Choice::Withdraw(false),
        _ => return Answer::Invalid(prompt.invalid(line)),
    };
    Answer::Choice(choice)
}

/// Reads a move's target position on `dim`: an empty line is `default_to`; otherwise a
/// number within the dimension's range (a whole number on a dimension that counts things)
/// other than where the text stands.
pub fn parse_target(
    model: &Model,
    dim: u16,
    from: f64,
    default_to: f64,
    line: &str,
) -> Result<Choice, String> {
    let d = &model.dims[dim as usize];
    let word = line.trim();
    let to = if word.is_empty() {
        default_to
    } else {
        let x: f64 = word.parse().map_err(|_| {
            format!(
                "`{}` is not a position: type a number from {:.2} to {:.2}, or an empty line for {default_to:.2}",
                crate::export::printable(word),
                d.lo,
                d.hi
            )
        })?;
        if !x.is_finite() || x < d.lo || x > d.hi {
            return Err(format!(
                "{word} is outside {}'s range: type a number from {:.2} to {:.2}",
                d.id, d.lo, d.hi
            ));
        }
        if d.integer && x.fract() != 0.0 {
            return Err(format!(
                "{} counts things: type a whole number from {} to {}",
                d.id, d.lo, d.hi
            ));
        }
        x
    };
    if to == from {
        return Err(format!(
            "the text already stands at {from:.2} on {}: type another position",
            d.id
        ));
    }
    Ok(Choice::Ask(Some(Ask::Soften { dim, from, to })))
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The game is over.
    Finished,
    /// The input ended before the game did: it can be resumed from the game file.
    InputEnded,
}

/// Why a session stopped early.
#[derive(Debug)]
pub enum PlayError {
    /// Writing to the terminal failed (a reader that went away included).
    Output(io::Error),
    /// Reading the input failed.
    Input(io::Error),
    /// Appending to the game file failed.
    Save(io::Error),
    /// The engine refused a choice the session had accepted (a bug, not the user's input).
    Engine(String),
}

/// Trace lines for `entries` (the trace's renderer, without its header line).
fn event_lines(model: &Model, setup: &Setup, entries: &[(u64, TraceEvent)]) -> String {
    let log = TraceLog {
        entries: entries.to_vec(),
    };
    let text = crate::export::trace::text(model, setup.seed, setup.replication, &log);
    match text.split_once('\n') {
        Some((_, rest)) => rest.to_string(),
        None => String::new(),
    }
}

/// Plays the game `setup` of `model` from the decisions `choices` already taken, asking
/// the human seats on `input` and writing to `output`; each new decision is appended to
/// `save` (when there is a game file) before the game goes on. With `echo` (input that is
/// not a terminal, such as a pipe) each answer read is written back after its prompt, so
/// the output reads as a transcript. Returns how it ended and every decision taken, old
/// and new.
pub fn play(
    model: &Model,
    setup: &Setup,
    mut choices: Vec<Choice>,
    mut save: Option<&mut Appender>,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    echo: bool,
) -> Result<(Ended, Vec<Choice>), PlayError> {
    let mut shown = 0;
    let mut line = String::new();
    loop {
        let progress =
            game::advance(model, setup, &choices).map_err(|e| PlayError::Engine(e.to_string()))?;
        let entries = &progress.log.entries;
        let new = event_lines(model, setup, &entries[shown.min(entries.len())..]);
        shown = entries.len();
        output
            .write_all(new.as_bytes())
            .map_err(PlayError::Output)?;
        let Some((request, bot)) = progress.pending else {
            if let Some(outcome) = &progress.outcome {
                let text = format!(
                    "The game is over.\n{}",
                    render::outcome_lines(model, outcome)
                );
                output
                    .write_all(text.as_bytes())
                    .map_err(PlayError::Output)?;
            }
            output.flush().map_err(PlayError::Output)?;
            return Ok((Ended::Finished, choices));
        };
        let prompt = render::prompt(model, entries, &request, &bot);
        output
            .write_all(format!("\n{}", prompt.text).as_bytes())
            .map_err(PlayError::Output)?;
        let chosen = loop {
            output
                .write_all(prompt.hint().as_bytes())
                .map_err(PlayError::Output)?;
            output.flush().map_err(PlayError::Output)?;
            if !read_line(input, &mut line)? {
                output.write_all(b"\n").map_err(PlayError::Output)?;
                output.flush().map_err(PlayError::Output)?;
                return Ok((Ended::InputEnded, choices));
            }
            if echo {
                echo_line(output, &line)?;
            }
            let choice = match parse_answer(&prompt, &request, &bot, &line) {
                Answer::Choice(c) => c,
                Answer::Invalid(why) => {
                    output
                        .write_all(why.as_bytes())
                        .map_err(PlayError::Output)?;
                    continue;
                }
                Answer::Move {
                    dim,
                    from,
                    default_to,
                } => match ask_target(model, (dim, from, default_to), input, output, echo)? {
                    Some(c) => c,
                    None => return Ok((Ended::InputEnded, choices)),
                },
            };
            match request.validate(model, &choice) {
                Ok(()) => break choice,
                Err(why) => {
                    let text = format!("{why}\n");
                    output
                        .write_all(crate::export::printable_lines(&text).as_bytes())
                        .map_err(PlayError::Output)?;
                }
            }
        };
        if let Some(file) = save.as_deref_mut() {
            file.append(&choice_line(model, &request, &chosen))
                .map_err(PlayError::Save)?;
        }
        choices.push(chosen);
    }
}

/// Writes back an answer read from a pipe, as a terminal would have shown it.
fn echo_line(output: &mut dyn Write, line: &str) -> Result<(), PlayError> {
    let shown = crate::export::printable(line.trim_end_matches(['\n', '\r'])).into_owned();
    output
        .write_all(format!("{shown}\n").as_bytes())
        .map_err(PlayError::Output)
}

/// Asks for a move's target (dimension, where the text stands, the default) until it is
/// valid; `None` if the input ends.
fn ask_target(
    model: &Model,
    (dim, from, default_to): (u16, f64, f64),
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    echo: bool,
) -> Result<Option<Choice>, PlayError> {
    let mut line = String::new();
    let line = &mut line;
    loop {
        let question = render::target_prompt(model, dim, from, default_to);
        output
            .write_all(question.as_bytes())
            .map_err(PlayError::Output)?;
        output.flush().map_err(PlayError::Output)?;
        if !read_line(input, line)? {
            output.write_all(b"\n").map_err(PlayError::Output)?;
            return Ok(None);
        }
        if echo {
            echo_line(output, line)?;
        }
        match parse_target(model, dim, from, default_to, line) {
            Ok(c) => return Ok(Some(c)),
            Err(why) => output
                .write_all(format!("{why}\n").as_bytes())
                .map_err(PlayError::Output)?,
        }
    }
}

/// Longest input line read: a line longer than this is garbage, not an answer.
const MAX_LINE: u64 = 4096;

/// Reads one line into `line`; false at end of input. Bytes that are not UTF-8 are kept
/// as replacement characters (and then rejected as an answer), never a panic.
fn read_line(input: &mut dyn BufRead, line: &mut String) -> Result<bool, PlayError> {
    line.clear();
    let mut bytes = Vec::new();
    let n = Read::take(&mut *input, MAX_LINE)
        .read_until(b'\n', &mut bytes)
        .map_err(PlayError::Input)?;
    if n == 0 {
        return Ok(false);
    }
    if bytes.last() != Some(&b'\n') && n as u64 == MAX_LINE {
        // Skip the rest of an overlong line.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let m = Read::take(&mut *input, MAX_LINE)
                .read_until(b'\n', &mut rest)
                .map_err(PlayError::Input)?;
            if m == 0 || rest.last() == Some(&b'\n') {
                break;
            }
        }
        line.push_str("(an overlong line)");
        return Ok(true);
    }
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::{Vote, VoteProbabilities};
    use crate::trace::TraceEvent;

    fn model() -> Model {
        crate::scenario::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/ukraine-2025-unsc.toml"
        ))
        .unwrap()
    }

    fn vote_request(model: &Model) -> Request {
        let ballot = model.draft_ballot[0] as u16;
        Request {
            seat: model.member_index("FRA").unwrap() as u16,
            minute: 4320,
            question: Question::Vote {
                ballot,
                delta: -0.195,
                yes: 0.3,
                no: 0.3,
                tau: 0.1,
                p: VoteProbabilities {
                    yes: 0.01,
                    no: 0.02,
                    abstain: 0.97,
                },
            },
        }
    }

    fn ask_request(model: &Model) -> Request {
        let k = model.dim_count();
        let fra = model.member_index("FRA").unwrap();
        Request {
            seat: fra as u16,
            minute: 1000,
            question: Question::Ask {
                draft: 0,
                delta: -0.195,
                threshold: 0.3,
                position: model.circulated(0).to_vec(),
                ideal: model.members.ideal[fra * k..(fra + 1) * k].to_vec(),
                amendments: vec![(1, 0.735)],
            },
        }
    }

    #[test]
    fn a_vote_takes_numbers_words_and_the_empty_line() {
        let model = model();
        let request = vote_request(&model);
        let bot = Choice::Vote(Vote::Abstain);
        let log: Vec<(u64, TraceEvent)> = vec![(0, TraceEvent::Circulated { draft: 0 })];
        let prompt = render::prompt(&model, &log, &request, &bot);
        assert_eq!(prompt.suggested, 2);
        assert!(
            prompt.text.contains("3  abstain   ← your bot's choice"),
            "{}",
            prompt.text
        );
        assert!(
            prompt
                .text
                .contains("your bot would abstain: -b -0.300 ≤ Δ -0.195 ≤ a 0.300"),
            "{}",
            prompt.text
        );
        assert!(
            prompt.text.contains("Mourning the tragic loss of life"),
            "{}",
            prompt.text
        );
        let parse = |s: &str| parse_answer(&prompt, &request, &bot, s);
        assert_eq!(parse("\n"), Answer::Choice(bot));
        assert_eq!(parse("  \n"), Answer::Choice(bot));
        assert_eq!(parse("1\n"), Answer::Choice(Choice::Vote(Vote::Yes)));
        assert_eq!(parse("No\n"), Answer::Choice(Choice::Vote(Vote::No)));
        assert_eq!(
            parse("abstain"),
            Answer::Choice(Choice::Vote(Vote::Abstain))
        );
        for garbage in [
            "0",
            "4",
            "-1",
            "maybe",
            "1.0",
            "99999999999999999999999",
            "\u{fffd}",
        ] {
            match parse(garbage) {
                Answer::Invalid(why) => assert!(why.contains("from 1 to 3"), "{why}"),
                other => panic!("{garbage:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn no_does_nothing_outside_votes_and_a_move_asks_for_its_target() {
        let model = model();
        let request = ask_request(&model);
        let bot = Choice::Ask(Some(Ask::Amendment(1)));
        let prompt = render::prompt(&model, &[], &request, &bot);
        // Ask nothing, amendment A2, then one move per dimension.
        assert_eq!(prompt.options.len(), 2 + model.dim_count());
        assert_eq!(prompt.suggested, 1);
        assert!(prompt.text.contains("your bot would ask for its amendment A2 (worth +0.735 to it): it would not vote yes (Δ -0.195 ≤ a 0.300)"), "{}", prompt.text);
        let parse = |s: &str| parse_answer(&prompt, &request, &bot, s);
        assert_eq!(parse("no"), Answer::Choice(Choice::Ask(None)));
        assert!(matches!(parse("yes"), Answer::Invalid(_)));
        assert!(matches!(parse("abstain"), Answer::Invalid(_)));
        let dim = model
            .dims
            .iter()
            .position(|d| d.id == "sovereignty")
            .unwrap();
        let Answer::Move {
            dim: d,
            from,
            default_to,
        } = parse(&format!("{}", 3 + dim))
        else {
            panic!("not a move");
        };
        assert_eq!(d as usize, dim);
        assert_eq!(from, 0.3);
        let fra = model.member_index("FRA").unwrap();
        assert_eq!(
            default_to,
            model.members.ideal[fra * model.dim_count() + dim]
        );
        let target = |s: &str| parse_target(&model, d, from, default_to, s);
        assert_eq!(
            target("0.8\n"),
            Ok(Choice::Ask(Some(Ask::Soften {
                dim: d,
                from,
                to: 0.8
            })))
        );
        assert_eq!(
            target(""),
            Ok(Choice::Ask(Some(Ask::Soften {
                dim: d,
                from,
                to: default_to
            })))
        );
        for bad in ["1.5", "-0.1", "NaN", "inf", "abc", "0.3"] {
            assert!(target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_tabling_and_withdrawals_read_no_as_doing_nothing() {
        use crate::trace::Expectation;
        let model = model();
        let e = Expectation {
            p_adopt: 0.9,
            value: 1.0,
        };
        let usa = model.member_index("USA").unwrap() as u16;
        let questions = [
            (
                Question::Answer {
                    draft: 0,
                    asker: 1,
                    ask: Ask::Amendment(0),
                    before: e,
                    full: e,
                    compromise: None,
                },
                Choice::Answer(Verdict::Refused),
            ),
            (
                Question::Table {
                    ballot: 1,
                    gain: 0.2,
                    always: false,
                },
                Choice::Table(false),
            ),
            (
                Question::Withdraw {
                    draft: 0,
                    ballot: model.draft_ballot[0] as u16,
                    p_adopt: 0.9,
                    p_veto: 0.05,
                    force_vote: false,
                },
                Choice::Withdraw(false),
            ),
        ];
        for (question, nothing) in questions {
            let request = Request {
                seat: usa,
                minute: 10,
                question,
            };
            let bot = nothing;
            let prompt = render::prompt(&model, &[], &request, &bot);
            assert_eq!(
                parse_answer(&prompt, &request, &bot, "no"),
                Answer::Choice(nothing)
            );
            assert!(matches!(
                parse_answer(&prompt, &request, &bot, "yes"),
                Answer::Invalid(_)
            ));
            assert!(prompt.text.contains("your bot would"), "{}", prompt.text);
        }
    }

    #[test]
    fn an_overlong_or_binary_line_is_one_invalid_answer() {
        let mut input: &[u8] = b"\xff\xfe\n";
        let mut line = String::new();
        assert!(read_line(&mut input, &mut line).unwrap());
        assert!(line.contains('\u{fffd}'));
        let long = [b"7".repeat(10_000), b"\n2\n".to_vec()].concat();
        let mut input: &[u8] = &long;
        assert!(read_line(&mut input, &mut line).unwrap());
        assert_eq!(line, "(an overlong line)");
        assert!(read_line(&mut input, &mut line).unwrap());
        assert_eq!(line, "2\n");
        assert!(!read_line(&mut input, &mut line).unwrap());
    }
}

#[cfg(test)]
mod text_tests {
    use crate::decision::Question;
    use crate::game::{self, Setup};

    /// The text a prompt shows in words is rebuilt from the log; at every ask it must
    /// stand exactly where the engine says the text stands.
    #[test]
    fn the_text_in_words_stands_where_the_engine_says() {
        let mut total_changed = 0;
        for (file, ids) in [
            (
                "ukraine-2025-unsc.toml",
                vec!["DNK", "FRA", "GBR", "GRC", "SVN", "RUS"],
            ),
            ("tutorial.toml", vec!["BIG", "FAR", "MID", "ALLY", "OBS"]),
            (
                "reform/no-veto-two-thirds.toml",
                vec!["DNK", "FRA", "GBR", "GRC", "SVN"],
            ),
        ] {
            let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
            let model = crate::scenario::load(&path).unwrap();
            let ids: Vec<String> = ids.into_iter().map(String::from).collect();
            let (mut asks, mut changed) = (0, 0);
            for replication in 0..8 {
                let setup = Setup::from_ids(&model, 7, replication, &ids).unwrap();
                let mut choices = Vec::new();
                loop {
                    let progress = game::advance(&model, &setup, &choices).unwrap();
                    let Some((request, bot)) = progress.pending else {
                        break;
                    };
                    if let Question::Ask {
                        draft, position, ..
                    } = &request.question
                    {
                        let (text, _) =
                            crate::export::play::text_now(&model, &progress.log.entries, *draft);
                        assert_eq!(text.position(), &position[..], "{file} r{replication}");
                        asks += 1;
                        changed += usize::from(position[..] != *model.circulated(*draft as usize));
                    }
                    choices.push(bot);
                }
            }
            assert!(asks > 0, "{file}: no ask to check");
            total_changed += changed;
        }
        assert!(
            total_changed > 0,
            "no ask on a text changed in consultations"
        );
    }
}
