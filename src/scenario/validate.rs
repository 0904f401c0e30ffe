//! Checks a parsed scenario and compiles it into a [`Model`].
//!
//! Every check records a [`Problem`] and carries on, so one run reports everything wrong
//! with a file. A model is returned only when there is no problem at all.

mod members;
mod observed;
mod texts;

use super::diagnostics::{number, Problem};
use super::limits;
use super::raw::{self, Keyed, RawScenario};
use crate::memberset::MemberSet;
use crate::model::{
    Ballot, BallotStance, Condition, ConditionKind, Dimension, Duration, Majority, Meeting,
    Members, Model, MonteCarloDefaults, Negotiation, Reference, Relation, Rules, MINUTES_PER_DAY,
};
use crate::text::{substance_distance, Text};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

/// Compiles `raw` into a model, or returns every problem found.
pub fn compile(raw: &RawScenario, sha256: String) -> Result<Model, Vec<Problem>> {
    compile_with(raw, sha256, Record::Checked)
}

/// How far `[observed]` is checked. Only `check` and `backtest` read the record; a sweep
/// cell changes the rules, under which the record need not follow any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Everything, including that each result follows from its votes under the rules.
    Checked,
    /// Only its structure: ballots and members exist, each member votes once, tallies fit.
    Structure,
}

/// [`compile`], with the record checked as far as `record` says.
pub fn compile_with(
    raw: &RawScenario,
    sha256: String,
    record: Record,
) -> Result<Model, Vec<Problem>> {
    let mut c = Checker {
        record,
        ..Checker::default()
    };
    let model = c.compile(raw, sha256);
    if c.problems.is_empty() {
        Ok(model)
    } else {
        // A value shared by several members (a template's) is checked for each of them;
        // the user hears about each problem once.
        let mut seen = BTreeSet::new();
        c.problems
            .retain(|p| seen.insert((p.span.start, p.span.end, p.message.clone())));
        Err(c.problems)
    }
}

struct Checker {
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    record: Record,
    dim_index: BTreeMap<String, usize>,
    member_index: BTreeMap<String, usize>,
    participant_index: BTreeMap<String, usize>,
    /// Whether the body's size and rules compiled without a problem, so that a recorded
    /// result can be judged under them.
    rules_ok: bool,
}

impl Default for Checker {
    fn default() -> Self {
        Checker {
            problems: Vec::new(),
            warnings: Vec::new(),
            record: Record::Checked,
            dim_index: BTreeMap::new(),
            member_index: BTreeMap::new(),
            participant_index: BTreeMap::new(),
            rules_ok: false,
        }
    }
}

/// Whether `id` may name something in a scenario: ASCII letters, digits and `_ - . / :`,
/// not starting with `-`. Ids reach CSV cells and headers, tables and terminals; this set
/// holds ISO codes and UN symbols (`S/2024/123`) and cannot start a spreadsheet formula
/// (`=`, `+`, `-`, `@`) or carry a control character.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':'))
}

