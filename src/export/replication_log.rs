//! One CSV row per replication (`run --replication-log`), for those who want raw data.
//!
//! Columns: `replication`; per draft `DRAFT:result`, `DRAFT:yes`, `DRAFT:no`,
//! `DRAFT:abstain`, `DRAFT:vetoed_by`, `DRAFT:abstainers` (ids separated by spaces); then
//! `ID:result` for every motion and amendment, in voting order.

use super::csv;
use crate::model::{Ballot, Model};
use crate::outcome::Outcome;
use std::fmt::Write;

/// The header line.
pub fn header(model: &Model) -> String {
    let mut fields = vec!["replication".to_string()];
    for d in &model.drafts {
        for column in ["result", "yes", "no", "abstain", "vetoed_by", "abstainers"] {
            fields.push(format!("{}:{column}", d.id));
        }
    }
    for &b in &model.ballots {
        if !matches!(b, Ballot::Draft(_)) {
            fields.push(format!("{}:result", model.ballot_id(b)));
        }
    }
    csv::line(fields)
}

/// Appends the row of replication `index` to `out`.
pub fn row(model: &Model, index: u64, outcome: &Outcome, out: &mut String) {
    let _ = write!(out, "{index}");
    for (b, record) in model.ballots.iter().zip(&outcome.ballots) {
        if matches!(b, Ballot::Draft(_)) {
            let _ = write!(
                out,
                ",{},{},{},{},{},{}",
                record.status.as_str(),
                record.yes.len(),
                record.no.len(),
                record.abstain.len(),
                csv::field(&model.member_ids(&record.vetoed_by).join(" ")),
                csv::field(&model.member_ids(&record.abstain).join(" "))
            );
        }
    }
    for (b, record) in model.ballots.iter().zip(&outcome.ballots) {
        if !matches!(b, Ballot::Draft(_)) {
            let _ = write!(out, ",{}", record.status.as_str());
        }
    }
    out.push('\n');
}
