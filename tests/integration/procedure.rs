//! The Council's procedure: veto, quota, procedural motions, amendment order and effect.

use crate::support::{councilsim, stdout, write_scenario, Council, Member};
use councilsim::model::Ballot;
use councilsim::montecarlo::{self, RunConfig, Summary};
use councilsim::outcome::BallotStatus;

/// Members at ideal 0 with the draft at 0 and status quo 0, so each member's Δ is exactly
/// its act bonus: yes above 0.1, no below −0.1, abstain between. Temperatures are 0.
fn council_with_bonuses(bonuses: &[f64]) -> Council {
    let members: Vec<Member> = Council::fifteen(0.0)
        .into_iter()
        .zip(bonuses)
        .map(|(m, &r)| m.act_bonus(r))
        .collect();
    Council::new(members, 0.0)
}

fn run(council: &Council) -> Summary {
    montecarlo::run(
        &council.model(),
        RunConfig {
            replications: 20,
            seed: 1,
            threads: 1,
        },
    )
    .unwrap()
}

fn only_status(summary: &Summary, ballot: usize) -> BallotStatus {
    let b = &summary.ballots[ballot];
    let statuses: Vec<BallotStatus> = BallotStatus::ALL
        .into_iter()
        .filter(|&s| b.count(s) > 0)
        .collect();
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    statuses[0]
}

// Order of members: P1..P5, E01..E10.
const ABSTAIN: f64 = 0.0;
const YES: f64 = 1.0;
const NO: f64 = -1.0;

#[test]
fn nine_yes_with_all_permanent_members_abstaining_is_adopted() {
    let mut r = vec![ABSTAIN; 5];
    r.extend([YES; 9]);
    r.push(ABSTAIN);
    assert_eq!(
        only_status(&run(&council_with_bonuses(&r)), 0),
        BallotStatus::Adopted
    );
}

#[test]
fn eight_yes_fail_for_want_of_votes() {
    let mut r = vec![ABSTAIN; 5];
    r.extend([YES; 8]);
    r.extend([ABSTAIN; 2]);
    assert_eq!(
        only_status(&run(&council_with_bonuses(&r)), 0),
        BallotStatus::Failed
    );
}

#[test]
fn one_permanent_no_vetoes_a_draft_with_fourteen_yes() {
    let mut r = vec![YES; 15];
    r[1] = NO;
    let council = council_with_bonuses(&r);
    let summary = run(&council);
    assert_eq!(only_status(&summary, 0), BallotStatus::Vetoed);
    let p2 = council.model().member_index("P2").unwrap();
    assert_eq!(summary.ballots[0].vetoed_by[p2], 20);
    assert_eq!(summary.ballots[0].vetoed_by.iter().sum::<u64>(), 20);
}

#[test]
fn an_elected_no_is_not_a_veto() {
    let mut r = vec![YES; 15];
    r[7] = NO;
    assert_eq!(
        only_status(&run(&council_with_bonuses(&r)), 0),
        BallotStatus::Adopted
    );
}

/// A motion to postpone: Δ_motion = a − Δ_draft, so members with Δ_draft = −1 vote yes
/// (1.1 > 0.1) and those with Δ_draft = 1 vote no (−0.9 < −0.1).
#[test]
fn a_procedural_motion_ignores_a_permanent_members_no() {
    let mut r = vec![NO; 15];
    r[0] = YES; // P1 votes against postponing, and holds a veto.
    let mut council = council_with_bonuses(&r);
    council.extra = "[[motions]]\nid = \"postpone\"\nkind = \"postpone\"\nmovers = [\"E01\"]\ndays = 1.0\ntabling = \"always\"\n".into();
    let summary = run(&council);
    assert_eq!(council.model().ballots[0], Ballot::Motion(0));
    assert_eq!(only_status(&summary, 0), BallotStatus::Adopted);
    let path = write_scenario("postpone.toml", &council.toml());
    let text = stdout(&councilsim(&["trace", path.to_str().unwrap()]));
    assert!(text.contains("procedural: no veto applies"), "{text}");
    assert!(
        text.contains("the meeting is postponed to day 6 00:00"),
        "{text}"
    );
    // The draft is voted at the postponed meeting, where it fails for want of votes.
    assert!(
        text.contains("day 6 00:00  vote 2 on draft D1: 1-14-0"),
        "{text}"
    );
}

const TWO_AMENDMENTS: &str = r#"
[[amendments]]
id = "NEAR"
sponsors = ["E01"]
action = "replace"
target = "OP1"
text = "Decides to act a little"
position = { force = 0.1 }
tabling = "always"

[[amendments]]
id = "FAR"
sponsors = ["E02"]
action = "insert"
text = "Decides to act forcefully"
position = { force = 0.8 }
tabling = "always"
"#;

#[test]
fn amendments_are_voted_furthest_removed_first_and_before_the_draft() {
    let mut council = council_with_bonuses(&[YES; 15]);
    council.extra = TWO_AMENDMENTS.into();
    // NEAR moves the text by 0.1, FAR by 0.4 (mean of 0 and 0.8): FAR goes first.
    assert_eq!(
        council.model().ballots,
        vec![Ballot::Amendment(1), Ballot::Amendment(0), Ballot::Draft(0)]
    );
    council.extra = format!("[rules]\namendment_order = \"submission\"\n{TWO_AMENDMENTS}");
    assert_eq!(
        council.model().ballots,
        vec![Ballot::Amendment(0), Ballot::Amendment(1), Ballot::Draft(0)]
    );
}

