//! Checks the texts: drafts and their provisions, amendments (their targets and new
//! provisions), and procedural motions.

use super::Checker;
use crate::model::{
    AmendmentAction, Dimension, Draft, Motion, MotionKind, Negotiation, Provision, Tabling,
    MINUTES_PER_DAY,
};
use crate::scenario::limits;
use crate::scenario::raw::{self, Keyed, RawScenario};
use std::collections::BTreeSet;
use std::ops::Range;
use toml::Spanned;

impl Checker {
    pub(super) fn drafts(
        &mut self,
        raw: &RawScenario,
        dims: &[Dimension],
        negotiation: &Negotiation,
    ) -> (Vec<Provision>, Vec<Draft>) {
        let list = raw.drafts.get_ref();
        if list.is_empty() {
            self.error(
                raw.drafts.span(),
                "at least one draft is needed",
                "no drafts",
            );
        }
        self.limit(
            list.len(),
            limits::MAX_DRAFTS,
            || raw.drafts.span(),
            "drafts",
        );
        let mut seen = BTreeSet::new();
        let mut provisions = Vec::new();
        let mut drafts = Vec::new();
        for d in list {
            self.id(&d.id, "draft");
            if !seen.insert(d.id.get_ref().clone()) {
                self.error(
                    d.id.span(),
                    format!("draft `{}` is declared twice", d.id.get_ref()),
                    "duplicate id",
                );
            }
            let (penholder, penholders, joint) = self.penholders(d);
            let circulated = match &d.circulated_day {
                Some(c) => self.number(c, "circulated_day", 0.0, limits::MAX_VOTE_DAY),
                None => 0.0,
            };
            let circulated_at = (circulated * MINUTES_PER_DAY).round() as u64;
            let vote_at = match &d.vote_day {
                Some(v) => {
                    (self.number(v, "vote_day", 0.0, limits::MAX_VOTE_DAY) * MINUTES_PER_DAY)
                        .round() as u64
                }
                None => negotiation.vote_at,
            };
            if circulated_at > vote_at {
                if let Some(c) = &d.circulated_day {
                    self.error(
                        c.span(),
                        "a draft must be circulated before the vote day",
                        "after its vote_day",
                    );
                }
            }
            if d.provisions.get_ref().is_empty() {
                self.error(
                    d.provisions.span(),
                    format!("draft `{}` has no provisions", d.id.get_ref()),
                    "empty draft",
                );
            }
            let mut ids = BTreeSet::new();
            let mut own = Vec::new();
            for p in d.provisions.get_ref() {
                self.id(&p.id, "provision");
                if !ids.insert(p.id.get_ref().clone()) {
                    self.error(
                        p.id.span(),
                        format!(
                            "provision `{}` appears twice in draft `{}`",
                            p.id.get_ref(),
                            d.id.get_ref()
                        ),
                        "duplicate id",
                    );
                }
                let position = self.positions(&p.position, dims, "provision position");
                own.push(provisions.len() as u32);
                provisions.push(Provision::new(
                    p.id.get_ref().clone(),
                    p.text.clone(),
                    position,
                ));
            }
            drafts.push(Draft {
                id: d.id.get_ref().clone(),
                title: d.title.clone(),
                penholder,
                penholders,
                joint,
                vote_at,
                candidates: own.clone(),
                provisions: own,
                force_vote: d.force_vote.unwrap_or(!negotiation.withdraw_expected_veto),
                procedural: d.procedural.unwrap_or(false),
                circulated_at,
            });
        }
        self.limit(
            provisions.len(),
            limits::MAX_PROVISIONS,
            || raw.drafts.span(),
            "provisions",
        );
        (provisions, drafts)
    }

