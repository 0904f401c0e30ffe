//! Choices as the browser sends and receives them: the trace's JSON shape
//! ([`crate::export::decision::choice_json`]) and its parser, which says what is wrong with a
//! malformed choice. (The game file itself is [`crate::game::file`]'s, which `play`,
//! `replay` and `debrief` read.)

use crate::behaviour::Vote;
use crate::decision::Choice;
use crate::model::Model;
use crate::trace::{Ask, Verdict};
use serde_json::Value;

/// A choice as JSON, as the trace and every game file write it
/// ([`crate::export::decision::choice_json`]): `{"kind": "vote", "vote": "no"}`,
/// `{"kind": "ask", "ask": null | {"amendment": ID} | {"soften": DIM, "from", "to"}}`,
/// `{"kind": "answer", "verdict": "accepted" | "refused" | "compromise", "to"}`,
/// `{"kind": "table", "table": bool}`, `{"kind": "withdraw", "withdraw": bool}`.
pub fn choice_json(model: &Model, choice: &Choice) -> Value {
    crate::export::decision::choice_json(model, choice)
}

/// Parses [`choice_json`]'s shape back; says what is wrong otherwise.
pub fn parse_choice(model: &Model, v: &Value) -> Result<Choice, String> {
    let Some(map) = v.as_object() else {
        return Err("a choice is an object with a `kind`".to_string());
    };
    let number = |v: Option<&Value>, what: &str| {
        v.and_then(Value::as_f64)
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{what}` must be a number"))
    };
    let flag = |key: &str| {
        map.get(key)
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("`{key}` is true or false"))
    };
    match map.get("kind").and_then(Value::as_str).unwrap_or_default() {
        "ask" => match map.get("ask") {
            Some(Value::Null) => Ok(Choice::Ask(None)),
            Some(Value::Object(ask)) => {
                if let Some(id) = ask.get("amendment") {
                    let id = id.as_str().unwrap_or_default();
                    let a = model
                        .amendments
                        .iter()
                        .position(|x| x.id == id)
                        .ok_or_else(|| format!("there is no amendment `{id}`"))?;
                    Ok(Choice::Ask(Some(Ask::Amendment(a as u16))))
                } else if let Some(dim) = ask.get("soften") {
                    let id = dim.as_str().unwrap_or_default();
                    let d = model
                        .dims
                        .iter()
                        .position(|x| x.id == id)
                        .ok_or_else(|| format!("there is no dimension `{id}`"))?;
                    Ok(Choice::Ask(Some(Ask::Soften {
                        dim: d as u16,
                        from: number(ask.get("from"), "from")?,
                        to: number(ask.get("to"), "to")?,
                    })))
                } else {
                    Err("an ask is null, {\"amendment\": ID} or {\"soften\": DIMENSION, \"from\": X, \"to\": Y}".to_string())
                }
            }
            _ => Err("`ask` is null or an object".to_string()),
        },
        "answer" => match map.get("verdict").and_then(Value::as_str) {
            Some("accepted") => Ok(Choice::Answer(Verdict::Accepted)),
            Some("refused") => Ok(Choice::Answer(Verdict::Refused)),
            Some("compromise") => Ok(Choice::Answer(Verdict::Compromise(number(
                map.get("to"),
                "to",
            )?))),
            _ => Err("`verdict` is \"accepted\", \"refused\" or \"compromise\"".to_string()),
        },
        "table" => flag("table").map(Choice::Table),
        "withdraw" => flag("withdraw").map(Choice::Withdraw),
        "vote" => match map.get("vote").and_then(Value::as_str) {
            Some("yes") => Ok(Choice::Vote(Vote::Yes)),
            Some("no") => Ok(Choice::Vote(Vote::No)),
            Some("abstain") => Ok(Choice::Vote(Vote::Abstain)),
            _ => Err("`vote` is \"yes\", \"no\" or \"abstain\"".to_string()),
        },
        other => Err(format!(
            "`kind` {other:?} is not a decision: ask, answer, table, withdraw or vote"
        )),
    }
}
