//! Backtests: how well a scenario's Monte Carlo reproduces the real record in its
//! `[observed]` table.
//!
//! Per recorded ballot: whether the modal result and the modal tally are the observed
//! ones. Per ballot with recorded member votes: agreement of each member's modal vote with
//! its real vote, the Brier score of the vote probabilities (mean over members of
//! Σ_k (p_k − o_k)² over yes, no, abstain and absent) and the log-likelihood of the real
//! votes (Σ ln p, with the probabilities smoothed as (count + ½)/(voted + 2) so that a vote
//! never seen in the replications costs a finite amount).

use crate::model::{Model, ObservedBallot};
use crate::montecarlo::Summary;
use crate::outcome::BallotStatus;
use serde::Serialize;

/// The comparison for one recorded ballot.
#[derive(Debug, Clone, Serialize)]
pub struct BallotCheck {
    /// Ballot id.
    pub id: String,
    /// "draft", "amendment" or "motion".
    pub kind: String,
    /// The real result.
    pub observed_result: String,
    /// The real vetoers.
    pub observed_vetoed_by: Vec<String>,
    /// The most frequent simulated result.
    pub modal_result: String,
    /// Its share of replications.
    pub modal_result_p: f64,
    /// Whether they agree.
    pub result_exact: bool,
    /// The real tally, if recorded.
    pub observed_tally: Option<[u16; 3]>,
    /// The most frequent simulated tally.
    pub modal_tally: Option<[u16; 3]>,
    /// Whether they agree (None without a recorded tally).
    pub tally_exact: Option<bool>,
    /// Members whose modal vote is their real vote (None without recorded votes).
    pub agreement: Option<usize>,
    /// Members compared.
    pub members: usize,
    /// Brier score of the member vote probabilities.
    pub brier: Option<f64>,
    /// Log-likelihood of the real member votes.
    pub log_likelihood: Option<f64>,
}

/// A scenario's backtest.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioCheck {
    /// The file.
    pub path: String,
    /// `[scenario] name`.
    pub name: String,
    /// SHA-256 of the file (shown in the HTML report; the JSON leaves it out, as it
    /// always has).
    #[serde(skip)]
    pub sha256: String,
    /// Where the record comes from.
    pub source: String,
    /// Replications run.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// One entry per recorded ballot, in voting order.
    pub ballots: Vec<BallotCheck>,
}

fn status_name(status: BallotStatus) -> &'static str {
    status.as_str()
}

/// Compares `summary` (a run of `model`) with the model's `[observed]` record.
pub fn check(path: &str, model: &Model, summary: &Summary, seed: u64) -> ScenarioCheck {
    let observed = model.observed.as_ref();
    let ballots = observed
        .map(|o| {
            o.ballots
                .iter()
                .map(|b| check_ballot(model, summary, b))
                .collect()
        })
        .unwrap_or_default();
    ScenarioCheck {
        path: path.to_string(),
        name: model.name.clone(),
        sha256: model.sha256.clone(),
        source: observed.map_or(String::new(), |o| o.source.clone()),
        replications: summary.replications,
        seed,
        ballots,
    }
}

fn check_ballot(model: &Model, summary: &Summary, observed: &ObservedBallot) -> BallotCheck {
    let s = &summary.ballots[observed.ballot];
    let ballot = model.ballots[observed.ballot];
    let results = [
        BallotStatus::Adopted,
        BallotStatus::Vetoed,
        BallotStatus::Failed,
        BallotStatus::Withdrawn,
        BallotStatus::NotTabled,
        BallotStatus::Incorporated,
        BallotStatus::Lapsed,
    ];
    let modal = results
        .iter()
        .copied()
        .max_by_key(|&st| (s.count(st), std::cmp::Reverse(st as usize)))
        .unwrap_or(BallotStatus::Failed);
    let n = summary.replications.max(1) as f64;
    let modal_tally = s.modal_tally().map(|((y, no, a), _)| [y, no, a]);
    let observed_tally = observed.tally.map(|(y, no, a)| [y, no, a]);
    let mut check = BallotCheck {
        id: model.ballot_id(ballot).to_string(),
        kind: model.ballot_kind(ballot).to_string(),
        observed_result: status_name(observed.result).to_string(),
        observed_vetoed_by: model
            .member_ids(&observed.vetoed_by)
            .into_iter()
            .map(str::to_string)
            .collect(),
        modal_result: status_name(modal).to_string(),
        modal_result_p: s.count(modal) as f64 / n,
        result_exact: modal == observed.result,
        observed_tally,
        modal_tally,
        tally_exact: observed_tally.map(|t| Some(t) == modal_tally),
        agreement: None,
        members: 0,
        brier: None,
        log_likelihood: None,
    };
    if let Some(votes) = &observed.votes {
        let voted = s.voted();
        let members = model.members.len();
        let (mut agree, mut brier, mut log_likelihood) = (0, 0.0, 0.0);
        for i in 0..members {
            let [yes, no, abstain] = s.votes[i];
            let counts = [yes, no, abstain, voted - yes - no - abstain];
            let real = (0..4).find(|&k| votes[k].contains(i)).unwrap_or(3);
            let modal_vote = (0..4)
                .max_by_key(|&k| (counts[k], std::cmp::Reverse(k)))
                .unwrap_or(3);
            if modal_vote == real {
                agree += 1;
            }
            let total = voted.max(1) as f64;
            for (k, &c) in counts.iter().enumerate() {
                let p = c as f64 / total;
                let o = if k == real { 1.0 } else { 0.0 };
                brier += (p - o) * (p - o);
            }
            log_likelihood += ((counts[real] as f64 + 0.5) / (voted as f64 + 2.0)).ln();
        }
        check.agreement = Some(agree);
        check.members = members;
        check.brier = Some(brier / members as f64);
        check.log_likelihood = Some(log_likelihood);
    }
    check
}