impl Checker {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, label: impl Into<String>) {
        self.problems.push(Problem::new(span, message, label));
    }

    fn error_help(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.problems
            .push(Problem::new(span, message, label).with_help(help));
    }

    /// Reports `count` items beyond their limit `max` (one of [`limits`]), at `span`.
    fn limit(&mut self, count: usize, max: usize, span: impl FnOnce() -> Range<usize>, what: &str) {
        if count > max {
            self.error(
                span(),
                format!("{count} {what} exceed the limit of {max}"),
                format!("too many {what}"),
            );
        }
    }

    /// Reports `id` (of a `what`) unless [`valid_id`].
    fn id(&mut self, id: &Spanned<String>, what: &str) {
        if !valid_id(id.get_ref()) {
            self.error_help(
                id.span(),
                format!("{what} id `{}` is not a valid id", id.get_ref()),
                "invalid id",
                "ids use letters, digits and _ - . / : and do not start with -",
            );
        }
    }

    /// A finite number within [lo, hi] (either bound may be open-ended with ±∞).
    fn number(&mut self, v: &Spanned<f64>, what: &str, lo: f64, hi: f64) -> f64 {
        let x = *v.get_ref();
        if !x.is_finite() || x < lo || x > hi {
            let (l, h) = (number(lo), number(hi));
            let expected = match (lo.is_finite(), hi.is_finite()) {
                (true, true) => format!("a number from {l} to {h}"),
                (true, false) => format!("a number ≥ {l}"),
                (false, true) => format!("a number ≤ {h}"),
                (false, false) => "a finite number".to_string(),
            };
            self.error(
                v.span(),
                format!("{what} must be {expected}, found {}", number(x)),
                format!("expected {expected}"),
            );
            // Any in-range value will do: the model is discarded when there are problems.
            return if lo <= hi { 0.0f64.clamp(lo, hi) } else { 0.0 };
        }
        x
    }

    fn member(&mut self, id: &Spanned<String>, role: &str) -> Option<usize> {
        let found = self.member_index.get(id.get_ref().as_str()).copied();
        if found.is_none() {
            let known: Vec<&str> = self.member_index.keys().map(String::as_str).collect();
            self.error_help(
                id.span(),
                format!("unknown member `{}` as {role}", id.get_ref()),
                "not a member of this body",
                format!("members are: {}", known.join(", ")),
            );
        }
        // Beyond the member limit (already reported) an index would not fit a MemberSet.
        found.filter(|&i| i < limits::MAX_MEMBERS)
    }

    fn member_set(&mut self, ids: &Spanned<Vec<Spanned<String>>>, role: &str) -> MemberSet {
        if ids.get_ref().is_empty() {
            self.error(
                ids.span(),
                format!("at least one {role} is needed"),
                "empty list",
            );
        }
        let mut set = MemberSet::EMPTY;
        for id in ids.get_ref() {
            if let Some(i) = self.member(id, role) {
                if set.contains(i) {
                    self.error(
                        id.span(),
                        format!("{role} `{}` is listed twice", id.get_ref()),
                        "duplicate",
                    );
                }
                set.insert(i);
            }
        }
        set
    }

    fn keyword<'a>(
        &mut self,
        value: Option<&Spanned<String>>,
        what: &str,
        allowed: &[&'a str],
        default: &'a str,
    ) -> &'a str {
        let Some(v) = value else { return default };
        match allowed.iter().find(|a| **a == v.get_ref().as_str()) {
            Some(a) => a,
            None => {
                let expected = allowed
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(" or ");
                self.error(
                    v.span(),
                    format!("unknown {what} \"{}\": expected {expected}", v.get_ref()),
                    format!("expected {expected}"),
                );
                default
            }
        }
    }

    /// Positions keyed by dimension id → a dense vector (NaN where silent).
    fn positions(&mut self, map: &Keyed<Spanned<f64>>, dims: &[Dimension], what: &str) -> Vec<f64> {
        let mut out = vec![f64::NAN; dims.len()];
        for (key, value) in map {
            match self.dim_index.get(key.get_ref().as_str()).copied() {
                Some(d) => {
                    out[d] = self.number(
                        value,
                        &format!("{what} on `{}`", key.get_ref()),
                        dims[d].lo,
                        dims[d].hi,
                    );
                    let is_text = what != "ideal point";
                    if is_text && dims[d].integer && out[d].fract() != 0.0 {
                        self.error(
                            value.span(),
                            format!(
                                "`{}` counts things (integer = true): a {what} on it must be a whole number, found {}",
                                key.get_ref(),
                                out[d]
                            ),
                            "expected a whole number",
                        );
                    }
                }
                None => self.unknown_dimension(key),
            }
        }
        out
    }

    fn unknown_dimension(&mut self, key: &Spanned<String>) {
        let known: Vec<&str> = self.dim_index.keys().map(String::as_str).collect();
        self.error_help(
            key.span(),
            format!("unknown dimension `{}`", key.get_ref()),
            "not declared under [dimensions]",
            format!("dimensions are: {}", known.join(", ")),
        );
    }

    fn compile(&mut self, raw: &RawScenario, sha256: String) -> Model {
        let dims = self.dimensions(raw);
        self.templates(raw, &dims);
        let (members, bloc_lists) = self.members(raw, &dims);
        let blocs = self.blocs(raw, &bloc_lists);
        let mut members = members;
        for (i, list) in bloc_lists.iter().enumerate() {
            members.primary_bloc[i] = list.first().map(|&b| b as u16);
        }
        let participants = self.participants(raw, &dims, &mut members);
        let relations = self.relations(raw);
        let before_rules = self.problems.len();
        let rules = self.rules(raw, &members);
        self.rules_ok = self.problems.len() == before_rules
            && (1..=limits::MAX_MEMBERS).contains(&members.len());
        let distance_exponent = match &raw.model.distance_exponent {
            Some(p) => self.number(p, "distance_exponent", 1.0, 8.0),
            None => 2.0,
        };
        let noise_scale = match &raw.model.noise_scale {
            Some(k) => self.number(k, "noise_scale", 0.0, 1000.0),
            None => 1.0,
        };
        let negotiation = self.negotiation(raw);
        let (mut provisions, mut drafts) = self.drafts(raw, &dims, &negotiation);
        let amendments = self.amendments(raw, &dims, &mut provisions, &mut drafts);
        let motions = self.motions(raw, &drafts);
        let montecarlo = self.montecarlo(raw);
        let mut model = Model {
            name: raw.scenario.name.clone(),
            sha256,
            status_quo_position: dims.iter().map(|d| d.status_quo).collect(),
            any_absence: members.turnout.iter().any(|&t| t < 1.0),
            dims,
            members,
            participants,
            blocs,
            relations,
            provisions,
            drafts,
            amendments,
            motions,
            rules,
            negotiation,
            distance_exponent,
            ballots: Vec::new(),
            circulated_positions: Vec::new(),
            reference_positions: Vec::new(),
            conditions: Vec::new(),
            meetings: Vec::new(),
            draft_meeting: Vec::new(),
            draft_ballot: Vec::new(),
            stances: Vec::new(),
            prob_row: Vec::new(),
            prob_rows: 0,
            montecarlo,
            observed: None,
            warnings: Vec::new(),
        };
        model.warnings = std::mem::take(&mut self.warnings);
        let furthest_first = self.keyword(
            raw.rules.amendment_order.as_ref(),
            "amendment order",
            &["furthest-first", "submission"],
            "furthest-first",
        ) == "furthest-first";
        // Amendments are ordered by the substance of the texts they make, which only a
        // sound model has; the record is checked against ballot ids either way.
        let (ballots, meetings) = ballot_order(&model, furthest_first && self.problems.is_empty());
        model.ballots = ballots;
        model.meetings = meetings;
        model.draft_ballot = vec![0; model.drafts.len()];
        model.draft_meeting = vec![0; model.drafts.len()];
        for (k, meeting) in model.meetings.iter().enumerate() {
            for b in meeting.first..meeting.end {
                if let Ballot::Draft(d) = model.ballots[b as usize] {
                    model.draft_ballot[d as usize] = b;
                    model.draft_meeting[d as usize] = k as u16;
                }
            }
        }
        // Stances per ballot and conditions name ballots; they are resolved on a sound model.
        if self.problems.is_empty() {
            let mut text = Text::new(&model);
            for d in 0..model.drafts.len() {
                text.reset_to_draft(&model, d);
                model
                    .circulated_positions
                    .extend_from_slice(text.position());
            }
            model.conditions = self.conditions(raw, &model);
            let (stances, references) = self.ballot_stances(raw, &model);
            model.stances = stances;
            model.reference_positions = references;
            model.any_absence = model.stances.iter().any(|s| s.turnout < 1.0);
            if noise_scale != 1.0 {
                model.scale_noise(noise_scale);
            }
            model.assign_probability_rows();
        }
        if let Some(observed) = &raw.observed {
            model.observed = Some(self.observed(observed, &model));
        }
        model
    }

    fn dimensions(&mut self, raw: &RawScenario) -> Vec<Dimension> {
        let table = raw.dimensions.get_ref();
        if table.is_empty() {
            self.error(
                raw.dimensions.span(),
                "at least one policy dimension is needed",
                "no dimensions",
            );
        }
        self.limit(
            table.len(),
            limits::MAX_DIMENSIONS,
            || raw.dimensions.span(),
            "dimensions",
        );
        let mut dims = Vec::with_capacity(table.len());
        for (i, (id, d)) in table.iter().enumerate() {
            self.id(id, "dimension");
            self.dim_index.insert(id.get_ref().clone(), i);
            let (lo, hi) = match &d.range {
                Some(r) => {
                    let [lo, hi] = *r.get_ref();
                    let m = limits::MAX_MAGNITUDE;
                    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                        self.error(
                            r.span(),
                            format!(
                                "range of `{}` must be [low, high] with low < high",
                                id.get_ref()
                            ),
                            "expected [low, high], low < high",
                        );
                        (0.0, 1.0)
                    } else if lo < -m || hi > m {
                        self.error(
                            r.span(),
                            format!(
                                "range of `{}` must lie within [{}, {}], found [{}, {}]",
                                id.get_ref(),
                                number(-m),
                                number(m),
                                number(lo),
                                number(hi)
                            ),
                            "out of range",
                        );
                        (0.0, 1.0)
                    } else {
                        (lo, hi)
                    }
                }
                None => (0.0, 1.0),
            };
            let status_quo = self.number(&d.status_quo, "status_quo", lo, hi);
            let silent = match &d.silent {
                Some(s) => self.number(s, "silent", lo, hi),
                None => status_quo,
            };
            let integer = d.integer.unwrap_or(false);
            if integer {
                for (value, what) in [
                    (Some(&d.status_quo), "status_quo"),
                    (d.silent.as_ref(), "silent"),
                ] {
                    if let Some(v) = value {
                        if v.get_ref().fract() != 0.0 {
                            self.error(
                                v.span(),
                                format!("`{}` counts things (integer = true): its {what} must be a whole number", id.get_ref()),
                                "expected a whole number",
                            );
                        }
                    }
                }
            }
            dims.push(Dimension {
                id: id.get_ref().clone(),
                label: d.label.clone(),
                lo,
                hi,
                status_quo,
                silent,
                integer,
            });
        }
        dims
    }

    fn relations(&mut self, raw: &RawScenario) -> Vec<Relation> {
        self.limit(
            raw.relations.len(),
            limits::MAX_RELATIONS,
            || raw.relations[0].from.span(),
            "relations",
        );
        let mut out = Vec::new();
        for r in &raw.relations {
            // A participant lobbies too (its agent index follows the members').
            let from = match self.participant_index.get(r.from.get_ref().as_str()) {
                Some(&p) => Some(self.member_index.len() + p),
                None => self.member(&r.from, "lobbying member"),
            };
            let to = self.member(&r.to, "lobbied member");
            let pull = self.number(
                &r.pull,
                "pull",
                -limits::MAX_MAGNITUDE,
                limits::MAX_MAGNITUDE,
            );
            if let (Some(f), Some(t)) = (from, to) {
                if f == t {
                    self.error(
                        r.to.span(),
                        "a member cannot lobby itself",
                        "same as `from`",
                    );
                }
                out.push(Relation {
                    from: f as u16,
                    to: t as u16,
                    pull,
                });
            }
        }
        out
    }

    fn rules(&mut self, raw: &RawScenario, members: &Members) -> Rules {
        let r = &raw.rules;
        let preset = self.keyword(
            r.preset.as_ref(),
            "rules preset",
            &[
                "security-council",
                "security-council-1946",
                "general-assembly",
                "custom",
            ],
            "security-council",
        );
        // The Council's two compositions: 15 members and quota 9 since 1966 (Charter
        // Art. 23 and 27 as amended in 1965), 11 members and quota 7 from 1946 to 1965.
        let council = match preset {
            "security-council" => Some((15, 9)),
            "security-council-1946" => Some((11, 7)),
            _ => None,
        };
        let majority_default = if preset == "general-assembly" {
            "present-and-voting"
        } else {
            "quota"
        };
        let majority = match self.keyword(
            r.majority.as_ref(),
            "majority rule",
            &[
                "quota",
                "present-and-voting",
                "two-thirds-present-and-voting",
            ],
            majority_default,
        ) {
            "present-and-voting" => Majority::PresentAndVoting,
            "two-thirds-present-and-voting" => Majority::TwoThirdsPresentAndVoting,
            _ => Majority::Quota,
        };
        let n = members.len();
        let mut quota = |q: Option<&Spanned<i64>>, what: &str, default: Option<usize>| -> usize {
            match q {
                Some(q) => {
                    let v = *q.get_ref();
                    if v < 1 || v as usize > n {
                        self.error(
                            q.span(),
                            format!("{what} must be from 1 to the membership ({n}), found {v}"),
                            format!("expected 1..={n}"),
                        );
                        1
                    } else {
                        v as usize
                    }
                }
                None => {
                    match default {
                        Some(d) if d <= n => d,
                        Some(d) => {
                            let span = raw.members.span();
                            self.error_help(
                            span,
                            format!("the {preset} preset needs {what} {d}, above the membership ({n})"),
                            "too few members",
                            "set rules.quota explicitly",
                        );
                            1
                        }
                        None => {
                            let span = r.preset.as_ref().map_or(0..0, |p| p.span());
                            self.error(
                                span,
                                format!("the custom preset needs rules.{what}"),
                                "quota missing",
                            );
                            1
                        }
                    }
                }
            }
        };
        let default_quota = match (council, majority) {
            (Some((_, quota)), _) => Some(quota),
            // The quota is not used by the present-and-voting rules.
            (_, Majority::PresentAndVoting | Majority::TwoThirdsPresentAndVoting) => Some(1),
            _ => None,
        };
        let q = quota(r.quota.as_ref(), "quota", default_quota);
        let pq = quota(r.procedural_quota.as_ref(), "procedural_quota", Some(q));
        if let (Some((seats, preset_quota)), None) = (council, &r.quota) {
            if n != seats && preset_quota <= n {
                let span = r.preset.as_ref().map_or(raw.members.span(), |p| p.span());
                self.warnings.push(
                    Problem::new(
                        span,
                        format!(
                            "the {preset} preset's quota of {preset_quota} is meant for {seats} \
                             members, but this body has {n}"
                        ),
                        format!("quota {preset_quota} of {seats}"),
                    )
                    .with_help(match preset {
                        "security-council" if n == 11 => {
                            "for the Council of 1946–1965 use preset = \"security-council-1946\" \
                             (quota 7), or set rules.quota"
                                .to_string()
                        }
                        _ => format!("set rules.quota for a body of {n}"),
                    }),
                );
            }
        }
        let veto = match &r.veto {
            Some(list) => {
                let mut set = MemberSet::EMPTY;
                for id in list {
                    if let Some(i) = self.member(id, "veto holder") {
                        set.insert(i);
                    }
                }
                set
            }
            None if council.is_some() => members.permanent,
            None => MemberSet::EMPTY,
        };
        Rules {
            majority,
            quota: q,
            procedural_quota: pq,
            veto,
        }
    }

    fn negotiation(&mut self, raw: &RawScenario) -> Negotiation {
        let n = &raw.negotiation;
        let days = |x: f64| (x * MINUTES_PER_DAY).round();
        let vote_day = match &n.vote_day {
            Some(v) => self.number(v, "vote_day", 0.0, limits::MAX_VOTE_DAY),
            None => 1.0,
        };
        let round_length = match &n.round_length {
            Some(d) => self.distribution(d),
            None => Duration::Uniform(days(0.25), days(1.0)),
        };
        let (rate, size) = match &n.instructions {
            Some(i) => (
                self.number(&i.rate_per_day, "rate_per_day", 0.0, 100.0),
                self.number(&i.size, "size", 0.0, 1.0),
            ),
            None => (0.0, 0.0),
        };
        Negotiation {
            consultations: n.consultations.unwrap_or(true),
            vote_at: days(vote_day) as u64,
            round_length,
            instruction_rate: rate / MINUTES_PER_DAY,
            instruction_size: size,
            withdraw_expected_veto: n.withdraw_expected_veto.unwrap_or(true),
            compromise: n.compromise.unwrap_or(true),
        }
    }

    fn distribution(&mut self, d: &raw::RawDistribution) -> Duration {
        let kind = self.keyword(
            Some(&d.kind),
            "distribution",
            &["fixed", "uniform", "triangular", "exponential"],
            "fixed",
        );
        let minutes = |x: f64| x * MINUTES_PER_DAY;
        let mut field = |v: &Option<Spanned<f64>>, name: &str| -> f64 {
            match v {
                Some(v) => self.number(v, name, 0.0, limits::MAX_VOTE_DAY),
                None => {
                    self.error(
                        d.kind.span(),
                        format!("a {kind} distribution needs `{name}` (in days)"),
                        format!("`{name}` missing"),
                    );
                    1.0
                }
            }
        };
        let dist = match kind {
            "fixed" => Duration::Fixed(minutes(field(&d.value, "value"))),
            "uniform" => {
                Duration::Uniform(minutes(field(&d.min, "min")), minutes(field(&d.max, "max")))
            }
            "triangular" => Duration::Triangular(
                minutes(field(&d.min, "min")),
                minutes(field(&d.mode, "mode")),
                minutes(field(&d.max, "max")),
            ),
            _ => Duration::Exponential(minutes(field(&d.mean, "mean"))),
        };
        let ordered = match dist {
            Duration::Uniform(lo, hi) => lo <= hi,
            Duration::Triangular(lo, mode, hi) => lo <= mode && mode <= hi,
            _ => true,
        };
        if !ordered {
            self.error(
                d.kind.span(),
                format!(
                    "the {kind} distribution's bounds are out of order (need min ≤ mode ≤ max)"
                ),
                "bounds out of order",
            );
        }
        dist
    }

    /// A draft's penholder (its `lead`, else the first listed), every co-penholder, and
    /// whether they hold the pen jointly (several and no lead).
    fn penholders(&mut self, d: &raw::RawDraft) -> (u16, MemberSet, bool) {
        let list = &d.penholder.get_ref().0;
        let whole = d.penholder.span();
        if list.is_empty() {
            self.error(whole.clone(), "a draft needs a penholder", "empty list");
        }
        let mut set = MemberSet::EMPTY;
        let mut first = None;
        for id in list {
            // A lone string carries no span of its own: point at the whole value.
            let id = if id.span() == (0..0) {
                Spanned::new(whole.clone(), id.get_ref().clone())
            } else {
                id.clone()
            };
            if let Some(i) = self.member(&id, "penholder") {
                if set.contains(i) {
                    self.error(
                        id.span(),
                        format!("penholder `{}` is listed twice", id.get_ref()),
                        "duplicate",
                    );
                }
                set.insert(i);
                first.get_or_insert(i);
            }
        }
        let lead = match &d.lead {
            Some(l) => match self.member(l, "lead penholder") {
                Some(i) if set.contains(i) => Some(i),
                Some(_) => {
                    self.error(
                        l.span(),
                        format!(
                            "lead `{}` is not one of the draft's penholders",
                            l.get_ref()
                        ),
                        "not a penholder",
                    );
                    None
                }
                None => None,
            },
            None => None,
        };
        let pen = lead.or(first).unwrap_or(0);
        (pen as u16, set, lead.is_none() && set.len() > 1)
    }

    /// The ballot with id `id` (drafts first, then amendments, then motions).
    fn ballot_named(model: &Model, id: &str) -> Option<usize> {
        model
            .ballots
            .iter()
            .position(|&b| matches!(b, Ballot::Draft(_)) && model.ballot_id(b) == id)
            .or_else(|| {
                model
                    .ballots
                    .iter()
                    .position(|&b| !matches!(b, Ballot::Draft(_)) && model.ballot_id(b) == id)
            })
    }

    /// Every ballot's `tabled_if`, resolved to an earlier ballot.
    fn conditions(&mut self, raw: &RawScenario, model: &Model) -> Vec<Option<Condition>> {
        let mut out = vec![None; model.ballots.len()];
        let declared = raw
            .drafts
            .get_ref()
            .iter()
            .map(|d| (&d.id, &d.tabled_if))
            .chain(raw.amendments.iter().map(|a| (&a.id, &a.tabled_if)))
            .chain(raw.motions.iter().map(|m| (&m.id, &m.tabled_if)));
        for (b, (id, condition)) in declared.enumerate() {
            let Some(condition) = condition else { continue };
            // Declaration order is drafts, amendments, motions: find this one's ballot.
            let kind_ballot = |ballot: Ballot| match ballot {
                Ballot::Draft(d) => d as usize,
                Ballot::Amendment(a) => raw.drafts.get_ref().len() + a as usize,
                Ballot::Motion(m) => raw.drafts.get_ref().len() + raw.amendments.len() + m as usize,
            };
            let Some(own) = model.ballots.iter().position(|&x| kind_ballot(x) == b) else {
                continue;
            };
            let c = condition.get_ref();
            let named: Vec<(&Spanned<String>, ConditionKind)> = [
                (&c.adopted, ConditionKind::Adopted),
                (&c.failed, ConditionKind::Failed),
                (&c.vetoed, ConditionKind::Vetoed),
                (&c.not_adopted, ConditionKind::NotAdopted),
            ]
            .into_iter()
            .filter_map(|(v, k)| v.as_ref().map(|v| (v, k)))
            .collect();
            if named.len() != 1 {
                self.error(
                    condition.span(),
                    format!(
                        "`tabled_if` of `{}` must name exactly one of adopted, failed, vetoed, not_adopted",
                        id.get_ref()
                    ),
                    "one condition",
                );
                continue;
            }
            let (target, when) = named[0];
            match Self::ballot_named(model, target.get_ref()) {
                Some(t) if t < own => {
                    out[own] = Some(Condition {
                        ballot: t as u32,
                        when,
                    })
                }
                Some(_) => self.error_help(
                    target.span(),
                    format!(
                        "`{}` is put only after `{}` is voted, but `{}` comes later in the order of voting",
                        id.get_ref(),
                        target.get_ref(),
                        target.get_ref()
                    ),
                    "not an earlier ballot",
                    "drafts are voted by meeting (vote_day), then circulated_day, then file order",
                ),
                None => self.error(
                    target.span(),
                    format!("unknown draft, amendment or motion `{}`", target.get_ref()),
                    "no such ballot",
                ),
            }
        }
        out
    }

    /// Every member's stance on every ballot: its own, with its `on."BALLOT_ID"` overrides.
    fn ballot_stances(
        &mut self,
        raw: &RawScenario,
        model: &Model,
    ) -> (Vec<BallotStance>, Vec<f64>) {
        let mut references: Vec<f64> = Vec::new();
        let m = &model.members;
        let n = m.len();
        let mut out = Vec::with_capacity(model.ballots.len() * n);
        for &ballot in &model.ballots {
            for i in 0..n {
                out.push(BallotStance {
                    bonus: match ballot {
                        Ballot::Draft(_) => m.act_bonus[i],
                        Ballot::Amendment(_) => 0.0,
                        Ballot::Motion(_) => m.motion_bias[i],
                    },
                    yes: m.yes_threshold[i],
                    no: m.no_threshold[i],
                    tau: m.temperature[i],
                    turnout: m.turnout[i],
                    reference: Reference::StatusQuo,
                });
            }
        }
        for (i, member) in raw.members.get_ref().values().enumerate() {
            for (key, o) in &member.on {
                let Some(b) = Self::ballot_named(model, key.get_ref()) else {
                    self.error(
                        key.span(),
                        format!("unknown draft, amendment or motion `{}`", key.get_ref()),
                        "no such ballot",
                    );
                    continue;
                };
                let ballot = model.ballots[b];
                let kind = model.ballot_kind(ballot);
                let mut st = out[b * n + i];
                let inf = f64::INFINITY;
                if let Some(v) = &o.act_bonus {
                    if matches!(ballot, Ballot::Motion(_)) {
                        self.error(
                            v.span(),
                            "a motion takes `motion_bias`, not `act_bonus`",
                            "use motion_bias",
                        );
                    }
                    st.bonus = self.number(v, "act_bonus", -inf, inf);
                }
                if let Some(v) = &o.motion_bias {
                    if !matches!(ballot, Ballot::Motion(_)) {
                        self.error(
                            v.span(),
                            format!("`motion_bias` applies to motions, not to a {kind}"),
                            "only on a motion",
                        );
                    }
                    st.bonus = self.number(v, "motion_bias", -inf, inf);
                }
                if let Some(v) = &o.yes_threshold {
                    st.yes = self.number(v, "yes_threshold", 0.0, inf);
                }
                if let Some(v) = &o.no_threshold {
                    st.no = self.number(v, "no_threshold", 0.0, inf);
                }
                if let Some(v) = &o.temperature {
                    st.tau = self.number(v, "temperature", 0.0, inf);
                }
                if let Some(v) = &o.turnout {
                    st.turnout = self.number(v, "turnout", 0.0, 1.0);
                }
                if let Some(r) = &o.reference {
                    let named = match r.get_ref() {
                        raw::RawReference::Named(name) => name.as_str(),
                        raw::RawReference::Position(map) => {
                            if !matches!(ballot, Ballot::Draft(_)) {
                                self.error(
                                    r.span(),
                                    format!("`reference` applies to drafts, not to a {kind}"),
                                    "only on a draft",
                                );
                            }
                            let index = references.len() / model.dim_count();
                            for dim in &model.dims {
                                references.push(dim.status_quo);
                            }
                            for (key, &x) in map {
                                match model.dims.iter().position(|d| &d.id == key) {
                                    Some(d) => {
                                        let dim = &model.dims[d];
                                        if !x.is_finite()
                                            || x < dim.lo
                                            || x > dim.hi
                                            || (dim.integer && x.fract() != 0.0)
                                        {
                                            self.error(r.span(), format!("reference position on `{key}` must be {}within [{}, {}], found {x}", if dim.integer { "a whole number " } else { "" }, dim.lo, dim.hi), "out of range");
                                        }
                                        references[index * model.dim_count() + d] = x;
                                    }
                                    None => self.error(
                                        r.span(),
                                        format!("unknown dimension `{key}` in reference"),
                                        "not declared under [dimensions]",
                                    ),
                                }
                            }
                            st.reference = Reference::Position(index as u16);
                            out[b * n + i] = st;
                            continue;
                        }
                    };
                    st.reference = match (ballot, named) {
                        (Ballot::Draft(_), "status-quo") => Reference::StatusQuo,
                        (Ballot::Draft(d), "circulated") => Reference::Circulated(d),
                        (Ballot::Draft(d), other) => {
                            match model.drafts.iter().position(|x| x.id == other) {
                                Some(e) if e != d as usize => Reference::Draft(e as u16),
                                Some(_) => {
                                    self.error_help(
                                        r.span(),
                                        "a draft cannot be its own reference",
                                        "same draft",
                                        "\"circulated\" measures it against its text as circulated",
                                    );
                                    Reference::StatusQuo
                                }
                                None => {
                                    self.error(r.span(), format!("unknown reference `{other}`: expected \"status-quo\", \"circulated\" or a draft id"), "no such draft");
                                    Reference::StatusQuo
                                }
                            }
                        }
                        _ => {
                            self.error(
                                r.span(),
                                format!("`reference` applies to drafts, not to a {kind}"),
                                "only on a draft",
                            );
                            Reference::StatusQuo
                        }
                    };
                }
                out[b * n + i] = st;
            }
        }
        (out, references)
    }

    /// `[participants.ID]`: compiled like a member's stance, then their ideal points,
    /// saliences and flexibility appended to the members' columns (agent index n + p).
    fn participants(
        &mut self,
        raw: &RawScenario,
        dims: &[Dimension],
        members: &mut Members,
    ) -> crate::model::Participants {
        let mut out = crate::model::Participants::default();
        let mut columns = Members::default();
        self.limit(
            members.len() + raw.participants.len(),
            limits::MAX_MEMBERS,
            || raw.participants.keys().next().map_or(0..0, |k| k.span()),
            "members and participants",
        );
        for (p, (id, participant)) in raw.participants.iter().enumerate() {
            self.id(id, "participant");
            if self.member_index.contains_key(id.get_ref().as_str()) {
                self.error(
                    id.span(),
                    format!("`{}` is a member; a participant has no seat", id.get_ref()),
                    "already a member",
                );
            }
            self.participant_index.insert(id.get_ref().clone(), p);
            out.ids.push(id.get_ref().clone());
            out.names.push(
                participant
                    .name
                    .clone()
                    .unwrap_or_else(|| id.get_ref().clone()),
            );
            self.stance(&participant.stance, id, dims, &mut columns, true);
        }
        members.ideal.extend_from_slice(&columns.ideal);
        members.salience.extend_from_slice(&columns.salience);
        members.flexibility.extend_from_slice(&columns.flexibility);
        out.act_bonus = columns.act_bonus;
        out.yes_threshold = columns.yes_threshold;
        out.no_threshold = columns.no_threshold;
        out
    }

    /// An amendment's sponsors, split into members and participants. Rule 38: a
    /// non-member's amendment is put to the vote only at a member's request, so at least
    /// one sponsor must be a member.
    fn sponsors(&mut self, ids: &Spanned<Vec<Spanned<String>>>) -> (MemberSet, MemberSet) {
        let mut members = Vec::new();
        let mut participants = MemberSet::EMPTY;
        for id in ids.get_ref() {
            match self.participant_index.get(id.get_ref().as_str()) {
                Some(&p) if p < limits::MAX_MEMBERS => participants.insert(p),
                _ => members.push(id.clone()),
            }
        }
        if members.is_empty() && !participants.is_empty() {
            self.error_help(
                ids.span(),
                "no member sponsors this amendment: a participant's amendment is put to the vote only at a member's request (rule 38)",
                "participants only",
                "add the member who puts it to the vote to `sponsors`",
            );
            return (MemberSet::EMPTY, participants);
        }
        let members = self.member_set(&Spanned::new(ids.span(), members), "sponsor");
        (members, participants)
    }

    fn montecarlo(&mut self, raw: &RawScenario) -> MonteCarloDefaults {
        let mc = &raw.montecarlo;
        let replications = match &mc.replications {
            Some(r) => {
                let v = *r.get_ref();
                if v < 1 || v as u64 > limits::MAX_REPLICATIONS {
                    self.error(
                        r.span(),
                        format!(
                            "replications must be from 1 to {}, found {v}",
                            limits::MAX_REPLICATIONS
                        ),
                        "out of range",
                    );
                    1
                } else {
                    v as u64
                }
            }
            None => 10_000,
        };
        let seed = match &mc.seed {
            Some(s) if *s.get_ref() < 0 => {
                self.error(
                    s.span(),
                    "seed must be a non-negative integer",
                    "negative seed",
                );
                0
            }
            Some(s) => *s.get_ref() as u64,
            None => 0,
        };
        MonteCarloDefaults { replications, seed }
    }
}

