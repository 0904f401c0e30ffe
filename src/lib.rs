//! # councilsim
//!
//! A deterministic discrete-event, agent-based simulator of negotiations and votes in the
//! UN Security Council. Delegations with configurable policy stances negotiate a draft,
//! ask the penholder for changes, table amendments and vote under the Council's rules
//! (nine votes, the veto of the five permanent members, abstention is not a veto,
//! amendments before the draft). Monte Carlo replications estimate how likely each
//! outcome is and how robust it was.
//!
//! Data flows one way:
//!
//! ```text
//! scenario.toml ─parse─▶ scenario::raw ─validate─▶ Model ─▶ negotiation::Replication ─▶ Outcome
//!                                                             (seed, stream r)            │
//!                              export::{report, table, trace} ◀── montecarlo::Summary ◀───┘
//! ```
//!
//! - [`scenario`] reads a TOML file and checks it, reporting every problem with its span;
//! - [`model`] is the compiled, index-based scenario every thread shares;
//! - [`negotiation`] runs one replication: consultations, lobbying, instructions, meeting;
//! - [`behaviour`] holds the utility and ordered-logit vote formulas;
//! - [`procedure`] counts votes under Art. 27 and computes P(adopt) exactly;
//! - [`montecarlo`] runs replications in parallel into an exactly mergeable [`montecarlo::Summary`];
//! - [`export`] turns summaries and traces into JSON, tables and logs.
//!
//! Where is a vote counted? [`procedure::decide`] (the meeting counts as it records each
//! vote and calls [`procedure::decide_counted`]).
//!
//! ```
//! let model = councilsim::scenario::compile("example.toml", r#"
//!     [scenario]
//!     name = "A three-member committee"
//!     [rules]
//!     preset = "custom"
//!     quota = 2
//!     [dimensions.ambition]
//!     status_quo = 0.0
//!     [members.AAA]
//!     name = "A"
//!     permanent = false
//!     stance = { ideal = { ambition = 1.0 }, yes_threshold = 0.1 }
//!     [members.BBB]
//!     name = "B"
//!     permanent = false
//!     stance = { ideal = { ambition = 0.8 }, yes_threshold = 0.1 }
//!     [members.CCC]
//!     name = "C"
//!     permanent = false
//!     stance = { ideal = { ambition = 0.0 }, no_threshold = 0.1 }
//!     [[drafts]]
//!     id = "D1"
//!     penholder = "AAA"
//!     provisions = [{ id = "OP1", text = "Decides to act", position = { ambition = 0.9 } }]
//! "#).expect("valid scenario");
//! let config = councilsim::montecarlo::RunConfig { replications: 100, seed: 1, threads: 1 };
//! let summary = councilsim::montecarlo::run(&model, config).unwrap();
//! let report = councilsim::export::report::build(&model, &summary, 1);
//! assert_eq!(report.drafts[0].outcomes.adopted.count, 100);
//! ```

#![warn(missing_docs)]

pub mod backtest;
pub mod behaviour;
pub mod brief;
pub mod classroom;
pub mod cli;
pub mod debrief;
pub mod decision;
pub mod engine;
pub mod explain;
pub mod export;
pub mod game;
pub mod input;
pub mod interrupt;
pub mod memberset;
pub mod model;
pub mod montecarlo;
pub mod negotiation;
pub mod outcome;
pub mod play;
pub mod power;
pub mod procedure;
pub mod progress;
pub mod scenario;
pub mod sweep;
pub mod synthetic;
pub mod text;
pub mod trace;
pub mod workflow;