#[test]
fn an_adopted_amendment_changes_the_text_later_votes_see() {
    // Everyone wants 0.5; the draft at 0 leaves Δ = r = 0.05 (abstain), so the draft alone
    // fails. AMEND moves it to 0.5 (worth +0.25 to all: adopted); on the amended text
    // Δ = 2·0.5·0.5 − 0.25 + 0.05 = 0.3, so the draft passes 15-0-0. LATE targets the
    // replaced provision and lapses.
    let members: Vec<Member> = Council::fifteen(0.5)
        .into_iter()
        .map(|m| m.act_bonus(0.05))
        .collect();
    let mut council = Council::new(members, 0.0);
    let plain = run(&council);
    assert_eq!(only_status(&plain, 0), BallotStatus::Failed);
    council.extra = r#"
[rules]
amendment_order = "submission"

[[amendments]]
id = "AMEND"
sponsors = ["E01"]
action = "replace"
target = "OP1"
text = "Decides to act firmly"
position = { force = 0.5 }

[[amendments]]
id = "LATE"
sponsors = ["E02"]
action = "delete"
target = "OP1"
tabling = "always"
"#
    .into();
    let summary = run(&council);
    assert_eq!(only_status(&summary, 0), BallotStatus::Adopted);
    assert_eq!(only_status(&summary, 1), BallotStatus::Lapsed);
    assert_eq!(only_status(&summary, 2), BallotStatus::Adopted);
    assert_eq!(summary.ballots[2].modal_tally().unwrap().0, (15, 0, 0));
}

/// "Furthest removed" measures each dimension's move as a share of its range,
/// Σ_d |a_d − b_d| / (hi_d − lo_d). The draft stands at force 0.5 (range [0, 1]) and says
/// nothing on `width` (range [−1, 1], silent 0). WIDE inserts a provision at width 0.5: the
/// text moves 0.5 on a range of 2, a distance of 0.25. FORCE replaces OP1 by force 0.2: a
/// move of 0.3 on a range of 1, a distance of 0.3. So FORCE, submitted second, is voted
/// first. Raw moves (0.5 vs 0.3), moves times the range (1.0 vs 0.3) or a range taken as
/// hi + lo (0 on `width`) would all put WIDE first; |a_d + b_d| (1.25 vs 0.7) too.
#[test]
fn furthest_removed_compares_moves_as_shares_of_each_dimensions_range() {
    let mut council = council_with_bonuses(&[YES; 15]);
    council.draft_position = 0.5;
    council.extra = r#"
[dimensions.width]
label = "how widely the text applies"
range = [-1.0, 1.0]
status_quo = 0.0
silent = 0.0

[[amendments]]
id = "WIDE"
sponsors = ["E01"]
action = "insert"
text = "Applies everywhere"
position = { width = 0.5 }
tabling = "always"

[[amendments]]
id = "FORCE"
sponsors = ["E02"]
action = "replace"
target = "OP1"
text = "Decides to act a little"
position = { force = 0.2 }
tabling = "always"
"#
    .into();
    assert_eq!(
        council.model().ballots,
        vec![Ballot::Amendment(1), Ballot::Amendment(0), Ballot::Draft(0)]
    );
}

/// `Text::contains` reports the provisions in the text as amendments change it: the draft
/// holds OP1 and not AMEND's paragraph; AMEND (replace OP1) swaps them, and a second
/// application lapses (returns false) because OP1 is gone, leaving the text as it was. MORE
/// then inserts a second paragraph on `force` (0.3): the text stands at the mean of the
/// paragraphs present, (0.5 + 0.3)/2 = 0.4 (a sum, 0.8, or a sum times the count, 1.6
/// clamped to 1, would not).
#[test]
fn a_text_reports_which_provisions_it_holds_as_amendments_apply() {
    use councilsim::text::Text;
    let mut council = council_with_bonuses(&[YES; 15]);
    council.extra = "[[amendments]]\nid = \"AMEND\"\nsponsors = [\"E01\"]\naction = \"replace\"\ntarget = \"OP1\"\ntext = \"Decides to act firmly\"\nposition = { force = 0.5 }\n\n[[amendments]]\nid = \"MORE\"\nsponsors = [\"E02\"]\naction = \"insert\"\ntext = \"Decides to act soon\"\nposition = { force = 0.3 }\n".into();
    let model = council.model();
    let provision = |id: &str| model.provisions.iter().position(|p| p.id == id).unwrap() as u32;
    let (op1, amend) = (provision("OP1"), provision("AMEND"));
    let amend_action = model
        .amendments
        .iter()
        .find(|a| a.id == "AMEND")
        .unwrap()
        .action;
    let mut text = Text::new(&model);
    text.reset_to_draft(&model, 0);
    assert!(text.contains(op1) && !text.contains(amend));
    assert_eq!(text.position(), [0.0]);
    assert!(text.apply(&model, amend_action));
    assert!(!text.contains(op1) && text.contains(amend));
    assert_eq!(text.position(), [0.5]);
    assert!(!text.apply(&model, amend_action));
    assert!(!text.contains(op1) && text.contains(amend));
    assert_eq!(text.position(), [0.5]);
    let more = model.amendments.iter().find(|a| a.id == "MORE").unwrap();
    assert!(text.apply(&model, more.action));
    assert!(
        (text.position()[0] - 0.4).abs() < 1e-15,
        "{:?}",
        text.position()
    );
}