    fn draft_of(
        &mut self,
        named: Option<&Spanned<String>>,
        drafts: &[Draft],
        at: Range<usize>,
        what: &str,
    ) -> Option<usize> {
        match named {
            Some(name) => {
                let found = drafts.iter().position(|d| &d.id == name.get_ref());
                if found.is_none() {
                    self.error(
                        name.span(),
                        format!("unknown draft `{}`", name.get_ref()),
                        "no such draft",
                    );
                }
                found
            }
            None if drafts.len() == 1 => Some(0),
            None => {
                self.error(
                    at,
                    format!("{what} must name its `draft` when there are several"),
                    "which draft?",
                );
                None
            }
        }
    }

    pub(super) fn amendments(
        &mut self,
        raw: &RawScenario,
        dims: &[Dimension],
        provisions: &mut Vec<Provision>,
        drafts: &mut [Draft],
    ) -> Vec<crate::model::Amendment> {
        self.limit(
            raw.amendments.len(),
            limits::MAX_AMENDMENTS,
            || raw.amendments[0].id.span(),
            "amendments",
        );
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for a in &raw.amendments {
            self.id(&a.id, "amendment");
            if !seen.insert(a.id.get_ref().clone()) {
                self.error(
                    a.id.span(),
                    format!("amendment `{}` is declared twice", a.id.get_ref()),
                    "duplicate id",
                );
            } else if drafts.iter().any(|d| d.id == *a.id.get_ref()) {
                self.shared_ballot_id(a.id.span(), a.id.get_ref(), "amendment", "a draft");
            }
            let draft = self.draft_of(a.draft.as_ref(), drafts, a.id.span(), "an amendment");
            let (sponsors, participant_sponsors) = self.sponsors(&a.sponsors);
            let action = self.keyword(
                Some(&a.action),
                "amendment action",
                &["insert", "delete", "replace"],
                "insert",
            );
            let tabling = self.tabling(a.tabling.as_ref());
            let Some(d) = draft else { continue };
            let target = self.amendment_target(a, action, &drafts[d], provisions);
            let new = self.amendment_provision(a, action, dims, provisions, &mut drafts[d]);
            let action = match (action, target, new) {
                ("insert", _, Some(new)) => AmendmentAction::Insert { new },
                ("delete", Some(target), _) => AmendmentAction::Delete { target },
                ("replace", Some(target), Some(new)) => AmendmentAction::Replace { target, new },
                _ => continue,
            };
            out.push(crate::model::Amendment {
                id: a.id.get_ref().clone(),
                draft: d as u16,
                sponsors,
                participant_sponsors,
                action,
                tabling,
                procedural: a.procedural.unwrap_or(false),
            });
        }
        out
    }

    /// The provision an amendment deletes or replaces (an insert has none).
    fn amendment_target(
        &mut self,
        a: &raw::RawAmendment,
        action: &str,
        draft: &Draft,
        provisions: &[Provision],
    ) -> Option<u32> {
        match (&a.target, action) {
            (Some(t), "insert") => {
                self.error(
                    t.span(),
                    "an insert amendment takes no `target`",
                    "remove this",
                );
                None
            }
            (Some(t), _) => {
                let found = draft
                    .provisions
                    .iter()
                    .copied()
                    .find(|&p| provisions[p as usize].id == *t.get_ref());
                if found.is_none() {
                    let known: Vec<&str> = draft
                        .provisions
                        .iter()
                        .map(|&p| provisions[p as usize].id.as_str())
                        .collect();
                    self.error_help(
                        t.span(),
                        format!(
                            "draft `{}` has no provision `{}` to {action}",
                            draft.id,
                            t.get_ref()
                        ),
                        "no such provision",
                        format!("its provisions are: {}", known.join(", ")),
                    );
                }
                found
            }
            (None, "insert") => None,
            (None, _) => {
                self.error(
                    a.action.span(),
                    format!("a {action} amendment needs a `target` provision"),
                    "target missing",
                );
                None
            }
        }
    }

