//! `councilsim classroom` through the real binary on a free port: every route, every
//! refusal, a whole game played through the API (equal to the bot-only trace when every
//! seat takes its bot's choice), the game file, and a restart that resumes the room.

use crate::support::{councilsim, seed_scenario, stderr, temp_dir};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A classroom server on a free port, killed on drop.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// The teacher's token.
    pub teacher: String,
    /// The join code.
    pub code: String,
    /// Everything it printed before serving.
    pub banner: String,
}

impl Server {
    /// Starts `councilsim classroom SCENARIO --port 0 ARGS…` and reads its banner.
    pub fn start(scenario: &str, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_councilsim"))
            .args(["classroom", scenario, "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        let (mut port, mut teacher, mut code) = (0, String::new(), String::new());
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("the server stopped before printing its URLs:\n{banner}");
            }
            banner.push_str(&line);
            if let Some(rest) = line.strip_prefix("teacher:") {
                let url = rest.split_whitespace().next().unwrap();
                teacher = url.split("token=").nth(1).unwrap().to_string();
                let hostport = url.trim_start_matches("http://").split('/').next().unwrap();
                port = hostport.rsplit(':').next().unwrap().parse().unwrap();
            }
            if line.starts_with("students:") {
                code = line
                    .split("join code ")
                    .nth(1)
                    .unwrap()
                    .trim_end_matches([')', '\n'])
                    .to_string();
            }
            if line.starts_with("serving;") {
                break;
            }
        }
        // Keep reading (the QR code) so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = out.read_to_end(&mut sink);
        });
        Server {
            child,
            port,
            teacher,
            code,
            banner,
        }
    }

    /// One request; returns the status and the body as JSON (Null if it is not JSON).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let (status, _, text) = self.raw(
            method,
            path,
            token,
            body.map(|b| ("application/json", b.to_string())),
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// One request with any body; returns status, head and body text.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, String)>,
    ) -> (u16, String, String) {
        request(self.port, method, path, token, body)
    }

    pub fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, Some(token), None)
    }

    pub fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(token), Some(&body))
    }

    /// Joins as `name`; returns the student's token.
    pub fn join(&self, name: &str) -> String {
        let (status, v) = self.call(
            "POST",
            "/api/join",
            None,
            Some(&json!({"code": self.code, "name": name})),
        );
        assert_eq!(status, 201, "{v}");
        v["token"].as_str().unwrap().to_string()
    }

    /// Stops the server (as a teacher's Ctrl-C would).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client over std: one request per connection.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.map(|(kind, text)| {
        head.push_str(&format!(
            "Content-Type: {kind}\r\nContent-Length: {}\r\n",
            text.len()
        ));
        text
    });
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    if let Some(b) = body {
        s.write_all(b.as_bytes()).unwrap();
    }
    // Read the head, then exactly Content-Length bytes (a server may keep the connection).
    let mut reader = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let length = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        })
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).unwrap();
        }
        None => {
            reader.read_to_end(&mut body).unwrap();
        }
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// Plays every pending decision of `tokens`' seats with the bot's choice until nobody in
/// `tokens` has a turn; returns how many were taken.
fn play_bot_choices(server: &Server, tokens: &[&str]) -> usize {
    let mut taken = 0;
    for _ in 0..10_000 {
        let mut acted = false;
        for t in tokens {
            let (status, me) = server.get("/api/me", t);
            assert_eq!(status, 200, "{me}");
            if me["turn"].is_object() {
                let turn = &me["turn"];
                let (status, v) = server.post(
                    "/api/decide",
                    t,
                    json!({"seat": me["me"]["seat"], "step": turn["step"], "choice": turn["bot"]}),
                );
                assert_eq!(status, 200, "{v} for {turn}");
                taken += 1;
                acted = true;
            }
        }
        if !acted {
            return taken;
        }
    }
    panic!("the game never ended");
}

