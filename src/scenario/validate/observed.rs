//! Checks `[observed]`, the real record that `backtest` compares the model with.
//!
//! Every ballot named exists, every member voted at most once and, when votes are listed,
//! every member is listed; a tally fits the body and agrees with the votes; a withdrawn
//! ballot has neither. Under [`Record::Checked`], and when the rules compiled, the result
//! and the vetoers must also follow from the votes under the scenario's rules (a sweep
//! cell that changes the rules checks the structure only).

use super::{Checker, Record};
use crate::memberset::MemberSet;
use crate::model::{Model, Observed, ObservedBallot};
use crate::outcome::BallotStatus;
use crate::procedure::{self, Decision};
use crate::scenario::limits;
use crate::scenario::raw::{RawObserved, RawObservedBallot};

/// Yes, no and abstain counts of one ballot.
type Tally = (u16, u16, u16);

impl Checker {
    /// The checked record of `raw` against the compiled `model`.
    pub(super) fn observed(&mut self, raw: &RawObserved, model: &Model) -> Observed {
        let ballots = raw
            .ballots
            .iter()
            .filter_map(|b| self.observed_ballot(b, model))
            .collect();
        Observed {
            source: raw.source.clone(),
            ballots,
        }
    }

    fn observed_ballot(&mut self, b: &RawObservedBallot, model: &Model) -> Option<ObservedBallot> {
        let Some(index) = model
            .ballots
            .iter()
            .position(|&x| model.ballot_id(x) == b.id.get_ref())
        else {
            self.error(
                b.id.span(),
                format!(
                    "`{}` is not a draft, amendment or motion of this scenario",
                    b.id.get_ref()
                ),
                "unknown ballot",
            );
            return None;
        };
        let result = match self.keyword(
            Some(&b.result),
            "observed result",
            &["adopted", "vetoed", "failed", "withdrawn"],
            "failed",
        ) {
            "adopted" => BallotStatus::Adopted,
            "vetoed" => BallotStatus::Vetoed,
            "withdrawn" => BallotStatus::Withdrawn,
            _ => BallotStatus::Failed,
        };
        let before = self.problems.len();
        let vetoed_by = self.vetoers(b, model, result);
        // A withdrawn ballot's votes are one problem (there are none), not also a list
        // of members missing from them or a tally that disagrees with them.
        let withdrawn = result == BallotStatus::Withdrawn;
        let votes = if withdrawn {
            None
        } else {
            self.observed_votes(b, model)
        };
        let tally = if withdrawn {
            None
        } else {
            self.observed_tally(b, model, votes.as_ref())
        };
        if withdrawn {
            self.never_voted(b);
        } else if self.judges_results() && self.problems.len() == before {
            let procedural = model.ballot_procedural(model.ballots[index]);
            self.observed_result(
                b,
                model,
                procedural,
                result,
                vetoed_by,
                votes.as_ref(),
                tally,
            );
        }
        Some(ObservedBallot {
            ballot: index,
            result,
            vetoed_by,
            votes,
            tally,
        })
    }

    /// Whether results are judged under the rules: the record is checked in full and the
    /// members and rules compiled (under broken rules every verdict would be noise).
    fn judges_results(&self) -> bool {
        self.record == Record::Checked && self.rules_ok
    }

    /// A withdrawn draft was never put to the vote: no votes, no tally.
    fn never_voted(&mut self, b: &RawObservedBallot) {
        let lists = [&b.yes, &b.no, &b.abstain, &b.absent];
        let first = lists
            .iter()
            .filter_map(|l| l.as_ref().map(|l| l.span()))
            .chain(b.tally.as_ref().map(|t| t.span()))
            .min_by_key(|span| span.start);
        if let Some(span) = first {
            self.error_help(
                span,
                format!(
                    "`{}` was withdrawn, so it has no votes and no tally",
                    b.id.get_ref()
                ),
                "a withdrawn ballot is never voted on",
                "remove yes, no, abstain, absent and tally, or record the result of the vote",
            );
        }
    }

    /// `vetoed_by`: veto holders only (when results are judged), and present exactly when
    /// the result is a veto.
    fn vetoers(&mut self, b: &RawObservedBallot, model: &Model, result: BallotStatus) -> MemberSet {
        let mut vetoed_by = MemberSet::EMPTY;
        for v in &b.vetoed_by {
            if let Some(i) = self.member(v, "vetoing member") {
                if self.judges_results() && !model.rules.veto.contains(i) {
                    self.error(
                        v.span(),
                        format!("`{}` holds no veto", v.get_ref()),
                        "not a veto holder",
                    );
                }
                vetoed_by.insert(i);
            }
        }
        if (result == BallotStatus::Vetoed) == vetoed_by.is_empty() {
            self.error(
                b.result.span(),
                "a vetoed result needs `vetoed_by`, and only a vetoed result has one",
                "result and vetoed_by disagree",
            );
        }
        vetoed_by
    }

