//! The compiled, immutable model every replication reads.
//!
//! A [`Model`] is what [`crate::scenario::compile`] makes of a scenario file once it has
//! been checked: ids are resolved to dense indices, stances are flat arrays indexed by
//! `member * dims + dim`, and the order in which the Council votes is fixed in advance as a
//! list of [`Ballot`]s. Nothing downstream looks up a string id; strings survive only for
//! reports and traces. One `&Model` is shared by all threads.

use crate::memberset::MemberSet;

/// Minutes per day: the engine's clock ticks in integer minutes, scenarios speak in days.
pub const MINUTES_PER_DAY: f64 = 1440.0;

/// The compiled scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// The scenario's name, for reports.
    pub name: String,
    /// SHA-256 of the scenario file's bytes, recorded in every output.
    pub sha256: String,
    /// Policy dimensions.
    pub dims: Vec<Dimension>,
    /// The status quo Q as a position (each dimension's `status_quo`).
    pub status_quo_position: Vec<f64>,
    /// Positions given as `reference = { ... }`, `index * dims + dim`.
    pub reference_positions: Vec<f64>,
    /// Each draft's position as circulated, `draft * dims + dim` (a `reference` may name it).
    pub circulated_positions: Vec<f64>,
    /// Delegations, in id order. Their `ideal`, `salience` and `flexibility` columns also
    /// hold the participants' after the members' (agent index `members + p`), so the
    /// consultation code values texts for both alike.
    pub members: Members,
    /// States taking part without a vote (`[participants.ID]`).
    pub participants: Participants,
    /// Whether any member may be absent (turnout below 1): only then is presence drawn.
    pub any_absence: bool,
    /// Blocs that coordinate votes.
    pub blocs: Vec<Bloc>,
    /// Lobbying relations.
    pub relations: Vec<Relation>,
    /// Every provision of every draft and amendment; texts refer to them by index.
    pub provisions: Vec<Provision>,
    /// Drafts in order of submission.
    pub drafts: Vec<Draft>,
    /// Amendments in order of declaration.
    pub amendments: Vec<Amendment>,
    /// Procedural motions in order of declaration.
    pub motions: Vec<Motion>,
    /// Decision rules.
    pub rules: Rules,
    /// Negotiation calendar and behaviour switches.
    pub negotiation: Negotiation,
    /// The exponent p in the utility `-Σ s·|x - T|^p`.
    pub distance_exponent: f64,
    /// The fixed order of votes: meeting by meeting, motions, then per draft its amendments
    /// (furthest removed first, or as submitted) and the draft itself.
    pub ballots: Vec<Ballot>,
    /// Each ballot's condition for being put (`tabled_if`), by index into `ballots`.
    pub conditions: Vec<Option<Condition>>,
    /// Meetings in order of time; each takes a contiguous run of `ballots`.
    pub meetings: Vec<Meeting>,
    /// The meeting at which each draft is voted (index into `meetings`).
    pub draft_meeting: Vec<u16>,
    /// Each draft's ballot (index into `ballots`), whose stances its consultations use.
    pub draft_ballot: Vec<u32>,
    /// Every member's stance on every ballot, `ballot * members + member`: the member's own
    /// stance with its `on."BALLOT_ID"` overrides, resolved once so the hot loop indexes.
    pub stances: Vec<BallotStance>,
    /// For each draft and member (`draft * members + member`), the row of the per-thread
    /// memo of vote probabilities: the member's own row (its index) when its stance on the
    /// draft has its own thresholds, τ and turnout, else a row of its own beyond the members.
    pub prob_row: Vec<u32>,
    /// Rows the memo needs: the members plus one per overridden (draft, member) stance.
    pub prob_rows: usize,
    /// Defaults for the Monte Carlo run.
    pub montecarlo: MonteCarloDefaults,
    /// The real record, if the scenario has an `[observed]` table.
    pub observed: Option<Observed>,
    /// Things in a valid file that are probably not what its author meant (a preset's quota
    /// that does not fit the membership): `check` shows them, they never fail it.
    pub warnings: Vec<crate::scenario::Problem>,
}

