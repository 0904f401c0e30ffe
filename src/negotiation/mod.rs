//! One replication: delegations negotiate drafts in discrete events, then the Council votes.
//!
//! A [`Replication`] owns its clock, event queue, random stream and every piece of
//! mutable state (ideal points moved by capital instructions, texts changed by the
//! penholder, lobbying pressure). It is built once per thread and [`Replication::run`]
//! resets it in place, so the Monte Carlo loop does not allocate.
//!
//! The event handlers live in `consultations` (circulation, rounds, asks and the
//! penholder's answers, lobbying, capital instructions) and `meeting` (text in blue,
//! motions, amendments, drafts and the votes).

mod consultations;
mod meeting;
mod memo;

use crate::behaviour::{self, Vote, VoteProbabilities};
use crate::decision::{Bots, Decider};
use crate::engine::rng::{self, ProcessRng, Stream};
use crate::engine::EventQueue;
use crate::model::{Model, Reference};
use crate::outcome::{BallotRecord, Outcome};
use crate::text::Text;
use crate::trace::{TraceEvent, Tracer};

// The sponsored lists hold amendment indices as u16 and their ends as u32 (members and
// participants are each at most a `MemberSet`'s width).
const _: () = assert!(crate::scenario::limits::MAX_AMENDMENTS <= 1 << 16);
const _: () = assert!(
    crate::scenario::limits::MAX_AMENDMENTS * 2 * crate::scenario::limits::MAX_MEMBERS
        <= u32::MAX as usize
);

/// Members whose utilities [`Replication::member_utilities`] computes side by side.
const LANES: usize = 8;

/// `rows` laid out `row * k + dim` (ideal points, saliences) as `dim * rows + row`, with
/// `LANES - 1` zeros after the last column, so that a group of `LANES` members starting
/// at any member can be read whole from any column (lanes past the last member read
/// whatever follows and are never stored).
fn by_dimension(rows: &[f64], k: usize) -> Vec<f64> {
    let count = rows.len() / k.max(1);
    let mut out = vec![0.0; rows.len() + LANES - 1];
    for (row, values) in rows.chunks_exact(k.max(1)).enumerate() {
        for (dim, &x) in values.iter().enumerate() {
            out[dim * count + row] = x;
        }
    }
    out
}

/// Something that happens at a minute of the negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// The penholder circulates draft d.
    Circulate(u16),
    /// A consultation round on draft d ends.
    RoundEnd(u16),
    /// Relation `relation` makes a lobbying contact about `draft`.
    Lobby { relation: u32, draft: u16 },
    /// A capital sends instructions (the member and dimension are drawn when it fires).
    Instruction,
    /// Formal meeting k: its drafts in blue, then its votes.
    Meeting(u16),
}

impl Event {
    /// Order among simultaneous events: news from capitals and lobbying land before a round
    /// closes, and a round closes before the meeting opens.
    fn priority(self) -> u8 {
        match self {
            Event::Instruction => 0,
            Event::Lobby { .. } => 1,
            Event::Circulate(_) => 2,
            Event::RoundEnd(_) => 3,
            Event::Meeting(_) => 4,
        }
    }
}

/// Reusable buffers, so that handlers do not allocate.
#[derive(Debug)]
pub(crate) struct Scratch {
    text: Text,
    /// The position of the asker's compromise as the penholder weighs it.
    compromise: Vec<f64>,
    /// The position of the text as an ask would make it (the penholder weighs it), or as
    /// an amendment on the ballot would make it (the meeting weighs it).
    asked: Vec<f64>,
    deltas: Vec<f64>,
    /// Every member's Δ on the text as it stands in a consultation round (who asks).
    asking: Vec<f64>,
    /// Every member's U_i of that text (what an ask gains is measured from).
    asking_utility: Vec<f64>,
    probs: Vec<VoteProbabilities>,
    dp: Vec<f64>,
    own: Vec<Vote>,
    common: Vec<Vote>,
    /// Each co-penholder's E on the text before a change, for joint weighing.
    pen_before: Vec<f64>,
    /// Every member's U_i(T) for the text of draft `utilities_of.0` at version
    /// `utilities_of.1`, during a meeting: its motion, each amendment and the draft itself
    /// all weigh the same text, and nothing moves ideal points while the Council votes.
    utilities: Vec<f64>,
    /// Which (draft, text version) `utilities` holds; cleared when a meeting opens.
    utilities_of: Option<(usize, u32)>,
    memo: memo::ProbabilityMemo,
    /// Each member's vote quantiles on each ballot by exact Δ (row `ballot * members +
    /// member`), kept from a Δ's second sighting on: what its vote draw is compared with.
    quantiles: memo::QuantileMemo,
    /// Per member on the ballot being voted, only where a human votes: the vote its bot
    /// cast, whether it followed its bloc, and whether it is present.
    bot_vote: Vec<Vote>,
    followed: Vec<bool>,
    present: Vec<bool>,
    amended: AmendedPositions,
}

