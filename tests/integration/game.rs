//! The decision layer and the steppable game (library level): a game in which every human
//! takes its bot's suggestion is the bot-only replication; a human's choice is carried out;
//! the replay stops at the first decision not taken; counterfactuals replay one decision
//! the bot's way.

use crate::support::{seed_scenario, Council, Member};
use councilsim::behaviour::Vote;
use councilsim::decision::{Choice, DecisionKind, Question};
use councilsim::game::{self, GameError, Setup};
use councilsim::model::Model;
use councilsim::negotiation::Replication;
use councilsim::outcome::BallotStatus;
use councilsim::trace::{TraceEvent, TraceLog};

fn load(path: &str) -> Model {
    let text = std::fs::read_to_string(path).unwrap();
    councilsim::scenario::compile(path, &text).unwrap()
}

/// Plays a game to its end, each decision chosen by `pick` (given the request and the bot's
/// suggestion); returns the choices and the final progress.
fn play(
    model: &Model,
    setup: &Setup,
    mut pick: impl FnMut(&councilsim::decision::Request, &Choice) -> Choice,
) -> (Vec<Choice>, game::Progress) {
    let mut choices = Vec::new();
    loop {
        let progress = game::advance(model, setup, &choices).unwrap();
        match &progress.pending {
            None => return (choices, progress),
            Some((request, bot)) => {
                let choice = pick(request, bot);
                choices.push(choice);
            }
        }
        assert!(choices.len() < 10_000, "a game never ends");
    }
}

fn without_markers(log: &TraceLog) -> Vec<(u64, TraceEvent)> {
    log.entries
        .iter()
        .filter(|(_, e)| !matches!(e, TraceEvent::Decided { .. }))
        .cloned()
        .collect()
}

/// Every shipped scenario, every delegation played by a human who takes every suggestion:
/// the game is the bot-only replication, event for event (markers aside), for several
/// replications. A hook that drew differently, or carried out a decision differently from
/// the bot, would break this.
#[test]
fn a_game_of_suggestions_is_the_bot_only_replication() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut paths = vec![seed_scenario(), format!("{root}/scenarios/tutorial.toml")];
    for dir in ["history", "reform"] {
        for entry in std::fs::read_dir(format!("{root}/scenarios/{dir}")).unwrap() {
            paths.push(entry.unwrap().path().display().to_string());
        }
    }
    paths.sort();
    let mut decisions = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for path in &paths {
        let model = load(path);
        let everyone: Vec<String> = (0..model.agent_count())
            .map(|a| model.agent_id(a).to_string())
            .collect();
        for replication in [0, 3, 7] {
            let setup = Setup::from_ids(&model, 42, replication, &everyone).unwrap();
            let (choices, progress) = play(&model, &setup, |_, bot| *bot);
            let mut bot_log = TraceLog::default();
            let bot_outcome = Replication::new(&model)
                .run(42, replication, &mut bot_log)
                .clone();
            assert_eq!(progress.outcome.as_ref(), Some(&bot_outcome), "{path}");
            assert_eq!(without_markers(&progress.log), bot_log.entries, "{path}");
            assert_eq!(progress.decided.len(), choices.len());
            decisions += choices.len();
            kinds.extend(progress.decided.iter().map(|d| d.request.kind()));
        }
    }
    // The games asked every kind of decision, and many of them.
    assert!(decisions > 1000, "{decisions}");
    for kind in [
        DecisionKind::Ask,
        DecisionKind::Answer,
        DecisionKind::Table,
        DecisionKind::Withdraw,
        DecisionKind::Vote,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?} decision in any game");
    }
}