/// A member's stance on one ballot: what its vote on that ballot depends on besides the
/// text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BallotStance {
    /// Added to Δ apart from the text: the act bonus r on a draft, the `act_bonus` given
    /// for an amendment (default 0), the motion bias on a motion.
    pub bonus: f64,
    /// Yes threshold a ≥ 0.
    pub yes: f64,
    /// No threshold b ≥ 0.
    pub no: f64,
    /// Logistic noise scale τ ≥ 0 (with the scenario's noise scale applied).
    pub tau: f64,
    /// Probability of voting at all.
    pub turnout: f64,
    /// What a draft's text is measured against.
    pub reference: Reference,
}

/// What a member measures a draft against: Δ = U(text) − U(reference) + r + π.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The status quo in force (moved by every adopted draft on what its text speaks to).
    StatusQuo,
    /// Another draft's text as it stands.
    Draft(u16),
    /// A draft's text as circulated, before consultations changed it.
    Circulated(u16),
    /// A text given by its position (index into [`Model::reference_positions`]), such as
    /// the mandate in force before a cut.
    Position(u16),
}

/// How an earlier ballot must have ended for a later one to be put (`tabled_if`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    /// The earlier ballot (index into [`Model::ballots`]).
    pub ballot: u32,
    /// The ending it needs.
    pub when: ConditionKind,
}

/// The endings `tabled_if` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    /// It was adopted.
    Adopted,
    /// It was put to the vote and not adopted (for want of votes or vetoed).
    Failed,
    /// It was vetoed.
    Vetoed,
    /// Anything but adopted: failed, vetoed, withdrawn, not tabled, lapsed.
    NotAdopted,
}

/// One formal meeting: a time and the ballots taken at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Minute at which it opens.
    pub at: u64,
    /// Its ballots, `first..end` in [`Model::ballots`].
    pub first: u32,
    /// One past its last ballot.
    pub end: u32,
}

/// The real record of a meeting, for backtests.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// Where the record comes from.
    pub source: String,
    /// Recorded ballots.
    pub ballots: Vec<ObservedBallot>,
}

/// How one ballot was really decided.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedBallot {
    /// Index into [`Model::ballots`].
    pub ballot: usize,
    /// Adopted, vetoed, failed or withdrawn.
    pub result: crate::outcome::BallotStatus,
    /// Veto holders whose "no" vetoed it.
    pub vetoed_by: MemberSet,
    /// Each member's vote, when the record has them: yes, no, abstain, absent.
    pub votes: Option<[MemberSet; 4]>,
    /// The tally (yes, no, abstain), from the votes or as recorded.
    pub tally: Option<(u16, u16, u16)>,
}

/// One axis of the policy space.
#[derive(Debug, Clone)]
pub struct Dimension {
    /// The id used in the scenario file.
    pub id: String,
    /// A human description.
    pub label: String,
    /// Lowest allowed position.
    pub lo: f64,
    /// Highest allowed position.
    pub hi: f64,
    /// Where the world stands without a resolution.
    pub status_quo: f64,
    /// Where a text stands that says nothing on this dimension.
    pub silent: f64,
    /// It counts things (crossings, months): every text position on it is a whole number.
    pub integer: bool,
}

impl Dimension {
    /// `x` as a position on this dimension: rounded to a whole number if it counts things.
    #[inline]
    pub fn snap(&self, x: f64) -> f64 {
        if self.integer {
            round_half_away(x)
        } else {
            x
        }
    }
}