#[test]
fn pages_and_assets_are_served_from_the_binary() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    assert!(
        server.banner.contains("this machine only"),
        "{}",
        server.banner
    );
    assert!(
        server.banner.contains("▀") || server.banner.contains("█"),
        "a QR code is printed"
    );
    for (path, kind) in [
        ("/", "text/html"),
        ("/teacher", "text/html"),
        ("/assets/style.css", "text/css"),
        ("/assets/common.js", "text/javascript"),
        ("/assets/student.js", "text/javascript"),
        ("/assets/teacher.js", "text/javascript"),
        ("/assets/icon.svg", "image/svg+xml"),
    ] {
        let (status, head, body) = server.raw("GET", path, None, None);
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("Content-Type: {kind}")),
            "{path}: {head}"
        );
        assert!(
            head.contains("Content-Security-Policy: default-src 'self'"),
            "{path}"
        );
        assert!(
            {
                let body = body.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
                !body.contains("http://") && !body.contains("https://")
            },
            "{path} loads nothing from elsewhere"
        );
    }
    assert_eq!(server.raw("GET", "/favicon.ico", None, None).0, 204);
    assert_eq!(server.raw("GET", "/nothing-here", None, None).0, 404);
    let (status, v) = server.call("GET", "/api/nothing", None, None);
    assert_eq!((status, v["error"].is_string()), (404, true));
    assert_eq!(server.raw("POST", "/", None, None).0, 405);
}

#[test]
fn binding_every_interface_says_the_room_is_reachable_from_the_network() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA", "--bind", "0.0.0.0"]);
    assert!(
        server.banner.contains("reachable from the network"),
        "{}",
        server.banner
    );
    assert_eq!(server.raw("GET", "/", None, None).0, 200);
}

#[test]
fn joining_needs_the_code_a_name_and_json() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let join = |body: Value| server.call("POST", "/api/join", None, Some(&body));
    assert_eq!(join(json!({"code": "WRONG1", "name": "Ana"})).0, 403);
    assert_eq!(join(json!({"code": server.code})).0, 400);
    assert_eq!(join(json!({"code": server.code, "name": "   "})).0, 400);
    assert_eq!(
        join(json!({"code": server.code, "name": "x".repeat(41)})).0,
        400
    );
    let (status, _, _) = server.raw(
        "POST",
        "/api/join",
        None,
        Some(("text/plain", "code=x".into())),
    );
    assert_eq!(status, 415);
    let (status, _, _) = server.raw(
        "POST",
        "/api/join",
        None,
        Some(("application/json", "{nope".into())),
    );
    assert_eq!(status, 400);
    assert_eq!(server.call("GET", "/api/join", None, None).0, 405);
    // Codes are typed on phones: case, spaces and dashes do not matter.
    let typed = format!("{}-{}", &server.code[..3].to_lowercase(), &server.code[3..]);
    let (status, v) = join(json!({"code": typed, "name": "Ana"}));
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        join(json!({"code": server.code, "name": "ana"})).0,
        409,
        "names are distinct"
    );
}

#[test]
fn tokens_separate_students_from_the_teacher() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let ana = server.join("Ana");
    assert_eq!(server.call("GET", "/api/me", None, None).0, 401);
    assert_eq!(
        server.get("/api/me", "0123456789abcdef0123456789abcdef").0,
        401
    );
    assert_eq!(server.get("/api/me", &server.teacher).0, 403);
    assert_eq!(server.get("/api/teacher", &ana).0, 403);
    for action in ["start", "pause", "resume", "advance", "end"] {
        let (status, v) = server.post(&format!("/api/teacher/{action}"), &ana, json!({}));
        assert_eq!(status, 403, "{action}: {v}");
    }
    assert_eq!(server.get("/api/teacher/game", &ana).0, 403);
    assert_eq!(
        server
            .post("/api/seat", &server.teacher, json!({"seat": "FRA"}))
            .0,
        403
    );
    let (status, me) = server.get("/api/me", &ana);
    assert_eq!(status, 200);
    assert_eq!(me["me"]["name"], "Ana");
    assert_eq!(server.get("/api/brief", &ana).0, 409, "no seat, no brief");
    assert_eq!(me["free"].as_array().unwrap().len(), 2);
    // The teacher's view lists the student; a student's view holds no join code or pending bot figures of others.
    let (_, t) = server.get("/api/teacher", &server.teacher);
    assert_eq!(t["students"][0]["name"], "Ana");
    assert!(me.get("join_code").is_none() && me.get("pending").is_none());
}

