//! `councilsim brief`: every seat of every shipped scenario gets a brief in every format, the
//! red lines and yes-moves are the ones derived by hand (and the ones the engine acts on),
//! unknown seats are refused with the valid ones listed, scenario strings are escaped in
//! HTML and Markdown, and `--output` replaces a file whole.

use crate::support::{
    councilsim, shipped_scenarios, stderr, stdout, temp_dir, write_scenario, Council, Member,
};
use councilsim::brief::{self, YesMove};
use councilsim::export::brief as render;
use councilsim::model::{Ballot, Model};
use councilsim::negotiation::Replication;
use councilsim::trace::NoTrace;

#[test]
fn every_seat_of_every_shipped_scenario_has_a_brief_in_every_format() {
    let mut seats = 0;
    let mut participants = 0;
    let mut runs = Vec::new();
    for path in shipped_scenarios() {
        let path = path.to_str().unwrap();
        let model = councilsim::scenario::load(path).unwrap();
        for seat in 0..model.agent_count() {
            let id = model.agent_id(seat);
            let b = brief::build(&model, seat);
            assert_eq!(b.id, id);
            assert_eq!(b.drafts.len(), model.drafts.len());
            assert_eq!(b.wants.len(), model.dim_count());
            // Most salient first.
            assert!(b.wants.windows(2).all(|w| w[0].salience >= w[1].salience));
            if seat >= model.members.len() {
                participants += 1;
                assert!(b.role_words[0].contains("without a vote"), "{path} {id}");
            }
            for (format, out) in [
                ("text", render::text(&model, &b)),
                ("markdown", render::markdown(&model, &b)),
                ("html", render::html(&model, &b)),
            ] {
                assert!(
                    out.contains(id),
                    "{path}: the {format} brief of {id} names it"
                );
                for draft in &model.drafts {
                    assert!(
                        out.contains(&draft.id),
                        "{path} {id} {format}: {}",
                        draft.id
                    );
                }
            }
            seats += 1;
        }
        // Through the real binary: every seat of a Council-sized scenario (formats in
        // rotation), and a few of the General Assembly's 193 (each run loads the file).
        let step = if model.members.len() > 30 { 64 } else { 1 };
        for seat in (0..model.agent_count()).step_by(step) {
            let format = ["text", "markdown", "html"][seat % 3];
            runs.push((path.to_string(), model.agent_id(seat).to_string(), format));
        }
    }
    assert!(
        seats > 200 && participants >= 1,
        "{seats} seats, {participants} participants"
    );
    // Four at a time: each run mostly waits for the process to start.
    std::thread::scope(|scope| {
        for chunk in runs.chunks(runs.len().div_ceil(4)) {
            scope.spawn(move || {
                for (path, id, format) in chunk {
                    let out = councilsim(&["brief", path, "--as", id, "--format", format]);
                    assert!(out.status.success(), "{path} {id}: {}", stderr(&out));
                    assert!(stdout(&out).contains(id.as_str()), "{path} {id} {format}");
                    assert!(stderr(&out).is_empty(), "{path} {id}: {}", stderr(&out));
                }
            });
        }
    });
}

#[test]
fn the_three_formats_from_the_binary_are_the_library_renderers() {
    let seed = crate::support::seed_scenario();
    let model = councilsim::scenario::load(&seed).unwrap();
    let seat = brief::seat_of(&model, "FRA").unwrap();
    let b = brief::build(&model, seat);
    let run = |format: &str| {
        stdout(&councilsim(&[
            "brief", &seed, "--as", "FRA", "--format", format,
        ]))
    };
    assert_eq!(run("text"), render::text(&model, &b));
    assert_eq!(run("markdown"), render::markdown(&model, &b));
    let page = run("html");
    assert_eq!(page, render::page(&model, &b));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(&render::html(&model, &b)));
    assert_eq!(page.matches("<section class=\"brief\"").count(), 1);
    // Self-contained: nothing is fetched when the page opens.
    for external in ["src=", "href=", "<link", "@import", "url("] {
        assert!(!page.contains(external), "{external}");
    }
    // FRA is a permanent member with a veto; A1 is one of the amendments it sponsors.
    assert!(b.permanent && b.veto);
    assert!(b.sponsors.contains(&"A1".to_string()));
    assert!(b
        .blocs
        .iter()
        .any(|bloc| bloc.id == "E5" && bloc.you_follow));
    assert!(b.lobbies.iter().any(|l| l.to == "SVN"));
}