/// `x.round()` (to the nearest integer, halves away from zero), bit for bit, in a few
/// instructions instead of a library call: without SSE4.1, `f64::round` is a call, and the
/// compiler makes it even where the result is then not used (a text's position on a
/// dimension that is not whole-numbered computed it for every dimension of every text).
///
/// Why it is exact: for |x| < 2⁵², |x| + 2⁵² lies in [2⁵², 2⁵³), where the spacing of
/// doubles is 1, so the sum rounds |x| to the nearest integer r (ties to even) and
/// subtracting 2⁵² is exact. r − |x| is exact too (r = 0, or r and |x| within a factor of
/// two: Sterbenz), so it equals −½ exactly when a tie went down to even: then r + 1 is the
/// away-from-zero answer. The sign is put back (−0.3 gives −0.0, as `round` does). Larger
/// magnitudes, infinities and NaN are whole already and come back unchanged.
#[inline]
pub fn round_half_away(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let a = x.abs();
    if a.is_nan() || a >= TWO_52 {
        return x;
    }
    let r = (a + TWO_52) - TWO_52;
    let r = if r - a == -0.5 { r + 1.0 } else { r };
    r.copysign(x)
}

/// Delegations as struct-of-arrays: the hot loop reads one field of every member at a time.
#[derive(Debug, Clone, Default)]
pub struct Members {
    /// ISO codes (or whatever ids the scenario uses).
    pub ids: Vec<String>,
    /// Display names.
    pub names: Vec<String>,
    /// Permanent members.
    pub permanent: MemberSet,
    /// Ideal points, `member * dims + dim`.
    pub ideal: Vec<f64>,
    /// Saliences, `member * dims + dim`.
    pub salience: Vec<f64>,
    /// Value of the Council acting at all (r).
    pub act_bonus: Vec<f64>,
    /// Yes threshold a ≥ 0.
    pub yes_threshold: Vec<f64>,
    /// No threshold b ≥ 0.
    pub no_threshold: Vec<f64>,
    /// Logistic noise scale τ ≥ 0.
    pub temperature: Vec<f64>,
    /// Share of an ask a delegation gives up in a compromise, in [0, 1].
    pub flexibility: Vec<f64>,
    /// The bloc each member follows (its first listed bloc), if any.
    pub primary_bloc: Vec<Option<u16>>,
    /// Probability that the member is present and votes at all (else it does not vote).
    pub turnout: Vec<f64>,
    /// Added to Δ on procedural motions: a taste for (or against) delay apart from the text.
    pub motion_bias: Vec<f64>,
}

impl Members {
    /// Number of delegations.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none (never true for a validated model).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Non-members invited to take part without a vote: they lobby, ask for changes and
/// sponsor amendments a member puts to the vote, but are never in a tally.
#[derive(Debug, Clone, Default)]
pub struct Participants {
    /// Ids.
    pub ids: Vec<String>,
    /// Display names.
    pub names: Vec<String>,
    /// Value of the Council acting at all (r).
    pub act_bonus: Vec<f64>,
    /// The yes threshold a: it asks for changes while Δ ≤ a.
    pub yes_threshold: Vec<f64>,
    /// The no threshold b (its intended "no", for lobbying).
    pub no_threshold: Vec<f64>,
}

/// How a bloc settles its common vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlocRule {
    /// A strict majority of the bloc members' own votes as drawn (each with its noise, before
    /// anyone follows the bloc and before absence is drawn); a split bloc abstains.
    Majority,
    /// The leader's own vote as drawn (with its noise), not its noise-free intention.
    Leader(u16),
}

/// A group of members that votes together with probability `cohesion`.
#[derive(Debug, Clone)]
pub struct Bloc {
    /// Id in the scenario.
    pub id: String,
    /// Members whose first bloc this is, or who list it.
    pub members: MemberSet,
    /// κ: probability that a member follows the common vote.
    pub cohesion: f64,
    /// How the common vote is settled.
    pub rule: BlocRule,
}

/// `from` lobbies `to` toward its own intended vote on each draft; `from` is an agent index
/// (a participant at `members + p`).
#[derive(Debug, Clone, Copy)]
pub struct Relation {
    /// The lobbying member.
    pub from: u16,
    /// The lobbied member.
    pub to: u16,
    /// How far one contact shifts Δ of `to`.
    pub pull: f64,
}