    /// The yes, no, abstain and absent lists, when any is given: each member exactly once.
    fn observed_votes(&mut self, b: &RawObservedBallot, model: &Model) -> Option<[MemberSet; 4]> {
        let lists = [&b.yes, &b.no, &b.abstain, &b.absent];
        if lists.iter().all(|l| l.is_none()) {
            return None;
        }
        let mut sets = [MemberSet::EMPTY; 4];
        let mut seen = MemberSet::EMPTY;
        for (k, list) in lists.iter().enumerate() {
            for id in list.iter().flat_map(|l| l.get_ref()) {
                if let Some(i) = self.member(id, "voter") {
                    if seen.contains(i) {
                        self.error(
                            id.span(),
                            format!("`{}` voted twice on `{}`", id.get_ref(), b.id.get_ref()),
                            "second vote",
                        );
                    }
                    seen.insert(i);
                    sets[k].insert(i);
                }
            }
        }
        let missing: Vec<&str> = (0..model.members.len().min(limits::MAX_MEMBERS))
            .filter(|&i| !seen.contains(i))
            .map(|i| model.members.ids[i].as_str())
            .collect();
        if !missing.is_empty() {
            self.error_help(
                b.id.span(),
                format!(
                    "no recorded vote for {} on `{}`",
                    missing.join(", "),
                    b.id.get_ref()
                ),
                "every member must vote once",
                "list every member under yes, no, abstain or absent",
            );
        }
        Some(sets)
    }

    /// The tally as given or counted from the votes; a given tally must fit the body and
    /// agree with the listed votes.
    fn observed_tally(
        &mut self,
        b: &RawObservedBallot,
        model: &Model,
        votes: Option<&[MemberSet; 4]>,
    ) -> Option<Tally> {
        let n = model.members.len();
        let counted = votes.map(|v| (v[0].len() as u16, v[1].len() as u16, v[2].len() as u16));
        let Some(t) = &b.tally else { return counted };
        let [y, no, a] = *t.get_ref();
        // In i128, three i64 counts add up without overflow.
        let fits = |c: i64| (0..=n as i64).contains(&c);
        if !(fits(y) && fits(no) && fits(a)) || y as i128 + no as i128 + a as i128 > n as i128 {
            self.error(
                t.span(),
                format!(
                    "tally {y}-{no}-{a} does not fit {n} members: each count is from 0 to \
                     {n} and they add up to at most {n}"
                ),
                "impossible tally",
            );
            counted
        } else if counted.is_some_and(|v| v != (y as u16, no as u16, a as u16)) {
            let (vy, vn, va) = counted.unwrap_or_default();
            self.error(
                t.span(),
                format!("tally {y}-{no}-{a} disagrees with the listed votes ({vy}-{vn}-{va})"),
                "inconsistent tally",
            );
            counted
        } else {
            Some((y as u16, no as u16, a as u16))
        }
    }

    /// The result must follow from the votes (or the tally) under the scenario's rules.
    #[allow(clippy::too_many_arguments)]
    fn observed_result(
        &mut self,
        b: &RawObservedBallot,
        model: &Model,
        procedural: bool,
        result: BallotStatus,
        vetoed_by: MemberSet,
        votes: Option<&[MemberSet; 4]>,
        tally: Option<Tally>,
    ) {
        let consistent = match (votes, tally) {
            (Some(v), _) => {
                let decided = match procedure::decide(&model.rules, procedural, &v[0], &v[1]) {
                    Decision::Adopted => (BallotStatus::Adopted, MemberSet::EMPTY),
                    Decision::Vetoed(by) => (BallotStatus::Vetoed, by),
                    Decision::FailedForWantOfVotes => (BallotStatus::Failed, MemberSet::EMPTY),
                };
                decided == (result, vetoed_by)
            }
            (None, Some((y, no, _))) => {
                let carried = procedure::carried(&model.rules, procedural, y as usize, no as usize);
                carried == (result != BallotStatus::Failed)
            }
            (None, None) => true,
        };
        if !consistent {
            self.error(
                b.result.span(),
                format!(
                    "result `{}` does not follow from the recorded votes under this scenario's rules",
                    b.result.get_ref()
                ),
                "inconsistent result",
            );
        }
    }
}
