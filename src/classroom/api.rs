//! The routes. Every request is authenticated (a student's token acts only for that
//! student's seat; only the teacher's token controls the room) and validated before the
//! room changes; a refusal is a JSON `{"error": …}` with a fitting status: 400 malformed,
//! 401 no or unknown token, 403 not yours to do, 404 no such thing, 405 wrong method,
//! 409 not now (wrong phase, not your turn, twice), 415 not JSON, 422 not a valid choice.
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /`, `/teacher`, `/debrief`, `/assets/…` | anyone | the pages (the debrief needs a token) |
//! | `POST /api/join` `{code, name}` | anyone with the code | a student token |
//! | `GET /api/me` | student | the student's view |
//! | `GET /api/brief` | student with a seat | the seat's private brief (HTML) |
//! | `POST /api/seat` `{seat}` | student | take a free seat |
//! | `POST /api/decide` `{seat, step, choice}` | student | the seat's pending decision |
//! | `GET /api/events?token=` | student, teacher | server-sent events: the view on every change |
//! | `GET /api/teacher` | teacher | the teacher's view |
//! | `POST /api/teacher/{start,pause,resume,advance,end}` | teacher | run the room |
//! | `POST /api/teacher/timer` `{minutes}` | teacher | time the round (null: stop) |
//! | `POST /api/teacher/fallback` `{fallback}` | teacher | `bot` or `nothing` when time is up |
//! | `POST /api/teacher/assign` `{seat, student}` | teacher | give a seat (null: free it) |
//! | `POST /api/teacher/bot` `{seat, bot}` | teacher | hand a seat to its bot or back |
//! | `GET /api/teacher/game` | teacher | download the game file |
//! | `GET /api/debrief` | teacher; students once over | the debrief as JSON |

use super::http::{Reply, Request, Response};
use super::room::{Fallback, Refusal, Room};
use super::{gamefile, pages, views, Shared};
use crate::decision::Question;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often an idle event stream sends a comment, so a dead connection is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Teacher,
    Student(usize),
}

fn full(r: Response) -> Reply {
    Reply::Full(r)
}

fn token(request: &Request) -> Option<&str> {
    request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .or_else(|| request.query("token"))
        .map(str::trim)
}

fn caller(room: &Room, request: &Request) -> Result<Caller, Response> {
    let Some(token) = token(request).filter(|t| !t.is_empty()) else {
        return Err(Response::error(401, "no token: join the room first"));
    };
    if room.is_teacher(token) {
        return Ok(Caller::Teacher);
    }
    room.student_by_token(token)
        .map(Caller::Student)
        .ok_or_else(|| Response::error(401, "unknown token: join the room again"))
}

fn body(request: &Request) -> Result<Value, Response> {
    let json_type = request
        .header("content-type")
        .is_some_and(|t| t.split(';').next().unwrap_or("").trim() == "application/json");
    if !json_type {
        return Err(Response::error(
            415,
            "send JSON (Content-Type: application/json)",
        ));
    }
    let v: Value = serde_json::from_slice(&request.body)
        .map_err(|e| Response::error(400, format!("the body is not JSON: {e}")))?;
    if !v.is_object() {
        return Err(Response::error(400, "the body is a JSON object"));
    }
    Ok(v)
}

fn text_field<'a>(v: &'a Value, key: &str) -> Result<&'a str, Response> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| Response::error(400, format!("`{key}` (text) is missing")))
}

fn method(request: &Request, allowed: &'static str) -> Result<(), Response> {
    if request.method == allowed {
        Ok(())
    } else {
        Err(Response::error(405, format!("use {allowed}")).with("Allow", allowed))
    }
}

/// Answers one request.
pub fn handle(shared: &Arc<Shared>, request: &Request) -> Reply {
    let reply = match route(shared, request) {
        Ok(reply) => reply,
        Err(response) => full(response),
    };
    // A change is answered only once the room file shows it (the room is unlocked here).
    shared.sync_room_file();
    reply
}

fn route(shared: &Arc<Shared>, request: &Request) -> Result<Reply, Response> {
    let path = request.path.as_str();
    if let Some(asset) = pages::asset(path) {
        method(request, "GET")?;
        return Ok(full(asset));
    }
    let now = Instant::now();
    match path {
        "/" | "/teacher" => {
            method(request, "GET")?;
            Ok(full(pages::page(path)))
        }
        "/favicon.ico" => Ok(full(Response::new(204, "image/x-icon", Vec::new()))),
        "/debrief" => {
            method(request, "GET")?;
            let mut room = shared.lock();
            let who = caller(&room, request)?;
            debrief_allowed(&room, who)?;
            Ok(full(Response::new(
                200,
                "text/html; charset=utf-8",
                pages::debrief(&mut room),
            )))
        }
        "/api/join" => {
            method(request, "POST")?;
            let v = body(request)?;
            let (code, name) = (text_field(&v, "code")?, text_field(&v, "name")?);
            let mut room = shared.lock();
            let (index, token) = room.join(code, name).map_err(to_response)?;
            shared.notify();
            Ok(full(Response::json(
                201,
                &json!({"token": token, "student": index, "name": room.students[index].name}),
            )))
        }
        "/api/me" => {
            method(request, "GET")?;
            let mut room = shared.lock();
            match caller(&room, request)? {
                Caller::Student(s) => Ok(full(Response::new(
                    200,
                    "application/json",
                    views::student(&mut room, s, now),
                ))),
                Caller::Teacher => Err(Response::error(
                    403,
                    "this is a student's route: see /api/teacher",
                )),
            }
        }
        "/api/brief" => {
            method(request, "GET")?;
            let room = shared.lock();
            let s = student_only(&room, request)?;
            let Some(seat) = room.students[s].seat else {
                return Err(Response::error(409, "you hold no seat yet"));
            };
            Ok(full(Response::json(
                200,
                &json!({"seat": room.header.seats[seat], "html": room.briefs[seat]}),
            )))
        }
        "/api/seat" => {
            method(request, "POST")?;
            let v = body(request)?;
            let seat = text_field(&v, "seat")?.to_string();
            let mut room = shared.lock();
            let s = student_only(&room, request)?;
            room.pick_seat(s, &seat, now).map_err(to_response)?;
            shared.notify();
            Ok(full(Response::json(200, &json!({"seat": seat}))))
        }
        "/api/decide" => {
            method(request, "POST")?;
            let v = body(request)?;
            let seat = text_field(&v, "seat")?.to_string();
            let step =
                v.get("step").and_then(Value::as_u64).ok_or_else(|| {
                    Response::error(400, "`step` (the decision's number) is missing")
                })? as usize;
            let mut room = shared.lock();
            let s = student_only(&room, request)?;
            let raw = v
                .get("choice")
                .cloned()
                .ok_or_else(|| Response::error(400, "`choice` is missing"))?;
            let raw = complete_choice(&room, raw);
            let choice =
                gamefile::parse_choice(&room.model, &raw).map_err(|e| Response::error(400, e))?;
            room.decide(s, &seat, step, choice, now)
                .map_err(to_response)?;
            shared.notify();
            Ok(full(Response::json(
                200,
                &json!({"step": step, "taken": true}),
            )))
        }
        "/api/events" => {
            method(request, "GET")?;
            let who = {
                let room = shared.lock();
                caller(&room, request)?
            };
            Ok(events(Arc::clone(shared), who))
        }
        "/api/teacher" => {
            method(request, "GET")?;
            let room = shared.lock();
            teacher_only(&room, request)?;
            Ok(full(Response::json(200, &views::teacher(&room, now))))
        }
        "/api/teacher/game" => {
            method(request, "GET")?;
            let room = shared.lock();
            teacher_only(&room, request)?;
            Ok(full(
                Response::new(200, "application/x-ndjson", room.game_file_text()).with(
                    "Content-Disposition",
                    "attachment; filename=\"classroom.game.jsonl\"",
                ),
            ))
        }
        "/api/debrief" => {
            method(request, "GET")?;
            let mut room = shared.lock();
            let who = caller(&room, request)?;
            debrief_allowed(&room, who)?;
            Ok(full(Response::json(200, &pages::debrief_json(&mut room))))
        }
        _ if path.starts_with("/api/teacher/") => {
            method(request, "POST")?;
            let action = &path["/api/teacher/".len()..];
            let v = if matches!(action, "timer" | "fallback" | "assign" | "bot") {
                body(request)?
            } else {
                Value::Null
            };
            let mut room = shared.lock();
            teacher_only(&room, request)?;
            let done = match action {
                "start" => room.start(now),
                "pause" => room.pause(true, now),
                "resume" => room.pause(false, now),
                "advance" => room.advance(now),
                "end" => room.end(),
                "timer" => match v.get("minutes") {
                    Some(Value::Null) => room.time_round(None, now),
                    Some(m) => match m.as_u64() {
                        Some(m) => room.time_round(Some(m), now),
                        None => {
                            return Err(Response::error(400, "`minutes` is a whole number or null"))
                        }
                    },
                    None => return Err(Response::error(400, "`minutes` is missing")),
                },
                "fallback" => match v.get("fallback").and_then(Value::as_str) {
                    Some("bot") => {
                        room.set_fallback(Fallback::Bot);
                        Ok(())
                    }
                    Some("nothing") => {
                        room.set_fallback(Fallback::Nothing);
                        Ok(())
                    }
                    _ => return Err(Response::error(400, "`fallback` is \"bot\" or \"nothing\"")),
                },
                "assign" => {
                    let seat = text_field(&v, "seat")?.to_string();
                    let student = match v.get("student") {
                        Some(Value::Null) => None,
                        Some(x) => Some(x.as_u64().ok_or_else(|| {
                            Response::error(400, "`student` is a student's number or null")
                        })? as usize),
                        None => return Err(Response::error(400, "`student` is missing")),
                    };
                    room.assign(&seat, student, now)
                }
                "bot" => {
                    let seat = text_field(&v, "seat")?.to_string();
                    let bot = v
                        .get("bot")
                        .and_then(Value::as_bool)
                        .ok_or_else(|| Response::error(400, "`bot` is true or false"))?;
                    room.to_bot(&seat, bot, now)
                }
                _ => {
                    return Err(Response::error(
                        404,
                        format!("no teacher action `{action}`"),
                    ))
                }
            };
            done.map_err(to_response)?;
            shared.notify();
            Ok(full(Response::json(
                200,
                &json!({"phase": room.phase.as_str(), "step": room.choices.len()}),
            )))
        }
        _ if path.starts_with("/api/") => Err(Response::error(404, format!("no route {path}"))),
        _ => Err(Response::new(
            404,
            "text/html; charset=utf-8",
            pages::not_found(),
        )),
    }
}

fn to_response(r: Refusal) -> Response {
    Response::error(r.status, r.message)
}

fn student_only(room: &Room, request: &Request) -> Result<usize, Response> {
    match caller(room, request)? {
        Caller::Student(s) => Ok(s),
        Caller::Teacher => Err(Response::error(
            403,
            "the teacher does not hold a seat: hand it to a student or to its bot",
        )),
    }
}

fn teacher_only(room: &Room, request: &Request) -> Result<(), Response> {
    match caller(room, request)? {
        Caller::Teacher => Ok(()),
        Caller::Student(_) => Err(Response::error(403, "only the teacher runs the room")),
    }
}

fn debrief_allowed(room: &Room, who: Caller) -> Result<(), Response> {
    if who == Caller::Teacher || room.progress.outcome.is_some() {
        Ok(())
    } else {
        Err(Response::error(
            409,
            "the debrief opens when the game is over",
        ))
    }
}

/// Fills in what the page leaves to the server: the `from` of a move (the text's position
/// in the pending question) and the target of the compromise on offer.
fn complete_choice(room: &Room, mut raw: Value) -> Value {
    let Some((request, _)) = &room.progress.pending else {
        return raw;
    };
    match &request.question {
        Question::Ask { position, .. } => {
            if let Some(ask) = raw.get_mut("ask").and_then(Value::as_object_mut) {
                if let Some(dim) = ask.get("soften").and_then(Value::as_str) {
                    if !ask.contains_key("from") {
                        if let Some(d) = room.model.dims.iter().position(|x| x.id == dim) {
                            ask.insert("from".into(), json!(position[d]));
                        }
                    }
                }
            }
        }
        Question::Answer {
            compromise: Some((to, _)),
            ..
        } if raw.get("verdict").and_then(Value::as_str) == Some("compromise")
            && raw.get("to").is_none() =>
        {
            raw["to"] = json!(to);
        }
        _ => {}
    }
    raw
}

/// A server-sent event stream of the caller's view: one `state` event now and one on
/// every change; a comment every [`KEEPALIVE`] so a closed page is noticed.
fn events(shared: Arc<Shared>, who: Caller) -> Reply {
    Reply::Events(Box::new(move |out: &mut dyn Write| {
        let mut seen = u64::MAX;
        loop {
            let (view, version) = {
                let mut room = shared.lock();
                if room.version == seen {
                    room = shared.wait(room, seen, KEEPALIVE);
                }
                if room.version == seen {
                    (None, seen)
                } else {
                    let now = Instant::now();
                    let view = match who {
                        Caller::Teacher => views::teacher(&room, now).to_string(),
                        Caller::Student(s) => views::student(&mut room, s, now),
                    };
                    (Some(view), room.version)
                }
            };
            match view {
                Some(v) => write!(out, "event: state\ndata: {v}\n\n")?,
                None => out.write_all(b": keep-alive\n\n")?,
            }
            out.flush()?;
            seen = version;
        }
    }))
}