#[test]
fn seats_are_taken_once_and_only_the_listed_ones() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let (ana, bo) = (server.join("Ana"), server.join("Bo"));
    assert_eq!(
        server.post("/api/seat", &ana, json!({"seat": "RUS"})).0,
        404
    );
    assert_eq!(server.post("/api/seat", &ana, json!({})).0, 400);
    assert_eq!(
        server.post("/api/seat", &ana, json!({"seat": "FRA"})).0,
        200
    );
    assert_eq!(
        server.post("/api/seat", &ana, json!({"seat": "USA"})).0,
        409,
        "one seat each"
    );
    assert_eq!(
        server.post("/api/seat", &bo, json!({"seat": "FRA"})).0,
        409,
        "taken"
    );
    let (_, me) = server.get("/api/me", &ana);
    assert_eq!(me["me"]["seat"], "FRA");
    let (status, brief) = server.get("/api/brief", &ana);
    assert_eq!(status, 200);
    assert!(
        brief["html"].as_str().unwrap().contains("class=\"brief\""),
        "{brief}"
    );
    assert_eq!(server.get("/api/brief", &server.teacher).0, 403);
    // The teacher moves Bo to FRA: Ana loses it.
    assert_eq!(
        server
            .post(
                "/api/teacher/assign",
                &server.teacher,
                json!({"seat": "FRA", "student": 1})
            )
            .0,
        200
    );
    assert_eq!(server.get("/api/me", &ana).1["me"]["seat"], Value::Null);
    assert_eq!(server.get("/api/me", &bo).1["me"]["seat"], "FRA");
    assert_eq!(
        server
            .post(
                "/api/teacher/assign",
                &server.teacher,
                json!({"seat": "XXX", "student": 1})
            )
            .0,
        404
    );
    assert_eq!(
        server
            .post(
                "/api/teacher/assign",
                &server.teacher,
                json!({"seat": "FRA", "student": 9})
            )
            .0,
        404
    );
    assert_eq!(
        server
            .post(
                "/api/teacher/assign",
                &server.teacher,
                json!({"seat": "FRA"})
            )
            .0,
        400
    );
}

