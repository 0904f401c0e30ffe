//! Integration tests: one binary, with shared helpers in `support`.

mod allocations;
mod bad_input;
mod determinism;
mod docs;
mod history;
mod model;
mod negotiation;
mod procedure;
mod seed;
mod support;
mod sweeps;
mod tampering;