/// Mid-game, the log is a prefix of the finished game's log and ends just before the
/// pending decision's marker; the pending request is the next one the finished game took.
#[test]
fn a_game_stops_at_the_first_decision_not_taken() {
    let model = load(&seed_scenario());
    let setup = Setup::from_ids(&model, 7, 3, &["FRA".to_string(), "USA".to_string()]).unwrap();
    let (choices, done) = play(&model, &setup, |_, bot| *bot);
    assert!(choices.len() >= 3);
    for k in 0..choices.len() {
        let part = game::advance(&model, &setup, &choices[..k]).unwrap();
        let (request, bot) = part.pending.clone().expect("a pending decision");
        assert_eq!(request, done.decided[k].request);
        assert_eq!(bot, done.decided[k].bot);
        assert!(part.outcome.is_none());
        assert_eq!(
            part.log.entries[..],
            done.log.entries[..part.log.entries.len()]
        );
        let markers = part
            .log
            .entries
            .iter()
            .filter(|(_, e)| matches!(e, TraceEvent::Decided { .. }))
            .count();
        assert_eq!(markers, k);
        assert!(matches!(
            done.log.entries[part.log.entries.len()].1,
            TraceEvent::Decided { .. }
        ));
    }
}

/// France votes no on the seed draft: a veto (France is permanent, and in replication 0 of
/// the scenario's seed the bot-only draft is adopted 10-0-5 with France abstaining, as
/// `trace --replication 0` shows: ten yes votes stay), and the counterfactual of that one
/// vote, the bot's, is the adoption.
#[test]
fn a_permanent_members_no_is_a_veto_and_its_counterfactual_is_the_bots() {
    let model = load(&seed_scenario());
    let setup = Setup::from_ids(&model, model.montecarlo.seed, 0, &["FRA".to_string()]).unwrap();
    let draft_ballot = *model.draft_ballot.last().unwrap() as u16;
    let (_, bots) = play(&model, &setup, |_, bot| *bot);
    let outcome = bots.outcome.unwrap();
    assert_eq!(
        outcome.ballots[draft_ballot as usize].status,
        BallotStatus::Adopted,
        "the bot-only replication adopts the draft"
    );
    let (choices, game) = play(&model, &setup, |request, bot| match request.question {
        Question::Vote { ballot, .. } if ballot == draft_ballot => Choice::Vote(Vote::No),
        _ => *bot,
    });
    let record = game.outcome.unwrap().ballots[draft_ballot as usize];
    let fra = model.member_index("FRA").unwrap();
    assert_eq!(record.status, BallotStatus::Vetoed);
    assert!(record.no.contains(fra) && record.vetoed_by.contains(fra));
    let k = game
        .decided
        .iter()
        .position(|d| matches!(d.request.question, Question::Vote { ballot, .. } if ballot == draft_ballot))
        .unwrap();
    let (counterfactual, _) = game::counterfactual(&model, &setup, &choices, k).unwrap();
    assert_eq!(
        counterfactual.ballots[draft_ballot as usize].status,
        BallotStatus::Adopted
    );
}

/// In a bloc whose leader a human plays, the followers that follow (cohesion 1: all)
/// cast the human's vote, not the leader's bot's.
#[test]
fn bloc_followers_follow_a_human_leader() {
    let mut members = Council::fifteen(0.5);
    for m in members.iter_mut().skip(5).take(3) {
        *m = m.clone().bloc("B");
    }
    members[5] = members[5].clone();
    let mut council = Council::new(members, 0.5);
    council.extra = "[blocs.B]\ncohesion = 1.0\nrule = \"leader\"\nleader = \"E01\"\n".into();
    let model = council.model();
    let setup = Setup::from_ids(&model, 1, 0, &["E01".to_string()]).unwrap();
    let (_, game) = play(&model, &setup, |_, _| Choice::Vote(Vote::No));
    let record = game.outcome.unwrap().ballots[0];
    for id in ["E01", "E02", "E03"] {
        let i = model.member_index(id).unwrap();
        assert!(record.no.contains(i), "{id} follows its human leader");
    }
    assert_eq!(record.no.len(), 3);
    assert_eq!(record.yes.len(), 12);
}