/// Where each declared amendment would put its draft's text, remembered per text version.
///
/// Members choosing an ask weigh the amendments they sponsor round after round, several
/// sponsors weigh the same one on the same text, the penholder weighs it when asked and the
/// meeting when it is on the ballot; each would otherwise copy the text and recompute its
/// position. A draft's text is a function of its version within a
/// replication (every change bumps the version), and version 0 is the text as circulated
/// in every replication, so an entry is valid for the same version, in the same
/// replication or at version 0.
#[derive(Debug)]
struct AmendedPositions {
    /// Per amendment: (replication epoch, 1 + text version it was computed on (0: never),
    /// whether the amendment applies).
    key: Vec<(u64, u32, bool)>,
    /// Per amendment: the amended text's position (`amendment * dims + dim`).
    position: Vec<f64>,
}

/// The simulator of one replication, reusable across replications on one thread.
#[derive(Debug)]
pub struct Replication<'m> {
    model: &'m Model,
    /// Vote noise and bloc-follower draws ([`Stream::Votes`]).
    votes: ProcessRng,
    /// Round lengths and lobbying contact times ([`Stream::Consultations`]).
    consultations: ProcessRng,
    /// Capital instructions ([`Stream::Instructions`]).
    instructions: ProcessRng,
    /// Presence draws only ([`Stream::Presence`]); started only when a turnout is below 1.
    presence: ProcessRng,
    queue: EventQueue<Event>,
    now: u64,
    /// When each meeting opens (a postponement moves one, and later ones never precede it).
    meeting_at: Vec<u64>,
    finished: bool,
    instruction_pending: bool,
    /// Ideal points, moved by capital instructions (`member * dims + dim`).
    ideal: Vec<f64>,
    /// The same ideal points by dimension (`dim * agents + agent`), kept in step with
    /// `ideal`: several members' utilities of one text are then computed side by side
    /// from contiguous columns (see [`Self::member_utilities`]).
    ideal_by_dim: Vec<f64>,
    /// `ideal_by_dim` at the scenario's ideal points, where every replication starts.
    initial_ideal_by_dim: Vec<f64>,
    /// Saliences by dimension (`dim * agents + agent`), as `ideal_by_dim`. Both end with
    /// `LANES - 1` zeros, so that the last group of members reads whole (`by_dimension`).
    salience_by_dim: Vec<f64>,
    /// The status quo in force: the scenario's, moved by every adopted draft on the
    /// dimensions its text speaks to.
    status_quo: Vec<f64>,
    /// U_i(Q), kept in step with `ideal` and `status_quo`.
    status_quo_utility: Vec<f64>,
    /// U_i(Q) at the scenario's ideal points and status quo: where every replication
    /// starts, computed once instead of once per replication.
    initial_status_quo_utility: Vec<f64>,
    /// The current text of each draft.
    texts: Vec<Text>,
    /// Each draft's text as circulated, where every replication starts: copied, not
    /// recomputed from its provisions, at each reset.
    circulated: Vec<Text>,
    /// Bumped whenever a draft's text changes; lets members remember refusals.
    version: Vec<u32>,
    /// Drafts in blue: no more consultation changes.
    frozen: Vec<bool>,
    /// Rounds held per draft.
    draft_rounds: Vec<u32>,
    /// Latest shift of Δ from each relation, `draft * relations + relation`.
    lobbying: Vec<f64>,
    /// Sum of lobbying shifts on each member, `draft * members + member`.
    pressure: Vec<f64>,
    /// Amendments the penholder wrote into the text in consultations.
    incorporated: Vec<bool>,
    /// For each amendment, 1 + the text version on which it was last refused (0: never).
    /// Shared by its sponsors: once refused, no sponsor asks for it on that text.
    amendment_refused_at: Vec<u32>,
    /// For each draft and member, the softening last refused: (dimension, 1 + version).
    /// Per asker: another member may still ask for the same move.
    soften_refused: Vec<(u16, u32)>,
    /// Motions already dealt with (each is voted at most once).
    motion_done: Vec<bool>,
    /// Counts replications run by this simulator (keys [`AmendedPositions`]).
    epoch: u64,
    /// The amendments each agent sponsors on each draft, in scenario order: for draft `d`
    /// and agent `i`, those listed from `sponsored_from[row]` up to `sponsored_from[row +
    /// 1]`, where `row = d * agents + i`. An agent choosing an ask looks at its own
    /// amendments only (most sponsor none), in the order a scan of every amendment would
    /// meet them.
    sponsored: Vec<u16>,
    sponsored_from: Vec<u32>,
    /// Per draft: whether every member measures it against the status quo in force (no
    /// stance names another reference), so Δ needs no choice of reference per member.
    measured_from_status_quo: Vec<bool>,
    /// Working buffers, lent whole to the one event being handled ([`Self::lend_scratch`]):
    /// boxed so that lending moves a pointer, not the buffers' headers.
    scratch: Option<Box<Scratch>>,
    outcome: Outcome,
}

