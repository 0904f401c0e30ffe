//! Consultations: circulation, rounds in which members ask for changes and the penholder
//! answers, lobbying contacts, and instructions from capitals.

use super::{Event, Replication, Scratch};
use crate::behaviour::{self, intended_vote, Vote, VoteProbabilities};
use crate::decision::{Choice, Decider, Question, Request};
use crate::engine::rng;
use crate::procedure;
use crate::trace::{Ask, Expectation, TraceEvent, Tracer, Verdict};

/// The penholder's weighing of one ask.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Weighing {
    verdict: Verdict,
    before: Expectation,
    full: Expectation,
    /// The asker's compromise (target position, E), when one was considered.
    compromise: Option<(f64, Expectation)>,
}

/// A change must raise the penholder's expected value by more than this to be accepted,
/// so rounding noise never passes for a gain.
const MIN_GAIN: f64 = 1e-12;

impl Replication<'_> {
    pub(super) fn circulate<T: Tracer>(&mut self, d: usize, tracer: &mut T) {
        if T::ENABLED {
            tracer.record(self.now, TraceEvent::Circulated { draft: d as u16 });
        }
        if self.model.negotiation.consultations {
            self.schedule_round(d);
        }
    }

    /// Opens a consultation round on draft `d` if it can end before the meeting, with one
    /// lobbying contact per relation at a uniform time inside it.
    pub(super) fn schedule_round(&mut self, d: usize) {
        let length = rng::duration(&mut self.consultations, self.model.negotiation.round_length);
        let end = self.now + length;
        if end >= self.draft_meeting_at(d) {
            return;
        }
        for relation in 0..self.model.relations.len() {
            let at = self.now + rng::index(&mut self.consultations, length as usize) as u64;
            self.schedule(
                at,
                Event::Lobby {
                    relation: relation as u32,
                    draft: d as u16,
                },
            );
        }
        self.schedule(end, Event::RoundEnd(d as u16));
    }

    /// The end of a round: every member that would not vote yes asks for one change, in
    /// member order, and the penholder answers each before the next is heard.
    pub(super) fn round_end<T: Tracer, D: Decider>(
        &mut self,
        d: usize,
        tracer: &mut T,
        decider: &mut D,
    ) {
        if self.frozen[d] {
            return;
        }
        self.draft_rounds[d] += 1;
        self.outcome.rounds += 1;
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::RoundEnded {
                    draft: d as u16,
                    round: self.draft_rounds[d],
                },
            );
        }
        let model = self.model;
        let penholders = model.drafts[d].penholders;
        let mut s = self.lend_scratch();
        // The penholder's E for the current text; nothing but its own answers changes the
        // text, ideal points or pressure during a round, so it is computed once and updated.
        let mut current: Option<Expectation> = None;
        let mut last_refusal: Option<(Ask, f64, Weighing)> = None;
        // Members in id order, then participants (rule 37: invited States speak too).
        let n = model.members.len();
        // The text version whose members' Δ are in `s.asking`: only the penholder's answers
        // change anything a member's Δ depends on during a round, and each change of the
        // text bumps the version, so the Δ are computed in one pass per text.
        let mut asking_at: Option<u32> = None;
        for i in 0..model.agent_count() {
            if penholders.contains(i) {
                continue;
            }
            let (delta, threshold) = if i < n {
                if asking_at != Some(self.version[d]) {
                    self.member_utilities(self.texts[d].position(), &mut s.asking_utility);
                    s.asking.copy_from_slice(&s.asking_utility);
                    self.deltas_of_utilities(d, &mut s.asking);
                    asking_at = Some(self.version[d]);
                }
                (s.asking[i], model.draft_stance(d, i).yes)
            } else {
                let (delta, threshold, _) = self.agent_delta(i, d, self.texts[d].position());
                (delta, threshold)
            };
            let chosen = if D::ACTIVE && decider.controls(i) {
                self.human_ask(i, d, delta, threshold, &mut s, tracer, decider)
            } else if delta > threshold {
                continue;
            } else {
                let known = (i < n).then(|| s.asking_utility[i]);
                self.choose_ask(i, d, known, &mut s)
            };
            let Some((ask, gain)) = chosen else {
                continue;
            };
            if T::ENABLED {
                tracer.record(
                    self.now,
                    TraceEvent::Asked {
                        draft: d as u16,
                        member: i as u16,
                        ask,
                        gain,
                        delta,
                        threshold,
                    },
                );
            }
            let before = match current {
                Some(e) => e,
                // The members' Δ on the text as it stands were just computed (who asks).
                None if asking_at == Some(self.version[d]) => {
                    s.deltas.copy_from_slice(&s.asking);
                    self.expectation_of_deltas(d, &mut s)
                }
                None => self.expectation(d, self.texts[d].position(), &mut s),
            };
            // Members with the same stance often make the same ask; on an unchanged text the
            // penholder's weighing of it is the same, so a refusal is remembered.
            // (A human penholder's answer is not the weighing's, so it is never remembered.)
            let flexibility = model.members.flexibility[i];
            let pen = model.drafts[d].penholder as usize;
            let human_pen = D::ACTIVE && decider.controls(pen);
            // A human penholder is shown every E, and may take an option the bot would
            // not: its weighing computes them all.
            let exact = T::ENABLED || human_pen;
            let mut weighing = match last_refusal {
                Some((a, f, w)) if a == ask && f == flexibility && !human_pen => w,
                _ => self.weigh(i, d, ask, before, exact, &mut s),
            };
            if human_pen {
                let request = Request {
                    seat: pen as u16,
                    minute: self.now,
                    question: Question::Answer {
                        draft: d as u16,
                        asker: i as u16,
                        ask,
                        before: weighing.before,
                        full: weighing.full,
                        compromise: weighing.compromise,
                    },
                };
                let bot = Choice::Answer(weighing.verdict);
                if let Choice::Answer(v) = self.ask_decider(request, bot, tracer, decider) {
                    weighing.verdict = v;
                }
            }
            last_refusal = (weighing.verdict == Verdict::Refused && !human_pen).then_some((
                ask,
                flexibility,
                weighing,
            ));
            current = Some(self.answer(i, d, ask, weighing, tracer));
        }
        self.scratch = Some(s);
        self.schedule_round(d);
    }

    /// What member `i` asks for on draft `d`: the declared amendment it sponsors that it
    /// gains most from, else a move of the text to its ideal point on the dimension that
    /// costs it most. Refusals last until the text changes, with different scope: a refused
    /// declared amendment is skipped by every sponsor (memory per amendment), a refused move
    /// only by the member refused, and only on the dimension it was refused on — if that is
    /// still the dimension that costs it most, the member asks nothing (memory per asker).
    /// `known` is the asker's utility of the text as it stands, if the caller has it.
    fn choose_ask(
        &self,
        i: usize,
        d: usize,
        known: Option<f64>,
        s: &mut Scratch,
    ) -> Option<(Ask, f64)> {
        let model = self.model;
        let text = &self.texts[d];
        let now_utility = known.unwrap_or_else(|| self.utility(i, text.position()));
        let version = self.version[d] + 1;
        let mut best: Option<(Ask, f64)> = None;
        for &a in self.sponsored(d, i) {
            let a = a as usize;
            if self.incorporated[a] || self.amendment_refused_at[a] == version {
                continue;
            }
            let Some(amended) = self.amended_position(a, d, s) else {
                continue;
            };
            let gain = self.utility(i, amended) - now_utility;
            if gain > MIN_GAIN && best.is_none_or(|(_, g)| gain > g) {
                best = Some((Ask::Amendment(a as u16), gain));
            }
        }
        if best.is_some() {
            return best;
        }
        let k = model.dim_count();
        let position = text.position();
        let mut worst: Option<(usize, f64)> = None;
        let ideal = &self.ideal[i * k..(i + 1) * k];
        let salience = &model.members.salience[i * k..(i + 1) * k];
        for (dim, ((&at, &x), &s)) in position.iter().zip(ideal).zip(salience).enumerate() {
            let loss = s * behaviour::distance_term(x - at, model.distance_exponent);
            if loss > MIN_GAIN && worst.is_none_or(|(_, l)| loss > l) {
                worst = Some((dim, loss));
            }
        }
        let (dim, loss) = worst?;
        if self.soften_refused[d * model.agent_count() + i] == (dim as u16, version) {
            return None;
        }
        let ask = Ask::Soften {
            dim: dim as u16,
            from: position[dim],
            to: model.dims[dim].snap(self.ideal[i * k + dim]),
        };
        Some((ask, loss))
    }

    /// The position of draft `d`'s current text with amendment `a` applied, or `None` if
    /// the amendment has lapsed on it; remembered in `s.amended` for the text's version.
    pub(super) fn amended_position<'s>(
        &self,
        a: usize,
        d: usize,
        s: &'s mut Scratch,
    ) -> Option<&'s [f64]> {
        let model = self.model;
        let k = model.dim_count();
        let version = self.version[d];
        let cache = &mut s.amended;
        let (epoch, seen, applies) = cache.key[a];
        let valid = seen == version + 1 && (version == 0 || epoch == self.epoch);
        let applies = if valid {
            applies
        } else {
            s.text.copy_from(&self.texts[d]);
            let applies = s.text.apply(model, model.amendments[a].action);
            if applies {
                cache.position[a * k..(a + 1) * k].copy_from_slice(s.text.position());
            }
            cache.key[a] = (self.epoch, version + 1, applies);
            applies
        };
        applies.then(|| &cache.position[a * k..(a + 1) * k])
    }

    /// The ask of a human seat `i` on draft `d`: its bot's ask (none if Δ > a, as in a
    /// bot-only run) is the suggestion; the human may ask for any declared amendment it
    /// sponsors that still applies, or for any move on a dimension. Returns the ask with
    /// the seat's utility gain from it.
    #[allow(clippy::too_many_arguments)]
    fn human_ask<T: Tracer, D: Decider>(
        &self,
        i: usize,
        d: usize,
        delta: f64,
        threshold: f64,
        s: &mut Scratch,
        tracer: &mut T,
        decider: &mut D,
    ) -> Option<(Ask, f64)> {
        let model = self.model;
        let bot = if delta > threshold {
            None
        } else {
            self.choose_ask(i, d, None, s)
        };
        let text = &self.texts[d];
        let now_utility = self.utility(i, text.position());
        let mut amendments = Vec::new();
        for &a in self.sponsored(d, i) {
            let a = a as usize;
            if self.incorporated[a] {
                continue;
            }
            s.text.copy_from(text);
            if s.text.apply(model, model.amendments[a].action) {
                let gain = self.utility(i, s.text.position()) - now_utility;
                amendments.push((a as u16, gain));
            }
        }
        let k = model.dim_count();
        let request = Request {
            seat: i as u16,
            minute: self.now,
            question: Question::Ask {
                draft: d as u16,
                delta,
                threshold,
                position: text.position().to_vec(),
                ideal: self.ideal[i * k..(i + 1) * k].to_vec(),
                amendments,
            },
        };
        let Choice::Ask(Some(ask)) =
            self.ask_decider(request, Choice::Ask(bot.map(|(a, _)| a)), tracer, decider)
        else {
            return None;
        };
        if let Some((bot_ask, gain)) = bot {
            if bot_ask == ask {
                return Some((ask, gain));
            }
        }
        s.text.copy_from(text);
        match ask {
            Ask::Amendment(a) => {
                s.text.apply(model, model.amendments[a as usize].action);
            }
            Ask::Soften { dim, to, .. } => s.text.reword(model, dim as usize, to),
        }
        Some((ask, self.utility(i, s.text.position()) - now_utility))
    }

    /// The amendments agent `i` sponsors on draft `d`, in scenario order.
    #[inline]
    pub(super) fn sponsored(&self, d: usize, i: usize) -> &[u16] {
        let row = d * self.model.agent_count() + i;
        let (from, to) = (self.sponsored_from[row], self.sponsored_from[row + 1]);
        &self.sponsored[from as usize..to as usize]
    }

    /// Whether agent `i` (member or participant) sponsors `amendment`.
    #[inline]
    pub(super) fn sponsors(&self, amendment: &crate::model::Amendment, i: usize) -> bool {
        let n = self.model.members.len();
        if i < n {
            amendment.sponsors.contains(i)
        } else {
            amendment.participant_sponsors.contains(i - n)
        }
    }

    /// How the penholder weighs an ask. It values the text as asked and, for a softening
    /// when compromises are allowed, the asker's compromise (the move cut by the asker's
    /// flexibility φ: to `from + (1 − φ)·(to − from)`), by E = P(adopt)·Δ_pen, and picks
    /// whichever raises E over `before` most; if neither does, it refuses. Unless `exact` (a tracer
    /// reports every E), an option that could not beat the best so far whatever its
    /// P(adopt) is not given one (see [`Self::expectation_above`]): the verdict is the same.
    fn weigh(
        &self,
        i: usize,
        d: usize,
        ask: Ask,
        before: Expectation,
        exact: bool,
        s: &mut Scratch,
    ) -> Weighing {
        let model = self.model;
        // Only the position of the text as asked is weighed ([`Self::answer`] writes an
        // accepted ask into the text itself). An amendment's is remembered per text version
        // (see `amended_position`), the same bits as applying it to a copy of the text; a
        // lapsed amendment changes nothing, so the text as asked is the text.
        let mut position = std::mem::take(&mut s.asked);
        match ask {
            Ask::Amendment(a) => {
                let amended = self.amended_position(a as usize, d, s);
                position.copy_from_slice(amended.unwrap_or(self.texts[d].position()));
            }
            Ask::Soften { dim, to, .. } => {
                self.texts[d].reworded_position(model, dim as usize, to, &mut position)
            }
        }
        if model.drafts[d].joint {
            let weighing = self.weigh_jointly(i, d, ask, before, &position, s);
            s.asked = position;
            return weighing;
        }
        let mut best = (Verdict::Refused, before.expected() + MIN_GAIN);
        let full = self.expectation_above(d, &position, best.1, exact, s);
        s.asked = position;
        if full.expected() > best.1 {
            best = (Verdict::Accepted, full.expected());
        }
        let compromise =
            self.weigh_compromise(i, d, ask, best.1, exact, s)
                .inspect(|&(target, e)| {
                    if e.expected() > best.1 {
                        best = (Verdict::Compromise(target), e.expected());
                    }
                });
        Weighing {
            verdict: best.0,
            before,
            full,
            compromise,
        }
    }

    /// The asker's compromise on a move, when the scenario allows compromises and the
    /// asker's flexibility φ is strictly between 0 and 1: the move cut to
    /// `from + (1 − φ)·(to − from)` (snapped on a whole-number dimension), with its target
    /// and E (E by [`Self::expectation_above`] with
    /// `threshold` and `exact`). Shared by [`Self::weigh`] and [`Self::weigh_jointly`],
    /// which differ only in how they compare the options.
    fn weigh_compromise(
        &self,
        i: usize,
        d: usize,
        ask: Ask,
        threshold: f64,
        exact: bool,
        s: &mut Scratch,
    ) -> Option<(f64, Expectation)> {
        let model = self.model;
        let Ask::Soften { dim, from, to } = ask else {
            return None;
        };
        let share = 1.0 - model.members.flexibility[i];
        if !(model.negotiation.compromise && share > 0.0 && share < 1.0) {
            return None;
        }
        let target = model.dims[dim as usize].snap(from + share * (to - from));
        let mut offer = std::mem::take(&mut s.compromise);
        self.texts[d].reworded_position(model, dim as usize, target, &mut offer);
        let e = self.expectation_above(d, &offer, threshold, exact, s);
        s.compromise = offer;
        Some((target, e))
    }

    /// [`Self::weigh`] for co-penholders without a lead: an option is acceptable only if it
    /// raises every penholder's E_j = P(adopt)·Δ_j, and of the acceptable ones the penholders
    /// take the one whose smallest rise is largest; if none is acceptable, they refuse.
    /// `asked` is the position of the text as asked. (E of the first listed penholder is
    /// reported.)
    fn weigh_jointly(
        &self,
        i: usize,
        d: usize,
        ask: Ask,
        before: Expectation,
        asked: &[f64],
        s: &mut Scratch,
    ) -> Weighing {
        let model = self.model;
        let penholders = model.drafts[d].penholders;
        let now = self.expectation(d, self.texts[d].position(), s);
        for j in penholders.iter() {
            s.pen_before[j] = now.p_adopt * s.deltas[j];
        }
        // The smallest rise of E over the penholders for the text whose expectation `e`
        // just left every Δ in `s.deltas`.
        let smallest_rise = |e: Expectation, s: &Scratch| {
            penholders
                .iter()
                .map(|j| e.p_adopt * s.deltas[j] - s.pen_before[j])
                .fold(f64::INFINITY, f64::min)
        };
        let full = self.expectation(d, asked, s);
        let mut best = (Verdict::Refused, MIN_GAIN);
        let rise = smallest_rise(full, s);
        if rise > best.1 {
            best = (Verdict::Accepted, rise);
        }
        // Co-penholders compare rises of E, not E itself: every E is computed.
        let compromise = self.weigh_compromise(i, d, ask, f64::NEG_INFINITY, true, s);
        let compromise = compromise.inspect(|&(target, e)| {
            // `weigh_compromise` computed E last, so `s.deltas` are the compromise's.
            let rise = smallest_rise(e, s);
            if rise > best.1 {
                best = (Verdict::Compromise(target), rise);
            }
        });
        Weighing {
            verdict: best.0,
            before,
            full,
            compromise,
        }
    }

    /// Carries out the penholder's answer (from [`Self::weigh`]) and returns E for the text
    /// as it stands afterwards.
    fn answer<T: Tracer>(
        &mut self,
        i: usize,
        d: usize,
        ask: Ask,
        weighing: Weighing,
        tracer: &mut T,
    ) -> Expectation {
        let model = self.model;
        let Weighing {
            verdict,
            before,
            full,
            compromise,
        } = weighing;
        let after = match verdict {
            Verdict::Accepted => {
                // The text as asked, made as the weighing made it (the same operations on
                // the same text, so the same bits).
                match ask {
                    Ask::Amendment(a) => {
                        self.texts[d].apply(model, model.amendments[a as usize].action);
                        self.incorporated[a as usize] = true;
                    }
                    Ask::Soften { dim, to, .. } => self.texts[d].reword(model, dim as usize, to),
                }
                full
            }
            Verdict::Compromise(_) => {
                // The compromise as weighed: the same move of the same text, so the same bits.
                if let (Some((target, e)), Ask::Soften { dim, .. }) = (compromise, ask) {
                    self.texts[d].reword(model, dim as usize, target);
                    e
                } else {
                    before
                }
            }
            Verdict::Refused => before,
        };
        let version = self.version[d] + 1;
        match (verdict, ask) {
            (Verdict::Refused, Ask::Amendment(a)) => {
                self.amendment_refused_at[a as usize] = version
            }
            (Verdict::Refused, Ask::Soften { dim, .. }) => {
                self.soften_refused[d * model.agent_count() + i] = (dim, version)
            }
            _ => self.version[d] += 1,
        }
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Answered {
                    draft: d as u16,
                    member: i as u16,
                    ask,
                    verdict,
                    before,
                    full,
                    compromise: compromise.map(|(_, e)| e),
                },
            );
        }
        after
    }

    /// [`Self::expectation`] when E could exceed `threshold` or `exact` is asked for.
    /// Otherwise only the penholder's Δ is computed and P(adopt) is left NaN: E = P·Δ with
    /// 0 ≤ P ≤ 1 is at most max(Δ, 0), so if that is not above `threshold` no P(adopt)
    /// could make the text beat it, and the comparison `E > threshold` is false either
    /// way (NaN compares false). Most asks are refused this way without any DP: the text
    /// as asked is worth less to the penholder than the current one is expected to be.
    fn expectation_above(
        &self,
        d: usize,
        position: &[f64],
        threshold: f64,
        exact: bool,
        s: &mut Scratch,
    ) -> Expectation {
        if !exact {
            let penholder = self.model.drafts[d].penholder as usize;
            let value = self.draft_delta(penholder, d, position);
            // A computed P(adopt) may exceed 1 by rounding; the margin covers that.
            let most = if value > 0.0 {
                value * (1.0 + 1e-9)
            } else {
                0.0
            };
            if most <= threshold {
                return Expectation {
                    p_adopt: f64::NAN,
                    value,
                };
            }
        }
        self.expectation(d, position, s)
    }

    /// The penholder's view of a text at `position` as draft `d`: exact P(adopt) from every
    /// member's independent vote probabilities, and its own Δ.
    pub(super) fn expectation(&self, d: usize, position: &[f64], s: &mut Scratch) -> Expectation {
        self.member_deltas(d, position, &mut s.deltas);
        self.expectation_of_deltas(d, s)
    }

    /// [`Self::expectation`] for a text whose members' Δ are already in `s.deltas`.
    fn expectation_of_deltas(&self, d: usize, s: &mut Scratch) -> Expectation {
        let model = self.model;
        self.member_probabilities(d, s);
        let p_adopt = procedure::adoption_probability(
            &model.rules,
            model.drafts[d].procedural,
            &s.probs,
            &mut s.dp,
        );
        Expectation {
            p_adopt,
            value: s.deltas[model.drafts[d].penholder as usize],
        }
    }

    /// Every member's vote probabilities on draft `d` (`s.probs`) from its Δ in `s.deltas`,
    /// remembered per member and exact Δ.
    pub(super) fn member_probabilities(&self, d: usize, s: &mut Scratch) {
        let model = self.model;
        let n = model.members.len();
        let b = model.draft_ballot[d] as usize;
        let rows = s
            .deltas
            .iter()
            .zip(&model.stances[b * n..(b + 1) * n])
            .zip(&model.prob_row[d * n..(d + 1) * n]);
        for (i, ((&delta, stance), &row)) in rows.enumerate() {
            // The memo's row is the member's own unless its stance on this draft differs
            // (per-ballot overrides), so a remembered value is always this stance's.
            s.probs[i] = s.memo.get(row as usize, delta, || {
                let p = behaviour::vote_probabilities(delta, stance.yes, stance.no, stance.tau);
                if !model.any_absence {
                    return p;
                }
                // An absent member counts like an abstention under every rule.
                let t = stance.turnout;
                VoteProbabilities {
                    yes: p.yes * t,
                    no: p.no * t,
                    abstain: p.abstain * t + (1.0 - t),
                }
            });
        }
    }

    /// A lobbying contact: `from` pulls `to` toward its own intended vote on the draft
    /// (+pull if it intends yes, −pull if no, nothing if it abstains). The latest contact
    /// of each relation counts.
    pub(super) fn lobby<T: Tracer>(&mut self, r: usize, d: usize, tracer: &mut T) {
        if self.frozen[d] {
            return;
        }
        let model = self.model;
        let relation = model.relations[r];
        let from = relation.from as usize;
        let (delta, a, b) = self.agent_delta(from, d, self.texts[d].position());
        let intended = intended_vote(delta, a, b);
        let shift = match intended {
            Vote::Yes => relation.pull,
            Vote::No => -relation.pull,
            Vote::Abstain => 0.0,
        };
        let slot = d * model.relations.len() + r;
        let n = model.members.len();
        self.pressure[d * n + relation.to as usize] += shift - self.lobbying[slot];
        self.lobbying[slot] = shift;
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Lobbied {
                    relation: r as u32,
                    draft: d as u16,
                    intended,
                    shift,
                },
            );
        }
    }

    /// A capital's instruction: a uniformly drawn member's ideal point moves on a uniformly
    /// drawn dimension by U(−size, size)·range, clamped to the range.
    pub(super) fn instruction<T: Tracer>(&mut self, tracer: &mut T) {
        self.instruction_pending = false;
        let model = self.model;
        let k = model.dim_count();
        let i = rng::index(&mut self.instructions, model.members.len());
        let dim = rng::index(&mut self.instructions, k);
        let u = rng::open_unit(&mut self.instructions);
        let range = &model.dims[dim];
        let step = (2.0 * u - 1.0) * model.negotiation.instruction_size * (range.hi - range.lo);
        let from = self.ideal[i * k + dim];
        let to = (from + step).clamp(range.lo, range.hi);
        self.set_ideal(i, dim, to);
        self.refresh_status_quo_utility(i);
        if T::ENABLED {
            tracer.record(
                self.now,
                TraceEvent::Instruction {
                    member: i as u16,
                    dim: dim as u16,
                    from,
                    to,
                },
            );
        }
        self.schedule_instruction();
    }
}