/// A paragraph and its positions (NaN where it is silent).
#[derive(Debug, Clone)]
pub struct Provision {
    /// Id in the scenario (an amendment's new paragraph takes the amendment's id).
    pub id: String,
    /// The words.
    pub text: String,
    /// One entry per dimension; NaN where the provision does not speak.
    pub position: Vec<f64>,
    /// The dimensions it speaks to and its positions there (the non-NaN entries of
    /// `position`), so a text's position costs O(dimensions + entries), not O(dims × provisions).
    pub entries: Vec<(u16, f64)>,
}

impl Provision {
    /// A provision from its dense positions (NaN where silent).
    pub fn new(id: String, text: String, position: Vec<f64>) -> Self {
        let entries = position
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.is_nan())
            .map(|(d, &x)| (d as u16, x))
            .collect();
        Provision {
            id,
            text,
            position,
            entries,
        }
    }
}

/// A draft resolution.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Document symbol or id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// The member who holds the pen (the `lead`, else the first penholder listed).
    pub penholder: u16,
    /// Every co-penholder (the penholder included).
    pub penholders: MemberSet,
    /// Several penholders and no lead: a change needs every one's E to rise.
    pub joint: bool,
    /// Its meeting's time in minutes (`vote_day`).
    pub vote_at: u64,
    /// Indices into [`Model::provisions`] of the text as circulated.
    pub provisions: Vec<u32>,
    /// Every provision that can ever be in this draft: its own and its amendments' new ones.
    pub candidates: Vec<u32>,
    /// The penholder puts it to the vote even when it expects a veto.
    pub force_vote: bool,
    /// Decided by the procedural rule (no veto) instead of the substantive one.
    pub procedural: bool,
    /// Circulation time in minutes.
    pub circulated_at: u64,
}

/// What an amendment does to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmendmentAction {
    /// Adds provision `new`.
    Insert {
        /// Index into [`Model::provisions`].
        new: u32,
    },
    /// Removes provision `target`.
    Delete {
        /// Index into [`Model::provisions`].
        target: u32,
    },
    /// Puts provision `new` in the place of `target`.
    Replace {
        /// Index into [`Model::provisions`].
        target: u32,
        /// Index into [`Model::provisions`].
        new: u32,
    },
}

/// When an amendment is formally tabled at the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tabling {
    /// Only if its sponsors (or movers) still gain from it on the text in blue.
    IfWanted,
    /// Always.
    Always,
}

/// A proposed change to a draft.
#[derive(Debug, Clone)]
pub struct Amendment {
    /// Id in the scenario.
    pub id: String,
    /// The draft it amends.
    pub draft: u16,
    /// Sponsors who are members (at least one puts it to the vote).
    pub sponsors: MemberSet,
    /// Sponsors who are participants (rule 38), by participant index.
    pub participant_sponsors: MemberSet,
    /// What it does.
    pub action: AmendmentAction,
    /// When it is tabled.
    pub tabling: Tabling,
    /// Decided by the procedural rule instead of the substantive one.
    pub procedural: bool,
}

/// The kinds of procedural motion the simulator knows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MotionKind {
    /// Rule 33: postpone the meeting by this many minutes.
    Postpone {
        /// Delay in minutes.
        minutes: u64,
    },
}

/// A procedural motion.
#[derive(Debug, Clone)]
pub struct Motion {
    /// Id in the scenario.
    pub id: String,
    /// What it asks.
    pub kind: MotionKind,
    /// The draft whose vote it concerns.
    pub draft: u16,
    /// The members who move it.
    pub movers: MemberSet,
    /// When it is moved.
    pub tabling: Tabling,
    /// Decided by the procedural rule (the default for motions).
    pub procedural: bool,
}

