//! The discrete-event engine: an integer clock, a deterministic event queue, and the
//! per-replication random stream.

pub mod queue;
pub mod rng;

pub use queue::EventQueue;
