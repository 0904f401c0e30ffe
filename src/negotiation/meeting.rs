//! The formal meeting: texts go in blue, then every ballot is taken in the model's fixed
//! order — procedural motions, then each draft's amendments and the draft itself.
//!
//! Latent values per ballot (the thresholds a, b and temperature τ are each member's own):
//! - draft: Δ_i = U_i(T) − U_i(Q) + r_i + pressure_i;
//! - amendment: Δ_i = U_i(T with the amendment) − U_i(T);
//! - motion to postpone: Δ_i = a_i − Δ_i(draft) + motion_bias_i: how far the text falls
//!   short of the member's yes, so those who would vote yes now oppose delay.

use super::{Replication, Scratch};
use crate::behaviour::{sampled_vote, vote_probabilities, Vote, VoteQuantiles};
use crate::decision::{Choice, Decider, Question, Request};
use crate::engine::rng;
use crate::memberset::{MemberSet, MAX_MEMBERS};
use crate::model::{Ballot, BlocRule, Condition, ConditionKind, MotionKind, Tabling};
use crate::outcome::{BallotRecord, BallotStatus};
use crate::procedure::{self, Decision};
use crate::trace::{TraceEvent, Tracer};

/// A penholder that may withdraw does so when P(vetoed) is at least this.
const WITHDRAW_AT: f64 = 0.5;