/// One vote at the meeting, in the fixed order of voting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ballot {
    /// A procedural motion (index into [`Model::motions`]).
    Motion(u16),
    /// An amendment (index into [`Model::amendments`]).
    Amendment(u16),
    /// A draft (index into [`Model::drafts`]).
    Draft(u16),
}

/// How many affirmative votes carry a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Majority {
    /// At least `quota` affirmative votes (the Security Council: 9).
    Quota,
    /// More yes than no among members present and voting; abstentions and absentees do
    /// not count (the General Assembly).
    PresentAndVoting,
    /// At least two thirds of members present and voting (GA "important questions").
    TwoThirdsPresentAndVoting,
}

/// The body's decision rules (Charter Art. 27 for the Security Council).
#[derive(Debug, Clone)]
pub struct Rules {
    /// The rule for affirmative votes.
    pub majority: Majority,
    /// Affirmative votes needed for a substantive decision.
    pub quota: usize,
    /// Affirmative votes needed for a procedural decision.
    pub procedural_quota: usize,
    /// Members whose negative vote defeats a substantive decision.
    pub veto: MemberSet,
}

/// A duration distribution in minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duration {
    /// Always this long.
    Fixed(f64),
    /// Uniform on [min, max].
    Uniform(f64, f64),
    /// Triangular on [min, max] with the given mode.
    Triangular(f64, f64, f64),
    /// Exponential with the given mean.
    Exponential(f64),
}

/// The negotiation calendar.
#[derive(Debug, Clone)]
pub struct Negotiation {
    /// Whether consultation rounds take place at all.
    pub consultations: bool,
    /// The meeting time in minutes.
    pub vote_at: u64,
    /// Length of one consultation round.
    pub round_length: Duration,
    /// Capital instructions per member per minute.
    pub instruction_rate: f64,
    /// Largest shift of an ideal point by one instruction, as a share of the range.
    pub instruction_size: f64,
    /// Penholders withdraw a draft they expect to be vetoed (unless it forces the vote).
    pub withdraw_expected_veto: bool,
    /// The penholder may offer a compromise when it refuses a full ask.
    pub compromise: bool,
}

/// Monte Carlo defaults from the scenario.
#[derive(Debug, Clone, Copy)]
pub struct MonteCarloDefaults {
    /// Replications when `--replications` is not given.
    pub replications: u64,
    /// Seed when `--seed` is not given.
    pub seed: u64,
}

impl Model {
    /// Members and participants: everyone who values texts (participants follow members).
    #[inline]
    pub fn agent_count(&self) -> usize {
        self.members.len() + self.participants.ids.len()
    }

    /// The id of agent `a` (a member, or a participant at `members + p`), for reports.
    pub fn agent_id(&self, a: usize) -> &str {
        let n = self.members.len();
        if a < n {
            &self.members.ids[a]
        } else {
            &self.participants.ids[a - n]
        }
    }

    /// Member `i`'s stance on ballot `b`.
    #[inline]
    pub fn stance(&self, b: usize, i: usize) -> &BallotStance {
        &self.stances[b * self.members.len() + i]
    }

    /// Member `i`'s stance on draft `d` (what its consultations use).
    #[inline]
    pub fn draft_stance(&self, d: usize, i: usize) -> &BallotStance {
        self.stance(self.draft_ballot[d] as usize, i)
    }

    /// Sets [`Model::prob_row`] and [`Model::prob_rows`] from the stances (after any
    /// change of temperatures).
    pub fn assign_probability_rows(&mut self) {
        let n = self.members.len();
        let m = &self.members;
        let mut rows = n;
        let mut out = Vec::with_capacity(self.drafts.len() * n);
        for d in 0..self.drafts.len() {
            for i in 0..n {
                let st = self.draft_stance(d, i);
                let own = st.yes == m.yes_threshold[i]
                    && st.no == m.no_threshold[i]
                    && st.tau == m.temperature[i]
                    && st.turnout == m.turnout[i];
                out.push(if own {
                    i as u32
                } else {
                    rows += 1;
                    (rows - 1) as u32
                });
            }
        }
        self.prob_row = out;
        self.prob_rows = rows;
    }