    /// The new provision an insert or replace amendment brings, added to `provisions` and
    /// to the draft's candidates.
    fn amendment_provision(
        &mut self,
        a: &raw::RawAmendment,
        action: &str,
        dims: &[Dimension],
        provisions: &mut Vec<Provision>,
        draft: &mut Draft,
    ) -> Option<u32> {
        if action == "delete" {
            if a.text.is_some() || a.position.is_some() {
                self.error(
                    a.id.span(),
                    "a delete amendment takes no `text` or `position`",
                    "delete removes a provision",
                );
            }
            None
        } else {
            if a.text.is_none() {
                self.error(
                    a.id.span(),
                    format!("a {action} amendment needs the `text` of its new provision"),
                    "text missing",
                );
            }
            if draft
                .provisions
                .iter()
                .any(|&p| provisions[p as usize].id == *a.id.get_ref())
            {
                self.error(
                    a.id.span(),
                    format!(
                        "amendment id `{}` clashes with a provision of its draft",
                        a.id.get_ref()
                    ),
                    "the new provision takes this id",
                );
            }
            let empty = Keyed::new();
            let position = self.positions(
                a.position.as_ref().unwrap_or(&empty),
                dims,
                "amendment position",
            );
            let index = provisions.len() as u32;
            provisions.push(Provision::new(
                a.id.get_ref().clone(),
                a.text.clone().unwrap_or_default(),
                position,
            ));
            draft.candidates.push(index);
            Some(index)
        }
    }

    /// Drafts, amendments and motions are all ballots, named by id in the record, the
    /// replication log and the reports: an id shared across kinds would make a record
    /// match the wrong ballot and two log columns carry one name.
    fn shared_ballot_id(
        &mut self,
        span: std::ops::Range<usize>,
        id: &str,
        kind: &str,
        other: &str,
    ) {
        self.error(
            span,
            format!(
                "{kind} `{id}` has the id of {other}; drafts, amendments and motions are all \
                 ballots and need ids of their own"
            ),
            "duplicate id",
        );
    }

    fn tabling(&mut self, value: Option<&Spanned<String>>) -> Tabling {
        match self.keyword(value, "tabling", &["if-wanted", "always"], "if-wanted") {
            "always" => Tabling::Always,
            _ => Tabling::IfWanted,
        }
    }

    pub(super) fn motions(&mut self, raw: &RawScenario, drafts: &[Draft]) -> Vec<Motion> {
        self.limit(
            raw.motions.len(),
            limits::MAX_MOTIONS,
            || raw.motions[0].id.span(),
            "motions",
        );
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for m in &raw.motions {
            self.id(&m.id, "motion");
            if !seen.insert(m.id.get_ref().clone()) {
                self.error(
                    m.id.span(),
                    format!("motion `{}` is declared twice", m.id.get_ref()),
                    "duplicate id",
                );
            } else if drafts.iter().any(|d| d.id == *m.id.get_ref()) {
                self.shared_ballot_id(m.id.span(), m.id.get_ref(), "motion", "a draft");
            } else if raw
                .amendments
                .iter()
                .any(|a| a.id.get_ref() == m.id.get_ref())
            {
                self.shared_ballot_id(m.id.span(), m.id.get_ref(), "motion", "an amendment");
            }
            self.keyword(Some(&m.kind), "motion kind", &["postpone"], "postpone");
            let days = match &m.days {
                Some(d) => self.number(d, "days", 1.0 / MINUTES_PER_DAY, 30.0),
                None => 1.0,
            };
            let movers = self.member_set(&m.movers, "mover");
            let tabling = self.tabling(m.tabling.as_ref());
            let draft = self.draft_of(m.draft.as_ref(), drafts, m.id.span(), "a motion");
            if let Some(d) = draft {
                out.push(Motion {
                    id: m.id.get_ref().clone(),
                    kind: MotionKind::Postpone {
                        minutes: (days * MINUTES_PER_DAY).round() as u64,
                    },
                    draft: d as u16,
                    movers,
                    tabling,
                    procedural: m.procedural.unwrap_or(true),
                });
            }
        }
        out
    }
}
