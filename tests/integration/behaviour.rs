//! The negotiation's mechanisms as behaviour, each on a small constructed council whose right
//! answer is derived by hand in the test (README, "The model").
//!
//! Conventions of the `support::Council` builder: one dimension `force` with range [0, 1],
//! status quo Q = 0 and silent text 0; salience s = 1, so a member with ideal x facing a text
//! at T has U(T) = −(x − T)², U(Q) = −x² and, on the draft, Δ = x² − (x − T)² + r + π.
//! The builder lists P1..P5 (the veto holders) then E01..E10; the model sorts members by id,
//! so results are looked up by id with [`ix`].
//! Temperatures are 0 unless said otherwise, so votes are the intended votes.

use crate::support::{Council, Member};
use councilsim::behaviour::{intended_vote, utility, Vote};
use councilsim::model::{Ballot, Model};
use councilsim::montecarlo::{self, RunConfig, Summary};
use councilsim::negotiation::Replication;
use councilsim::outcome::{BallotRecord, BallotStatus, Outcome};
use councilsim::trace::{Ask, Expectation, NoTrace, TraceEvent, TraceLog, Verdict};

// Positions in the builder's member list (not the model's indices).
const E01: usize = 5;
const E02: usize = 6;
const E03: usize = 7;
const E04: usize = 8;

/// The model's index of member `id`.
fn ix(model: &Model, id: &str) -> usize {
    model.members.ids.iter().position(|m| m == id).unwrap()
}

/// Runs replication `r` of seed 7 with a trace.
fn traced(model: &Model, r: u64) -> (Outcome, Vec<(u64, TraceEvent)>) {
    let mut replication = Replication::new(model);
    let mut log = TraceLog::default();
    let outcome = replication.run(7, r, &mut log).clone();
    (outcome, log.entries)
}

fn summary(council: &Council, replications: u64) -> Summary {
    montecarlo::run(
        &council.model(),
        RunConfig {
            replications,
            seed: 11,
            threads: 2,
        },
    )
    .unwrap()
}