/// The fixed order of voting, meeting by meeting. Drafts are taken in order of their meeting
/// (`vote_day`), then of `circulated_day`, then of the file. At each meeting: the motions on its
/// drafts as declared; then per draft its amendments (furthest removed in substance from the
/// draft as circulated first, ties in order of submission; or all in order of submission) and
/// the draft itself. With one meeting this is the order of the Council's rules 32, 33 and 36.
fn ballot_order(model: &Model, furthest_first: bool) -> (Vec<Ballot>, Vec<Meeting>) {
    let mut order: Vec<usize> = (0..model.drafts.len()).collect();
    order.sort_by_key(|&d| (model.drafts[d].vote_at, model.drafts[d].circulated_at, d));
    let mut ballots: Vec<Ballot> = Vec::new();
    let mut meetings: Vec<Meeting> = Vec::new();
    // Texts are only built for a sound model (the distances need one).
    let texts = furthest_first.then(|| (Text::new(model), Text::new(model)));
    let (mut base, mut amended) = texts.unzip();
    let mut k = 0;
    while k < order.len() {
        let at = model.drafts[order[k]].vote_at;
        let end = k + order[k..]
            .iter()
            .take_while(|&&d| model.drafts[d].vote_at == at)
            .count();
        let here = &order[k..end];
        let first = ballots.len() as u32;
        ballots.extend(
            model
                .motions
                .iter()
                .enumerate()
                .filter(|(_, m)| here.contains(&(m.draft as usize)))
                .map(|(m, _)| Ballot::Motion(m as u16)),
        );
        for &d in here {
            if let Some(base) = &mut base {
                base.reset_to_draft(model, d);
            }
            let mut own: Vec<(f64, usize)> = Vec::new();
            for (i, a) in model.amendments.iter().enumerate() {
                if a.draft as usize != d {
                    continue;
                }
                let distance = match (&base, &mut amended) {
                    (Some(base), Some(amended)) => {
                        amended.copy_from(base);
                        amended.apply(model, a.action);
                        substance_distance(model, base.position(), amended.position())
                    }
                    _ => 0.0,
                };
                own.push((distance, i));
            }
            own.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            ballots.extend(own.into_iter().map(|(_, i)| Ballot::Amendment(i as u16)));
            ballots.push(Ballot::Draft(d as u16));
        }
        meetings.push(Meeting {
            at,
            first,
            end: ballots.len() as u32,
        });
        k = end;
    }
    (ballots, meetings)
}
