//! Everything that leaves the simulator: the run report (JSON, table and HTML), traces, and the
//! file writer they all go through ([`AtomicFile`]: only the named path, in full or not at
//! all, never replacing a device, a FIFO or a directory).

mod atomic;
pub mod brief;
pub mod csv;
pub mod debrief;
pub mod decision;
pub mod explain;
pub mod html;
pub mod play;
pub mod plot;
pub mod power_table;
pub mod printable;
pub mod replication_log;
pub mod report;
pub mod table;
pub mod trace;

pub use atomic::{
    check_output, is_refusal, same_file, temporary_target, write_atomically, AtomicFile,
};
pub use printable::{printable, printable_lines};