impl<'m> Replication<'m> {
    /// Allocates everything a replication of `model` will need.
    pub fn new(model: &'m Model) -> Self {
        let n = model.members.len();
        let drafts = model.drafts.len();
        let mut replication = Replication {
            model,
            votes: ProcessRng::new(Stream::Votes),
            consultations: ProcessRng::new(Stream::Consultations),
            instructions: ProcessRng::new(Stream::Instructions),
            presence: ProcessRng::new(Stream::Presence),
            queue: EventQueue::new(),
            now: 0,
            meeting_at: vec![0; model.meetings.len()],
            finished: false,
            instruction_pending: false,
            ideal: model.members.ideal.clone(),
            ideal_by_dim: by_dimension(&model.members.ideal, model.dim_count()),
            initial_ideal_by_dim: by_dimension(&model.members.ideal, model.dim_count()),
            salience_by_dim: by_dimension(&model.members.salience, model.dim_count()),
            status_quo: model.status_quo_position.clone(),
            status_quo_utility: vec![0.0; model.agent_count()],
            initial_status_quo_utility: Vec::new(),
            texts: (0..drafts).map(|_| Text::new(model)).collect(),
            circulated: (0..drafts)
                .map(|d| {
                    let mut text = Text::new(model);
                    text.reset_to_draft(model, d);
                    text
                })
                .collect(),
            version: vec![0; drafts],
            frozen: vec![false; drafts],
            draft_rounds: vec![0; drafts],
            lobbying: vec![0.0; drafts * model.relations.len()],
            pressure: vec![0.0; drafts * n],
            incorporated: vec![false; model.amendments.len()],
            amendment_refused_at: vec![0; model.amendments.len()],
            soften_refused: vec![(0, 0); drafts * model.agent_count()],
            motion_done: vec![false; model.motions.len()],
            epoch: 0,
            sponsored: Vec::new(),
            sponsored_from: vec![0],
            measured_from_status_quo: (0..drafts)
                .map(|d| {
                    let b = model.draft_ballot[d] as usize;
                    model.stances[b * n..(b + 1) * n]
                        .iter()
                        .all(|stance| stance.reference == Reference::StatusQuo)
                })
                .collect(),
            scratch: Some(Box::new(Scratch {
                text: Text::new(model),
                compromise: vec![0.0; model.dim_count()],
                asked: vec![0.0; model.dim_count()],
                deltas: vec![0.0; n],
                asking: vec![0.0; n],
                asking_utility: vec![0.0; n],
                probs: vec![VoteProbabilities::default(); n],
                dp: Vec::with_capacity(n + 2),
                own: vec![Vote::Abstain; n],
                common: vec![Vote::Abstain; model.blocs.len()],
                pen_before: vec![0.0; n],
                utilities: vec![0.0; n],
                utilities_of: None,
                memo: memo::ProbabilityMemo::new(model.prob_rows),
                quantiles: memo::DeltaMemo::new(model.ballots.len() * n),
                bot_vote: vec![Vote::Abstain; n],
                followed: vec![false; n],
                present: vec![false; n],
                amended: AmendedPositions {
                    key: vec![(0, 0, false); model.amendments.len()],
                    position: vec![0.0; model.amendments.len() * model.dim_count()],
                },
            })),
            outcome: Outcome {
                ballots: vec![BallotRecord::PENDING; model.ballots.len()],
                ..Outcome::default()
            },
        };
        for i in 0..model.agent_count() {
            replication.refresh_status_quo_utility(i);
        }
        // Each draft's amendments in scenario order, so that listing every agent's costs
        // agents × amendments steps, not drafts × agents × amendments.
        let mut by_draft: Vec<Vec<u16>> = vec![Vec::new(); drafts];
        for (a, amendment) in model.amendments.iter().enumerate() {
            by_draft[amendment.draft as usize].push(a as u16);
        }
        for amendments in &by_draft {
            for i in 0..model.agent_count() {
                for &a in amendments {
                    if replication.sponsors(&model.amendments[a as usize], i) {
                        replication.sponsored.push(a);
                    }
                }
                let end = replication.sponsored.len() as u32;
                replication.sponsored_from.push(end);
            }
        }
        replication.initial_status_quo_utility = replication.status_quo_utility.clone();
        replication
    }