#[test]
fn decisions_are_refused_out_of_turn_out_of_phase_for_another_seat_and_twice() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let (fra, usa) = (server.join("Ana"), server.join("Bo"));
    server.post("/api/seat", &fra, json!({"seat": "FRA"}));
    server.post("/api/seat", &usa, json!({"seat": "USA"}));
    let vote = json!({"kind": "vote", "vote": "yes"});
    let (status, v) = server.post(
        "/api/decide",
        &fra,
        json!({"seat": "FRA", "step": 0, "choice": vote}),
    );
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().unwrap().contains("not started"), "{v}");
    assert_eq!(
        server
            .post("/api/teacher/start", &server.teacher, json!({}))
            .0,
        200
    );
    assert_eq!(
        server
            .post("/api/teacher/start", &server.teacher, json!({}))
            .0,
        409,
        "twice"
    );
    assert_eq!(
        server
            .post("/api/teacher/resume", &server.teacher, json!({}))
            .0,
        409,
        "not paused"
    );
    // Whose turn is it? One of the two seats (every other seat is a bot, played at once).
    let (_, t) = server.get("/api/teacher", &server.teacher);
    let waiting = t["waiting"]["seat"].as_str().unwrap().to_string();
    let (me, other, other_seat) = if waiting == "FRA" {
        (&fra, &usa, "USA")
    } else {
        (&usa, &fra, "FRA")
    };
    let (_, view) = server.get("/api/me", me);
    let turn = view["turn"].clone();
    assert!(turn.is_object(), "{view}");
    let seat = view["me"]["seat"].as_str().unwrap();
    // For another seat.
    let (status, v) = server.post(
        "/api/decide",
        me,
        json!({"seat": other_seat, "step": turn["step"], "choice": turn["bot"]}),
    );
    assert_eq!(status, 403, "{v}");
    // Out of turn.
    let (status, v) = server.post(
        "/api/decide",
        other,
        json!({"seat": other_seat, "step": turn["step"], "choice": turn["bot"]}),
    );
    assert_eq!(status, 409, "{v}");
    // A vote outside the voting phase (consultations come first in the seed scenario).
    if turn["kind"] != "vote" {
        let (status, v) = server.post(
            "/api/decide",
            me,
            json!({"seat": seat, "step": turn["step"], "choice": vote}),
        );
        assert!(status == 409 || status == 422, "{status} {v}");
    }
    // Malformed and invalid choices.
    let (status, _) = server.post(
        "/api/decide",
        me,
        json!({"seat": seat, "step": turn["step"], "choice": {"kind": "dance"}}),
    );
    assert_eq!(status, 400);
    let (status, _) = server.post(
        "/api/decide",
        me,
        json!({"seat": seat, "choice": turn["bot"]}),
    );
    assert_eq!(status, 400, "no step");
    let (status, _) = server.post(
        "/api/decide",
        me,
        json!({"seat": seat, "step": 999, "choice": turn["bot"]}),
    );
    assert_eq!(status, 409, "a stale step");
    // Paused: refused; resumed: taken; the same step again: refused.
    assert_eq!(
        server
            .post("/api/teacher/pause", &server.teacher, json!({}))
            .0,
        200
    );
    let decision = json!({"seat": seat, "step": turn["step"], "choice": turn["bot"]});
    let (status, v) = server.post("/api/decide", me, decision.clone());
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().unwrap().contains("paused"));
    assert_eq!(
        server
            .post("/api/teacher/resume", &server.teacher, json!({}))
            .0,
        200
    );
    assert_eq!(server.post("/api/decide", me, decision.clone()).0, 200);
    let (status, v) = server.post("/api/decide", me, decision);
    assert_eq!(status, 409, "twice: {v}");
    // Play on to the first vote and vote twice.
    loop {
        let (_, t) = server.get("/api/teacher", &server.teacher);
        if t["phase"] == "over" {
            panic!("the game ended without a vote by FRA or USA");
        }
        let seat = t["waiting"]["seat"].as_str().unwrap().to_string();
        let token = if seat == "FRA" { &fra } else { &usa };
        let (_, view) = server.get("/api/me", token);
        let turn = view["turn"].clone();
        let d = json!({"seat": seat, "step": turn["step"], "choice": turn["bot"]});
        assert_eq!(server.post("/api/decide", token, d.clone()).0, 200);
        if turn["kind"] == "vote" {
            let (_, t) = server.get("/api/teacher", &server.teacher);
            if t["pending"]["kind"] == "vote" && t["tally"]["live"] == true {
                let (status, v) = server.post(
                    "/api/decide",
                    token,
                    json!({"seat": seat, "step": t["step"], "choice": {"kind": "vote", "vote": "no"}}),
                );
                assert_eq!(status, 409, "{v}");
                assert!(v["error"].as_str().unwrap().contains("voted"), "{v}");
                assert!(
                    t["tally"]["line"].as_str().unwrap().contains("needed"),
                    "{t}"
                );
            }
            break;
        }
    }
}