impl Replication<'_> {
    pub(super) fn meeting<T: Tracer, D: Decider>(
        &mut self,
        k: usize,
        tracer: &mut T,
        decider: &mut D,
    ) {
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
        let mut s = self.lend_scratch();
        // Members' utilities are remembered per (draft, text version) within a meeting only:
        // capital instructions may have moved ideal points since the last meeting (or the
        // last replication) without changing any text's version.
        s.utilities_of = None;
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
                Ballot::Motion(m) => self.motion(b, k, m as usize, &mut s, tracer, decider),
                Ballot::Amendment(a) => {
                    self.amendment(b, a as usize, &mut s, tracer, decider);
                    false
                }
                Ballot::Draft(d) => {
                    self.draft(b, d as usize, &mut s, tracer, decider);
                    false
                }
            };
            if postponed {
                self.scratch = Some(s);
                return;
            }
        }
        self.scratch = Some(s);
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
    fn motion<T: Tracer, D: Decider>(
        &mut self,
        b: usize,
        k: usize,
        m: usize,
        s: &mut Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) -> bool {
        if self.motion_done[m] {
            return false;
        }
        self.motion_done[m] = true;
        let model = self.model;
        let motion = &model.motions[m];
        let d = motion.draft as usize;
        self.text_utilities(d, s);
        s.deltas.copy_from_slice(&s.utilities);
        self.deltas_of_utilities(d, &mut s.deltas);
        for i in 0..model.members.len() {
            s.deltas[i] = model.draft_stance(d, i).yes - s.deltas[i] + model.stance(b, i).bonus;
        }
        if !self.tabled(b, motion.tabling, &motion.movers, s, tracer, decider) {
            return false;
        }
        if self.vote(b, motion.procedural, s, tracer, decider) != BallotStatus::Adopted {
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

    fn amendment<T: Tracer, D: Decider>(
        &mut self,
        b: usize,
        a: usize,
        s: &mut Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) {
        let model = self.model;
        let amendment = &model.amendments[a];
        let d = amendment.draft as usize;
        if self.incorporated[a] {
            self.skip(b, BallotStatus::Incorporated, 0.0, tracer);
            return;
        }
        // The amended text's position, remembered per text version as consultations left it
        // (the same bits as applying the amendment to a copy of the text).
        let mut amended = std::mem::take(&mut s.asked);
        match self.amended_position(a, d, s) {
            Some(position) => amended.copy_from_slice(position),
            None => {
                s.asked = amended;
                self.skip(b, BallotStatus::Lapsed, 0.0, tracer);
                return;
            }
        }
        self.text_utilities(d, s);
        self.member_utilities(&amended, &mut s.deltas);
        for i in 0..model.members.len() {
            s.deltas[i] = s.deltas[i] - s.utilities[i] + model.stance(b, i).bonus;
        }
        s.asked = amended;
        if self.tabled(
            b,
            amendment.tabling,
            &amendment.sponsors,
            s,
            tracer,
            decider,
        ) {
            let status = self.vote(b, amendment.procedural, s, tracer, decider);
            if status == BallotStatus::Adopted {
                // The text as amended, made as its position was (the same operations on the
                // same text, so the same bits).
                self.texts[d].apply(model, amendment.action);
                self.version[d] += 1;
            }
        }
    }

    fn draft<T: Tracer, D: Decider>(
        &mut self,
        b: usize,
        d: usize,
        s: &mut Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) {
        let model = self.model;
        let draft = &model.drafts[d];
        // A human penholder may withdraw even a draft the scenario says is put to the vote.
        let human = D::ACTIVE && decider.controls(draft.penholder as usize);
        self.text_utilities(d, s);
        s.deltas.copy_from_slice(&s.utilities);
        self.deltas_of_utilities(d, &mut s.deltas);
        // The penholder withdraws at P(vetoed) ≥ ½: where even the bound on it is below,
        // a bot penholder puts the draft to the vote without either DP pass.
        let weighed = !draft.force_vote || human;
        if weighed {
            self.member_probabilities(d, s);
        }
        if weighed
            && (human
                || procedure::veto_bound(&model.rules, draft.procedural, &s.probs)
                    >= WITHDRAW_AT - 1e-9)
        {
            let p_adopt = procedure::adoption_probability(
                &model.rules,
                draft.procedural,
                &s.probs,
                &mut s.dp,
            );
            let p_veto = procedure::veto_probability(
                &model.rules,
                draft.procedural,
                &s.probs,
                p_adopt,
                &mut s.dp,
            );
            let mut withdraw = !draft.force_vote && p_veto >= WITHDRAW_AT;
            if human {
                let request = Request {
                    seat: draft.penholder,
                    minute: self.now,
                    question: Question::Withdraw {
                        draft: d as u16,
                        ballot: b as u16,
                        p_adopt,
                        p_veto,
                        force_vote: draft.force_vote,
                    },
                };
                let chosen = self.ask_decider(request, Choice::Withdraw(withdraw), tracer, decider);
                withdraw = chosen == Choice::Withdraw(true);
            }
            if withdraw {
                self.skip(b, BallotStatus::Withdrawn, p_veto, tracer);
                return;
            }
        }
        let status = self.vote(b, draft.procedural, s, tracer, decider);
        // The new status quo matters only to drafts still to come (none after the last).
        let later_draft = model.draft_ballot.iter().any(|&later| later as usize > b);
        if status == BallotStatus::Adopted && later_draft {
            self.move_status_quo(d, tracer);
        }
    }

    /// Every member's U_i(T) for draft `d`'s current text into `s.utilities`, computed once
    /// per text version while the meeting lasts (see `Scratch::utilities`).
    fn text_utilities(&self, d: usize, s: &mut Scratch) {
        let key = (d, self.version[d]);
        if s.utilities_of == Some(key) {
            return;
        }
        self.member_utilities(self.texts[d].position(), &mut s.utilities);
        s.utilities_of = Some(key);
    }

    /// Whether a motion or amendment is put to the vote: always, or if its movers or
    /// sponsors gain from it on average (mean Δ > 0 over them, Δ already in `s.deltas`).
    /// Where a human plays one of them, the first such (in member order) decides.
    fn tabled<T: Tracer, D: Decider>(
        &mut self,
        b: usize,
        tabling: Tabling,
        proposers: &MemberSet,
        s: &Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) -> bool {
        let count = proposers.len().max(1) as f64;
        let gain = proposers.iter().map(|i| s.deltas[i]).sum::<f64>() / count;
        let mut table = !(tabling == Tabling::IfWanted && gain <= 0.0);
        if D::ACTIVE {
            if let Some(seat) = proposers.iter().find(|&i| decider.controls(i)) {
                let request = Request {
                    seat: seat as u16,
                    minute: self.now,
                    question: Question::Table {
                        ballot: b as u16,
                        gain,
                        always: tabling != Tabling::IfWanted,
                    },
                };
                table = self.ask_decider(request, Choice::Table(table), tracer, decider)
                    == Choice::Table(true);
            }
        }
        if !table {
            self.skip(b, BallotStatus::NotTabled, gain, tracer);
        }
        table
    }

    /// Hands `request` to `decider` with the bot's choice, records the decision in the
    /// trace and returns the choice.
    pub(super) fn ask_decider<T: Tracer, D: Decider>(
        &self,
        request: Request,
        bot: Choice,
        tracer: &mut T,
        decider: &mut D,
    ) -> Choice {
        let chosen = decider.decide(&request, &bot);
        // A choice that does not fit its request (a compromise where none is on offer, a
        // move outside the range, another kind of decision) would leave the replication in
        // a state the model never reaches; the bot's choice stands instead. The shipped
        // deciders validate their players' choices first, so this never fires for them.
        let chosen = if request.validate(self.model, &chosen).is_ok() {
            chosen
        } else {
            bot
        };
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Decided {
                    request: Box::new(request),
                    bot,
                    chosen,
                },
            );
        }
        chosen
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
    /// decides it: the record goes into `self.outcome.ballots[b]` and only its status is
    /// returned (what every caller acts on; a record is 136 bytes to copy). Each member
    /// draws its own ordered-logit vote; each bloc settles a common vote from its members'
    /// own votes; each bloc follower then takes the common vote with probability κ; a
    /// member with turnout below 1 is present with that probability.
    /// The vote stream ([`rng::Stream::Votes`]) gives one draw per member and one per bloc
    /// follower whatever the thresholds, temperatures, cohesions and turnouts are (a draw
    /// is made even where τ or κ makes the answer certain). Nothing else reads it:
    /// presence, consultations and capital instructions each have their own part of the
    /// replication's stream. So the vote draws never shift with a parameter's value, nor
    /// with how many rounds, contacts or instructions came before, and neighbouring sweep
    /// cells stay on common random numbers. (They do follow the structure and the course
    /// of the meeting: who is in a bloc, which ballots are held.)
    fn vote<T: Tracer, D: Decider>(
        &mut self,
        b: usize,
        procedural: bool,
        s: &mut Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) -> BallotStatus {
        let model = self.model;
        let m = &model.members;
        let n = m.len();
        let stances = &model.stances[b * n..(b + 1) * n];
        if T::ENABLED {
            tracer.latent(b as u16, &s.deltas);
        }
        // Slices of exactly n, walked together: no bounds check per member.
        let members = stances.iter().zip(&s.deltas[..n]).zip(&mut s.own[..n]);
        for (i, ((st, &delta), own)) in members.enumerate() {
            let u = rng::open_unit(&mut self.votes);
            *own = if st.tau > 0.0 {
                // The quantiles are remembered per (ballot, member, Δ) from a Δ's second
                // sighting on; either way the vote is the one `sampled_vote` draws (see
                // `VoteQuantiles`).
                // Which of the two decides depends on what this thread ran before, so the
                // bytes of a run rest on their agreement: debug builds (every test) check it
                // on each vote the quantiles decide.
                match s.quantiles.get_on_repeat(b * n + i, delta, || {
                    VoteQuantiles::new(delta, st.yes, st.no, st.tau)
                }) {
                    Some(q) => {
                        let vote = q.vote(delta, st.yes, st.no, st.tau, u);
                        debug_assert_eq!(vote, sampled_vote(delta, st.yes, st.no, st.tau, u));
                        vote
                    }
                    None => sampled_vote(delta, st.yes, st.no, st.tau, u),
                }
            } else {
                sampled_vote(delta, st.yes, st.no, st.tau, u)
            };
        }
        settle_blocs(model, &s.own, &mut s.common);
        let humans = D::ACTIVE && (0..n).any(|i| decider.controls(i));
        // The votes go straight into the outcome's record (no local record copied in and
        // then out again), counted as they are recorded so deciding needs no popcount.
        let record = &mut self.outcome.ballots[b];
        *record = BallotRecord::PENDING;
        let (mut yes, mut no) = (0, 0);
        // What the loop reads of the model, held in locals: the compiler cannot tell the
        // draws' writes to the generators' state from writes to the model, so it would
        // reload each of these (and its length) for every member.
        let (blocs, any_absence) = (&model.blocs[..], model.any_absence);
        let common = &s.common[..blocs.len()];
        // Members are indices below `MAX_MEMBERS` (the validator's limit). Said once here,
        // it makes the loop cheaper (4.8 M fewer instructions on the seed scenario, measured),
        // though each insert keeps its own bounds check.
        assert!(n <= MAX_MEMBERS);
        let members = stances.iter().zip(&s.own[..n]).zip(&m.primary_bloc[..n]);
        for (i, ((stance, &own), &primary)) in members.enumerate() {
            let mut vote = own;
            let mut followed = false;
            if let Some(k) = primary {
                let u = rng::open_unit(&mut self.votes);
                followed = u < blocs[k as usize].cohesion;
                // The bloc's vote or the member's own, chosen without a branch (whether a
                // member follows is as random as its draw).
                let mask = u8::from(followed).wrapping_neg();
                vote = Vote::from_code(own as u8 ^ ((own as u8 ^ common[k as usize] as u8) & mask));
            }
            let present = !(any_absence && rng::open_unit(&mut self.presence) >= stance.turnout);
            if humans {
                s.bot_vote[i] = vote;
                s.followed[i] = followed;
                s.present[i] = present;
                continue;
            }
            if !present {
                continue; // absent: does not vote
            }
            // Recorded with a branch on the vote: three masked inserts instead were 3% faster
            // on the seed scenario's uncertain votes but 20% slower on the General Assembly's
            // predictable ones (measured).
            match vote {
                Vote::Yes => {
                    record.yes.insert(i);
                    yes += 1;
                }
                Vote::No => {
                    record.no.insert(i);
                    no += 1;
                }
                Vote::Abstain => record.abstain.insert(i),
            }
        }
        if humans {
            let cast = self.cast_with_humans(b, s, tracer, decider);
            (yes, no) = (cast.yes.len(), cast.no.len());
            self.outcome.ballots[b] = cast;
        }
        let record = &mut self.outcome.ballots[b];
        debug_assert_eq!(yes, record.yes.len());
        record.status =
            match procedure::decide_counted(&model.rules, procedural, yes, no, &record.no) {
                Decision::Adopted => BallotStatus::Adopted,
                Decision::FailedForWantOfVotes => BallotStatus::Failed,
                Decision::Vetoed(by) => {
                    record.vetoed_by = by;
                    BallotStatus::Vetoed
                }
            };
        let status = record.status;
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Voted {
                    ballot: b as u16,
                    record: self.outcome.ballots[b],
                },
            );
        }
        status
    }

    /// The votes of ballot `b` where humans play some members, every draw already made by
    /// [`Self::vote`] (bots' votes in `s.bot_vote`, bloc following in `s.followed`,
    /// presence in `s.present`). Each present human, in member order, is asked with its
    /// bot's vote as the suggestion; a human's vote counts as its own vote when its bloc
    /// settles the common vote, which bloc followers then cast. Taking every suggestion
    /// leaves each bloc's common vote unchanged (a member that followed its bloc already
    /// votes the common vote, which moving its own vote to cannot unsettle), so the ballot
    /// is the bot-only one.
    fn cast_with_humans<T: Tracer, D: Decider>(
        &mut self,
        b: usize,
        s: &mut Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) -> BallotRecord {
        let model = self.model;
        let n = model.members.len();
        let stances = &model.stances[b * n..(b + 1) * n];
        for (i, st) in stances.iter().enumerate() {
            if !(s.present[i] && decider.controls(i)) {
                continue;
            }
            let request = Request {
                seat: i as u16,
                minute: self.now,
                question: Question::Vote {
                    ballot: b as u16,
                    delta: s.deltas[i],
                    yes: st.yes,
                    no: st.no,
                    tau: st.tau,
                    p: vote_probabilities(s.deltas[i], st.yes, st.no, st.tau),
                },
            };
            let bot = Choice::Vote(s.bot_vote[i]);
            if let Choice::Vote(v) = self.ask_decider(request, bot, tracer, decider) {
                s.own[i] = v;
                s.bot_vote[i] = v;
            }
        }
        settle_blocs(model, &s.own, &mut s.common);
        let mut record = BallotRecord::PENDING;
        for i in 0..n {
            if !s.present[i] {
                continue;
            }
            let vote = match model.members.primary_bloc[i] {
                Some(k) if s.followed[i] && !decider.controls(i) => s.common[k as usize],
                _ if decider.controls(i) => s.own[i],
                _ => s.bot_vote[i],
            };
            match vote {
                Vote::Yes => record.yes.insert(i),
                Vote::No => record.no.insert(i),
                Vote::Abstain => record.abstain.insert(i),
            }
        }
        record
    }
}

/// Each bloc's common vote from its members' own votes: the leader's, or the strict
/// majority's (else abstention).
fn settle_blocs(model: &crate::model::Model, own: &[Vote], common: &mut [Vote]) {
    for (k, bloc) in model.blocs.iter().enumerate() {
        common[k] = match bloc.rule {
            BlocRule::Leader(l) => own[l as usize],
            BlocRule::Majority => {
                // One tally per kind of vote, indexed by the vote: every member lands in
                // exactly one, so their sum is the bloc's size (no popcount of the set, which
                // the baseline x86-64 target does in ~15 instructions a word).
                let mut tally = [0usize; 3];
                for i in bloc.members.iter() {
                    tally[own[i] as usize] += 1;
                }
                let size = tally.iter().sum::<usize>();
                let (yes, no) = (tally[Vote::Yes as usize], tally[Vote::No as usize]);
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
}