    /// Runs replication `replication` of master seed `seed`, reporting to `tracer`, every
    /// delegation played by its bot.
    pub fn run<T: Tracer>(&mut self, seed: u64, replication: u64, tracer: &mut T) -> &Outcome {
        self.run_decided(seed, replication, tracer, &mut Bots)
    }

    /// [`Self::run`] with `decider` taking the decisions of the seats it controls (see
    /// [`crate::decision`]); with [`Bots`] it is `run`, at the same speed.
    pub fn run_decided<T: Tracer, D: Decider>(
        &mut self,
        seed: u64,
        replication: u64,
        tracer: &mut T,
        decider: &mut D,
    ) -> &Outcome {
        self.reset(seed, replication);
        let model = self.model;
        for (d, draft) in model.drafts.iter().enumerate() {
            self.schedule(draft.circulated_at, Event::Circulate(d as u16));
        }
        self.schedule(self.meeting_at[0], Event::Meeting(0));
        self.schedule_instruction();
        while let Some((time, event)) = self.queue.pop() {
            self.now = time;
            self.outcome.events += 1;
            match event {
                Event::Circulate(d) => self.circulate(d as usize, tracer),
                Event::RoundEnd(d) => self.round_end(d as usize, tracer, decider),
                Event::Lobby { relation, draft } => {
                    self.lobby(relation as usize, draft as usize, tracer)
                }
                Event::Instruction => self.instruction(tracer),
                Event::Meeting(k) => self.meeting(k as usize, tracer, decider),
            }
            if self.finished {
                break;
            }
        }
        &self.outcome
    }