/// The ballots of `councilsim trace` (JSONL) as (id, status, yes, no, abstain).
fn trace_ballots(scenario: &str) -> Vec<(String, String, Value, Value, Value)> {
    let out = councilsim(&["trace", scenario, "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["event"] == "voted")
        .map(|v| {
            let r = &v["result"];
            (
                v["ballot"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["yes"].clone(),
                r["no"].clone(),
                r["abstain"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_class_that_takes_every_suggestion_plays_the_bot_only_replication() {
    let scenario = seed_scenario();
    let dir = temp_dir();
    let game = dir.join("class.game.jsonl");
    let server = Server::start(
        &scenario,
        &["--seats", "FRA,USA", "--game", game.to_str().unwrap()],
    );
    let (fra, usa) = (server.join("Ana"), server.join("Bo"));
    server.post("/api/seat", &fra, json!({"seat": "FRA"}));
    server.post("/api/seat", &usa, json!({"seat": "USA"}));
    server.post("/api/teacher/start", &server.teacher, json!({}));
    let taken = play_bot_choices(&server, &[&fra, &usa]);
    assert!(taken > 0);
    let (_, t) = server.get("/api/teacher", &server.teacher);
    assert_eq!(t["phase"], "over", "{t}");
    let voted: Vec<_> = t["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ["adopted", "failed", "vetoed"].contains(&r["status"].as_str().unwrap()))
        .map(|r| {
            (
                r["ballot"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["yes"].clone(),
                r["no"].clone(),
                r["abstain"].clone(),
            )
        })
        .collect();
    assert_eq!(voted, trace_ballots(&scenario));
    // The game file holds the header and every decision, as the download does.
    let text = std::fs::read_to_string(&game).unwrap();
    assert_eq!(
        text.lines().count(),
        1 + t["step"].as_u64().unwrap() as usize
    );
    let (status, head, download) =
        server.raw("GET", "/api/teacher/game", Some(&server.teacher), None);
    assert_eq!(status, 200);
    assert!(head.contains("attachment"));
    assert_eq!(download, text);
    // The file is the game of `play`: `replay` and `debrief` read it.
    let out = councilsim(&["replay", game.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = councilsim(&[
        "debrief",
        game.to_str().unwrap(),
        "--replications",
        "200",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The debrief: the class's outcome, the bots' distribution, agreement 100%.
    let (status, d) = server.get("/api/debrief", &fra);
    assert_eq!(status, 200, "students see it once the game is over");
    assert!(d["game"]["drafts"][0]["result"].is_string(), "{d}");
    assert!(d["bots"]["drafts"][0]["outcomes"]["adopted"]["p"].is_number());
    for (_, a) in d["agreement"].as_object().unwrap() {
        assert_eq!(a["decisions"], a["agreed"]);
    }
    assert!(d["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["pivotal"] == false));
    let (status, _, page) = server.raw(
        "GET",
        &format!("/debrief?token={}", server.teacher),
        None,
        None,
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("<svg") && page.contains("Your Council"),
        "{page}"
    );
    // Over: nothing more is taken.
    assert_eq!(
        server
            .post("/api/teacher/end", &server.teacher, json!({}))
            .0,
        409
    );
    assert_eq!(
        server
            .post("/api/teacher/advance", &server.teacher, json!({}))
            .0,
        409
    );
}

#[test]
fn the_teacher_runs_the_room_and_ending_lets_the_bots_finish() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let fra = server.join("Ana");
    server.post("/api/seat", &fra, json!({"seat": "FRA"}));
    let teacher = server.teacher.clone();
    assert_eq!(
        server.post("/api/teacher/advance", &teacher, json!({})).0,
        409,
        "not started"
    );
    assert_eq!(
        server.post("/api/teacher/pause", &teacher, json!({})).0,
        409,
        "not running"
    );
    assert_eq!(
        server.get("/api/debrief", &fra).0,
        409,
        "the debrief waits for the end"
    );
    assert_eq!(
        server.post("/api/teacher/start", &teacher, json!({})).0,
        200
    );
    assert_eq!(
        server
            .post("/api/teacher/timer", &teacher, json!({"minutes": 0}))
            .0,
        400
    );
    assert_eq!(
        server
            .post("/api/teacher/timer", &teacher, json!({"minutes": "x"}))
            .0,
        400
    );
    assert_eq!(
        server.post("/api/teacher/timer", &teacher, json!({})).0,
        400
    );
    assert_eq!(
        server
            .post(
                "/api/teacher/fallback",
                &teacher,
                json!({"fallback": "coin"})
            )
            .0,
        400
    );
    assert_eq!(
        server
            .post(
                "/api/teacher/fallback",
                &teacher,
                json!({"fallback": "nothing"})
            )
            .0,
        200
    );
    assert_eq!(
        server
            .post("/api/teacher/bot", &teacher, json!({"seat": "FRA"}))
            .0,
        400
    );
    assert_eq!(
        server
            .post(
                "/api/teacher/bot",
                &teacher,
                json!({"seat": "ZZZ", "bot": true})
            )
            .0,
        404
    );
    assert_eq!(
        server.post("/api/teacher/dance", &teacher, json!({})).0,
        404
    );
    assert_eq!(
        server
            .call("GET", "/api/teacher/start", Some(&teacher), None)
            .0,
        405
    );
    // The teacher takes the pending decision (USA has nobody: only FRA's decisions wait).
    let (_, t) = server.get("/api/teacher", &teacher);
    assert_eq!(t["waiting"]["seat"], "FRA", "{t}");
    let step = t["step"].as_u64().unwrap();
    assert_eq!(
        server.post("/api/teacher/advance", &teacher, json!({})).0,
        200
    );
    let (_, t) = server.get("/api/teacher", &teacher);
    assert!(t["step"].as_u64().unwrap() > step);
    assert_eq!(t["decisions"][step as usize]["by"], "teacher");
    // Handing FRA to its bot plays the game out; giving it back is too late then.
    assert_eq!(
        server
            .post(
                "/api/teacher/bot",
                &teacher,
                json!({"seat": "FRA", "bot": true})
            )
            .0,
        200
    );
    let (_, t) = server.get("/api/teacher", &teacher);
    assert_eq!(t["phase"], "over", "{t}");
    assert_eq!(server.post("/api/teacher/end", &teacher, json!({})).0, 409);
}

#[test]
fn ending_the_game_hands_the_rest_to_the_bots() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let fra = server.join("Ana");
    server.post("/api/seat", &fra, json!({"seat": "FRA"}));
    server.post("/api/teacher/start", &server.teacher, json!({}));
    assert_eq!(
        server
            .post("/api/teacher/end", &server.teacher, json!({}))
            .0,
        200
    );
    let (_, me) = server.get("/api/me", &fra);
    assert_eq!(me["phase"], "over");
    assert!(me["result"].is_array());
    let (status, v) = server.post(
        "/api/decide",
        &fra,
        json!({"seat": "FRA", "step": 0, "choice": {"kind": "vote", "vote": "yes"}}),
    );
    assert_eq!(status, 409, "{v}");
}

#[test]
fn events_stream_the_view_and_every_change() {
    let server = Server::start(&seed_scenario(), &["--seats", "FRA,USA"]);
    let ana = server.join("Ana");
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET /api/events?token={ana} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(s);
    let mut next_state = || -> Value {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
            if let Some(data) = line.strip_prefix("data: ") {
                return serde_json::from_str(data).unwrap();
            }
        }
    };
    let first = next_state();
    assert_eq!(first["me"]["name"], "Ana");
    server.post("/api/seat", &ana, json!({"seat": "USA"}));
    let second = next_state();
    assert!(second["version"].as_u64() > first["version"].as_u64());
    assert_eq!(second["me"]["seat"], "USA");
    // An unknown token gets no stream.
    assert_eq!(
        server.call("GET", "/api/events?token=nope", None, None).0,
        401
    );
}

#[test]
fn a_restarted_room_resumes_the_game_and_its_seats() {
    let scenario = seed_scenario();
    let game = temp_dir().join("resume.game.jsonl");
    let path = game.to_str().unwrap();
    let server = Server::start(&scenario, &["--seats", "FRA,USA", "--game", path]);
    let code = server.code.clone();
    let (fra, usa) = (server.join("Ana"), server.join("Bo"));
    server.post("/api/seat", &fra, json!({"seat": "FRA"}));
    server.post("/api/seat", &usa, json!({"seat": "USA"}));
    server.post("/api/teacher/start", &server.teacher, json!({}));
    // Two decisions, then the server dies.
    for _ in 0..2 {
        let (_, t) = server.get("/api/teacher", &server.teacher);
        let token = if t["waiting"]["seat"] == "FRA" {
            &fra
        } else {
            &usa
        };
        let (_, me) = server.get("/api/me", token);
        let turn = &me["turn"];
        assert_eq!(
            server
                .post(
                    "/api/decide",
                    token,
                    json!({"seat": me["me"]["seat"], "step": turn["step"], "choice": turn["bot"]})
                )
                .0,
            200
        );
    }
    let (_, before) = server.get("/api/teacher", &server.teacher);
    server.stop();
    let server = Server::start(&scenario, &["--game", path]);
    assert_eq!(server.code, code, "the join code survives");
    let (status, me) = server.get("/api/me", &fra);
    assert_eq!(status, 200, "the student's token survives");
    assert_eq!(me["me"]["seat"], "FRA");
    let (_, after) = server.get("/api/teacher", &server.teacher);
    assert_eq!(
        after["phase"], "paused",
        "a room that was running comes back paused"
    );
    assert_eq!(after["step"], before["step"]);
    assert_eq!(after["feed"], before["feed"]);
    assert_eq!(
        server
            .post("/api/teacher/resume", &server.teacher, json!({}))
            .0,
        200
    );
    play_bot_choices(&server, &[&fra, &usa]);
    assert_eq!(
        server.get("/api/teacher", &server.teacher).1["phase"],
        "over"
    );
    // The room file keeps token digests, never tokens.
    let room_file = std::fs::read_to_string(format!("{path}.room.json")).unwrap();
    assert!(!room_file.contains(&fra) && !room_file.contains(&server.teacher));
    // Another seat list, or another scenario text, is refused with exit 2.
    let out = councilsim(&[
        "classroom",
        &scenario,
        "--port",
        "0",
        "--game",
        path,
        "--seats",
        "RUS",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let other = temp_dir().join("other.toml");
    std::fs::write(
        &other,
        std::fs::read_to_string(&scenario).unwrap() + "\n# edited\n",
    )
    .unwrap();
    let out = councilsim(&[
        "classroom",
        other.to_str().unwrap(),
        "--port",
        "0",
        "--game",
        path,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another scenario"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_arguments_exit_2_before_serving() {
    let scenario = seed_scenario();
    for args in [
        vec!["--seats", "XXX"],
        vec!["--seats", "FRA,FRA"],
        vec!["--round-minutes", "0"],
        vec!["--bind", "not-an-address"],
    ] {
        let mut all = vec!["classroom", scenario.as_str(), "--port", "0"];
        all.extend(args.iter());
        let out = councilsim(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let garbage = temp_dir().join("garbage.game.jsonl");
    std::fs::write(&garbage, "not json\n").unwrap();
    let out = councilsim(&[
        "classroom",
        &scenario,
        "--port",
        "0",
        "--game",
        garbage.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("garbage.game.jsonl:1"),
        "{}",
        stderr(&out)
    );
}