/// A member whose bot asks nothing (it would vote yes) can still ask, as a human; its ask
/// is heard and answered, and the log says it would vote yes but asks.
#[test]
fn a_human_may_ask_where_its_bot_would_not() {
    let mut members = Council::fifteen(0.5);
    members[6] = Member::new("E02", false, 0.9).act_bonus(1.0);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    let model = council.model();
    let setup = Setup::from_ids(&model, 1, 0, &["E02".to_string()]).unwrap();
    let first = game::advance(&model, &setup, &[]).unwrap();
    let (request, bot) = first.pending.unwrap();
    assert_eq!(
        bot,
        Choice::Ask(None),
        "its bot would vote yes and asks nothing"
    );
    let Question::Ask { position, .. } = &request.question else {
        panic!("{request:?}")
    };
    let ask = councilsim::trace::Ask::Soften {
        dim: 0,
        from: position[0],
        to: 0.9,
    };
    let next = game::advance(&model, &setup, &[Choice::Ask(Some(ask))]).unwrap();
    assert!(next.log.entries.iter().any(|(_, e)| matches!(
        e,
        TraceEvent::Asked { ask: a, .. } if *a == ask
    )));
    assert!(next
        .log
        .entries
        .iter()
        .any(|(_, e)| matches!(e, TraceEvent::Answered { ask: a, .. } if *a == ask)));
}

/// A recorded choice of the wrong kind, or out of range, is refused with its index.
#[test]
fn a_choice_that_does_not_fit_is_refused() {
    let model = load(&seed_scenario());
    let setup = Setup::from_ids(&model, 7, 0, &["FRA".to_string()]).unwrap();
    let first = game::advance(&model, &setup, &[]).unwrap();
    let (request, _) = first.pending.unwrap();
    let wrong = match request.kind() {
        DecisionKind::Vote => Choice::Table(true),
        _ => Choice::Vote(Vote::Yes),
    };
    match game::advance(&model, &setup, &[wrong]) {
        Err(GameError::Invalid { index: 0, why }) => assert!(why.contains("not to"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(Setup::from_ids(&model, 7, 0, &["XXX".to_string()])
        .unwrap_err()
        .contains("FRA"));
    // Choices beyond the end of the game.
    let (mut choices, _) = play(&model, &setup, |_, bot| *bot);
    choices.push(choices[choices.len() - 1]);
    assert!(matches!(
        game::advance(&model, &setup, &choices),
        Err(GameError::TooMany { .. })
    ));
}

/// A decider for every seat whose every choice fits nothing: a compromise at a position no
/// penholder ever offers (NaN), and for every other question a choice of another kind.
struct Unfit;

impl councilsim::decision::Decider for Unfit {
    const ACTIVE: bool = true;
    fn controls(&self, _agent: usize) -> bool {
        true
    }
    fn decide(&mut self, request: &councilsim::decision::Request, _bot: &Choice) -> Choice {
        match request.question {
            Question::Answer { .. } => {
                Choice::Answer(councilsim::trace::Verdict::Compromise(f64::NAN))
            }
            Question::Vote { .. } => Choice::Withdraw(true),
            _ => Choice::Vote(Vote::No),
        }
    }
}

#[test]
fn a_choice_that_fits_no_request_leaves_the_bots_choice_standing() {
    // The engine checks a decider's choice against its request (as the shipped deciders do
    // before they return one): a decider outside the crate that returns a compromise where
    // none is on offer, or a decision of another kind, changes nothing. Before the check, a
    // compromise chosen against the bot's acceptance reworded the text to the compromise
    // on offer (or, with none on offer, bumped the text's version with the text unchanged).
    let model = councilsim::scenario::load(&seed_scenario()).unwrap();
    let mut asked = 0;
    for r in 0..30 {
        let bots = Replication::new(&model)
            .run(20250224, r, &mut councilsim::trace::NoTrace)
            .clone();
        let mut log = TraceLog::default();
        let unfit = Replication::new(&model)
            .run_decided(20250224, r, &mut log, &mut Unfit)
            .clone();
        assert_eq!(unfit, bots, "replication {r}");
        asked += log
            .entries
            .iter()
            .filter(|(_, e)| matches!(e, TraceEvent::Decided { .. }))
            .count();
    }
    assert!(asked > 100, "only {asked} decisions were asked");
}