    /// The outcome of the last run.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    fn reset(&mut self, seed: u64, replication: u64) {
        let model = self.model;
        // One generator per random process, each at its own part of replication r's stream,
        // so no process's number of draws shifts another's (see `engine::rng`). Starting
        // computes no block: a process that makes no draw costs none.
        self.votes.start(seed, replication);
        self.consultations.start(seed, replication);
        self.instructions.start(seed, replication);
        if model.any_absence {
            self.presence.start(seed, replication);
        }
        self.queue.clear();
        self.now = 0;
        for (at, meeting) in self.meeting_at.iter_mut().zip(&model.meetings) {
            *at = meeting.at;
        }
        self.status_quo.copy_from_slice(&model.status_quo_position);
        self.finished = false;
        self.instruction_pending = false;
        self.ideal.copy_from_slice(&model.members.ideal);
        self.ideal_by_dim
            .copy_from_slice(&self.initial_ideal_by_dim);
        self.status_quo_utility
            .copy_from_slice(&self.initial_status_quo_utility);
        for (text, circulated) in self.texts.iter_mut().zip(&self.circulated) {
            text.copy_from(circulated);
        }
        self.version.fill(0);
        self.frozen.fill(false);
        self.draft_rounds.fill(0);
        self.lobbying.fill(0.0);
        self.pressure.fill(0.0);
        self.incorporated.fill(false);
        self.amendment_refused_at.fill(0);
        self.soften_refused.fill((0, 0));
        self.motion_done.fill(false);
        self.epoch += 1;
        self.outcome.ballots.fill(BallotRecord::PENDING);
        self.outcome.duration = 0;
        self.outcome.rounds = 0;
        self.outcome.events = 0;
    }

    /// The working buffers, for the event being handled to give back when it ends (the
    /// handler borrows `self` and the buffers apart). Events are handled one at a time, so
    /// they are always here when an event begins.
    fn lend_scratch(&mut self) -> Box<Scratch> {
        self.scratch
            .take()
            .expect("an event's handler gives the scratch buffers back before the next event")
    }

    fn schedule(&mut self, time: u64, event: Event) {
        self.queue.push(time, event.priority(), event);
    }

    /// When the last meeting opens: consultations and instructions stop there.
    fn last_meeting_at(&self) -> u64 {
        self.meeting_at.last().copied().unwrap_or(0)
    }

    /// When draft `d`'s meeting opens: its consultations go on until then.
    #[inline]
    fn draft_meeting_at(&self, d: usize) -> u64 {
        self.meeting_at[self.model.draft_meeting[d] as usize]
    }

    /// Schedules the next capital instruction of the merged Poisson process (rate
    /// `instruction_rate · members`), if it falls before the last meeting.
    fn schedule_instruction(&mut self) {
        let rate = self.model.negotiation.instruction_rate * self.model.members.len() as f64;
        if rate <= 0.0 || self.instruction_pending {
            return;
        }
        let wait = -rng::open_unit(&mut self.instructions).ln() / rate;
        let at = self.now + crate::model::round_half_away(wait).max(1.0) as u64;
        if at < self.last_meeting_at() {
            self.instruction_pending = true;
            self.schedule(at, Event::Instruction);
        }
    }

    /// Moves agent `i`'s ideal point on `dim` to `to` in both layouts, which must agree
    /// bit for bit: [`Self::utility`] reads it by member, [`Self::member_utilities`] by
    /// dimension.
    fn set_ideal(&mut self, i: usize, dim: usize, to: f64) {
        let model = self.model;
        self.ideal[i * model.dim_count() + dim] = to;
        self.ideal_by_dim[dim * model.agent_count() + i] = to;
    }

    fn refresh_status_quo_utility(&mut self, i: usize) {
        let model = self.model;
        let k = model.dim_count();
        self.status_quo_utility[i] = behaviour::utility(
            &self.ideal[i * k..(i + 1) * k],
            &model.members.salience[i * k..(i + 1) * k],
            &self.status_quo,
            model.distance_exponent,
        );
    }

    /// U_i at a text position.
    #[inline]
    fn utility(&self, i: usize, position: &[f64]) -> f64 {
        let k = self.model.dim_count();
        behaviour::utility(
            &self.ideal[i * k..(i + 1) * k],
            &self.model.members.salience[i * k..(i + 1) * k],
            position,
            self.model.distance_exponent,
        )
    }

    /// Δ_i for adopting draft `d` with text at `position`:
    /// U_i(T) − U_i(reference) + r_i + lobbying pressure on i about d, the reference being
    /// the status quo in force unless the member's stance on d names another text.
    #[inline]
    fn draft_delta(&self, i: usize, d: usize, position: &[f64]) -> f64 {
        let own = self.utility(i, position);
        let model = self.model;
        let n = model.members.len();
        let stance = model.draft_stance(d, i);
        let reference = match stance.reference {
            Reference::StatusQuo => self.status_quo_utility[i],
            Reference::Draft(e) => self.utility(i, self.texts[e as usize].position()),
            Reference::Circulated(e) => self.utility(i, model.circulated(e as usize)),
            Reference::Position(r) => self.utility(i, model.reference_position(r as usize)),
        };
        own - reference + stance.bonus + self.pressure[d * n + i]
    }

    /// Every member's Δ for draft `d` at `position` into `out`, each exactly as
    /// [`Self::draft_delta`] computes it (the same operations in the same order, so the same
    /// bits): the utilities by passes over dimension columns ([`Self::member_utilities`]),
    /// then one pass over the members for the rest of Δ.
    fn member_deltas(&self, d: usize, position: &[f64], out: &mut [f64]) {
        self.member_utilities(position, out);
        self.deltas_of_utilities(d, out);
    }

    /// Every member's Δ for draft `d` in place of its U_i(T) in `values`, each as
    /// [`Self::draft_delta`] computes it (the same operations, so the same bits).
    fn deltas_of_utilities(&self, d: usize, values: &mut [f64]) {
        let model = self.model;
        let n = model.members.len();
        let b = model.draft_ballot[d] as usize;
        let rows = values[..n]
            .iter_mut()
            .zip(&model.stances[b * n..(b + 1) * n])
            .zip(&self.pressure[d * n..(d + 1) * n]);
        if self.measured_from_status_quo[d] {
            // The common case, without a branch per member: the same operations.
            for (((out, stance), &pressure), &reference) in rows.zip(&self.status_quo_utility[..n])
            {
                *out = *out - reference + stance.bonus + pressure;
            }
            return;
        }
        for (i, ((out, stance), &pressure)) in rows.enumerate() {
            let reference = match stance.reference {
                Reference::StatusQuo => self.status_quo_utility[i],
                Reference::Draft(e) => self.utility(i, self.texts[e as usize].position()),
                Reference::Circulated(e) => self.utility(i, model.circulated(e as usize)),
                Reference::Position(r) => self.utility(i, model.reference_position(r as usize)),
            };
            *out = *out - reference + stance.bonus + pressure;
        }
    }

    /// Every member's U_i at `position` into `out[..members]`, each exactly as
    /// [`behaviour::utility`] computes it: the loss summed over dimensions in order from
    /// 0.0, then negated. Neighbouring members are computed side by side from the columns
    /// of `ideal_by_dim` and `salience_by_dim`, so one member's sum is never reassociated
    /// (the same bits). For the quadratic loss, [`LANES`] members at a time with their sums
    /// held in registers across the dimensions, each stored once complete; for other
    /// exponents (`powf` dominates there), a pass per dimension adding into `out`.
    fn member_utilities(&self, position: &[f64], out: &mut [f64]) {
        let model = self.model;
        let n = model.members.len();
        let agents = self.status_quo_utility.len();
        let out = &mut out[..n];
        let p = model.distance_exponent;
        if p != 2.0 {
            out.fill(0.0);
            for (dim, &at) in position.iter().enumerate() {
                let ideal = &self.ideal_by_dim[dim * agents..dim * agents + n];
                let salience = &self.salience_by_dim[dim * agents..dim * agents + n];
                for ((loss, &x), &s) in out.iter_mut().zip(ideal).zip(salience) {
                    *loss += s * behaviour::distance_term(x - at, p);
                }
            }
            out.iter_mut().for_each(|loss| *loss = -*loss);
            return;
        }
        // The quadratic loss, `LANES` members at a time with their sums kept in registers
        // across the dimensions: each lane adds its member's terms in dimension order.
        for (group, utilities) in out.chunks_mut(LANES).enumerate() {
            let mut loss = [0.0; LANES];
            for (dim, &at) in position.iter().enumerate() {
                let from = dim * agents + group * LANES;
                let ideal: &[f64; LANES] = self.ideal_by_dim[from..from + LANES]
                    .try_into()
                    .expect("a range of LANES values");
                let salience: &[f64; LANES] = self.salience_by_dim[from..from + LANES]
                    .try_into()
                    .expect("a range of LANES values");
                for lane in 0..LANES {
                    let gap = ideal[lane] - at;
                    loss[lane] += salience[lane] * (gap * gap);
                }
            }
            for (u, loss) in utilities.iter_mut().zip(loss) {
                *u = -loss;
            }
        }
    }

    /// Δ of agent `a` (a member, or a participant at `members + p`) for draft `d` at
    /// `position`, with its thresholds (a, b): what decides whether it asks for changes and
    /// which way it lobbies. A participant measures against the status quo in force and
    /// feels no pressure.
    #[inline]
    fn agent_delta(&self, a: usize, d: usize, position: &[f64]) -> (f64, f64, f64) {
        let model = self.model;
        let n = model.members.len();
        if a < n {
            let stance = model.draft_stance(d, a);
            (self.draft_delta(a, d, position), stance.yes, stance.no)
        } else {
            let p = &model.participants;
            let q = a - n;
            let delta = self.utility(a, position) - self.status_quo_utility[a] + p.act_bonus[q];
            (delta, p.yes_threshold[q], p.no_threshold[q])
        }
    }

    /// Draft `d` was adopted: the status quo takes its text's position on every dimension
    /// the text speaks to (a provision there, or negotiated rewording), for every later
    /// ballot of the scenario.
    fn move_status_quo<T: Tracer>(&mut self, d: usize, tracer: &mut T) {
        let model = self.model;
        let mut moved = false;
        for dim in 0..model.dim_count() {
            if self.texts[d].speaks_to(dim) && self.status_quo[dim] != self.texts[d].position()[dim]
            {
                self.status_quo[dim] = self.texts[d].position()[dim];
                moved = true;
            }
        }
        if !moved {
            return;
        }
        for i in 0..model.agent_count() {
            self.refresh_status_quo_utility(i);
        }
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::StatusQuoMoved {
                    draft: d as u16,
                    position: self.status_quo.clone(),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::NoTrace;

    /// `member_utilities` (by dimension, several members at a time) gives every member's
    /// utility bit for bit as `utility` does (one member's row), for the quadratic loss and
    /// another exponent, after capital instructions have moved ideal points in both layouts.
    #[test]
    fn member_utilities_are_each_members_utility_bit_for_bit() {
        let source = include_str!("../../scenarios/ukraine-2025-unsc.toml");
        for p in ["2", "1.5"] {
            let text = source.replace(
                "distance_exponent = 2 ",
                &format!("distance_exponent = {p} "),
            );
            let model = crate::scenario::compile("seed.toml", &text).unwrap();
            assert_eq!(model.distance_exponent, p.parse::<f64>().unwrap());
            let mut replication = Replication::new(&model);
            let n = model.members.len();
            let k = model.dim_count();
            let mut out = vec![0.0; n];
            let mut moved = false;
            for r in 0..20 {
                replication.run(7, r, &mut NoTrace);
                moved |= replication.ideal != model.members.ideal;
                for step in 0..10 {
                    let position: Vec<f64> = (0..k)
                        .map(|d| ((r * 10 + step) as f64 * 0.37 + d as f64 * 0.11) % 1.0)
                        .collect();
                    replication.member_utilities(&position, &mut out);
                    for (i, u) in out.iter().enumerate() {
                        let one = replication.utility(i, &position);
                        assert_eq!(u.to_bits(), one.to_bits(), "p {p}, member {i}");
                    }
                }
            }
            assert!(
                moved,
                "no instruction moved an ideal point: the test lost its point"
            );
        }
    }

    /// Every size of the last group of `LANES` members (1 to 8 members in it, with and
    /// without participants after the members in the columns, one dimension and several):
    /// each member's utility is `utility`'s bit for bit, and nothing is written past the
    /// members.
    #[test]
    fn member_utilities_hold_for_every_group_size_and_write_only_the_members() {
        use crate::synthetic::{scenario_toml, Size};
        let mut sources: Vec<(String, String)> = Vec::new();
        for members in [1, 7, 8, 9, 15, 16, 17] {
            for dimensions in [1, 3] {
                let size = Size {
                    members,
                    dimensions,
                    amendments: 2,
                };
                sources.push((format!("{members}x{dimensions}"), scenario_toml(size)));
            }
        }
        let tutorial = include_str!("../../scenarios/tutorial.toml");
        sources.push(("tutorial".into(), tutorial.into()));
        let mut with_participants = false;
        for (name, source) in &sources {
            let model = crate::scenario::compile("lanes.toml", source).unwrap();
            with_participants |= model.agent_count() > model.members.len();
            assert_eq!(
                by_dimension(&model.members.ideal, model.dim_count()).len(),
                model.members.ideal.len() + LANES - 1
            );
            let mut replication = Replication::new(&model);
            let (n, k) = (model.members.len(), model.dim_count());
            for r in 0..3 {
                replication.run(11, r, &mut NoTrace);
                for step in 0..5 {
                    let position: Vec<f64> = (0..k)
                        .map(|d| ((r * 5 + step) as f64 * 0.29 + d as f64 * 0.17) % 1.0)
                        .collect();
                    let mut out = vec![f64::NAN; n + LANES];
                    replication.member_utilities(&position, &mut out);
                    for (i, u) in out[..n].iter().enumerate() {
                        let one = replication.utility(i, &position);
                        assert_eq!(u.to_bits(), one.to_bits(), "{name}: member {i}");
                    }
                    assert!(out[n..].iter().all(|x| x.is_nan()), "{name}: wrote past n");
                }
            }
        }
        assert!(with_participants, "no case had participants in the columns");
    }

    /// The amendments listed for each draft and agent are those a scan of every amendment
    /// finds it sponsoring on that draft, in the scan's order (every shipped scenario).
    #[test]
    fn each_agents_sponsored_amendments_are_the_scans_in_its_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files = vec![
            root.join("ukraine-2025-unsc.toml"),
            root.join("tutorial.toml"),
        ];
        for dir in ["history", "reform"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                files.push(entry.unwrap().path());
            }
        }
        let mut listed = 0;
        for file in &files {
            let source = std::fs::read_to_string(file).unwrap();
            let model = crate::scenario::compile("sponsors.toml", &source).unwrap();
            let replication = Replication::new(&model);
            for d in 0..model.drafts.len() {
                for i in 0..model.agent_count() {
                    let scan: Vec<u16> = model
                        .amendments
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| a.draft as usize == d && replication.sponsors(a, i))
                        .map(|(a, _)| a as u16)
                        .collect();
                    assert_eq!(
                        replication.sponsored(d, i),
                        scan,
                        "{file:?}: draft {d}, agent {i}"
                    );
                    listed += scan.len();
                }
            }
        }
        assert!(listed > 0, "no scenario had a sponsored amendment");
    }

    #[test]
    fn member_deltas_are_each_members_draft_delta_bit_for_bit() {
        // A scenario with two drafts (Gaza, 2018), each member given its own lobbying
        // pressure on each draft, so a Δ read with another draft's or member's pressure, or
        // the act bonus's sign flipped, would not be the one-member formula's.
        let source = include_str!("../../scenarios/history/gaza-2018-s2018-516-520.toml");
        let model = crate::scenario::compile("gaza.toml", source).unwrap();
        let n = model.members.len();
        let drafts = model.draft_ballot.len();
        assert_eq!(drafts, 2);
        let mut replication = Replication::new(&model);
        replication.run(3, 0, &mut NoTrace);
        for (k, p) in replication.pressure.iter_mut().enumerate() {
            *p = 0.01 * k as f64 - 0.1;
        }
        let mut out = vec![0.0; n];
        for d in 0..drafts {
            let position = replication.texts[d].position().to_vec();
            replication.member_deltas(d, &position, &mut out);
            for (i, delta) in out.iter().enumerate() {
                let one = replication.draft_delta(i, d, &position);
                assert_eq!(delta.to_bits(), one.to_bits(), "draft {d}, member {i}");
            }
        }
        assert!(
            (0..n).any(|i| model.draft_stance(1, i).bonus != 0.0),
            "no act bonus on draft 1: the test lost its point"
        );
    }
}
