//! Integration tests: one binary, with shared helpers in `support`.

mod allocations;
mod bad_input;
mod behaviour;
mod brief;
mod cli;
mod council;
mod determinism;
mod docs;
mod files;
mod game;
mod golden;
mod hardening;
mod history;
mod html_reports;
mod model;
mod negotiation;
mod play;
mod procedure;
mod readme;
mod seed;
mod support;
mod sweeps;
mod tampering;
