//! Load on the classroom server: 40 simulated students over loopback against the real
//! binary (release build), every one with a live event stream as a browser holds, 15 of
//! them holding the seed scenario's seats and deciding whenever their stream shows a turn,
//! the others reloading their page now and then. Prints each action's latency percentiles.
//!
//! `cargo bench --bench classroom` (a custom harness: criterion's repeat-and-average does
//! not fit a stateful room). Under `cargo test --benches` it runs a small smoke round.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.map(|b| b.to_string());
    if let Some(b) = &body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    if let Some(b) = &body {
        s.write_all(b.as_bytes()).unwrap();
    }
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

type Samples = Arc<Mutex<Vec<(&'static str, Duration)>>>;

fn timed(samples: &Samples, what: &'static str, f: impl FnOnce() -> (u16, Value)) -> (u16, Value) {
    let start = Instant::now();
    let r = f();
    samples.lock().unwrap().push((what, start.elapsed()));
    r
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let students = if full { 40 } else { 6 };
    let seats = [
        "USA", "RUS", "CHN", "GBR", "FRA", "DNK", "GRC", "SVN", "KOR", "PAN", "GUY", "SOM", "SLE",
        "DZA", "PAK",
    ];
    let seat_count = if full { seats.len() } else { 2 };
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/ukraine-2025-unsc.toml"
    );
    let dir =
        std::env::temp_dir().join(format!("councilsim-classroom-bench-{}", std::process::id()));
    // A directory left by an earlier run with the same process id would hold its game.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let game = dir.join("bench.game.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_councilsim"))
        .args([
            "classroom",
            scenario,
            "--port",
            "0",
            "--game",
            game.to_str().unwrap(),
        ])
        .args(["--seats", &seats[..seat_count].join(",")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut port, mut teacher, mut code) = (0u16, String::new(), String::new());
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server stopped");
        if let Some(rest) = line.strip_prefix("teacher:") {
            let url = rest.split_whitespace().next().unwrap();
            teacher = url.split("token=").nth(1).unwrap().to_string();
            port = url
                .trim_start_matches("http://")
                .split('/')
                .next()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .parse()
                .unwrap();
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
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = out.read_to_end(&mut sink);
    });

    let samples: Samples = Arc::new(Mutex::new(Vec::new()));
    let wall = Instant::now();
    let mut handles = Vec::new();
    for i in 0..students {
        let samples = Arc::clone(&samples);
        let code = code.clone();
        let seat = seats[..seat_count].get(i).map(|s| s.to_string());
        handles.push(std::thread::spawn(move || {
            let (status, v) = timed(&samples, "join", || request(port, "POST", "/api/join", None, Some(&json!({"code": code, "name": format!("student {i}")}))));
            assert_eq!(status, 201, "{v}");
            let token = v["token"].as_str().unwrap().to_string();
            if let Some(seat) = &seat {
                let (status, v) = timed(&samples, "seat", || request(port, "POST", "/api/seat", Some(&token), Some(&json!({"seat": seat}))));
                assert_eq!(status, 200, "{v}");
            }
            // The page's event stream: act on every view that shows this seat's turn.
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
            write!(s, "GET /api/events?token={token} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut events = BufReader::new(s);
            let mut line = String::new();
            let mut seen = 0u64;
            loop {
                line.clear();
                if events.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let Some(data) = line.strip_prefix("data: ") else { continue };
                let view: Value = serde_json::from_str(data).unwrap();
                seen += 1;
                if view["phase"] == "over" {
                    break;
                }
                if view["turn"].is_object() {
                    let turn = &view["turn"];
                    let body = json!({"seat": view["me"]["seat"], "step": turn["step"], "choice": turn["bot"]});
                    let (status, v) = timed(&samples, "decide", || request(port, "POST", "/api/decide", Some(&token), Some(&body)));
                    assert!(status == 200 || status == 409, "{status} {v}");
                } else if seat.is_none() && seen % 5 == 0 {
                    // An observer reloads the page now and then.
                    timed(&samples, "reload", || request(port, "GET", "/api/me", Some(&token), None));
                }
            }
        }));
    }
    // The teacher starts once everybody has joined and watches the dashboard.
    loop {
        let (_, t) = request(port, "GET", "/api/teacher", Some(&teacher), None);
        let joined = t["students"].as_array().map_or(0, Vec::len);
        let seated = t["seats"]
            .as_array()
            .map_or(0, |s| s.iter().filter(|x| !x["holder"].is_null()).count());
        if joined == students && seated == seat_count {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, _) = timed(&samples, "teacher", || {
        request(
            port,
            "POST",
            "/api/teacher/start",
            Some(&teacher),
            Some(&json!({})),
        )
    });
    assert_eq!(status, 200);
    for h in handles {
        h.join().unwrap();
    }
    let elapsed = wall.elapsed();
    let (_, t) = request(port, "GET", "/api/teacher", Some(&teacher), None);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(t["phase"], "over");

    let samples = samples.lock().unwrap();
    println!(
        "classroom load: {students} students ({seat_count} seated, each with an event stream), {} decisions in the game, {:.1} s",
        t["step"],
        elapsed.as_secs_f64()
    );
    println!(
        "{:<8} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "action", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    let mut all: Vec<Duration> = samples.iter().map(|s| s.1).collect();
    all.sort();
    for what in ["join", "seat", "decide", "reload", "teacher"] {
        let mut d: Vec<Duration> = samples
            .iter()
            .filter(|s| s.0 == what)
            .map(|s| s.1)
            .collect();
        if d.is_empty() {
            continue;
        }
        d.sort();
        let ms = |x: Duration| x.as_secs_f64() * 1000.0;
        println!(
            "{what:<8} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            d.len(),
            ms(percentile(&d, 0.5)),
            ms(percentile(&d, 0.9)),
            ms(percentile(&d, 0.99)),
            ms(*d.last().unwrap())
        );
    }
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    println!(
        "{:<8} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
        "all",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.9)),
        ms(percentile(&all, 0.99)),
        ms(*all.last().unwrap())
    );
}