    /// Multiplies every temperature τ by `k` (`[model] noise_scale`, `--noise-scale`).
    pub fn scale_noise(&mut self, k: f64) {
        self.members.temperature.iter_mut().for_each(|t| *t *= k);
        self.stances.iter_mut().for_each(|s| s.tau *= k);
        self.assign_probability_rows();
    }

    /// Draft `d`'s position as circulated.
    #[inline]
    pub fn circulated(&self, d: usize) -> &[f64] {
        let k = self.dim_count();
        &self.circulated_positions[d * k..(d + 1) * k]
    }

    /// Reference text `r` given by its position.
    #[inline]
    pub fn reference_position(&self, r: usize) -> &[f64] {
        let k = self.dim_count();
        &self.reference_positions[r * k..(r + 1) * k]
    }

    /// Number of dimensions.
    #[inline]
    pub fn dim_count(&self) -> usize {
        self.dims.len()
    }

    /// Index of a member id, for tests and reports (never in the hot loop).
    pub fn member_index(&self, id: &str) -> Option<usize> {
        self.members.ids.iter().position(|m| m == id)
    }

    /// Member ids of a set, in index order.
    pub fn member_ids(&self, set: &MemberSet) -> Vec<&str> {
        set.iter().map(|i| self.members.ids[i].as_str()).collect()
    }

    /// The id of a ballot's subject.
    pub fn ballot_id(&self, ballot: Ballot) -> &str {
        match ballot {
            Ballot::Motion(m) => &self.motions[m as usize].id,
            Ballot::Amendment(a) => &self.amendments[a as usize].id,
            Ballot::Draft(d) => &self.drafts[d as usize].id,
        }
    }

    /// The draft a ballot belongs to.
    pub fn ballot_draft(&self, ballot: Ballot) -> usize {
        match ballot {
            Ballot::Motion(m) => self.motions[m as usize].draft as usize,
            Ballot::Amendment(a) => self.amendments[a as usize].draft as usize,
            Ballot::Draft(d) => d as usize,
        }
    }

    /// Whether a ballot is decided by the procedural rule (no veto).
    pub fn ballot_procedural(&self, ballot: Ballot) -> bool {
        match ballot {
            Ballot::Motion(m) => self.motions[m as usize].procedural,
            Ballot::Amendment(a) => self.amendments[a as usize].procedural,
            Ballot::Draft(d) => self.drafts[d as usize].procedural,
        }
    }

    /// "motion", "amendment" or "draft", for reports.
    pub fn ballot_kind(&self, ballot: Ballot) -> &'static str {
        match ballot {
            Ballot::Motion(_) => "motion",
            Ballot::Amendment(_) => "amendment",
            Ballot::Draft(_) => "draft",
        }
    }
}

#[cfg(test)]
mod rounding_tests {
    use super::round_half_away;

    /// The same bits as `f64::round` on halves, their neighbours, signed zeros, huge
    /// values, infinities, NaN, and a million values spread over every magnitude.
    #[test]
    fn round_half_away_is_round_bit_for_bit() {
        let mut values = vec![
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for k in -2000..2000 {
            let half = k as f64 + 0.5;
            for x in [
                half,
                f64::from_bits(half.to_bits() + 1),
                f64::from_bits(half.to_bits() - 1),
                k as f64,
            ] {
                values.push(x);
                values.push(-x);
            }
        }
        for e in [
            0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
        ] {
            values.push(e);
            values.push(-e);
        }
        let mut bits = 0x1234_5678_9abc_def0_u64;
        for _ in 0..1_000_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            values.push(f64::from_bits(bits));
        }
        for x in values {
            let (got, want) = (round_half_away(x), x.round());
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{x:e}: {got:e} != {want:e}"
            );
        }
    }
}