/// One dimension `force` on [0, 1], status quo 0, p = 2 (the builder's conventions). X has
/// ideal i = 0.2, salience s = 2, r = 0.5, a = 0.1, b = 0.2, τ = 0, and the draft stands
/// at c = 0.8. By hand:
///
/// - U(T) = −2·(0.2 − 0.8)² = −0.72, U(Q) = −2·0.2² = −0.08, so Δ₀ = −0.72 + 0.08 + 0.5 =
///   −0.14: between −b = −0.2 and a = 0.1, X abstains.
/// - Moving the text to x, Δ(x) = Δ₀ + 2·(0.6² − (0.2 − x)²) = 0.58 − 2·(0.2 − x)².
/// - No (Δ < −0.2) ⇔ (0.2 − x)² > 0.39 ⇔ |0.2 − x| > 0.6245: above 0.8245 (below −0.4245
///   is out of range), so the red line is "above 0.8245".
/// - Yes (Δ > 0.1) ⇔ (0.2 − x)² < 0.24 ⇔ |0.2 − x| < 0.4899: the smallest move from 0.8 is
///   to just below 0.6899, a move of −0.1101.
fn hand_council(position: f64) -> Council {
    let mut members = Council::fifteen(0.8);
    members[5] = Member::new("X", false, 0.2)
        .salience(2.0)
        .act_bonus(0.5)
        .thresholds(0.1, 0.2);
    Council::new(members, position)
}