/// A tally as `yes-no-abstain`, or `—` for none.
pub fn tally(t: &Option<[u16; 3]>) -> String {
    t.map_or_else(|| "—".into(), |[y, n, a]| format!("{y}-{n}-{a}"))
}

/// The backtests' totals over every scenario: what the table's last line says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// Recorded ballots compared.
    pub results: usize,
    /// Of which the modal result is the real one.
    pub results_exact: usize,
    /// Ballots with a recorded tally.
    pub tallies: usize,
    /// Of which the modal tally is the real one.
    pub tallies_exact: usize,
    /// Members whose modal vote is their real vote, over the ballots with recorded votes.
    pub agree: usize,
    /// Members compared.
    pub compared: usize,
    /// Mean Brier score over the ballots with recorded votes.
    pub mean_brier: f64,
    /// Summed log-likelihood of the real votes.
    pub log_likelihood: f64,
}

impl Totals {
    /// agree / compared (0 when nothing was compared).
    pub fn agreement(&self) -> f64 {
        self.agree as f64 / self.compared.max(1) as f64
    }
}

/// Adds up `checks`.
pub fn totals(checks: &[ScenarioCheck]) -> Totals {
    let mut t = Totals::default();
    let (mut brier_sum, mut brier_n) = (0.0, 0);
    for b in checks.iter().flat_map(|c| &c.ballots) {
        t.results += 1;
        t.results_exact += usize::from(b.result_exact);
        if let Some(exact) = b.tally_exact {
            t.tallies += 1;
            t.tallies_exact += usize::from(exact);
        }
        if let (Some(a), Some(br), Some(l)) = (b.agreement, b.brier, b.log_likelihood) {
            t.agree += a;
            t.compared += b.members;
            brier_sum += br;
            brier_n += 1;
            t.log_likelihood += l;
        }
    }
    t.mean_brier = brier_sum / brier_n.max(1) as f64;
    t
}

/// How the table shows an observed result: the vetoers, or else the tally.
pub fn observed(b: &BallotCheck) -> String {
    if b.observed_vetoed_by.is_empty() {
        format!("{} {}", b.observed_result, tally(&b.observed_tally))
    } else {
        format!("{} {}", b.observed_result, b.observed_vetoed_by.join(" "))
    }
}

/// The backtests as readable tables, with a total line.
pub fn render(checks: &[ScenarioCheck]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for c in checks {
        let _ = writeln!(out, "{} ({})", c.name, c.path);
        if !c.source.is_empty() {
            let _ = writeln!(out, "  record: {}", c.source);
        }
        let _ = writeln!(
            out,
            "  {} replications, seed {}\n  {:<14} {:<10} {:<18} {:<9} {:<9} {:<6} {:<6} {:>9} {:>7} {:>9}",
            c.replications, c.seed, "ballot", "kind", "observed", "modal", "share", "result", "tally", "agreement", "Brier", "log-lik"
        );
        for b in &c.ballots {
            let _ = writeln!(
                out,
                "  {:<14} {:<10} {:<18} {:<9} {:>5.1}%   {:<6} {:<6} {:>9} {:>7} {:>9}",
                b.id,
                b.kind,
                observed(b),
                b.modal_result,
                100.0 * b.modal_result_p,
                if b.result_exact { "exact" } else { "WRONG" },
                match b.tally_exact {
                    Some(true) => "exact",
                    Some(false) => "off",
                    None => "—",
                },
                b.agreement
                    .map_or("—".into(), |a| format!("{a}/{}", b.members)),
                b.brier.map_or("—".into(), |x| format!("{x:.4}")),
                b.log_likelihood.map_or("—".into(), |x| format!("{x:.2}"))
            );
            if b.tally_exact == Some(false) {
                let _ = writeln!(
                    out,
                    "  {:<14} tally observed {}, modal {}",
                    "",
                    tally(&b.observed_tally),
                    tally(&b.modal_tally)
                );
            }
        }
        out.push('\n');
    }
    let t = totals(checks);
    let _ = writeln!(
        out,
        "total: {} scenarios · modal result exact {}/{} · modal tally exact {}/{} · member agreement {}/{} ({:.1}%) · mean Brier {:.4} · log-likelihood {:.2}",
        checks.len(),
        t.results_exact,
        t.results,
        t.tallies_exact,
        t.tallies,
        t.agree,
        t.compared,
        100.0 * t.agreement(),
        t.mean_brier,
        t.log_likelihood
    );
    // Names, titles and texts come from the scenario file: no control character may
    // reach the terminal.
    crate::export::printable_lines(&out).into_owned()
}
