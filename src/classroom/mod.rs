//! `councilsim classroom`: a web server where a class plays one Council meeting, every
//! student from a browser, the bots playing every seat nobody holds.
//!
//! ## Why a small threaded server, not axum on tokio
//!
//! A room is one game, a few dozen browsers and a handful of requests a second. The
//! ecosystem's choice, axum on tokio (with hyper, tower, http, bytes, mio…), adds some fifty
//! crates and a minute or two to a clean build on the project's two-core machines, for an
//! asynchronous runtime this load never needs. [`http`] is three hundred lines on
//! `std::net`: one thread per connection (a blocked thread costs a 256 KiB stack
//! reservation; 40 students with an event stream and a request connection each are 80
//! threads), keep-alive, `Content-Length` bodies, server-sent events. The load benchmark
//! (`benches/classroom.rs`, BENCHMARKS.md) measures what a class does to it.
//!
//! ## Pieces
//!
//! - [`room`]: the game (setup + recorded choices, replayed by [`crate::game::advance`]),
//!   who holds which seat, phase and timer; every decision appended to the game file;
//! - [`views`]: what a student and the teacher are shown, as JSON;
//! - [`api`]: the routes, each request authenticated and validated;
//! - [`pages`]: the embedded pages (HTML, CSS, JavaScript; no external asset, no CDN) and
//!   the debrief page with its charts as inline SVG;
//! - [`tokens`]: the teacher's and students' tokens (OS randomness) and the join code;
//! - [`gamefile`]: choices as the pages send them (the game file is [`crate::game::file`]);
//!   [`qr`]: the join URL as a terminal QR code.
//!
//! Live updates are server-sent events: each page holds one stream, and the server sends
//! the page's whole view when the room's version moves (no polling).

pub mod api;
pub mod gamefile;
pub mod http;
pub mod pages;
pub mod qr;
pub mod room;
pub mod tokens;
pub mod views;

use room::{Opening, Room};
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The room shared by every connection, and the signal that it changed.
pub struct Shared {
    room: Mutex<Room>,
    changed: Condvar,
    /// The room's file, written outside the room's lock.
    room_file: Option<Arc<room::RoomFile>>,
}

impl Shared {
    /// Wraps a room.
    pub fn new(room: Room) -> Arc<Shared> {
        Arc::new(Shared {
            room_file: room.room_file(),
            room: Mutex::new(room),
            changed: Condvar::new(),
        })
    }

    /// Writes the room file's staged text, if any; called with the room unlocked, before
    /// a change is answered (see [`room::RoomFile`]).
    pub fn sync_room_file(&self) {
        if let Some(file) = &self.room_file {
            file.sync();
        }
    }

    /// The room, locked. A panic in another connection's handler (a bug) must not take the
    /// room down with it: the state is replaced whole on every change, never half-written.
    pub fn lock(&self) -> MutexGuard<'_, Room> {
        self.room.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes every event stream.
    pub fn notify(&self) {
        self.changed.notify_all();
    }

    /// Waits until the room's version differs from `seen` or `timeout` passes.
    pub fn wait<'a>(
        &self,
        guard: MutexGuard<'a, Room>,
        seen: u64,
        timeout: Duration,
    ) -> MutexGuard<'a, Room> {
        self.changed
            .wait_timeout_while(guard, timeout, |room| room.version == seen)
            .map(|(g, _)| g)
            .unwrap_or_else(|e| e.into_inner().0)
    }
}