/// X's vote on the draft when the draft is circulated at `position` (no consultations, τ 0).
fn engine_vote(position: f64) -> &'static str {
    let model = hand_council(position).model();
    let x = model.member_index("X").unwrap();
    let b = model
        .ballots
        .iter()
        .position(|&b| b == Ballot::Draft(0))
        .unwrap();
    let mut replication = Replication::new(&model);
    let record = replication.run(1, 0, &mut NoTrace).ballots[b];
    if record.yes.contains(x) {
        "yes"
    } else if record.no.contains(x) {
        "no"
    } else {
        assert!(record.abstain.contains(x));
        "abstain"
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

#[test]
fn red_line_and_yes_move_are_the_ones_derived_by_hand() {
    let model: Model = hand_council(0.8).model();
    let x = model.member_index("X").unwrap();
    let b = brief::build(&model, x);
    let draft = &b.drafts[0];
    assert!(close(draft.delta, -0.14), "{}", draft.delta);
    assert_eq!(draft.vote_now, "abstain");
    let dim = &draft.dimensions[0];
    assert!(close(dim.best_delta, 0.58), "{}", dim.best_delta);
    assert_eq!(dim.no_below, None);
    assert!(
        close(dim.no_above.unwrap(), 0.2 + 0.39f64.sqrt()),
        "{:?}",
        dim.no_above
    );
    assert!(!dim.no_whatever);
    match dim.yes {
        YesMove::Move { to, by, exact } => {
            assert!(close(to, 0.2 + 0.24f64.sqrt()), "{to}");
            assert!(close(by, 0.2 + 0.24f64.sqrt() - 0.8), "{by}");
            assert!(!exact);
        }
        ref other => panic!("{other:?}"),
    }
    let text = render::text(&model, &b);
    assert!(text.contains("above 0.82"), "{text}");
    assert!(text.contains("past 0.69 (a move of −0.11)"), "{text}");
    // The engine agrees on each side of both lines: a text just past 0.8245 gets X's no, one
    // just inside gets its abstention; just inside 0.6899 its yes, just outside abstention.
    assert_eq!(engine_vote(0.8), "abstain");
    assert_eq!(engine_vote(0.83), "no");
    assert_eq!(engine_vote(0.82), "abstain");
    assert_eq!(engine_vote(0.68), "yes");
    assert_eq!(engine_vote(0.70), "abstain");
}

/// On a dimension that counts (whole numbers), the yes-move lands on a whole number. Y:
/// ideal 6 on months ∈ [0, 12], s = 0.1, r = 0, a = b = 0.5; the text at 12, Q = 0. U(T) =
/// −0.1·36 = U(Q), so Δ₀ = 0 (abstain); Δ(x) = 3.6 − 0.1·(6 − x)², yes ⇔ (6 − x)² < 31 ⇔
/// x ∈ (0.43, 11.57): the nearest whole number to 12 inside is 11 (a move of −1). No ⇔
/// (6 − x)² > 41 ⇔ |6 − x| > 6.40: outside [0, 12], so no red line. Z: ideal 2, s = 0.1,
/// r = 0, a = 0.5, b = 0.6: Δ₀ = −0.1·100 + 0.1·4 = −9.6 (no); K = Δ₀ + 10 = 0.4 ≤ a, so no
/// move of months alone wins its yes; no ⇔ (2 − x)² > 10 ⇔ x > 5.16: "at 6 or more", and
/// the text at 12 is past that line now.
#[test]
fn a_whole_number_dimension_moves_to_a_whole_number() {
    let toml = r#"
[scenario]
name = "months"
[rules]
preset = "custom"
quota = 1
[dimensions.months]
label = "Months of mandate"
range = [0.0, 12.0]
status_quo = 0.0
integer = true
[members.PEN]
permanent = false
stance = { ideal = { months = 12 } }
[members.Y]
permanent = false
stance = { ideal = { months = 6 }, salience = { months = 0.1 }, yes_threshold = 0.5, no_threshold = 0.5 }
[members.Z]
permanent = false
stance = { ideal = { months = 2 }, salience = { months = 0.1 }, yes_threshold = 0.5, no_threshold = 0.6 }
[[drafts]]
id = "D"
penholder = "PEN"
provisions = [{ id = "OP1", text = "Renews the mandate for twelve months", position = { months = 12 } }]
"#;
    let model = councilsim::scenario::compile("months.toml", toml).unwrap();
    let y = model.member_index("Y").unwrap();
    let b = brief::build(&model, y);
    let dim = &b.drafts[0].dimensions[0];
    assert!(close(b.drafts[0].delta, 0.0));
    assert_eq!(b.drafts[0].vote_now, "abstain");
    assert_eq!(
        dim.yes,
        YesMove::Move {
            to: 11.0,
            by: -1.0,
            exact: true
        }
    );
    assert_eq!((dim.no_below, dim.no_above), (None, None));
    assert_eq!(dim.provisions[0].provision, "OP1");
    assert!(render::text(&model, &b).contains("move the text to 11 (a move of −1)"));

    let z = brief::build(&model, model.member_index("Z").unwrap());
    let dim = &z.drafts[0].dimensions[0];
    assert!(close(z.drafts[0].delta, -9.6));
    assert_eq!(z.drafts[0].vote_now, "no");
    assert_eq!(dim.yes, YesMove::Impossible);
    assert_eq!(dim.no_below, None);
    assert!(close(dim.no_above.unwrap(), 2.0 + 10f64.sqrt()));
    let words = dim.words.join(" ");
    assert!(
        words.contains("you vote no whenever the text is at 6 or more on months"),
        "{words}"
    );
}

#[test]
fn an_unknown_seat_exits_2_and_lists_the_valid_ones() {
    let tutorial = format!("{}/scenarios/tutorial.toml", env!("CARGO_MANIFEST_DIR"));
    let out = councilsim(&["brief", &tutorial, "--as", "NOPE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("no delegation `NOPE`"), "{err}");
    for id in ["BIG", "PEN", "ALLY", "MID", "FAR", "OBS"] {
        assert!(err.contains(id), "{id} listed: {err}");
    }
    // A participant is a valid seat; its brief says it can only ask.
    let out = councilsim(&["brief", &tutorial, "--as", "OBS"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("You cannot vote"));
    // OBS wants (0.8, 0.9) with salience 1 each; the draft stands exactly there and the
    // status quo at (0, 0.2): Δ = 0 − (−(0.8² + 0.7²)) + r 0.3 = 1.43, above a = 0.1.
    let model = councilsim::scenario::load(&tutorial).unwrap();
    let obs = brief::build(&model, brief::seat_of(&model, "OBS").unwrap());
    assert_eq!(obs.role, brief::Role::Participant);
    assert!(close(obs.drafts[0].delta, 0.64 + 0.49 + 0.3));
    assert_eq!(obs.drafts[0].vote_now, "yes");
    assert_eq!(obs.drafts[0].probabilities, None);
    assert!(obs.blocs.is_empty());
}

#[test]
fn scenario_strings_are_escaped_in_html_and_markdown() {
    let mut council = hand_council(0.8);
    council.extra = String::new();
    let toml = council.toml().replace(
        "name = \"test council\"",
        "name = \"<script>alert('x')</script> & *stars*\"",
    );
    let path = write_scenario("evil.toml", &toml);
    let path = path.to_str().unwrap();
    let html = stdout(&councilsim(&[
        "brief", path, "--as", "X", "--format", "html",
    ]));
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;"));
    assert_eq!(html.matches("<section").count(), 1);
    let markdown = stdout(&councilsim(&[
        "brief", path, "--as", "X", "--format", "markdown",
    ]));
    assert!(!markdown.contains("<script>"), "{markdown}");
    assert!(markdown.contains("\\<script\\>alert('x')\\</script\\> \\& \\*stars\\*"));
}

#[test]
fn output_replaces_an_existing_file_whole() {
    let dir = temp_dir();
    let target = dir.join("brief.html");
    std::fs::write(&target, "STALE-CONTENT ".repeat(50_000)).unwrap();
    let tutorial = format!("{}/scenarios/tutorial.toml", env!("CARGO_MANIFEST_DIR"));
    let t = target.to_str().unwrap();
    let out = councilsim(&[
        "brief", &tutorial, "--as", "MID", "--format", "html", "--output", t,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    let expected = stdout(&councilsim(&[
        "brief", &tutorial, "--as", "MID", "--format", "html",
    ]));
    assert_eq!(written, expected);
    assert!(!written.contains("STALE-CONTENT"));
    // Nothing else is left in the directory (no temporary file).
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(names.len(), 1);
    // An unknown seat writes nothing: the old file stays as it was.
    std::fs::write(&target, "kept").unwrap();
    let out = councilsim(&["brief", &tutorial, "--as", "NOPE", "--output", t]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
}
