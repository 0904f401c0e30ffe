//! `explain`: what the model makes of every ballot, so a researcher can set stances without a
//! calculator of their own.
//!
//! The path shown is replication R of seed S (by default the scenario's seed, replication 0)
//! run with every temperature set to zero: the same calendar, but every vote, every lobbying
//! contact and every expectation of the penholders at the members' noise-free values. For each
//! ballot put in that path it reports, on the text as it stands at the vote, each member's Δ,
//! thresholds and τ, its exact ordered-logit probabilities with the model's real τ, and its
//! absence; the exact P(adopt) and P(vetoed) of that ballot from the dynamic program (members
//! independent, blocs left out, as in the penholder's estimate); the Monte Carlo shares of
//! the full model next to them; and the swing members, closest to a threshold in units of τ.

use crate::behaviour::{self, VoteProbabilities};
use crate::model::Model;
use crate::montecarlo::Summary;
use crate::negotiation::Replication;
use crate::outcome::BallotStatus;
use crate::procedure;
use crate::trace::{TraceEvent, Tracer};
use serde::Serialize;

/// How many swing members each ballot lists.
const SWINGS: usize = 3;

/// One member on one ballot.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MemberLine {
    /// Member id.
    pub id: String,
    /// Latent value Δ on the text as it stands at the vote (noise-free path).
    pub delta: f64,
    /// Yes threshold a.
    pub yes_threshold: f64,
    /// No threshold b.
    pub no_threshold: f64,
    /// Temperature τ (noise scale applied).
    pub temperature: f64,
    /// P(yes), P(no), P(abstain) when present, times the turnout; `p_absent` = 1 − turnout.
    pub p_yes: f64,
    /// See `p_yes`.
    pub p_no: f64,
    /// See `p_yes`.
    pub p_abstain: f64,
    /// Probability of not voting at all.
    pub p_absent: f64,
    /// Distance of Δ to the nearer threshold (a or −b) in units of τ; None when τ = 0.
    pub distance_in_tau: Option<f64>,
}

/// One ballot.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BallotLine {
    /// Ballot id.
    pub id: String,
    /// "draft", "amendment" or "motion".
    pub kind: String,
    /// What happened to it in the noise-free path.
    pub path_status: String,
    /// Members, in id order (empty if it was not put in the path).
    pub members: Vec<MemberLine>,
    /// Exact P(adopt) from the dynamic program (None if not put in the path).
    pub p_adopt: Option<f64>,
    /// Exact P(vetoed) from the dynamic program.
    pub p_vetoed: Option<f64>,
    /// Share of Monte Carlo replications in which it was adopted.
    pub mc_adopted: f64,
    /// Share in which it was vetoed.
    pub mc_vetoed: f64,
    /// The members closest to a threshold in units of τ, nearest first.
    pub swing: Vec<String>,
}

/// The whole explanation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// Scenario name.
    pub scenario: String,
    /// Which path the Δ values come from, in words.
    pub path: String,
    /// Master seed of the path and of the Monte Carlo.
    pub seed: u64,
    /// Replication index of the path.
    pub replication: u64,
    /// Monte Carlo replications behind the shares.
    pub replications: u64,
    /// One entry per ballot, in voting order.
    pub ballots: Vec<BallotLine>,
}

/// Collects the latent values and results of the noise-free path.
#[derive(Default)]
struct Capture {
    deltas: Vec<Option<Vec<f64>>>,
    status: Vec<Option<BallotStatus>>,
}

impl Tracer for Capture {
    const ENABLED: bool = true;
    fn record(&mut self, _time: u64, event: TraceEvent) {
        match event {
            TraceEvent::Voted { ballot, record } => {
                self.status[ballot as usize] = Some(record.status)
            }
            TraceEvent::Skipped { ballot, record, .. } => {
                self.status[ballot as usize] = Some(record.status)
            }
            TraceEvent::ConditionUnmet { ballot } => {
                self.status[ballot as usize] = Some(BallotStatus::NotTabled)
            }
            _ => {}
        }
    }
    fn latent(&mut self, ballot: u16, deltas: &[f64]) {
        self.deltas[ballot as usize] = Some(deltas.to_vec());
    }
}

/// Explains every ballot of `model` on the noise-free path of replication `replication` of
/// `seed`, beside the Monte Carlo `summary` of the same model.
pub fn explain(model: &Model, seed: u64, replication: u64, summary: &Summary) -> Explanation {
    let mut quiet = model.clone();
    quiet.scale_noise(0.0);
    let mut capture = Capture {
        deltas: vec![None; model.ballots.len()],
        status: vec![None; model.ballots.len()],
    };
    Replication::new(&quiet).run(seed, replication, &mut capture);
    let n = model.members.len();
    let runs = summary.replications.max(1) as f64;
    let mut buf = Vec::with_capacity(n + 2);
    let ballots = model
        .ballots
        .iter()
        .enumerate()
        .map(|(b, &ballot)| {
            let s = &summary.ballots[b];
            let mut line = BallotLine {
                id: model.ballot_id(ballot).to_string(),
                kind: model.ballot_kind(ballot).to_string(),
                path_status: capture.status[b]
                    .map_or("not reached", BallotStatus::as_str)
                    .to_string(),
                members: Vec::new(),
                p_adopt: None,
                p_vetoed: None,
                mc_adopted: s.count(BallotStatus::Adopted) as f64 / runs,
                mc_vetoed: s.count(BallotStatus::Vetoed) as f64 / runs,
                swing: Vec::new(),
            };
            let Some(deltas) = &capture.deltas[b] else {
                return line;
            };
            let mut probs = Vec::with_capacity(n);
            for (i, &delta) in deltas.iter().enumerate() {
                let st = model.stance(b, i);
                let p = behaviour::vote_probabilities(delta, st.yes, st.no, st.tau);
                let t = st.turnout;
                let distance = (st.tau > 0.0)
                    .then(|| (delta - st.yes).abs().min((delta + st.no).abs()) / st.tau);
                line.members.push(MemberLine {
                    id: model.members.ids[i].clone(),
                    delta,
                    yes_threshold: st.yes,
                    no_threshold: st.no,
                    temperature: st.tau,
                    p_yes: p.yes * t,
                    p_no: p.no * t,
                    p_abstain: p.abstain * t,
                    p_absent: 1.0 - t,
                    distance_in_tau: distance,
                });
                // Absent counts like an abstention under every rule.
                probs.push(VoteProbabilities {
                    yes: p.yes * t,
                    no: p.no * t,
                    abstain: p.abstain * t + (1.0 - t),
                });
            }
            let procedural = model.ballot_procedural(ballot);
            let (adopt, veto) =
                procedure::adoption_odds(&model.rules, procedural, &probs, &mut buf);
            line.p_adopt = Some(adopt);
            line.p_vetoed = Some(veto);
            let mut order: Vec<(f64, usize)> = line
                .members
                .iter()
                .enumerate()
                .filter_map(|(i, m)| m.distance_in_tau.map(|z| (z, i)))
                .collect();
            order.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            line.swing = order
                .iter()
                .take(SWINGS)
                .map(|&(_, i)| model.members.ids[i].clone())
                .collect();
            line
        })
        .collect();
    Explanation {
        scenario: model.name.clone(),
        path: format!(
            "replication {replication} of seed {seed} with every temperature set to 0 (noise-free \
             votes, lobbying and penholder expectations; the same calendar and capital \
             instructions); probabilities use the model's temperatures on that path's texts"
        ),
        seed,
        replication,
        replications: summary.replications,
        ballots,
    }
}