/// The record of the vote on ballot `b` in a trace.
fn voted(entries: &[(u64, TraceEvent)], b: u16) -> (u64, BallotRecord) {
    entries
        .iter()
        .find_map(|(t, e)| match e {
            TraceEvent::Voted { ballot, record } if *ballot == b => Some((*t, *record)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("ballot {b} was not voted: {entries:#?}"))
}

fn vote_of(record: &BallotRecord, i: usize) -> Option<Vote> {
    if record.yes.contains(i) {
        Some(Vote::Yes)
    } else if record.no.contains(i) {
        Some(Vote::No)
    } else if record.abstain.contains(i) {
        Some(Vote::Abstain)
    } else {
        None
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

// ---------------------------------------------------------------------------------------
// Withdrawal
// ---------------------------------------------------------------------------------------

/// Fourteen members at ideal 0.5 facing a text at 0.5 with r = 0.3: Δ = 0.25 + 0.3 = 0.55 > a
/// = 0.1, a certain yes. P2 (a veto holder) has ideal 0, r = 0: Δ = 0 − 0.25 = −0.25 exactly.
/// With thresholds a = 10 and b = `no_threshold` and τ = 0.01: P(yes) = σ(−1025) = 0 (the
/// exponential underflows), P(no) = σ((−b + 0.25)/0.01). Fourteen yes always reach the quota
/// of nine, so P(carried without veto) = 1, P(adopt) = 1 − P(no), P(vetoed) = P(no).
fn withdrawal_council(no_threshold: f64, force_vote: bool) -> Council {
    let mut members: Vec<Member> = Council::fifteen(0.5);
    members[1] = Member::new("P2", true, 0.0)
        .act_bonus(0.0)
        .thresholds(10.0, no_threshold)
        .tau(0.01);
    let mut council = Council::new(members, 0.5);
    council.force_vote = force_vote;
    council
}

#[test]
fn a_penholder_withdraws_exactly_when_p_vetoed_reaches_one_half() {
    // b = 0.25: P(no) = σ(0) = 0.5 exactly, so P(vetoed) = 0.5 ≥ 0.5: withdrawn, always.
    let council = withdrawal_council(0.25, false);
    let s = summary(&council, 200);
    assert_eq!(s.ballots[0].count(BallotStatus::Withdrawn), 200);
    let (outcome, entries) = traced(&council.model(), 0);
    assert_eq!(outcome.ballots[0].status, BallotStatus::Withdrawn);
    let figure = entries
        .iter()
        .find_map(|(_, e)| match e {
            TraceEvent::Skipped { figure, .. } => Some(*figure),
            _ => None,
        })
        .unwrap();
    assert_eq!(figure, 0.5, "the trace reports P(vetoed)");

    // b = 0.2501: P(no) = σ(−0.01) ≈ 0.4975 < 0.5: voted; then adopted or vetoed by P2
    // with probability one half each (±5 sd of a binomial over 2000).
    let council = withdrawal_council(0.2501, false);
    let n = 2000;
    let s = summary(&council, n);
    assert_eq!(s.ballots[0].count(BallotStatus::Withdrawn), 0);
    let p_no = 1.0 / (1.0 + (0.01f64).exp());
    let vetoed = s.ballots[0].count(BallotStatus::Vetoed) as f64;
    let sd = (n as f64 * p_no * (1.0 - p_no)).sqrt();
    assert!((vetoed - n as f64 * p_no).abs() < 5.0 * sd, "{vetoed}");
    assert_eq!(
        s.ballots[0].count(BallotStatus::Adopted) + s.ballots[0].count(BallotStatus::Vetoed),
        n
    );
}

#[test]
fn a_certain_veto_is_withdrawn_unless_the_draft_is_forced_to_a_vote() {
    // b = 0.1 and τ = 0.01: P(no) = σ(15) ≈ 1, so P(vetoed) ≈ 1.
    let s = summary(&withdrawal_council(0.1, false), 100);
    assert_eq!(s.ballots[0].count(BallotStatus::Withdrawn), 100);
    // force_vote: the same text is voted, and P2 vetoes it (14-1-0).
    let s = summary(&withdrawal_council(0.1, true), 100);
    assert_eq!(s.ballots[0].count(BallotStatus::Withdrawn), 0);
    assert!(s.ballots[0].count(BallotStatus::Vetoed) > 95);
    let p2 = ix(&withdrawal_council(0.1, true).model(), "P2");
    assert!(s.ballots[0].vetoed_by[p2] > 95);
    // force_vote at P(vetoed) = 0.5 as well: never withdrawn.
    let s = summary(&withdrawal_council(0.25, true), 200);
    assert_eq!(s.ballots[0].count(BallotStatus::Withdrawn), 0);
}

// ---------------------------------------------------------------------------------------
// Lobbying
// ---------------------------------------------------------------------------------------

/// Everyone at ideal 0.5 facing a text at 0.5 (so nobody asks for a softening: the loss
/// s·(x − T)² is 0). Default r = 0.3: Δ = 0.55, yes. E01 (the target) has r = −0.25: Δ = 0,
/// between −b = −0.1 and a = 0.1, so it abstains unless lobbied. E03 has r = −0.5: Δ = −0.25,
/// intends no. E04 has r = −0.25: Δ = 0, intends to abstain. E02 and E05 intend yes.
fn lobbying_council(relations: &[(&str, f64)]) -> Council {
    let mut members = Council::fifteen(0.5);
    members[E01] = members[E01].clone().act_bonus(-0.25);
    members[E03] = members[E03].clone().act_bonus(-0.5);
    members[E04] = members[E04].clone().act_bonus(-0.25);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    for (from, pull) in relations {
        council.extra.push_str(&format!(
            "[[relations]]\nfrom = \"{from}\"\nto = \"E01\"\npull = {pull}\n\n"
        ));
    }
    council
}

/// E01's vote on the draft in a few replications (all the same: τ = 0), and the shifts the
/// trace reports.
fn e01_vote(council: &Council) -> (Vote, Vec<f64>) {
    let model = council.model();
    let mut votes = Vec::new();
    let mut shifts = Vec::new();
    for r in 0..5 {
        let (_, entries) = traced(&model, r);
        votes.push(vote_of(&voted(&entries, 0).1, ix(&model, "E01")).unwrap());
        shifts.extend(entries.iter().filter_map(|(_, e)| match e {
            TraceEvent::Lobbied { shift, .. } => Some(*shift),
            _ => None,
        }));
    }
    assert!(votes.iter().all(|&v| v == votes[0]), "{votes:?}");
    (votes[0], shifts)
}

#[test]
fn lobbying_pulls_toward_the_lobbyists_intended_vote_by_its_pull() {
    // No relation: Δ_E01 = 0, abstain.
    let (vote, shifts) = e01_vote(&lobbying_council(&[]));
    assert_eq!((vote, shifts.len()), (Vote::Abstain, 0));
    // E02 intends yes: π = +0.15, Δ = 0.15 > 0.1: yes.
    let (vote, shifts) = e01_vote(&lobbying_council(&[("E02", 0.15)]));
    assert_eq!(vote, Vote::Yes);
    assert!(
        !shifts.is_empty() && shifts.iter().all(|&s| s == 0.15),
        "{shifts:?}"
    );
    // E03 intends no: π = −0.15, Δ = −0.15 < −0.1: no.
    let (vote, shifts) = e01_vote(&lobbying_council(&[("E03", 0.15)]));
    assert_eq!(vote, Vote::No);
    assert!(
        !shifts.is_empty() && shifts.iter().all(|&s| s == -0.15),
        "{shifts:?}"
    );
    // E04 intends to abstain: π = 0, abstain.
    let (vote, shifts) = e01_vote(&lobbying_council(&[("E04", 0.15)]));
    assert_eq!(vote, Vote::Abstain);
    assert!(
        !shifts.is_empty() && shifts.iter().all(|&s| s == 0.0),
        "{shifts:?}"
    );
}

#[test]
fn lobbying_moves_delta_by_the_pull_once_per_relation_summed_over_relations() {
    // A yes-lobbyist with pull 0.05: Δ = 0.05 ≤ a = 0.1, still abstain (the size counts).
    assert_eq!(
        e01_vote(&lobbying_council(&[("E02", 0.05)])).0,
        Vote::Abstain
    );
    // Pull 0.06 over several rounds: the latest contact counts, not the sum of contacts
    // (which would give 0.12 > 0.1 after two rounds).
    let (vote, shifts) = e01_vote(&lobbying_council(&[("E02", 0.06)]));
    assert!(shifts.len() >= 10, "several contacts: {}", shifts.len());
    assert_eq!(vote, Vote::Abstain);
    // Two relations of 0.06 sum: π = 0.12 > 0.1, yes.
    let council = lobbying_council(&[("E02", 0.06), ("E05", 0.06)]);
    assert_eq!(e01_vote(&council).0, Vote::Yes);
    // A yes- and a no-lobbyist of equal pull cancel: abstain.
    let council = lobbying_council(&[("E02", 0.15), ("E03", 0.15)]);
    assert_eq!(e01_vote(&council).0, Vote::Abstain);
}

// ---------------------------------------------------------------------------------------
// Capital instructions
// ---------------------------------------------------------------------------------------

fn instructions(entries: &[(u64, TraceEvent)]) -> Vec<(usize, f64, f64)> {
    entries
        .iter()
        .filter_map(|(_, e)| match e {
            TraceEvent::Instruction {
                member, from, to, ..
            } => Some((*member as usize, *from, *to)),
            _ => None,
        })
        .collect()
}

fn instruction_council(ideal: f64, rate: f64, size: f64) -> Council {
    let mut council = Council::new(Council::fifteen(ideal), 0.5);
    council.negotiation_extra =
        format!("instructions = {{ rate_per_day = {rate}, size = {size} }}");
    council
}

#[test]
fn instructions_arrive_as_a_poisson_process_at_the_configured_rate() {
    // rate 0.2 per member per day, 15 members, meeting at day 5: the count before the meeting
    // is Poisson with mean μ = 0.2·15·5 = 15 (waits are rounded to whole minutes of a mean
    // of 480: a negligible bias). Over N = 2000 replications the sample mean has sd
    // √(μ/N) ≈ 0.087 and the sample variance sd √((μ + 2μ²)/N) ≈ 0.48; we allow 4.5 sd.
    let model = instruction_council(0.5, 0.2, 0.1).model();
    let n = 2000;
    let mut replication = Replication::new(&model);
    let mut counts = Vec::new();
    let mut per_member = [0u64; 15];
    for r in 0..n {
        let mut log = TraceLog::default();
        replication.run(3, r, &mut log);
        let list = instructions(&log.entries);
        for (i, _, _) in &list {
            per_member[*i] += 1;
        }
        counts.push(list.len() as f64);
    }
    let mu = 15.0;
    let nf = n as f64;
    let mean = counts.iter().sum::<f64>() / nf;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    assert!((mean - mu).abs() < 4.5 * (mu / nf).sqrt(), "mean {mean}");
    assert!(
        (var - mu).abs() < 4.5 * ((mu + 2.0 * mu * mu) / nf).sqrt(),
        "variance {var}"
    );
    // The member is drawn uniformly: each gets a binomial share 1/15 of the total.
    let total: u64 = per_member.iter().sum();
    let p = 1.0 / 15.0;
    let sd = (total as f64 * p * (1.0 - p)).sqrt();
    for (i, &c) in per_member.iter().enumerate() {
        assert!(
            (c as f64 - total as f64 * p).abs() < 5.0 * sd,
            "member {i}: {c} of {total}"
        );
    }
}

#[test]
fn an_instruction_moves_an_ideal_point_by_at_most_size_times_the_range_clamped() {
    // Everyone starts at the top of the range, 1.0, with size 0.5: a member's first step is
    // U(−0.5, 0.5), so half the first moves clamp at exactly 1.0 and the others land at
    // 1 − U(0, 0.5): mean distance 0.25, sd 0.5/√12.
    let model = instruction_council(1.0, 0.2, 0.5).model();
    let mut replication = Replication::new(&model);
    let (mut first, mut clamped, mut drops) = (0u64, 0u64, Vec::new());
    let mut moved_from = [0.0f64; 15];
    for r in 0..400 {
        let mut log = TraceLog::default();
        replication.run(5, r, &mut log);
        let mut ideal = [1.0f64; 15];
        for (i, from, to) in instructions(&log.entries) {
            assert_eq!(
                from, ideal[i],
                "an instruction starts from the current ideal"
            );
            assert!((0.0..=1.0).contains(&to), "clamped to the range: {to}");
            assert!((to - from).abs() <= 0.5 + 1e-12, "{from} -> {to}");
            if from == 1.0 {
                first += 1;
                if to == 1.0 {
                    clamped += 1;
                } else {
                    drops.push(1.0 - to);
                }
            }
            moved_from[i] = moved_from[i].max((to - from).abs());
            ideal[i] = to;
        }
    }
    let share = clamped as f64 / first as f64;
    assert!(
        (share - 0.5).abs() < 4.5 * (0.25 / first as f64).sqrt(),
        "{clamped} of {first} clamped"
    );
    let mean = drops.iter().sum::<f64>() / drops.len() as f64;
    let sd = 0.5 / 12f64.sqrt() / (drops.len() as f64).sqrt();
    assert!((mean - 0.25).abs() < 4.5 * sd, "mean drop {mean}");
    // Steps reach close to the size: the largest of hundreds of U(0, 0.5) draws.
    assert!(drops.iter().cloned().fold(0.0, f64::max) > 0.45);
}

#[test]
fn instructions_change_later_votes_exactly_as_the_moved_ideal_points_say() {
    // Ideal 0.5, text 0.5, r = −0.25: Δ = x² − (x − 0.5)² − 0.25 = x − 0.5, abstain while
    // |x − 0.5| ≤ 0.05 (a = b = 0.05). Instructions of size 0.2 move x; at the meeting each
    // member's vote must be the intended vote of Δ at its last instructed ideal point.
    let mut council = instruction_council(0.5, 0.2, 0.2);
    for m in council.members.iter_mut() {
        m.act_bonus = -0.25;
        m.yes = 0.05;
        m.no = 0.05;
    }
    let model = council.model();
    let mut changed = 0;
    for r in 0..200 {
        let (_, entries) = traced(&model, r);
        let mut ideal = [0.5f64; 15];
        for (i, _, to) in instructions(&entries) {
            ideal[i] = to;
        }
        let (_, record) = voted(&entries, 0);
        for (i, &x) in ideal.iter().enumerate() {
            let delta =
                utility(&[x], &[1.0], &[0.5], 2.0) - utility(&[x], &[1.0], &[0.0], 2.0) - 0.25;
            let expected = intended_vote(delta, 0.05, 0.05);
            assert_eq!(
                vote_of(&record, i),
                Some(expected),
                "replication {r}, member {i}"
            );
            if expected != Vote::Abstain {
                changed += 1;
            }
        }
    }
    // Without instructions all fifteen abstain; with them many votes change.
    assert!(changed > 200, "{changed}");
}

// ---------------------------------------------------------------------------------------
// The penholder's answers
// ---------------------------------------------------------------------------------------

/// P1 holds the pen, ideal 1.0, r = 0.3, draft at 1.0: Δ_pen(T) = 1 − (1 − T)² + 0.3, so
/// Δ_pen(1.0) = 1.3, Δ_pen(0.7) = 1.21, Δ_pen(0.4) = 0.94; it always votes yes.
/// `yes_voters` elected members from E02 at ideal 0.7 with r = 1 (Δ ≥ 1.4: yes on any text in
/// [0.4, 1]); the others (P2..P5 and the rest) have salience 0 and r = 0: Δ = 0, abstain, and
/// never ask (their loss s·(x − T)² is 0). E01 has ideal 0.4, r = 0, flexibility 0.5 and yes
/// threshold `a`: Δ_E01(T) = 0.16 − (0.4 − T)², so −0.2 at 1.0 (it asks to move the text to
/// 0.4), 0.07 at the compromise 1 + 0.5·(0.4 − 1) = 0.7, and 0.16 at 0.4.
fn penholder_council(yes_voters: usize, a: f64) -> Council {
    let mut members: Vec<Member> = Council::fifteen(0.0)
        .into_iter()
        .map(|m| m.salience(0.0).act_bonus(0.0))
        .collect();
    members[0] = Member::new("P1", true, 1.0);
    members[E01] = Member::new("E01", false, 0.4)
        .act_bonus(0.0)
        .thresholds(a, 0.1)
        .flexibility(0.5);
    for m in members.iter_mut().skip(E02).take(yes_voters) {
        let id = m.id.clone();
        *m = Member::new(&id, false, 0.7).act_bonus(1.0);
    }
    let mut council = Council::new(members, 1.0);
    council.consultations = true;
    council
}

/// An answer as traced: the verdict, E before, E as asked and E of the compromise.
type Answer = (Verdict, Expectation, Expectation, Option<Expectation>);

/// E01's asks and the penholder's answers, the text put in blue and the rounds held.
fn answers(council: &Council) -> (Vec<Ask>, Vec<Answer>, f64, u32) {
    answers_in(&council.model())
}

/// [`answers`] for a compiled model.
fn answers_in(model: &Model) -> (Vec<Ask>, Vec<Answer>, f64, u32) {
    let model = model.clone();
    let e01 = ix(&model, "E01");
    let (outcome, entries) = traced(&model, 0);
    let mut asks = Vec::new();
    let mut verdicts = Vec::new();
    let mut blue = f64::NAN;
    for (_, e) in &entries {
        match e {
            TraceEvent::Asked { member, ask, .. } => {
                assert_eq!(*member as usize, e01, "only E01 asks");
                asks.push(*ask);
            }
            TraceEvent::Answered {
                verdict,
                before,
                full,
                compromise,
                ..
            } => verdicts.push((*verdict, *before, *full, *compromise)),
            TraceEvent::InBlue { position, .. } => blue = position[0],
            _ => {}
        }
    }
    (asks, verdicts, blue, outcome.rounds)
}

fn expect(e: &Expectation, p_adopt: f64, value: f64) {
    assert!(
        close(e.p_adopt, p_adopt) && close(e.value, value),
        "E = {e:?}, expected P(adopt) {p_adopt}, Δ_pen {value}"
    );
}

#[test]
fn the_penholder_accepts_an_ask_that_raises_its_expected_value_most() {
    // Seven yes voters plus P1 make eight: the draft at 1.0 fails, E = 0 · 1.3 = 0.
    // As asked (0.4): E01's Δ = 0.16 > a = 0.1, nine yes, E = 1 · 0.94.
    // Compromise (0.7): Δ = 0.07 ≤ 0.1, eight yes, E = 0 · 1.21 = 0. Accept wins.
    let (asks, verdicts, blue, _) = answers(&penholder_council(7, 0.1));
    assert_eq!(asks.len(), 1, "{asks:?}");
    assert!(matches!(asks[0], Ask::Soften { dim: 0, from, to } if from == 1.0 && to == 0.4));
    let (verdict, before, full, compromise) = verdicts[0];
    assert_eq!(verdict, Verdict::Accepted);
    expect(&before, 0.0, 1.3);
    expect(&full, 1.0, 0.94);
    expect(&compromise.unwrap(), 0.0, 1.21);
    assert!(close(blue, 0.4), "{blue}");
}

#[test]
fn the_penholder_offers_the_compromise_when_it_wins() {
    // As above but a = 0.05: the compromise at 0.7 now wins E01 (Δ = 0.07 > 0.05), so
    // E = 1 · 1.21 beats the full ask's 1 · 0.94 and the current 0.
    let (asks, verdicts, blue, _) = answers(&penholder_council(7, 0.05));
    assert_eq!(
        asks.len(),
        1,
        "E01 votes yes after the compromise: {asks:?}"
    );
    let (verdict, before, full, compromise) = verdicts[0];
    assert!(
        matches!(verdict, Verdict::Compromise(t) if close(t, 0.7)),
        "{verdict:?}"
    );
    expect(&before, 0.0, 1.3);
    expect(&full, 1.0, 0.94);
    expect(&compromise.unwrap(), 1.0, 1.21);
    assert!(close(blue, 0.7), "{blue}");

    // With compromises switched off the penholder can only accept (E 0.94 > 0) or refuse.
    let mut council = penholder_council(7, 0.05);
    council.negotiation_extra = "compromise = false".into();
    let (_, verdicts, blue, _) = answers(&council);
    assert_eq!(verdicts[0].0, Verdict::Accepted);
    assert_eq!(verdicts[0].3, None);
    assert!(close(blue, 0.4), "{blue}");
}

#[test]
fn the_penholder_refuses_an_ask_that_lowers_its_expected_value_and_is_not_asked_again() {
    // Eight yes voters plus P1: the draft at 1.0 already passes, E = 1 · 1.3. As asked E =
    // 1 · 0.94, compromise 1 · 1.21: both lower, so it refuses. The text is unchanged, so E01
    // asks nothing more in the later rounds (nothing refused on the same text is asked again).
    let (asks, verdicts, blue, rounds) = answers(&penholder_council(8, 0.1));
    assert!(rounds >= 3, "several rounds were held: {rounds}");
    assert_eq!(asks.len(), 1, "asked once in {rounds} rounds: {asks:?}");
    let (verdict, before, full, compromise) = verdicts[0];
    assert_eq!(verdict, Verdict::Refused);
    expect(&before, 1.0, 1.3);
    expect(&full, 1.0, 0.94);
    expect(&compromise.unwrap(), 1.0, 1.21);
    assert_eq!(blue, 1.0);
}

#[test]
fn a_refused_amendment_is_not_asked_again_on_the_same_text() {
    // E01 sponsors an amendment moving OP1 to 0.4 (gain 0.36 to it): refused for the same
    // reason as above (E 1.3 → 0.94), then never asked again while the text stands. In the
    // next round E01 falls back to asking for the softening, which is refused too; after that
    // it has nothing left to ask.
    let mut council = penholder_council(8, 0.1);
    council.extra = r#"
[[amendments]]
id = "SOFT"
sponsors = ["E01"]
action = "replace"
target = "OP1"
text = "Decides to consider acting"
position = { force = 0.4 }
"#
    .into();
    let (asks, verdicts, _, rounds) = answers(&council);
    assert!(rounds >= 3);
    let soften = Ask::Soften {
        dim: 0,
        from: 1.0,
        to: 0.4,
    };
    assert_eq!(asks, vec![Ask::Amendment(0), soften]);
    assert!(verdicts.iter().all(|v| v.0 == Verdict::Refused));
    expect(&verdicts[0].2, 1.0, 0.94);
}

// ---------------------------------------------------------------------------------------
// Postponement
// ---------------------------------------------------------------------------------------

/// Everyone at 0.5 with r = 0.3: Δ_draft = 0.55. The motion's Δ = a − Δ_draft + m =
/// 0.1 − 0.55 + m: with m = 1 it is 0.55 > 0.1 (all fifteen vote yes: adopted); with m = 0
/// it is −0.45 < −0.1 (all vote no: failed).
fn postponement_council(bias: f64, consultations: bool) -> Council {
    let members = Council::fifteen(0.5)
        .into_iter()
        .map(|m| m.motion_bias(bias))
        .collect();
    let mut council = Council::new(members, 0.5);
    council.consultations = consultations;
    council.extra = "[[motions]]\nid = \"postpone\"\nkind = \"postpone\"\nmovers = [\"E01\"]\ndays = 2.0\ntabling = \"always\"\n".into();
    council
}

#[test]
fn an_adopted_postponement_moves_the_meeting_by_its_days_and_consultations_resume() {
    // The meeting at day 5 (7200 min) adopts the motion; the meeting resumes at day 7
    // (10 080 min), where the draft (ballot 1) is voted; rounds are held in between.
    let (outcome, entries) = traced(&postponement_council(1.0, true).model(), 0);
    let (t, motion) = voted(&entries, 0);
    assert_eq!(
        (t, motion.status, motion.yes.len()),
        (7200, BallotStatus::Adopted, 15)
    );
    assert!(entries
        .iter()
        .any(|(t, e)| *t == 7200 && *e == TraceEvent::Postponed { until: 10_080 }));
    let (t, draft) = voted(&entries, 1);
    assert_eq!((t, draft.status), (10_080, BallotStatus::Adopted));
    assert_eq!(outcome.duration, 10_080);
    let resumed = entries
        .iter()
        .filter(|(t, e)| *t > 7200 && matches!(e, TraceEvent::RoundEnded { .. }))
        .count();
    assert!(resumed >= 1, "consultation rounds after the postponement");
    // The motion is voted once: one vote on ballot 0.
    let motion_votes = entries
        .iter()
        .filter(|(_, e)| matches!(e, TraceEvent::Voted { ballot: 0, .. }))
        .count();
    assert_eq!(motion_votes, 1);

    // Without consultations the meeting still moves, with no rounds.
    let (_, entries) = traced(&postponement_council(1.0, false).model(), 0);
    assert_eq!(voted(&entries, 1).0, 10_080);
    assert!(!entries
        .iter()
        .any(|(_, e)| matches!(e, TraceEvent::RoundEnded { .. })));

    // A failed motion leaves the meeting where it was.
    let (outcome, entries) = traced(&postponement_council(0.0, true).model(), 0);
    assert_eq!(voted(&entries, 0).1.status, BallotStatus::Failed);
    assert_eq!(voted(&entries, 0).1.no.len(), 15);
    assert_eq!(voted(&entries, 1).0, 7200);
    assert_eq!(outcome.duration, 7200);
}

// ---------------------------------------------------------------------------------------
// Amendment order
// ---------------------------------------------------------------------------------------

/// Everyone wants 0.9; the draft stands at 0.5. NEAR (submitted first) replaces OP1 with a
/// text at `near`, FAR (second) with one at `far`. On the draft's text an amendment to y is
/// worth 0.16 − (0.9 − y)²: 0.12 at 0.7 and 0.16 at 0.9, both above a = 0.1, so whichever is
/// voted first is adopted (15-0-0) and the other lapses (its target is gone).
fn order_council(order: &str, near: f64, far: f64) -> Council {
    let mut council = Council::new(Council::fifteen(0.9), 0.5);
    council.extra = format!(
        r#"
[rules]
amendment_order = "{order}"

[[amendments]]
id = "NEAR"
sponsors = ["E01"]
action = "replace"
target = "OP1"
text = "Decides to act somewhat"
position = {{ force = {near} }}
tabling = "always"

[[amendments]]
id = "FAR"
sponsors = ["E02"]
action = "replace"
target = "OP1"
text = "Decides to act firmly"
position = {{ force = {far} }}
tabling = "always"
"#
    );
    council
}

fn statuses(council: &Council) -> (Vec<Ballot>, Vec<BallotStatus>) {
    let model = council.model();
    let (outcome, _) = traced(&model, 0);
    (
        model.ballots.clone(),
        outcome.ballots.iter().map(|b| b.status).collect(),
    )
}

#[test]
fn amendments_are_voted_furthest_first_or_as_submitted() {
    use BallotStatus::{Adopted, Lapsed};
    // Distances from the draft as circulated: |0.7 − 0.5| = 0.2 and |0.9 − 0.5| = 0.4.
    let (order, status) = statuses(&order_council("furthest-first", 0.7, 0.9));
    assert_eq!(
        order,
        vec![Ballot::Amendment(1), Ballot::Amendment(0), Ballot::Draft(0)]
    );
    assert_eq!(status, vec![Adopted, Lapsed, Adopted]);
    let (order, status) = statuses(&order_council("submission", 0.7, 0.9));
    assert_eq!(
        order,
        vec![Ballot::Amendment(0), Ballot::Amendment(1), Ballot::Draft(0)]
    );
    assert_eq!(status, vec![Adopted, Lapsed, Adopted]);
    // Equal distances (0.25 and 0.75 are both exactly 0.25 away): submission order breaks
    // the tie.
    let (order, _) = statuses(&order_council("furthest-first", 0.25, 0.75));
    assert_eq!(
        order,
        vec![Ballot::Amendment(0), Ballot::Amendment(1), Ballot::Draft(0)]
    );
}

// ---------------------------------------------------------------------------------------
// Blocs
// ---------------------------------------------------------------------------------------

/// Everyone at 0.5 facing 0.5, r = 0.3: Δ = 0.55, yes; members listed in `no` get r = −1:
/// Δ = −0.75, no. `bloc` lists the bloc's members; `rule` is its TOML (cohesion and rule).
fn bloc_council(no: &[usize], bloc: &[usize], rule: &str) -> Council {
    let mut members = Council::fifteen(0.5);
    for &i in no {
        members[i] = members[i].clone().act_bonus(-1.0);
    }
    for &i in bloc {
        members[i] = members[i].clone().bloc("B");
    }
    let mut council = Council::new(members, 0.5);
    council.extra = format!("[blocs.B]\n{rule}\n");
    council
}

/// Each member's [yes, no, abstain] counts on the draft, by id.
fn votes(council: &Council, n: u64) -> std::collections::BTreeMap<String, [u64; 3]> {
    let model = council.model();
    let counts = summary(council, n).ballots[0].votes.clone();
    model.members.ids.iter().cloned().zip(counts).collect()
}

#[test]
fn a_fully_cohesive_bloc_votes_its_majority_or_its_leader() {
    let n = 50;
    // Majority, κ = 1: E01, E02 yes and E03 no; 2 of 3 intend yes: all three vote yes.
    let v = votes(
        &bloc_council(
            &[E03],
            &[E01, E02, E03],
            "cohesion = 1.0\nrule = \"majority\"",
        ),
        n,
    );
    assert_eq!(v["E03"], [n, 0, 0]);
    // Majority of four split 2-2: no strict majority, so all four abstain.
    let v = votes(
        &bloc_council(
            &[E03, 8],
            &[E01, E02, E03, 8],
            "cohesion = 1.0\nrule = \"majority\"",
        ),
        n,
    );
    for i in ["E01", "E02", "E03", "E04"] {
        assert_eq!(v[i], [0, 0, n], "member {i}");
    }
    // Leader E03 (no), κ = 1: the yes-minded E01 and E02 follow it and vote no.
    let v = votes(
        &bloc_council(
            &[E03],
            &[E01, E02, E03],
            "cohesion = 1.0\nrule = \"leader\"\nleader = \"E03\"",
        ),
        n,
    );
    for i in ["E01", "E02", "E03"] {
        assert_eq!(v[i], [0, n, 0], "member {i}");
    }
    // κ = 0: everyone votes its own way.
    let v = votes(
        &bloc_council(
            &[E03],
            &[E01, E02, E03],
            "cohesion = 0.0\nrule = \"majority\"",
        ),
        n,
    );
    assert_eq!((v["E01"], v["E03"]), ([n, 0, 0], [0, n, 0]));
}

#[test]
fn a_partly_cohesive_bloc_member_follows_with_probability_kappa() {
    // κ = 0.3: the dissenter E03 takes the bloc's common vote (yes) with probability 0.3,
    // else votes its own no: yes ~ Binomial(N, 0.3); the others vote yes either way.
    let n = 4000;
    let kappa = 0.3;
    let sd = (n as f64 * kappa * (1.0 - kappa)).sqrt();
    for rule in ["rule = \"majority\"", "rule = \"leader\"\nleader = \"E01\""] {
        let council = bloc_council(
            &[E03],
            &[E01, E02, E03],
            &format!("cohesion = {kappa}\n{rule}"),
        );
        let v = votes(&council, n);
        assert_eq!(v["E01"], [n, 0, 0]);
        assert_eq!(v["E03"][0] + v["E03"][1], n);
        let yes = v["E03"][0] as f64;
        assert!(
            (yes - kappa * n as f64).abs() < 4.5 * sd,
            "{rule}: {yes} of {n}"
        );
    }
}

#[test]
fn an_asker_with_no_give_or_no_demand_left_is_offered_no_compromise() {
    // The compromise moves the text to from + (1 − φ)·(to − from): only for 0 < φ < 1 is it
    // a text other than the current one (φ = 1) or the one asked for (φ = 0), so only then
    // is it weighed (and reported). With seven yes voters (see above) the ask as made wins
    // E01's yes: E = 1 · 0.94 > 0, accepted either way.
    for flexibility in [0.0, 1.0] {
        let mut council = penholder_council(7, 0.1);
        council.members[E01] = council.members[E01].clone().flexibility(flexibility);
        let (asks, verdicts, blue, _) = answers(&council);
        assert_eq!(asks.len(), 1, "φ = {flexibility}: {asks:?}");
        let (verdict, before, full, compromise) = verdicts[0];
        assert_eq!(verdict, Verdict::Accepted, "φ = {flexibility}");
        expect(&before, 0.0, 1.3);
        expect(&full, 1.0, 0.94);
        assert_eq!(compromise, None, "φ = {flexibility}");
        assert!(close(blue, 0.4), "{blue}");
    }
}

/// [`penholder_council`] with `yes_voters` yes voters, E01 at `e01_ideal`, and P2 a copy
/// of P1 (ideal 1.0, r = 0.3: Δ_P2 = Δ_P1 = 1 − (1 − T)² + 0.3, a yes on any text in
/// [0.4, 1]); see [`jointly`] for the pen.
fn joint_penholder_council(yes_voters: usize, e01_ideal: f64) -> Council {
    let mut council = penholder_council(yes_voters, 0.1);
    council.members[E01].ideal = e01_ideal;
    council.members[1] = Member::new("P2", true, 1.0);
    council
}

/// `council` with the pen held jointly by P1 and P2 (no lead).
fn jointly(council: &Council) -> Model {
    let toml = council
        .toml()
        .replace("penholder = \"P1\"", "penholder = [\"P1\", \"P2\"]");
    let model = councilsim::scenario::compile("joint.toml", &toml).unwrap();
    assert!(model.drafts[0].joint);
    model
}

#[test]
fn co_penholders_weigh_each_ones_rise_in_expected_value() {
    // Six yes voters plus P1 and P2 make eight: the draft at 1.0 fails, E_j = 0 · 1.3 = 0
    // for both. As asked (0.4) E01 votes yes (Δ = 0.16 > 0.1): nine yes, E_j = 1 · 0.94, a
    // rise of 0.94 for each; the compromise (0.7, Δ_E01 = 0.07) still fails: rise 0.
    // Both gain from the ask as made, so it is accepted.
    let (asks, verdicts, blue, _) = answers_in(&jointly(&joint_penholder_council(6, 0.4)));
    assert_eq!(asks.len(), 1, "{asks:?}");
    assert_eq!(verdicts[0].0, Verdict::Accepted);
    expect(&verdicts[0].1, 0.0, 1.3);
    expect(&verdicts[0].2, 1.0, 0.94);
    assert!(close(blue, 0.4), "{blue}");
    // Seven yes voters: the draft already passes, E_j = 1 · 1.3. As asked E_j = 0.94, the
    // compromise 1.21: every option lowers both penholders' E, so they refuse, and the text
    // stays at 1.0 (E01 asks the same again only on a changed text).
    let (asks, verdicts, blue, _) = answers_in(&jointly(&joint_penholder_council(7, 0.4)));
    assert_eq!(asks.len(), 1, "{asks:?}");
    assert_eq!(verdicts[0].0, Verdict::Refused);
    expect(&verdicts[0].1, 1.0, 1.3);
    assert_eq!(blue, 1.0);
    // E01 at 0.1 asks for 0.1, where Δ_pen = 1 − 0.81 + 0.3 = 0.49 (P1, P2 and the yes
    // voters still vote yes, E01 abstains: Δ = 0.01): E_j falls from 1.3 to 0.49; the
    // compromise 0.55 gives 1.0975, also lower. Refused, the text stays at 1.0.
    let (asks, verdicts, blue, _) = answers_in(&jointly(&joint_penholder_council(7, 0.1)));
    assert!(
        matches!(asks[0], Ask::Soften { to, .. } if close(to, 0.1)),
        "{asks:?}"
    );
    assert_eq!(verdicts[0].0, Verdict::Refused);
    expect(&verdicts[0].2, 1.0, 0.49);
    assert_eq!(blue, 1.0);
}

#[test]
fn co_penholders_prefer_the_ask_as_made_to_a_compromise_with_the_same_smallest_rise() {
    // P2 has salience 0: Δ_P2 = r = 0.3 on every text, a yes. Six yes voters plus P1 and P2
    // make eight: the draft at 1.0 fails, E_j = 0 for both. With a = 0.05, E01 votes yes on
    // the ask as made (0.4, Δ = 0.16) and on the compromise (0.7, Δ = 0.07): both pass for
    // sure, with rises (P1, P2) of (0.94, 0.3) and (1.21, 0.3). The smallest rise is 0.3
    // either way; the compromise is taken only if it does better, so the ask is accepted.
    let mut council = joint_penholder_council(6, 0.4);
    council.members[1] = council.members[1].clone().salience(0.0);
    council.members[E01] = council.members[E01].clone().thresholds(0.05, 0.1);
    let (asks, verdicts, blue, _) = answers_in(&jointly(&council));
    assert_eq!(asks.len(), 1, "{asks:?}");
    let (verdict, before, full, compromise) = verdicts[0];
    assert_eq!(verdict, Verdict::Accepted);
    expect(&before, 0.0, 1.3);
    expect(&full, 1.0, 0.94);
    expect(&compromise.unwrap(), 1.0, 1.21);
    assert!(close(blue, 0.4), "{blue}");
}

#[test]
fn a_rise_in_expected_value_of_no_more_than_rounding_noise_is_no_gain() {
    // A change must raise the penholder's E by more than 1e-12 (MIN_GAIN in
    // src/negotiation/consultations.rs) to be taken. Here the penholder that decides values
    // every text at exactly r = 1e-12: salience 0, so Δ = −0 − (−0) + 1e-12 + 0 = 1e-12 (it
    // abstains). Eight yes voters: the draft at 1.0 fails, E = 0. As asked (0.4) E01 votes
    // yes and the draft passes for sure: E = 1 · 1e-12, a rise of exactly 1e-12, which is
    // not more than 1e-12; the compromise (0.7) still fails. So the ask is refused.
    let mut council = penholder_council(8, 0.1);
    council.members[0] = council.members[0].clone().salience(0.0).act_bonus(1e-12);
    let (asks, verdicts, blue, _) = answers(&council);
    assert_eq!(asks.len(), 1, "{asks:?}");
    assert_eq!(verdicts[0].0, Verdict::Refused);
    assert_eq!(verdicts[0].2.expected(), 1e-12);
    assert_eq!(blue, 1.0);
    // Jointly: P1 as before (E 0 → 0.94 as asked), P2 at salience 0 with r = 1e-12 (an
    // abstention). Seven yes voters and P1 make eight: the draft fails, E_j = 0. As asked it
    // passes for sure: rises (0.94, 1e-12), the smallest exactly 1e-12: refused.
    let mut council = joint_penholder_council(7, 0.4);
    council.members[1] = council.members[1].clone().salience(0.0).act_bonus(1e-12);
    let (asks, verdicts, blue, _) = answers_in(&jointly(&council));
    assert_eq!(asks.len(), 1, "{asks:?}");
    assert_eq!(verdicts[0].0, Verdict::Refused);
    expect(&verdicts[0].2, 1.0, 0.94);
    assert_eq!(blue, 1.0);
}

// ---------------------------------------------------------------------------------------
// Two drafts: what happens on one stays on it
// ---------------------------------------------------------------------------------------

/// `council` with a second draft D2 (penholder P1, voted at the same meeting, after D1),
/// whose single provision stands at `position`.
fn with_second_draft(mut council: Council, position: f64) -> Council {
    council.extra.push_str(&format!(
        "[[drafts]]\nid = \"D2\"\npenholder = \"P1\"\nforce_vote = true\n\n[[drafts.provisions]]\nid = \"OP2\"\ntext = \"Decides to act on the second question\"\nposition = {{ force = {position} }}\n\n"
    ));
    council
}

#[test]
fn lobbying_on_one_draft_moves_votes_on_that_draft_only() {
    // Salience 0 for everyone: U ≡ 0, so Δ = r + π on either draft and nobody asks for a
    // change (no loss). Everyone has r = 0.3 (yes) but E01 (r = 0, thresholds 0.1: abstains
    // unless lobbied) and E02, the lobbyist (pull 0.15 on E01), with r = 0 on D1 (intends to
    // abstain: shift 0) and r = 0.5 on D2 (intends yes: shift +0.15). So E01 abstains on D1
    // (Δ = 0) and votes yes on D2 (Δ = 0.15 > 0.1).
    let mut members: Vec<Member> = Council::fifteen(0.5)
        .into_iter()
        .map(|m| m.salience(0.0))
        .collect();
    members[E01] = members[E01].clone().act_bonus(0.0);
    members[E02] = members[E02].clone().act_bonus(0.0);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    // A second relation (E03, a yes, pulls E05 by 0.01: still a yes) keeps each draft's
    // record of the latest contact per relation apart from the other's.
    council.extra = "[[relations]]\nfrom = \"E02\"\nto = \"E01\"\npull = 0.15\n\n[[relations]]\nfrom = \"E03\"\nto = \"E05\"\npull = 0.01\n\n[members.E02.on.\"D2\"]\nact_bonus = 0.5\n\n".into();
    let council = with_second_draft(council, 0.5);
    let model = council.model();
    assert_eq!(model.ballots, vec![Ballot::Draft(0), Ballot::Draft(1)]);
    let e01 = ix(&model, "E01");
    for r in 0..5 {
        let (_, entries) = traced(&model, r);
        let shifts = |draft: u16| -> Vec<f64> {
            entries
                .iter()
                .filter_map(|(_, e)| match e {
                    TraceEvent::Lobbied {
                        relation: 0,
                        draft: d,
                        shift,
                        ..
                    } if *d == draft => Some(*shift),
                    _ => None,
                })
                .collect()
        };
        assert!(!shifts(0).is_empty() && shifts(0).iter().all(|&s| s == 0.0));
        assert!(!shifts(1).is_empty() && shifts(1).iter().all(|&s| s == 0.15));
        assert_eq!(vote_of(&voted(&entries, 0).1, e01), Some(Vote::Abstain));
        assert_eq!(vote_of(&voted(&entries, 1).1, e01), Some(Vote::Yes));
    }
}

#[test]
fn a_refused_move_is_remembered_per_draft() {
    // Two copies of the refusal council (see the test above with eight yes voters): on each
    // draft E01 asks once to move the text from 1.0 to 0.4 and P1 refuses (E 1.3 → 0.94).
    // Each refusal holds for its own draft's text: E01 asks nothing more on either, in all
    // the rounds before the meeting, and still asks once on each, whichever draft's round
    // ends first (it varies with the replication's round lengths).
    let council = with_second_draft(penholder_council(8, 0.1), 1.0);
    let model = council.model();
    let soften = Ask::Soften {
        dim: 0,
        from: 1.0,
        to: 0.4,
    };
    let mut first = [0; 2];
    for r in 0..8 {
        let (_, entries) = traced(&model, r);
        let mut asks = Vec::new();
        for (_, e) in &entries {
            match e {
                TraceEvent::Asked { draft, ask, .. } => asks.push((*draft, *ask)),
                // Each draft's E is its own: before 1 · 1.3, as asked 1 · 0.94.
                TraceEvent::Answered { before, full, .. } => {
                    expect(before, 1.0, 1.3);
                    expect(full, 1.0, 0.94);
                }
                _ => {}
            }
        }
        let rounds = entries
            .iter()
            .filter(|(_, e)| matches!(e, TraceEvent::RoundEnded { .. }))
            .count();
        assert!(rounds >= 6, "several rounds on each draft: {rounds}");
        first[asks[0].0 as usize] += 1;
        let mut sorted = asks.clone();
        sorted.sort_by_key(|a| a.0);
        assert_eq!(
            sorted,
            vec![(0, soften), (1, soften)],
            "replication {r}: {asks:?}"
        );
    }
    assert!(first[0] > 0 && first[1] > 0, "{first:?}");
}

// ---------------------------------------------------------------------------------------
// Participants (invited States without a vote)
// ---------------------------------------------------------------------------------------

#[test]
fn a_participant_asks_and_lobbies_by_its_own_delta_against_the_status_quo() {
    // Everyone at 0.5 facing a text at 0.5 (no member asks; P1 holds the pen). UKR, invited
    // without a vote, has ideal 0.9 and thresholds a = 0.1, b = 0.05: Δ_UKR = U(T) − U(Q) + r
    // = −0.16 + 0.81 + r. It lobbies E05 with pull 0.2 toward its intended vote.
    // r = −0.6: Δ = 0.05, an abstention: it asks (Δ ≤ a) and its contacts shift nothing.
    // r = −0.5: Δ = 0.15 > a: a yes, no ask, shift +0.2.
    // r = −0.8: Δ = −0.15 < −b: a no, it asks, shift −0.2.
    for (r, delta, asks, shift) in [
        (-0.6, 0.05, true, 0.0),
        (-0.5, 0.15, false, 0.2),
        (-0.8, -0.15, true, -0.2),
    ] {
        let mut council = Council::new(Council::fifteen(0.5), 0.5);
        council.consultations = true;
        council.extra = format!(
            "[participants.UKR]\nname = \"Ukraine\"\nstance = {{ ideal = {{ force = 0.9 }}, act_bonus = {r}, yes_threshold = 0.1, no_threshold = 0.05 }}\n\n[[relations]]\nfrom = \"UKR\"\nto = \"E05\"\npull = 0.2\n\n"
        );
        let model = council.model();
        assert_eq!(model.members.len(), 15);
        let (_, entries) = traced(&model, 0);
        let mut asked = Vec::new();
        let mut shifts = Vec::new();
        for (_, e) in &entries {
            match e {
                TraceEvent::Asked {
                    member,
                    delta,
                    threshold,
                    ..
                } => asked.push((*member, *delta, *threshold)),
                TraceEvent::Lobbied { shift, .. } => shifts.push(*shift),
                _ => {}
            }
        }
        if asks {
            assert!(!asked.is_empty(), "r = {r}");
        }
        for &(member, d, threshold) in &asked {
            assert_eq!(member, 15, "r = {r}: only UKR asks");
            assert!(close(d, delta) && threshold == 0.1, "r = {r}: {d}");
        }
        assert_eq!(asks, !asked.is_empty(), "r = {r}");
        assert!(
            !shifts.is_empty() && shifts.iter().all(|&s| s == shift),
            "r = {r}: {shifts:?}"
        );
    }
}

#[test]
fn two_participants_each_ask_by_their_own_delta() {
    // The council of the test above with two invited States, UKR (r = −0.6: Δ = 0.05, an
    // abstention) and POL (r = −0.8: Δ = −0.15, a no), both with ideal 0.9 and thresholds
    // a = 0.1, b = 0.05, so both ask. P1, at the text's own 0.5, refuses every move away,
    // so the text and both Δ stay put all along. Members' Δ come from one pass over the
    // council; each participant's must be its own (the second participant is the first
    // test of an agent past the first one outside the council).
    let mut council = Council::new(Council::fifteen(0.5), 0.5);
    council.consultations = true;
    council.extra = "[participants.UKR]\nname = \"Ukraine\"\nstance = { ideal = { force = 0.9 }, act_bonus = -0.6, yes_threshold = 0.1, no_threshold = 0.05 }\n\n[participants.POL]\nname = \"Poland\"\nstance = { ideal = { force = 0.9 }, act_bonus = -0.8, yes_threshold = 0.1, no_threshold = 0.05 }\n\n".to_string();
    let model = council.model();
    assert_eq!((model.members.len(), model.agent_count()), (15, 17));
    let (_, entries) = traced(&model, 0);
    let mut asked = [0, 0];
    for (_, e) in &entries {
        if let TraceEvent::Asked { member, delta, .. } = e {
            let expected = match member {
                15 => -0.15, // POL (participants come in id order)
                16 => 0.05,  // UKR
                other => panic!("only the participants ask, not {other}"),
            };
            assert!(close(*delta, expected), "agent {member}: Δ {delta}");
            asked[*member as usize - 15] += 1;
        }
    }
    assert!(
        asked[0] > 0 && asked[1] > 0,
        "asks per participant: {asked:?}"
    );
}

#[test]
fn a_participant_asking_of_a_council_of_penholders_is_weighed_on_the_text_as_it_stands() {
    // Every member holds the pen (no member asks, so no member's Δ is computed for the
    // round), and UKR, invited, asks: ideal 0.9, r = −0.6, so Δ = −0.16 + 0.81 − 0.6 = 0.05
    // below a = 0.1. The penholders' E before the ask is that of the text as it stands: all
    // fifteen at ideal 0.5 facing the text at 0.5 with r = 0.3 have Δ = 0.25 + 0.3 = 0.55 > a
    // = 0.1 at τ = 0, a certain yes, so P(adopt) = 1 and E = 1 · 0.55 for each. (Taking the
    // round's members' Δ when none were computed would weigh a text nobody holds.)
    let council = Council::new(Council::fifteen(0.5), 0.5);
    let everyone = council
        .members
        .iter()
        .map(|m| format!("\"{}\"", m.id))
        .collect::<Vec<_>>()
        .join(", ");
    let mut council = council;
    council.consultations = true;
    council.extra = "[participants.UKR]\nname = \"Ukraine\"\nstance = { ideal = { force = 0.9 }, act_bonus = -0.6, yes_threshold = 0.1, no_threshold = 0.05 }\n\n".to_string();
    let toml = council
        .toml()
        .replace("penholder = \"P1\"", &format!("penholder = [{everyone}]"));
    let model = councilsim::scenario::compile("pens.toml", &toml).unwrap();
    let (_, entries) = traced(&model, 0);
    let mut answers = 0;
    for (_, e) in &entries {
        if let TraceEvent::Answered { member, before, .. } = e {
            assert_eq!(*member, 15, "only UKR asks");
            assert_eq!(before.p_adopt, 1.0);
            assert!(close(before.value, 0.55), "E before: {before:?}");
            answers += 1;
        }
    }
    assert!(answers > 0, "UKR asked nothing");
}

// ---------------------------------------------------------------------------------------
// What a member asks for: ties and stakes at the rounding threshold
// ---------------------------------------------------------------------------------------

/// The asks of a traced replication 0, in order, with the asking member's index.
fn asks_of(model: &Model) -> Vec<(u16, Ask)> {
    traced(model, 0)
        .1
        .iter()
        .filter_map(|(_, e)| match e {
            TraceEvent::Asked { member, ask, .. } => Some((*member, *ask)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_member_asks_for_the_first_of_its_best_amendments() {
    // Everyone at 0.5 facing a text at 0.5 (no loss: nobody else asks). E01, ideal 0.9, r =
    // −0.65: Δ = −0.16 + 0.81 − 0.65 = 0, an abstention, so it asks. It sponsors three
    // amendments replacing OP1: A0 to 0.7 (gain −0.04 + 0.16 = 0.12), A1 and A2 both to 0.9
    // (gain 0.16 each). It asks for the largest gain, and of equal gains for the first.
    let mut members = Council::fifteen(0.5);
    members[E01] = Member::new("E01", false, 0.9).act_bonus(-0.65);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    for (k, position) in [0.7, 0.9, 0.9].iter().enumerate() {
        council.extra.push_str(&format!(
            "[[amendments]]\nid = \"A{k}\"\nsponsors = [\"E01\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act, version {k}\"\nposition = {{ force = {position} }}\n\n"
        ));
    }
    let model = council.model();
    let e01 = ix(&model, "E01") as u16;
    let asks = asks_of(&model);
    assert_eq!(asks.first(), Some(&(e01, Ask::Amendment(1))), "{asks:?}");
}

#[test]
fn a_member_whose_stake_is_no_more_than_rounding_noise_asks_nothing() {
    // A gain or loss must exceed 1e-12 (MIN_GAIN) to be worth an ask. Everyone at 0 facing a
    // text at 0 = Q (no loss; Δ = r = 0.3: yes). E01 has ideal 1.0, salience 1e-12 and r = 0:
    // Δ = 0, an abstention, so it would ask. Its amendment (OP1 to 1.0) gains it
    // −0 − (−1e-12 · 1²) = 1e-12 exactly, and moving the text to its ideal point would save
    // it a loss of 1e-12 · 1² = 1e-12 exactly: neither is more than 1e-12, so it asks nothing.
    let mut members = Council::fifteen(0.0);
    members[E01] = Member::new("E01", false, 1.0)
        .salience(1e-12)
        .act_bonus(0.0);
    let mut council = Council::new(members, 0.0);
    council.consultations = true;
    council.extra = "[[amendments]]\nid = \"A\"\nsponsors = [\"E01\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act firmly\"\nposition = { force = 1.0 }\n\n".into();
    assert_eq!(asks_of(&council.model()), vec![]);
    // With a stake just above it (salience 2e-12) E01 asks for its amendment.
    council.members[E01] = council.members[E01].clone().salience(2e-12);
    let model = council.model();
    let e01 = ix(&model, "E01") as u16;
    assert_eq!(asks_of(&model).first(), Some(&(e01, Ask::Amendment(0))));
}

#[test]
fn the_penholder_prefers_the_ask_as_made_to_a_compromise_worth_the_same() {
    // P1 holds the pen with salience 0: Δ_pen = r = 0.3 on every text, a yes. Seven yes
    // voters and P1 make eight: the draft at 1.0 fails, E = 0. With a = 0.05, E01 votes yes
    // both as asked (0.4, Δ = 0.16) and on the compromise (0.7, Δ = 0.07): both pass for
    // sure, E = 1 · 0.3 either way. The compromise is offered only if it is worth more, so
    // the ask is accepted as made.
    let mut council = penholder_council(7, 0.05);
    council.members[0] = council.members[0].clone().salience(0.0);
    let (asks, verdicts, blue, _) = answers(&council);
    assert_eq!(asks.len(), 1, "{asks:?}");
    let (verdict, _, full, compromise) = verdicts[0];
    assert_eq!(verdict, Verdict::Accepted);
    expect(&full, 1.0, 0.3);
    expect(&compromise.unwrap(), 1.0, 0.3);
    assert!(close(blue, 0.4), "{blue}");
}

// ---------------------------------------------------------------------------------------
// Turnout in the penholder's reckoning
// ---------------------------------------------------------------------------------------

#[test]
fn the_penholder_counts_a_member_present_with_probability_t_as_abstaining_otherwise() {
    // The refusal council's eight yes voters, but E09 and E01 are each present on D1 with
    // probability 0.5 (an absent member counts as an abstention). At 1.0: P1 and E02..E08
    // are eight certain yes, E09 the ninth with probability 0.5 (E01 would vote no: Δ =
    // −0.2): P(adopt) = 0.5, E = 0.5 · 1.3 = 0.65. As asked (0.4) E01 votes yes when present:
    // P(adopt) = 1 − 0.5 · 0.5 = 0.75, E = 0.75 · 0.94 = 0.705. The compromise (0.7: E01
    // abstains) leaves P(adopt) = 0.5, E = 0.605. So the penholder accepts.
    let mut council = penholder_council(8, 0.1);
    council.extra =
        "[members.E01.on.\"D1\"]\nturnout = 0.5\n\n[members.E09.on.\"D1\"]\nturnout = 0.5\n\n"
            .into();
    let (asks, verdicts, blue, _) = answers(&council);
    assert_eq!(asks.len(), 1, "{asks:?}");
    let (verdict, before, full, compromise) = verdicts[0];
    assert_eq!(verdict, Verdict::Accepted);
    expect(&before, 0.5, 1.3);
    expect(&full, 0.75, 0.94);
    expect(&compromise.unwrap(), 0.5, 1.21);
    assert!(close(blue, 0.4), "{blue}");
}

#[test]
fn a_veto_holder_present_with_probability_t_vetoes_with_probability_t_times_its_no() {
    // The withdrawal council with b = 0.1: P2 votes no with P = σ(15) ≈ 1 − 3e-7 when
    // present. Present with probability t on the draft, it vetoes with probability
    // t · σ(15): below one half at t = 0.4 (the draft is voted), above at t = 0.6
    // (withdrawn).
    for (turnout, withdrawn) in [(0.4, 0), (0.6, 100)] {
        let mut council = withdrawal_council(0.1, false);
        council.extra = format!("[members.P2.on.\"D1\"]\nturnout = {turnout}\n\n");
        let s = summary(&council, 100);
        assert_eq!(
            s.ballots[0].count(BallotStatus::Withdrawn),
            withdrawn,
            "turnout {turnout}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Amendments at the meeting: a per-ballot bonus, and the figure of one not tabled
// ---------------------------------------------------------------------------------------

/// Everyone at 0.5 facing the draft at 0.5, with one amendment by E01 and E02 replacing OP1
/// with a text at `position`; `extra` is appended (per-ballot stances).
fn amendment_council(position: f64, extra: &str) -> Council {
    let mut council = Council::new(Council::fifteen(0.5), 0.5);
    council.extra = format!(
        "[[amendments]]\nid = \"AM\"\nsponsors = [\"E01\", \"E02\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act otherwise\"\nposition = {{ force = {position} }}\ntabling = \"always\"\n\n{extra}"
    );
    council
}

#[test]
fn an_act_bonus_on_an_amendment_adds_to_its_delta() {
    // Everyone wants 0.5... except here: ideal 0.9 for all, draft at 0.5, amendment to 0.6.
    // Δ_amendment = U(0.6) − U(0.5) + r = −0.09 + 0.16 + r = 0.07 + r (r = 0 unless set per
    // ballot): an abstention. With r = 0.1 on AM for E01..E10, their Δ = 0.17 > 0.1: ten
    // yes, the five permanent members abstain: adopted (quota 9).
    let mut council = amendment_council(0.6, "");
    council.members = Council::fifteen(0.9);
    let model = council.model();
    assert_eq!(model.ballots[0], Ballot::Amendment(0));
    let (outcome, _) = traced(&model, 0);
    assert_eq!(outcome.ballots[0].status, BallotStatus::Failed);
    assert_eq!(outcome.ballots[0].abstain.len(), 15);
    let bonus: String = (1..=10)
        .map(|i| format!("[members.E{i:02}.on.\"AM\"]\nact_bonus = 0.1\n\n"))
        .collect();
    council.extra = amendment_council(0.6, &bonus).extra;
    let (outcome, _) = traced(&council.model(), 0);
    let record = outcome.ballots[0];
    assert_eq!(record.status, BallotStatus::Adopted);
    assert_eq!((record.yes.len(), record.abstain.len()), (10, 5));
}

#[test]
fn an_amendment_not_tabled_reports_its_sponsors_mean_gain() {
    // The amendment leaves the text where it is (0.5 → 0.5): U(amended) − U(text) = 0 for
    // all, so each sponsor's Δ is its own act_bonus on AM: −0.2 (E01) and −0.4 (E02). Tabled
    // only if wanted, it is not tabled (mean −0.3 ≤ 0), and the trace reports that mean.
    let council = amendment_council(
        0.5,
        "[members.E01.on.\"AM\"]\nact_bonus = -0.2\n\n[members.E02.on.\"AM\"]\nact_bonus = -0.4\n\n",
    );
    let toml = council
        .toml()
        .replace("tabling = \"always\"", "tabling = \"if-wanted\"");
    let model = councilsim::scenario::compile("t.toml", &toml).unwrap();
    let (outcome, entries) = traced(&model, 0);
    assert_eq!(outcome.ballots[0].status, BallotStatus::NotTabled);
    let figure = entries
        .iter()
        .find_map(|(_, e)| match e {
            TraceEvent::Skipped {
                ballot: 0, figure, ..
            } => Some(*figure),
            _ => None,
        })
        .unwrap();
    assert!(close(figure, -0.3), "{figure}");
}

// ---------------------------------------------------------------------------------------
// Who asks in a round, and when a refusal is reused
// ---------------------------------------------------------------------------------------

#[test]
fn a_member_exactly_at_its_yes_threshold_asks() {
    // Only a Δ above the yes threshold a is a yes (Δ = a abstains), so a member exactly at a
    // asks. Everyone at 0.5 facing the text at 0.5 (no loss, no ask) but E01: ideal 0.75,
    // r = −0.5, a = 0: Δ = U(0.5) − U(0) + r = −0.0625 + 0.5625 − 0.5 = 0 exactly (all three
    // are binary fractions), so it asks to move the text to 0.75.
    let mut members = Council::fifteen(0.5);
    members[E01] = Member::new("E01", false, 0.75)
        .act_bonus(-0.5)
        .thresholds(0.0, 0.1);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    let model = council.model();
    let e01 = ix(&model, "E01") as u16;
    let asks = asks_of(&model);
    assert_eq!(
        asks.first(),
        Some(&(
            e01,
            Ask::Soften {
                dim: 0,
                from: 0.5,
                to: 0.75
            }
        )),
        "{asks:?}"
    );
}

/// The asks and verdicts of the first round of replication 0, in order.
fn first_round(model: &Model) -> Vec<(u16, Ask, Verdict)> {
    let (_, entries) = traced(model, 0);
    let mut rounds = 0;
    let mut asks = Vec::new();
    let mut verdicts = Vec::new();
    for (_, e) in &entries {
        match e {
            TraceEvent::RoundEnded { .. } => {
                rounds += 1;
                if rounds > 1 {
                    break;
                }
            }
            TraceEvent::Asked { member, ask, .. } => asks.push((*member, *ask)),
            TraceEvent::Answered { verdict, .. } => verdicts.push(*verdict),
            _ => {}
        }
    }
    assert_eq!(asks.len(), verdicts.len());
    asks.into_iter()
        .zip(verdicts)
        .map(|((m, a), v)| (m, a, v))
        .collect()
}

/// P1 holds the pen (ideal 1.0, r = 0.3: Δ_P1(T) = 1.3 − (1 − T)², a yes on [0.4, 1]); the
/// draft stands at 1.0. P2 (ideal 1.0, r = −0.9) has Δ = 1 − (1 − T)² − 0.9: an abstention
/// at 1.0 (0.1) and at 0.7 (0.01), a veto at 0.4 (−0.26); it never asks (no loss at 1.0). E04..E10 (ideal 0.7, r = 1) vote yes on any text in [0.4, 1]; P3..P5 and E02 have
/// salience 0 and r = 0 (abstain, never ask). E01 (ideal 0.4, r = 0, flexibility 1: no
/// compromise) has Δ(T) = 0.16 − (0.4 − T)²: −0.2 at 1.0, so it asks for 0.4, where P2
/// vetoes: P(adopt) 0, E 0, no better than the draft's E = 0 (eight yes at 1.0): refused.
/// E03 asks next, as given. (Once the text has moved to 0.7, P2 asks to move it back.)
fn reuse_council(e03: Member) -> Model {
    let mut members: Vec<Member> = Council::fifteen(0.0)
        .into_iter()
        .map(|m| m.salience(0.0).act_bonus(0.0))
        .collect();
    members[0] = Member::new("P1", true, 1.0);
    members[1] = Member::new("P2", true, 1.0).act_bonus(-0.9);
    members[E01] = Member::new("E01", false, 0.4)
        .act_bonus(0.0)
        .flexibility(1.0);
    members[E03] = e03;
    for m in members.iter_mut().skip(E04) {
        let id = m.id.clone();
        *m = Member::new(&id, false, 0.7).act_bonus(1.0);
    }
    let mut council = Council::new(members, 1.0);
    council.consultations = true;
    council.model()
}

#[test]
fn a_refusal_is_reused_only_for_the_same_ask_by_a_member_as_flexible() {
    let soften = |to: f64| Ask::Soften {
        dim: 0,
        from: 1.0,
        to,
    };
    // E03 makes E01's ask (ideal 0.4) but with flexibility 0.5 and a = 0.05: its compromise
    // 1 + 0.5 · (0.4 − 1) = 0.7 wins its yes (Δ = 0.16 − 0.09 = 0.07 > 0.05), P2 abstains,
    // E01 abstains (0.07 ≤ 0.1): nine yes, E = 1 · 1.21 > 0. The refusal of the same ask
    // to a member without give is not the answer to this one.
    let model = reuse_council(
        Member::new("E03", false, 0.4)
            .act_bonus(0.0)
            .thresholds(0.05, 0.1)
            .flexibility(0.5),
    );
    let (e01, e03) = (ix(&model, "E01") as u16, ix(&model, "E03") as u16);
    let round = first_round(&model);
    assert!(round.len() >= 2, "{round:?}");
    assert_eq!(round[0], (e01, soften(0.4), Verdict::Refused));
    assert_eq!((round[1].0, round[1].1), (e03, soften(0.4)));
    assert!(
        matches!(round[1].2, Verdict::Compromise(t) if close(t, 0.7)),
        "{round:?}"
    );
    // E03 at ideal 0.7 with r = −0.35 and no give: Δ = 0.49 − (0.7 − T)² − 0.35, 0.05 at 1.0
    // (it asks for 0.7) and 0.14 at 0.7 (a yes); there P2 abstains: nine yes, E = 1.21 > 0.
    // Accepted: a refusal of another ask is not reused, even by a member as flexible.
    let model = reuse_council(
        Member::new("E03", false, 0.7)
            .act_bonus(-0.35)
            .flexibility(1.0),
    );
    let round = first_round(&model);
    assert!(round.len() >= 2, "{round:?}");
    assert_eq!(round[0], (e01, soften(0.4), Verdict::Refused));
    assert_eq!(round[1], (e03, soften(0.7), Verdict::Accepted));
}

#[test]
fn a_refusal_lasts_until_the_text_changes() {
    // The first council of the test above: in the first round E01's ask (1.0 → 0.4) is
    // refused and E03's compromise moves the text to 0.7. In the next round E01 (Δ = 0.07 ≤
    // 0.1 at 0.7) asks again, now from 0.7 to 0.4: its refusal was for the text as it stood.
    let model = reuse_council(
        Member::new("E03", false, 0.4)
            .act_bonus(0.0)
            .thresholds(0.05, 0.1)
            .flexibility(0.5),
    );
    let e01 = ix(&model, "E01") as u16;
    let (outcome, entries) = traced(&model, 0);
    assert!(outcome.rounds >= 3, "{}", outcome.rounds);
    let asks: Vec<Ask> = entries
        .iter()
        .filter_map(|(_, e)| match e {
            TraceEvent::Asked { member, ask, .. } if *member == e01 => Some(*ask),
            _ => None,
        })
        .collect();
    let soften = |from: f64| Ask::Soften {
        dim: 0,
        from,
        to: 0.4,
    };
    assert_eq!(asks, vec![soften(1.0), soften(0.7)]);
}

#[test]
fn an_untraced_run_takes_a_change_that_raises_the_penholders_e_by_a_billionth() {
    // Untraced runs skip P(adopt) for a text whose E could not beat the threshold even at
    // P(adopt) = 1 (allowing 1e-9 for rounding); that shortcut must never refuse a change
    // the exact weighing would take. P1 holds the pen with ideal 0.4, salience 1e-9 and
    // r = 1: Δ_P1(T) = 1 + 1e-9 · (0.16 − (0.4 − T)²), 1 − 2e-10 at 1.0 and 1 + 1.6e-10 at
    // 0.4. Eight yes voters and P1: the draft passes for sure either way, so moving the
    // text to 0.4, as E01 asks, raises E by 3.6e-10 > 1e-12 (the compromise at 0.7 by
    // less): accepted, and E01 (Δ = 0.16 at 0.4) votes yes instead of no (−0.2 at 1.0).
    let mut council = penholder_council(8, 0.1);
    council.members[0] = Member::new("P1", true, 0.4).salience(1e-9).act_bonus(1.0);
    let model = council.model();
    let e01 = ix(&model, "E01");
    let (_, verdicts, blue, _) = answers(&council);
    assert_eq!(verdicts[0].0, Verdict::Accepted);
    assert!(close(blue, 0.4), "{blue}");
    let s = summary(&council, 20);
    assert_eq!(s.ballots[0].votes[e01], [20, 0, 0]);
}

#[test]
fn an_instruction_moves_by_up_to_size_times_the_dimensions_width() {
    // On a dimension of range [−1, 1] (width 2), size 0.5 moves an ideal point by
    // U(−0.5, 0.5) · 2 = U(−1, 1). From the top (1.0), half the first moves clamp at 1.0 and
    // the others drop by U(0, 1): the largest of hundreds of drops is close to 1 (on [0, 1]
    // ranges, where every earlier test ran, hi − lo and hi + lo are both 1).
    let council = instruction_council(1.0, 0.2, 0.5);
    let toml = council.toml().replace(
        "status_quo = 0.0\n",
        "range = [-1.0, 1.0]\nstatus_quo = 0.0\n",
    );
    let model = councilsim::scenario::compile("wide.toml", &toml).unwrap();
    assert_eq!((model.dims[0].lo, model.dims[0].hi), (-1.0, 1.0));
    let mut replication = Replication::new(&model);
    let mut drops = Vec::new();
    for r in 0..200 {
        let mut log = TraceLog::default();
        replication.run(5, r, &mut log);
        let mut first = [true; 15];
        for (i, from, to) in instructions(&log.entries) {
            assert!((to - from).abs() <= 1.0 + 1e-12, "{from} -> {to}");
            if std::mem::take(&mut first[i]) && to < 1.0 {
                drops.push(1.0 - to);
            }
        }
    }
    assert!(drops.len() > 100, "{}", drops.len());
    let largest = drops.iter().cloned().fold(0.0, f64::max);
    assert!(largest > 0.9 && largest < 1.0, "{largest}");
}

#[test]
fn a_member_asks_for_a_move_on_the_first_of_its_costliest_dimensions() {
    // Two dimensions, force (the draft at 0.5) and width (silent: 0), salience 1 on both.
    // Everyone else wants (0.5, 0): no loss, no ask. E01 wants (0.75, 0.25): a loss of
    // 0.25² = 0.0625 on each, and with r = −0.5 its Δ = −0.125 + 0.625 − 0.5 = 0 (all binary
    // fractions, so exactly): it abstains and asks for a move on the dimension that costs it
    // most; of two that cost the same, on the first (force). E02 wants (0.625, 0.375): losses
    // 0.125² = 0.015625 and 0.140625, Δ = −0.15625 + 0.53125 − 0.375 = 0: it asks on width.
    // (P1, at (0.5, 0), refuses both: the draft passes either way and loses it utility.)
    let mut members = Council::fifteen(0.5);
    members[E01] = Member::new("E01", false, 0.75).act_bonus(-0.5);
    members[E02] = Member::new("E02", false, 0.625).act_bonus(-0.375);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    let toml = council
        .toml()
        .replacen(
            "[members.",
            "[dimensions.width]\nlabel = \"how wide\"\nstatus_quo = 0.0\nsilent = 0.0\n\n[members.",
            1,
        )
        .replace(
            "ideal = { force = 0.5 }",
            "ideal = { force = 0.5, width = 0.0 }",
        )
        .replace(
            "ideal = { force = 0.75 }",
            "ideal = { force = 0.75, width = 0.25 }",
        )
        .replace(
            "ideal = { force = 0.625 }",
            "ideal = { force = 0.625, width = 0.375 }",
        )
        .replace(
            "salience = { force = 1 }",
            "salience = { force = 1, width = 1 }",
        );
    let model =
        councilsim::scenario::compile("two.toml", &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    assert_eq!(model.dim_count(), 2);
    let dim = |id: &str| model.dims.iter().position(|d| d.id == id).unwrap() as u16;
    let (e01, e02) = (ix(&model, "E01") as u16, ix(&model, "E02") as u16);
    let asks = asks_of(&model);
    let soften = |dim: u16, to: f64| Ask::Soften {
        dim,
        from: if dim == 0 { 0.5 } else { 0.0 },
        to,
    };
    assert_eq!(dim("force"), 0);
    assert_eq!(
        asks[..2],
        [
            (e01, soften(dim("force"), 0.75)),
            (e02, soften(dim("width"), 0.375))
        ],
        "{asks:?}"
    );
}

#[test]
fn a_member_with_noise_votes_by_the_thresholds_of_the_ballot_at_hand() {
    // Two drafts with the same text, salience 0 for everyone (U ≡ 0): every member's Δ is
    // its r = 0.3 on both ballots, the same bits. E08 votes with noise τ = 0.01; on D1 its
    // thresholds are a = b = 0.1: P(yes) = σ((0.3 − 0.1)/0.01) = σ(20) ≈ 1 − 2·10⁻⁹. On D2
    // its yes threshold is 2: P(yes) = σ(−170) ≈ 0 and P(no) = σ((−0.1 − 0.3)/0.01) = σ(−40)
    // ≈ 0, an abstention. The vote quantiles are remembered per ballot and member for the
    // exact Δ (from its second sighting, across the replications of a thread), so D2 must
    // not reuse D1's (the same Δ, other thresholds), nor D1 D2's: the replications run on one
    // simulator, as a thread runs them.
    let mut members: Vec<Member> = Council::fifteen(0.5)
        .into_iter()
        .map(|m| m.salience(0.0))
        .collect();
    members[E01 + 7] = members[E01 + 7].clone().tau(0.01); // E08
    let mut council = with_second_draft(Council::new(members, 0.5), 0.5);
    council
        .extra
        .push_str("[members.E08.on.\"D2\"]\nyes_threshold = 2.0\n\n");
    let model = council.model();
    let e08 = ix(&model, "E08");
    let mut replication = Replication::new(&model);
    for r in 0..20 {
        let outcome = replication.run(7, r, &mut NoTrace);
        assert_eq!(
            vote_of(&outcome.ballots[0], e08),
            Some(Vote::Yes),
            "r = {r}"
        );
        assert_eq!(
            vote_of(&outcome.ballots[1], e08),
            Some(Vote::Abstain),
            "r = {r}"
        );
    }
}

#[test]
fn the_penholder_reckons_each_draft_with_its_own_stances_and_pressure() {
    // Two copies of the acceptance council (seven yes voters): on each draft at 1.0, P1 and
    // E02..E08 make eight yes, the draft fails (E = 0), and E01's ask (0.4, its yes: nine)
    // is accepted (E = 0.94). Each case changes the second draft only.
    let blue = |council: &Council| -> Vec<f64> {
        let (_, entries) = traced(&council.model(), 0);
        let mut blue = vec![f64::NAN; 2];
        for (_, e) in &entries {
            if let TraceEvent::InBlue { draft, position } = e {
                blue[*draft as usize] = position[0];
            }
        }
        blue
    };
    let base = with_second_draft(penholder_council(7, 0.1), 1.0);
    let both = blue(&base);
    assert!(close(both[0], 0.4) && close(both[1], 0.4), "{both:?}");
    // E08 has a yes threshold of 2 on D2: Δ = 1.4 is an abstention there, so D2 cannot
    // reach nine yes even as asked (eight): E stays 0, the ask is refused, D2 stays at 1.0.
    let mut council = base.clone();
    council
        .extra
        .push_str("[members.E08.on.\"D2\"]\nyes_threshold = 2.0\n\n");
    let b = blue(&council);
    assert!(close(b[0], 0.4) && b[1] == 1.0, "{b:?}");
    // And E08 votes by D2's thresholds there: an abstention (yes on D1).
    let model = council.model();
    let (outcome, _) = traced(&model, 0);
    let e08 = ix(&model, "E08");
    assert_eq!(vote_of(&outcome.ballots[0], e08), Some(Vote::Yes));
    assert_eq!(vote_of(&outcome.ballots[1], e08), Some(Vote::Abstain));
    // Besides, P3 (salience 0, r = 0: an abstention) has r = 0.5 on D2 and lobbies E09
    // (salience 0, Δ = 0) with pull 0.15: on D2 only, P3 intends yes and E09 gets Δ = 0.15,
    // a yes. D2 at 1.0 then has nine yes (E = 1.3, without E09's eight: E = 0) and the ask,
    // worth 0.94, is refused.
    council.extra.push_str(
        "[members.P3.on.\"D2\"]\nact_bonus = 0.5\n\n[[relations]]\nfrom = \"P3\"\nto = \"E09\"\npull = 0.15\n\n",
    );
    let b = blue(&council);
    assert!(close(b[0], 0.4) && b[1] == 1.0, "{b:?}");
}

// ---------------------------------------------------------------------------------------
// Conditional tabling and the negotiation's duration
// ---------------------------------------------------------------------------------------

#[test]
fn a_ballot_tabled_if_an_earlier_one_ended_so_is_put_exactly_then() {
    // D1 (everyone at 0.5, r = 0.3: fifteen yes) is adopted as it stands, fails when every
    // member has r = −1 on it (Δ = −0.75: fifteen no, no quota, so no veto) and is vetoed
    // when only P2 has r = −1 on it. D2, the same text, is voted after it only if D1 ended
    // as its `tabled_if` requires; when voted it is adopted (fifteen yes: Δ = 0.55, or 0.3
    // against the status quo D1 moved to 0.5).
    use BallotStatus::{Adopted, NotTabled};
    let every_no: String = Council::fifteen(0.5)
        .iter()
        .map(|m| format!("[members.{}.on.\"D1\"]\nact_bonus = -1.0\n\n", m.id))
        .collect();
    let d1 = [
        (Adopted, String::new()),
        (BallotStatus::Failed, every_no),
        (
            BallotStatus::Vetoed,
            "[members.P2.on.\"D1\"]\nact_bonus = -1.0\n\n".to_string(),
        ),
    ];
    let put = |kind: &str, d1: BallotStatus| match kind {
        "adopted" => d1 == Adopted,
        "failed" => d1 != Adopted,
        "vetoed" => d1 == BallotStatus::Vetoed,
        _ => d1 != Adopted,
    };
    for kind in ["adopted", "failed", "vetoed", "not_adopted"] {
        for (status, overrides) in &d1 {
            let mut council = Council::new(Council::fifteen(0.5), 0.5);
            council.extra = format!(
                "[[drafts]]\nid = \"D2\"\npenholder = \"P1\"\nforce_vote = true\ntabled_if = {{ {kind} = \"D1\" }}\n\n[[drafts.provisions]]\nid = \"OP2\"\ntext = \"Decides to act again\"\nposition = {{ force = 0.5 }}\n\n{overrides}"
            );
            let (outcome, _) = traced(&council.model(), 0);
            assert_eq!(outcome.ballots[0].status, *status, "{kind}");
            let expected = if put(kind, *status) {
                Adopted
            } else {
                NotTabled
            };
            assert_eq!(
                outcome.ballots[1].status, expected,
                "D2 tabled if {kind}, D1 {status:?}"
            );
        }
    }
}

#[test]
fn the_duration_runs_from_the_first_circulation_to_the_last_vote() {
    // The draft is circulated on day 1 (minute 1440) and voted on day 5 (minute 7200): the
    // negotiation lasted 5760 minutes.
    let council = Council::new(Council::fifteen(0.5), 0.5);
    let toml = council.toml().replace(
        "force_vote = true\n",
        "force_vote = true\ncirculated_day = 1.0\n",
    );
    let model = councilsim::scenario::compile("late.toml", &toml).unwrap();
    let (outcome, _) = traced(&model, 0);
    assert_eq!(outcome.duration, 5760);
}

#[test]
fn adopting_the_last_draft_moves_no_status_quo() {
    // The status quo moves only for drafts still to come: a lone adopted draft leaves it,
    // and the trace reports no move; a first draft adopted before a second one moves it.
    let (outcome, entries) = traced(&Council::new(Council::fifteen(0.5), 0.5).model(), 0);
    assert_eq!(outcome.ballots[0].status, BallotStatus::Adopted);
    let moves = |entries: &[(u64, TraceEvent)]| {
        entries
            .iter()
            .filter(|(_, e)| matches!(e, TraceEvent::StatusQuoMoved { .. }))
            .count()
    };
    assert_eq!(moves(&entries), 0);
    let council = with_second_draft(Council::new(Council::fifteen(0.5), 0.5), 0.5);
    let (outcome, entries) = traced(&council.model(), 0);
    assert_eq!(outcome.ballots[1].status, BallotStatus::Adopted);
    assert_eq!(moves(&entries), 1, "only D1, before D2, moves it");
}

#[test]
fn a_bloc_majority_is_more_than_half_of_its_members() {
    // A fully cohesive bloc of five (E01..E05) settles on the vote of a strict majority:
    // three of five intending yes (2 · 3 > 5) make all five vote yes, three intending no
    // make all five vote no.
    let bloc = [E01, E02, E03, E04, 9];
    for (no, vote) in [
        (&[E04, 9][..], [15u64, 0, 0]),
        (&[E02, E03, E04][..], [0, 15, 0]),
    ] {
        let v = votes(
            &bloc_council(no, &bloc, "cohesion = 1.0\nrule = \"majority\""),
            15,
        );
        for id in ["E01", "E02", "E03", "E04", "E05"] {
            assert_eq!(v[id], vote, "{no:?}: member {id}");
        }
    }
}

#[test]
fn a_bloc_majority_counts_its_abstaining_members_too() {
    // A fully cohesive bloc of five: E01 and E02 intend yes, E03 no, E04 and E05 abstain
    // (an act bonus that puts their Δ = 0 between the thresholds −0.1 and 0.1). Two yes of
    // five are no strict majority (2 · 2 ≤ 5), so all five abstain; a majority taken over
    // the members who intend yes or no alone (2 · 2 > 3) would make them vote yes.
    let bloc = [E01, E02, E03, E04, 9];
    let mut council = bloc_council(&[E03], &bloc, "cohesion = 1.0\nrule = \"majority\"");
    for i in [E04, 9] {
        council.members[i] = council.members[i].clone().act_bonus(-0.25);
    }
    let v = votes(&council, 15);
    for id in ["E01", "E02", "E03", "E04", "E05"] {
        assert_eq!(v[id], [0, 0, 15], "member {id}");
    }
}

#[test]
fn a_bloc_member_follows_when_its_draw_is_below_the_cohesion_not_at_it() {
    // The vote stream of a replication gives one draw per member (its own vote), then one
    // per bloc member in member order (does it follow?), and a member follows when its draw
    // u < κ. Setting κ to exactly the draw of the dissenter E03 (a bloc of E01, E02, E03;
    // majority yes, E03's own vote no) puts it on the boundary: at κ = u it votes its own
    // no, at the next float above u it follows the bloc's yes.
    use councilsim::engine::rng::{open_unit, replication_rng};
    let shape = bloc_council(
        &[E03],
        &[E01, E02, E03],
        "cohesion = 0.5\nrule = \"majority\"",
    );
    let model = shape.model();
    let e03 = ix(&model, "E03");
    let before = [ix(&model, "E01"), ix(&model, "E02")]
        .iter()
        .filter(|&&i| i < e03)
        .count();
    let mut stream = replication_rng(7, 0);
    for _ in 0..model.members.len() + before {
        open_unit(&mut stream);
    }
    let u = open_unit(&mut stream);
    for (kappa, vote) in [(u, Vote::No), (f64::from_bits(u.to_bits() + 1), Vote::Yes)] {
        let council = bloc_council(
            &[E03],
            &[E01, E02, E03],
            &format!("cohesion = {kappa:?}\nrule = \"majority\""),
        );
        let model = council.model();
        assert_eq!(model.blocs[0].cohesion, kappa);
        let (outcome, _) = traced(&model, 0);
        assert_eq!(
            vote_of(&outcome.ballots[0], e03),
            Some(vote),
            "κ = {kappa:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// What a human seat is asked in consultations
// ---------------------------------------------------------------------------------------

/// A decider that plays one seat: it records every request with the bot's choice and
/// answers an ask with `ask`, anything else as the bot would.
struct OneSeat {
    seat: usize,
    ask: Ask,
    asked: Vec<(councilsim::decision::Request, councilsim::decision::Choice)>,
}

impl councilsim::decision::Decider for OneSeat {
    const ACTIVE: bool = true;
    fn controls(&self, agent: usize) -> bool {
        agent == self.seat
    }
    fn decide(
        &mut self,
        request: &councilsim::decision::Request,
        bot: &councilsim::decision::Choice,
    ) -> councilsim::decision::Choice {
        use councilsim::decision::{Choice, Question};
        self.asked.push((request.clone(), *bot));
        match request.question {
            Question::Ask { .. } => Choice::Ask(Some(self.ask)),
            _ => *bot,
        }
    }
}

#[test]
fn a_human_seat_is_asked_with_its_bots_figures_and_its_own_ask_is_weighed_as_made() {
    // Two dimensions, force (the draft at 0.5) and width (silent: 0). E02, played by a
    // human, wants (0.625, 0.375) with r = −0.375: U(T) = −(0.125² + 0.375²) = −0.15625,
    // U(Q) = −(0.625² + 0.375²) = −0.53125, so Δ = 0, exactly its yes threshold a = 0: its
    // bot would ask (Δ ≤ a). It sponsors AMD (OP1 to force 0.625: U = −0.140625, a gain of
    // 0.015625), its bot's suggestion; AMX, E01's, is not its to ask for. The human asks
    // instead to move width to 0.375: U = −0.015625, a gain of 0.140625.
    let mut members = Council::fifteen(0.5);
    members[E02] = Member::new("E02", false, 0.625)
        .act_bonus(-0.375)
        .thresholds(0.0, 0.1);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    council.extra = "[[amendments]]\nid = \"AMD\"\nsponsors = [\"E02\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act more\"\nposition = { force = 0.625 }\n\n[[amendments]]\nid = \"AMX\"\nsponsors = [\"E01\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act less\"\nposition = { force = 0.25 }\n\n".into();
    let toml = council
        .toml()
        .replacen(
            "[members.",
            "[dimensions.width]\nlabel = \"how wide\"\nstatus_quo = 0.0\nsilent = 0.0\n\n[members.",
            1,
        )
        .replace(
            "ideal = { force = 0.5 }",
            "ideal = { force = 0.5, width = 0.0 }",
        )
        .replace(
            "ideal = { force = 0.625 }",
            "ideal = { force = 0.625, width = 0.375 }",
        )
        .replace(
            "salience = { force = 1 }",
            "salience = { force = 1, width = 1 }",
        );
    let model = councilsim::scenario::compile("human.toml", &toml).unwrap();
    let width = 1u16;
    assert_eq!(model.dims[width as usize].id, "width");
    let e02 = ix(&model, "E02");
    assert!(e02 > 0, "a seat whose rows start past the first");
    let amd = model.amendments.iter().position(|a| a.id == "AMD").unwrap() as u16;
    let own = Ask::Soften {
        dim: width,
        from: 0.0,
        to: 0.375,
    };
    let mut decider = OneSeat {
        seat: e02,
        ask: own,
        asked: Vec::new(),
    };
    let mut log = TraceLog::default();
    Replication::new(&model).run_decided(7, 0, &mut log, &mut decider);
    let (request, bot) = decider
        .asked
        .iter()
        .find(|(r, _)| matches!(r.question, councilsim::decision::Question::Ask { .. }))
        .unwrap();
    assert_eq!(request.seat as usize, e02);
    assert_eq!(
        request.question,
        councilsim::decision::Question::Ask {
            draft: 0,
            delta: 0.0,
            threshold: 0.0,
            position: vec![0.5, 0.0],
            ideal: vec![0.625, 0.375],
            amendments: vec![(amd, 0.015625)],
        }
    );
    assert_eq!(
        *bot,
        councilsim::decision::Choice::Ask(Some(Ask::Amendment(amd)))
    );
    let asked = log
        .entries
        .iter()
        .find_map(|(_, e)| match e {
            TraceEvent::Asked {
                member, ask, gain, ..
            } if *member as usize == e02 => Some((*ask, *gain)),
            _ => None,
        })
        .unwrap();
    assert_eq!(asked, (own, 0.140625));
}

#[test]
fn a_human_sponsor_is_told_whether_the_scenario_tables_its_amendment_whatever_the_gain() {
    // The amendment council (AM by E01 and E02, leaving the text where it is: gain 0), with
    // E01 played by a human: it is asked whether to table AM, with the sponsors' mean gain,
    // and told whether the scenario says "always" (as here) or "if wanted".
    for (tabling, always) in [("always", true), ("if-wanted", false)] {
        let toml = amendment_council(0.5, "")
            .toml()
            .replace("tabling = \"always\"", &format!("tabling = \"{tabling}\""));
        let model = councilsim::scenario::compile("t.toml", &toml).unwrap();
        let e01 = ix(&model, "E01");
        let mut decider = OneSeat {
            seat: e01,
            ask: Ask::Amendment(0),
            asked: Vec::new(),
        };
        Replication::new(&model).run_decided(7, 0, &mut TraceLog::default(), &mut decider);
        let table = decider
            .asked
            .iter()
            .find_map(|(r, _)| match r.question {
                councilsim::decision::Question::Table {
                    ballot,
                    gain,
                    always,
                } => Some((ballot, gain, always)),
                _ => None,
            })
            .unwrap();
        assert_eq!(table, (0, 0.0, always), "{tabling}");
    }
}

#[test]
fn a_member_asks_only_for_amendments_it_sponsors() {
    // E01 (ideal 0.9, r = −0.65: Δ = 0 at the text's 0.5) would gain 0.16 from A0, which
    // moves OP1 to 0.9, but A0 is E02's: E01 asks instead for the text to move to its ideal
    // point. (E02, at 0.5, votes yes and asks nothing.)
    let mut members = Council::fifteen(0.5);
    members[E01] = Member::new("E01", false, 0.9).act_bonus(-0.65);
    let mut council = Council::new(members, 0.5);
    council.consultations = true;
    council.extra = "[[amendments]]\nid = \"A0\"\nsponsors = [\"E02\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act firmly\"\nposition = { force = 0.9 }\n\n".into();
    let model = council.model();
    let e01 = ix(&model, "E01") as u16;
    let asks = asks_of(&model);
    assert_eq!(
        asks.first(),
        Some(&(
            e01,
            Ask::Soften {
                dim: 0,
                from: 0.5,
                to: 0.9
            }
        )),
        "{asks:?}"
    );
}
