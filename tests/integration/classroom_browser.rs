//! A whole classroom game in real headless Chromium, driven over WebDriver: the teacher
//! opens the room, two students join from two browsers and take FRA and USA, FRA asks,
//! USA answers, both vote, the teacher ends the game and opens the debrief. Screenshots
//! of the three pages go to `target/tmp/classroom-*.png`; no page may log a console error.
//! Skipped, loudly, only when no Chromium is installed (`.ci/run` installs it).

use crate::classroom::Server;
use crate::support::seed_scenario;
use crate::webdriver::{find_browser, Driver, Session};
use serde_json::json;
use std::path::PathBuf;

fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// Joins as `name` from the student page and takes `seat`.
fn join(student: &Session, base: &str, code: &str, name: &str, seat: &str) {
    student.go(&format!("{base}/?code={code}"));
    student.wait_for(
        "the join form",
        "return document.getElementById('name');",
        json!([]),
    );
    student.type_into("#name", name);
    assert!(student.click_soon("#join-button"));
    student.wait_for(
        "the free seats",
        "return document.querySelector('[data-seat]');",
        json!([]),
    );
    let selector = format!("[data-seat='{seat}']");
    assert!(student.click_soon(&selector), "no button for {seat}");
    student.wait_for(
        "the seat",
        "const s = document.querySelector('#seat h2'); return s && s.innerText.includes(arguments[0]);",
        json!([format!("You are {seat}")]),
    );
}

/// If it is this student's turn, takes a decision: an amendment ask when there is one,
/// else the bot's choice. Returns the kind taken.
fn act(student: &Session) -> Option<String> {
    let kind = student.js(
        "const b = document.querySelector('#options button'); return b ? b.dataset.kind : null;",
        json!([]),
    );
    let kind = kind.as_str()?.to_string();
    let selector = if kind == "ask" && student.js("return !!document.querySelector(\"#options button[data-label^='Ask for amendment']\");", json!([])) == json!(true) {
        "#options button[data-label^='Ask for amendment']"
    } else {
        "#options button.bot"
    };
    student.click(selector).then_some(kind)
}

#[test]
fn a_whole_game_in_headless_chromium() {
    let Some((browser, chromedriver)) = find_browser() else {
        eprintln!("\n{}\nSKIPPED: the classroom browser test needs `chromium` and `chromedriver`\n(Debian: apt-get install chromium chromium-driver; .ci/run installs them).\n{}\n", "#".repeat(72), "#".repeat(72));
        return;
    };
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let driver = Driver::start(&chromedriver);
    let teacher = driver.session(&browser, 1200, 1500);
    let ana = driver.session(&browser, 412, 1400);
    let bo = driver.session(&browser, 412, 1400);

    teacher.go(&format!("{base}/teacher?token={}", server.teacher));
    let code = teacher.wait_for(
        "the join code",
        "const c = document.getElementById('join-code'); return c && c.innerText;",
        json!([]),
    );
    assert_eq!(code, json!(server.code));

    join(&ana, &base, &server.code, "Ana", "FRA");
    join(&bo, &base, &server.code, "Bo", "USA");
    teacher.wait_for("both seats held", "return document.body.innerText.includes('Ana (FRA)') && document.body.innerText.includes('Bo (USA)');", json!([]));
    assert!(teacher.click_soon("#start"));

    // Play: each student acts when its page shows a turn, until both have asked or
    // answered and voted.
    let mut kinds: Vec<(String, String)> = Vec::new();
    let mut shot_student = false;
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 3000, "the game did not reach the votes: {kinds:?}");
        let voted = |seat: &str| kinds.iter().any(|(s, k)| s == seat && k == "vote");
        if voted("FRA") && voted("USA") {
            break;
        }
        if teacher.text("#phase") == "over" {
            break;
        }
        let mut acted = false;
        for (seat, student) in [("FRA", &ana), ("USA", &bo)] {
            if !shot_student
                && seat == "FRA"
                && student.js("return !!document.querySelector('#turn');", json!([])) == json!(true)
            {
                student.screenshot(&shots().join("classroom-student.png"));
                shot_student = true;
            }
            if let Some(kind) = act(student) {
                kinds.push((seat.to_string(), kind));
                acted = true;
                // Wait until the page has moved on from this decision.
                student.wait_for(
                    "the decision to be taken",
                    "const b = document.querySelector('#turn-error'); if (b && b.innerText) return 'error: ' + b.innerText; return !document.querySelector('#options button:disabled');",
                    json!([]),
                );
                let err = student.text("#turn-error");
                assert!(err.is_empty(), "{seat}'s decision was refused: {err}");
            }
        }
        if !acted {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    let did = |seat: &str, kind: &str| kinds.iter().any(|(s, k)| s == seat && k == kind);
    assert!(did("FRA", "ask"), "FRA asked: {kinds:?}");
    assert!(did("USA", "answer"), "USA answered: {kinds:?}");
    assert!(
        did("FRA", "vote") && did("USA", "vote"),
        "both voted: {kinds:?}"
    );

    // The live tally speaks the Council's rule.
    let tally = ana.wait_for(
        "a tally",
        "const t = document.querySelector('#tally'); return t && t.innerText;",
        json!([]),
    );
    assert!(tally.as_str().unwrap().contains("needed"), "{tally}");
    teacher.screenshot(&shots().join("classroom-teacher.png"));

    // The teacher ends the game (two clicks); the bots play the rest.
    if teacher.text("#phase") != "over" {
        assert!(teacher.click_soon("#end"));
        teacher.wait_for(
            "the confirmation",
            "const b = document.getElementById('end'); return b && b.innerText.includes('again');",
            json!([]),
        );
        assert!(teacher.click_soon("#end"));
    }
    teacher.wait_for(
        "the end",
        "return document.getElementById('phase').innerText === 'over';",
        json!([]),
    );
    ana.wait_for(
        "the result on the student's page",
        "return !!document.querySelector('#result');",
        json!([]),
    );
    if !shot_student {
        ana.screenshot(&shots().join("classroom-student.png"));
    }

    // The debrief page shows the outcome.
    assert!(teacher.click_soon("#debrief"));
    let outcome = teacher.wait_for(
        "the debrief",
        "const r = document.querySelector('#outcome .result'); return r && r.innerText;",
        json!([]),
    );
    assert!(
        outcome.as_str().unwrap().contains("Your Council"),
        "{outcome}"
    );
    assert!(
        teacher
            .js("return document.querySelectorAll('svg').length;", json!([]))
            .as_u64()
            .unwrap()
            >= 3
    );
    teacher.resize(1000, 1500);
    teacher.screenshot(&shots().join("classroom-debrief.png"));

    // A student's link opens the debrief too, and a reload resumes the seat.
    ana.go(&format!("{base}/"));
    ana.wait_for(
        "the seat after a reload",
        "const s = document.querySelector('#seat h2'); return s && s.innerText.includes('FRA');",
        json!([]),
    );

    for (name, session) in [("teacher", &teacher), ("Ana", &ana), ("Bo", &bo)] {
        let errors = session.console_errors();
        assert!(errors.is_empty(), "{name}'s console: {errors:?}");
    }
    teacher.quit();
    ana.quit();
    bo.quit();
    for page in ["student", "teacher", "debrief"] {
        let path = shots().join(format!("classroom-{page}.png"));
        assert!(
            std::fs::metadata(&path).unwrap().len() > 5000,
            "{}",
            path.display()
        );
    }
}