/// What `councilsim classroom` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Scenario path.
    pub scenario: String,
    /// `--seats`: the seats students can take (default: every member).
    pub seats: Option<Vec<String>>,
    /// `--bind`.
    pub bind: IpAddr,
    /// `--port` (0: any free port).
    pub port: u16,
    /// `--game`: the game file to create or resume.
    pub game: Option<PathBuf>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--round-minutes`.
    pub round_minutes: Option<u64>,
}

/// Opens the room and serves it until the process is stopped. Errors are bad input
/// (exit 2): an unknown seat, a game file of another scenario, an address in use.
pub fn run(options: Options) -> Result<(), String> {
    let text = crate::scenario::read(&options.scenario).map_err(|e| e.to_string())?;
    let model = crate::scenario::compile(&options.scenario, &text).map_err(|e| e.render(false))?;
    let seats = match &options.seats {
        None => None,
        Some(ids) => {
            let mut seats = Vec::new();
            for id in ids {
                let agent = (0..model.agent_count())
                    .find(|&a| model.agent_id(a) == id)
                    .ok_or_else(|| {
                        format!("--seats: {id} is not a member or participant of the scenario")
                    })?;
                if seats.contains(&(agent as u16)) {
                    return Err(format!("--seats: {id} is listed twice"));
                }
                seats.push(agent as u16);
            }
            Some(seats)
        }
    };
    if options
        .round_minutes
        .is_some_and(|m| m == 0 || m > room::MAX_ROUND_MINUTES)
    {
        return Err(format!(
            "--round-minutes: 1 to {} minutes",
            room::MAX_ROUND_MINUTES
        ));
    }
    let seed = options.seed.unwrap_or(model.montecarlo.seed);
    let room = Room::open(Opening {
        model,
        scenario_text: text,
        seed,
        replication: 0,
        seats,
        game: options.game.clone(),
        round_minutes: options.round_minutes,
    })?;
    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let shared = Shared::new(room);
    announce(&shared, &options, port);
    spawn_ticker(Arc::clone(&shared));
    {
        let mut room = shared.lock();
        if room.settle(Instant::now()) {
            shared.notify();
        }
        drop(room);
        shared.sync_room_file();
    }
    let handler_shared = Arc::clone(&shared);
    http::serve(
        listener,
        Arc::new(move |request| api::handle(&handler_shared, request)),
    );
    Ok(())
}

/// Prints the URLs, the join code and the QR code.
fn announce(shared: &Shared, options: &Options, port: u16) {
    let room = shared.lock();
    let public = options.bind.is_unspecified();
    let host = if public {
        lan_address().map_or_else(|| "THIS-MACHINE".to_string(), |a| a.to_string())
    } else {
        match options.bind {
            IpAddr::V6(a) => format!("[{a}]"),
            a => a.to_string(),
        }
    };
    let base = format!("http://{host}:{port}");
    let join = format!("{base}/?code={}", room.join_code);
    let mut out = String::new();
    out.push_str(&format!(
        "councilsim classroom: {} (seed {}, replication {}; seats {})\n",
        crate::export::printable_lines(&room.model.name),
        room.setup.seed,
        room.setup.replication,
        room.header.seats.join(" ")
    ));
    if public {
        out.push_str(&format!(
            "listening on {}:{port}: reachable from the network (every machine that can reach this one can open the student page)\n",
            options.bind
        ));
    } else {
        out.push_str(&format!(
            "listening on {}:{port}: this machine only (--bind 0.0.0.0 for a classroom network)\n",
            options.bind
        ));
    }
    out.push_str(&format!(
        "teacher:  {base}/teacher?token={}  (keep it to yourself: it runs the room)\n",
        room.teacher_token
    ));
    out.push_str(&format!(
        "students: {join}  (join code {})\n",
        room.join_code
    ));
    match &options.game {
        Some(path) => out.push_str(&format!(
            "game file: {} (every decision is appended as it is made; restart with --game to resume)\n",
            path.display()
        )),
        None => out.push_str(
            "game file: none (the game is kept in memory; pass --game FILE to keep it, or download it from the dashboard)\n",
        ),
    }
    if let Some(qr) = qr::terminal(&join) {
        out.push_str(&qr);
        out.push('\n');
    }
    out.push_str("serving; press Ctrl-C to stop\n");
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}

/// The first non-loopback IPv4 address of this machine, for the URL students type when
/// the room listens on every interface.
#[cfg(unix)]
fn lan_address() -> Option<IpAddr> {
    // SAFETY: getifaddrs fills a linked list we only read and then free with freeifaddrs.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) != 0 {
            return None;
        }
        let mut found = None;
        let mut cursor = list;
        while !cursor.is_null() {
            let entry = &*cursor;
            if !entry.ifa_addr.is_null() && i32::from((*entry.ifa_addr).sa_family) == libc::AF_INET
            {
                let sin = &*(entry.ifa_addr as *const libc::sockaddr_in);
                let ip = std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                if !ip.is_loopback() && !ip.is_unspecified() {
                    found = Some(IpAddr::V4(ip));
                    break;
                }
            }
            cursor = entry.ifa_next;
        }
        libc::freeifaddrs(list);
        found
    }
}

#[cfg(not(unix))]
fn lan_address() -> Option<IpAddr> {
    None
}

/// Checks round timers four times a second.
fn spawn_ticker(shared: Arc<Shared>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(250));
        let mut room = shared.lock();
        let before = room.version;
        room.settle(Instant::now());
        let changed = room.version != before;
        drop(room);
        if changed {
            shared.notify();
            shared.sync_room_file();
        }
    });
}
