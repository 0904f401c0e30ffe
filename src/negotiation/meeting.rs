//! The formal meeting: texts go in blue, then every ballot is taken in the model's fixed
//! order — procedural motions, then each draft's amendments and the draft itself.
//!
//! Latent values per ballot (the thresholds a, b and temperature τ are each member's own):
//! - draft: Δ_i = U_i(T) − U_i(Q) + r_i + pressure_i;
//! - amendment: Δ_i = U_i(T with the amendment) − U_i(T);
//! - motion to postpone: Δ_i = a_i − Δ_i(draft) + motion_bias_i: how far the text falls
//!   short of the member's yes, so those who would vote yes now oppose delay.

use super::{Replication, Scratch};
use crate::behaviour::{sampled_vote, Vote};
use crate::engine::rng;
use crate::memberset::MemberSet;
use crate::model::{Ballot, BlocRule, Condition, ConditionKind, MotionKind, Tabling};
use crate::outcome::{BallotRecord, BallotStatus};
use crate::procedure::{self, Decision};
use crate::trace::{TraceEvent, Tracer};

/// A penholder that may withdraw does so when P(vetoed) is at least this.
const WITHDRAW_AT: f64 = 0.5;

impl Replication<'_> {
    pub(super) fn meeting<T: Tracer>(&mut self, k: usize, tracer: &mut T) {
        let model = self.model;
        let meeting = &model.meetings[k];
        for d in 0..model.drafts.len() {
            if model.draft_meeting[d] as usize == k && !self.frozen[d] {
                self.frozen[d] = true;
                if T::ENABLED {
                    tracer.record(
                        self.now,
                        TraceEvent::InBlue {
                            draft: d as u16,
                            position: self.texts[d].position().to_vec(),
                        },
                    );
                }
            }
        }
        let mut s = std::mem::take(&mut self.scratch);
        for b in meeting.first as usize..meeting.end as usize {
            let ballot = model.ballots[b];
            if let Some(condition) = model.conditions[b] {
                if !self.condition_met(condition) {
                    self.outcome.ballots[b] = BallotRecord {
                        status: BallotStatus::NotTabled,
                        ..BallotRecord::PENDING
                    };
                    if T::ENABLED {
                        tracer.record(self.now, TraceEvent::ConditionUnmet { ballot: b as u16 });
                    }
                    continue;
                }
            }
            let postponed = match ballot {
                Ballot::Motion(m) => self.motion(b, k, m as usize, &mut s, tracer),
                Ballot::Amendment(a) => {
                    self.amendment(b, a as usize, &mut s, tracer);
                    false
                }
                Ballot::Draft(d) => {
                    self.draft(b, d as usize, &mut s, tracer);
                    false
                }
            };
            if postponed {
                self.scratch = s;
                return;
            }
        }
        self.scratch = s;
        if k + 1 < model.meetings.len() {
            // Meetings are held in order: a later one never opens before this one closed.
            let at = self.meeting_at[k + 1].max(self.now);
            self.meeting_at[k + 1] = at;
            self.schedule(at, super::Event::Meeting(k as u16 + 1));
            return;
        }
        let start = model
            .drafts
            .iter()
            .map(|d| d.circulated_at)
            .min()
            .unwrap_or(0);
        self.outcome.duration = self.now - start;
        self.finished = true;
    }

    /// Whether the earlier ballot named by a `tabled_if` ended as it requires.
    fn condition_met(&self, condition: Condition) -> bool {
        let status = self.outcome.ballots[condition.ballot as usize].status;
        match condition.when {
            ConditionKind::Adopted => status == BallotStatus::Adopted,
            ConditionKind::Failed => {
                matches!(status, BallotStatus::Failed | BallotStatus::Vetoed)
            }
            ConditionKind::Vetoed => status == BallotStatus::Vetoed,
            ConditionKind::NotAdopted => status != BallotStatus::Adopted,
        }
    }

    /// Returns true if the motion postponed meeting `k`.
    fn motion<T: Tracer>(
        &mut self,
        b: usize,
        k: usize,
        m: usize,
        s: &mut Scratch,
        tracer: &mut T,
    ) -> bool {
        if self.motion_done[m] {
            return false;
        }
        self.motion_done[m] = true;
        let model = self.model;
        let motion = &model.motions[m];
        let d = motion.draft as usize;
        for i in 0..model.members.len() {
            s.deltas[i] = model.draft_stance(d, i).yes
                - self.draft_delta(i, d, self.texts[d].position())
                + model.stance(b, i).bonus;
        }
        if !self.tabled(b, motion.tabling, &motion.movers, s, tracer) {
            return false;
        }
        let record = self.vote(b, motion.procedural, s, tracer);
        if record.status != BallotStatus::Adopted {
            return false;
        }
        let MotionKind::Postpone { minutes } = motion.kind;
        self.meeting_at[k] = self.now + minutes;
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Postponed {
                    until: self.meeting_at[k],
                },
            );
        }
        for d in 0..model.drafts.len() {
            if model.draft_meeting[d] as usize == k {
                self.frozen[d] = false;
                if model.negotiation.consultations {
                    self.schedule_round(d);
                }
            }
        }
        self.schedule(self.meeting_at[k], super::Event::Meeting(k as u16));
        self.schedule_instruction();
        true
    }

    fn amendment<T: Tracer>(&mut self, b: usize, a: usize, s: &mut Scratch, tracer: &mut T) {
        let model = self.model;
        let amendment = &model.amendments[a];
        let d = amendment.draft as usize;
        if self.incorporated[a] {
            self.skip(b, BallotStatus::Incorporated, 0.0, tracer);
            return;
        }
        let mut amended = std::mem::take(&mut s.text);
        amended.copy_from(&self.texts[d]);
        if !amended.apply(model, amendment.action) {
            s.text = amended;
            self.skip(b, BallotStatus::Lapsed, 0.0, tracer);
            return;
        }
        for i in 0..model.members.len() {
            s.deltas[i] = self.utility(i, amended.position())
                - self.utility(i, self.texts[d].position())
                + model.stance(b, i).bonus;
        }
        if self.tabled(b, amendment.tabling, &amendment.sponsors, s, tracer) {
            let record = self.vote(b, amendment.procedural, s, tracer);
            if record.status == BallotStatus::Adopted {
                self.texts[d].copy_from(&amended);
                self.version[d] += 1;
            }
        }
        s.text = amended;
    }

    fn draft<T: Tracer>(&mut self, b: usize, d: usize, s: &mut Scratch, tracer: &mut T) {
        let model = self.model;
        let draft = &model.drafts[d];
        if !draft.force_vote {
            let text = std::mem::take(&mut self.texts[d]);
            let expectation = self.expectation(d, &text, s);
            self.texts[d] = text;
            let p_veto = procedure::veto_probability(
                &model.rules,
                draft.procedural,
                &s.probs,
                expectation.p_adopt,
                &mut s.dp,
            );
            if p_veto >= WITHDRAW_AT {
                self.skip(b, BallotStatus::Withdrawn, p_veto, tracer);
                return;
            }
        }
        for i in 0..model.members.len() {
            s.deltas[i] = self.draft_delta(i, d, self.texts[d].position());
        }
        let record = self.vote(b, draft.procedural, s, tracer);
        // The new status quo matters only to drafts still to come (none after the last).
        let later_draft = model.draft_ballot.iter().any(|&later| later as usize > b);
        if record.status == BallotStatus::Adopted && later_draft {
            self.move_status_quo(d, tracer);
        }
    }

    /// Whether a motion or amendment is put to the vote: always, or if its movers or
    /// sponsors gain from it on average (mean Δ > 0 over them, Δ already in `s.deltas`).
    fn tabled<T: Tracer>(
        &mut self,
        b: usize,
        tabling: Tabling,
        proposers: &MemberSet,
        s: &Scratch,
        tracer: &mut T,
    ) -> bool {
        let count = proposers.len().max(1) as f64;
        let gain = proposers.iter().map(|i| s.deltas[i]).sum::<f64>() / count;
        if tabling == Tabling::IfWanted && gain <= 0.0 {
            self.skip(b, BallotStatus::NotTabled, gain, tracer);
            return false;
        }
        true
    }

    fn skip<T: Tracer>(&mut self, b: usize, status: BallotStatus, figure: f64, tracer: &mut T) {
        let record = BallotRecord {
            status,
            ..BallotRecord::PENDING
        };
        self.outcome.ballots[b] = record;
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Skipped {
                    ballot: b as u16,
                    record,
                    figure,
                },
            );
        }
    }

    /// Casts every member's vote on ballot `b` from the latent values in `s.deltas`, then
    /// decides it. Each member draws its own ordered-logit vote; each bloc settles a common
    /// vote from its members' own votes; each bloc follower then takes the common vote
    /// with probability κ; a member with turnout below 1 is present with that probability.
    /// The vote stream ([`rng::Stream::Votes`]) gives one draw per member and one per bloc
    /// follower whatever the thresholds, temperatures, cohesions and turnouts are (a draw
    /// is made even where τ or κ makes the answer certain). Nothing else reads it:
    /// presence, consultations and capital instructions each have their own part of the
    /// replication's stream. So the vote draws never shift with a parameter's value, nor
    /// with how many rounds, contacts or instructions came before, and neighbouring sweep
    /// cells stay on common random numbers. (They do follow the structure and the course
    /// of the meeting: who is in a bloc, which ballots are held.)
    fn vote<T: Tracer>(
        &mut self,
        b: usize,
        procedural: bool,
        s: &mut Scratch,
        tracer: &mut T,
    ) -> BallotRecord {
        let model = self.model;
        let m = &model.members;
        let n = m.len();
        let stances = &model.stances[b * n..(b + 1) * n];
        if T::ENABLED {
            tracer.latent(b as u16, &s.deltas);
        }
        for (i, st) in stances.iter().enumerate() {
            let u = rng::open_unit(&mut self.votes);
            s.own[i] = sampled_vote(s.deltas[i], st.yes, st.no, st.tau, u);
        }
        for (k, bloc) in model.blocs.iter().enumerate() {
            s.common[k] = match bloc.rule {
                BlocRule::Leader(l) => s.own[l as usize],
                BlocRule::Majority => {
                    let (mut yes, mut no) = (0, 0);
                    for i in bloc.members.iter() {
                        match s.own[i] {
                            Vote::Yes => yes += 1,
                            Vote::No => no += 1,
                            Vote::Abstain => {}
                        }
                    }
                    let size = bloc.members.len();
                    if 2 * yes > size {
                        Vote::Yes
                    } else if 2 * no > size {
                        Vote::No
                    } else {
                        Vote::Abstain
                    }
                }
            };
        }
        let mut record = BallotRecord::PENDING;
        for (i, stance) in stances.iter().enumerate() {
            let mut vote = s.own[i];
            if let Some(k) = m.primary_bloc[i] {
                let u = rng::open_unit(&mut self.votes);
                if u < model.blocs[k as usize].cohesion {
                    vote = s.common[k as usize];
                }
            }
            if model.any_absence && rng::open_unit(&mut self.presence) >= stance.turnout {
                continue; // absent: does not vote
            }
            match vote {
                Vote::Yes => record.yes.insert(i),
                Vote::No => record.no.insert(i),
                Vote::Abstain => record.abstain.insert(i),
            }
        }
        record.status = match procedure::decide(&model.rules, procedural, &record.yes, &record.no) {
            Decision::Adopted => BallotStatus::Adopted,
            Decision::FailedForWantOfVotes => BallotStatus::Failed,
            Decision::Vetoed(by) => {
                record.vetoed_by = by;
                BallotStatus::Vetoed
            }
        };
        self.outcome.ballots[b] = record;
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Voted {
                    ballot: b as u16,
                    record,
                },
            );
        }
        record
    }
}
