//! Checks a parsed scenario and compiles it into a [`Model`].
//!
//! Every check records a [`Problem`] and carries on, so one run reports everything wrong
//! with a file. A model is returned only when there is no problem at all.

mod observed;

use super::diagnostics::Problem;
use super::limits;
use super::raw::{self, Keyed, RawScenario};
use crate::memberset::MemberSet;
use crate::model::{
    AmendmentAction, Ballot, Bloc, BlocRule, Dimension, Draft, Duration, Majority, Members, Model,
    MonteCarloDefaults, Motion, MotionKind, Negotiation, Provision, Relation, Rules, Tabling,
    MINUTES_PER_DAY,
};
use crate::text::{substance_distance, Text};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;

/// Compiles `raw` into a model, or returns every problem found.
pub fn compile(raw: &RawScenario, sha256: String) -> Result<Model, Vec<Problem>> {
    let mut c = Checker::default();
    let model = c.compile(raw, sha256);
    if c.problems.is_empty() {
        Ok(model)
    } else {
        Err(c.problems)
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    dim_index: BTreeMap<String, usize>,
    member_index: BTreeMap<String, usize>,
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

    /// A finite number within [lo, hi] (either bound may be open-ended with ±∞).
    fn number(&mut self, v: &Spanned<f64>, what: &str, lo: f64, hi: f64) -> f64 {
        let x = *v.get_ref();
        if !x.is_finite() || x < lo || x > hi {
            let expected = match (lo.is_finite(), hi.is_finite()) {
                (true, true) => format!("a number from {lo} to {hi}"),
                (true, false) => format!("a number ≥ {lo}"),
                (false, true) => format!("a number ≤ {hi}"),
                (false, false) => "a finite number".to_string(),
            };
            self.error(
                v.span(),
                format!("{what} must be {expected}, found {x}"),
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
                    )
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
        let (members, bloc_lists) = self.members(raw, &dims);
        let blocs = self.blocs(raw, &bloc_lists);
        let mut members = members;
        for (i, list) in bloc_lists.iter().enumerate() {
            members.primary_bloc[i] = list.first().map(|&b| b as u16);
        }
        let relations = self.relations(raw);
        let rules = self.rules(raw, &members);
        let distance_exponent = match &raw.model.distance_exponent {
            Some(p) => self.number(p, "distance_exponent", 1.0, 8.0),
            None => 2.0,
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
            montecarlo,
            observed: None,
        };
        if self.problems.is_empty() {
            let furthest_first = self.keyword(
                raw.rules.amendment_order.as_ref(),
                "amendment order",
                &["furthest-first", "submission"],
                "furthest-first",
            ) == "furthest-first";
            model.ballots = ballot_order(&model, furthest_first);
            if let Some(observed) = &raw.observed {
                model.observed = Some(self.observed(observed, &model));
            }
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
            self.dim_index.insert(id.get_ref().clone(), i);
            let (lo, hi) = match &d.range {
                Some(r) => {
                    let [lo, hi] = *r.get_ref();
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
            dims.push(Dimension {
                id: id.get_ref().clone(),
                label: d.label.clone(),
                lo,
                hi,
                status_quo,
                silent,
            });
        }
        dims
    }

    fn members(&mut self, raw: &RawScenario, dims: &[Dimension]) -> (Members, Vec<Vec<usize>>) {
        let table = raw.members.get_ref();
        if table.is_empty() {
            self.error(raw.members.span(), "the body has no members", "no members");
        }
        self.limit(
            table.len(),
            limits::MAX_MEMBERS,
            || raw.members.span(),
            "members",
        );
        for (i, id) in table.keys().enumerate() {
            self.member_index.insert(id.get_ref().clone(), i);
        }
        let bloc_ids: BTreeMap<&str, usize> = raw
            .blocs
            .keys()
            .enumerate()
            .map(|(i, k)| (k.get_ref().as_str(), i))
            .collect();
        let mut m = Members::default();
        let mut bloc_lists = Vec::with_capacity(table.len());
        for (i, (id, member)) in table.iter().enumerate() {
            m.ids.push(id.get_ref().clone());
            m.names
                .push(member.name.clone().unwrap_or_else(|| id.get_ref().clone()));
            if member.permanent && i < limits::MAX_MEMBERS {
                m.permanent.insert(i);
            }
            let mut list = Vec::new();
            for b in &member.blocs {
                match bloc_ids.get(b.get_ref().as_str()) {
                    Some(&bi) if list.contains(&bi) => self.error(
                        b.span(),
                        format!("bloc `{}` is listed twice", b.get_ref()),
                        "duplicate",
                    ),
                    Some(&bi) => list.push(bi),
                    None => self.error_help(
                        b.span(),
                        format!("unknown bloc `{}`", b.get_ref()),
                        "not declared under [blocs]",
                        format!("declare it: [blocs.{}] with a cohesion", b.get_ref()),
                    ),
                }
            }
            bloc_lists.push(list);
            let merged = self.stance_of(raw, id, member);
            self.stance(&merged, id, dims, &mut m);
            m.primary_bloc.push(None);
        }
        (m, bloc_lists)
    }

    /// Compiles member `id`'s (merged) stance `s` into its columns of `m`.
    fn stance(
        &mut self,
        s: &raw::RawStance,
        id: &Spanned<String>,
        dims: &[Dimension],
        m: &mut Members,
    ) {
        let k = dims.len();
        let ideal = self.positions(&s.ideal, dims, "ideal point");
        let mut salience = vec![0.0; k];
        for d in 0..k {
            if !ideal[d].is_nan() {
                salience[d] = 1.0;
            }
        }
        for (key, value) in &s.salience {
            match self.dim_index.get(key.get_ref().as_str()).copied() {
                Some(d) => {
                    salience[d] = self.number(
                        value,
                        &format!("salience on `{}`", key.get_ref()),
                        0.0,
                        f64::INFINITY,
                    );
                    if ideal[d].is_nan() {
                        self.error_help(
                            key.span(),
                            format!(
                                "`{}` has a salience on `{}` but no ideal point there",
                                id.get_ref(),
                                key.get_ref()
                            ),
                            "salience without an ideal point",
                            "add the dimension to `ideal` as well",
                        );
                    }
                }
                None => self.unknown_dimension(key),
            }
        }
        for d in 0..k {
            m.ideal.push(if ideal[d].is_nan() {
                dims[d].status_quo
            } else {
                ideal[d]
            });
            m.salience.push(salience[d]);
        }
        let mut opt = |v: &Option<Spanned<f64>>, what: &str, lo: f64, hi: f64, default: f64| match v
        {
            Some(v) => self.number(v, what, lo, hi),
            None => default,
        };
        m.act_bonus.push(opt(
            &s.act_bonus,
            "act_bonus",
            f64::NEG_INFINITY,
            f64::INFINITY,
            0.0,
        ));
        m.yes_threshold.push(opt(
            &s.yes_threshold,
            "yes_threshold",
            0.0,
            f64::INFINITY,
            0.0,
        ));
        m.no_threshold.push(opt(
            &s.no_threshold,
            "no_threshold",
            0.0,
            f64::INFINITY,
            0.0,
        ));
        m.temperature
            .push(opt(&s.temperature, "temperature", 0.0, f64::INFINITY, 0.0));
        m.flexibility
            .push(opt(&s.flexibility, "flexibility", 0.0, 1.0, 0.5));
        m.turnout.push(opt(&s.turnout, "turnout", 0.0, 1.0, 1.0));
        m.motion_bias.push(opt(
            &s.motion_bias,
            "motion_bias",
            f64::NEG_INFINITY,
            f64::INFINITY,
            0.0,
        ));
    }

    /// A member's stance: its template's fields, overridden field by field (and ideal and
    /// salience entry by entry) by its own `stance`.
    fn stance_of(
        &mut self,
        raw: &RawScenario,
        id: &Spanned<String>,
        member: &raw::RawMember,
    ) -> raw::RawStance {
        let empty = raw::RawStance::default();
        let template = match &member.template {
            Some(t) => match raw.templates.get(t.get_ref().as_str()) {
                Some(template) => template,
                None => {
                    let known: Vec<&str> =
                        raw.templates.keys().map(|k| k.get_ref().as_str()).collect();
                    self.error_help(
                        t.span(),
                        format!("unknown template `{}`", t.get_ref()),
                        "not declared under [templates]",
                        format!("templates are: {}", known.join(", ")),
                    );
                    &empty
                }
            },
            None => {
                if member.stance.is_none() {
                    self.error(
                        id.span(),
                        format!(
                            "member `{}` has neither a `stance` nor a `template`",
                            id.get_ref()
                        ),
                        "stance missing",
                    );
                }
                &empty
            }
        };
        let own = member.stance.as_ref().unwrap_or(&empty);
        let pick =
            |a: &Option<Spanned<f64>>, b: &Option<Spanned<f64>>| a.clone().or_else(|| b.clone());
        let mut ideal = template.ideal.clone();
        ideal.extend(own.ideal.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut salience = template.salience.clone();
        salience.extend(own.salience.iter().map(|(k, v)| (k.clone(), v.clone())));
        raw::RawStance {
            ideal,
            salience,
            act_bonus: pick(&own.act_bonus, &template.act_bonus),
            yes_threshold: pick(&own.yes_threshold, &template.yes_threshold),
            no_threshold: pick(&own.no_threshold, &template.no_threshold),
            temperature: pick(&own.temperature, &template.temperature),
            flexibility: pick(&own.flexibility, &template.flexibility),
            turnout: pick(&own.turnout, &template.turnout),
            motion_bias: pick(&own.motion_bias, &template.motion_bias),
        }
    }

    fn blocs(&mut self, raw: &RawScenario, lists: &[Vec<usize>]) -> Vec<Bloc> {
        let mut blocs = Vec::with_capacity(raw.blocs.len());
        self.limit(
            raw.blocs.len(),
            limits::MAX_BLOCS,
            || raw.blocs.keys().next().map_or(0..0, |k| k.span()),
            "blocs",
        );
        for (b, (id, bloc)) in raw.blocs.iter().enumerate() {
            let members: MemberSet = lists
                .iter()
                .enumerate()
                .filter(|(_, l)| l.contains(&b))
                .map(|(i, _)| i.min(limits::MAX_MEMBERS - 1))
                .collect();
            if members.is_empty() {
                self.error_help(
                    id.span(),
                    format!("bloc `{}` has no members", id.get_ref()),
                    "no member lists this bloc",
                    "add it to some members' `blocs`",
                );
            }
            let cohesion = self.number(&bloc.cohesion, "cohesion", 0.0, 1.0);
            let rule = match self.keyword(
                bloc.rule.as_ref(),
                "bloc rule",
                &["majority", "leader"],
                "majority",
            ) {
                "leader" => match &bloc.leader {
                    Some(leader) => match self.member(leader, "bloc leader") {
                        Some(l) if members.contains(l) => BlocRule::Leader(l as u16),
                        Some(_) => {
                            self.error(
                                leader.span(),
                                format!(
                                    "leader `{}` is not in bloc `{}`",
                                    leader.get_ref(),
                                    id.get_ref()
                                ),
                                "not a bloc member",
                            );
                            BlocRule::Majority
                        }
                        None => BlocRule::Majority,
                    },
                    None => {
                        self.error(
                            id.span(),
                            format!("bloc `{}` follows a leader but names none", id.get_ref()),
                            "add `leader = \"ID\"`",
                        );
                        BlocRule::Majority
                    }
                },
                _ => BlocRule::Majority,
            };
            blocs.push(Bloc {
                id: id.get_ref().clone(),
                members,
                cohesion,
                rule,
            });
        }
        blocs
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
            let from = self.member(&r.from, "lobbying member");
            let to = self.member(&r.to, "lobbied member");
            let pull = self.number(&r.pull, "pull", f64::NEG_INFINITY, f64::INFINITY);
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
            &["security-council", "general-assembly", "custom"],
            "security-council",
        );
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
        let default_quota = match (preset, majority) {
            ("security-council", _) => Some(9),
            // The quota is not used by the present-and-voting rules.
            (_, Majority::PresentAndVoting | Majority::TwoThirdsPresentAndVoting) => Some(1),
            _ => None,
        };
        let q = quota(r.quota.as_ref(), "quota", default_quota);
        let pq = quota(r.procedural_quota.as_ref(), "procedural_quota", Some(q));
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
            None if preset == "security-council" => members.permanent,
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

    fn drafts(
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
            if !seen.insert(d.id.get_ref().clone()) {
                self.error(
                    d.id.span(),
                    format!("draft `{}` is declared twice", d.id.get_ref()),
                    "duplicate id",
                );
            }
            let penholder = self.member(&d.penholder, "penholder").unwrap_or(0) as u16;
            let circulated = match &d.circulated_day {
                Some(c) => self.number(c, "circulated_day", 0.0, limits::MAX_VOTE_DAY),
                None => 0.0,
            };
            let circulated_at = (circulated * MINUTES_PER_DAY).round() as u64;
            if circulated_at > negotiation.vote_at {
                if let Some(c) = &d.circulated_day {
                    self.error(
                        c.span(),
                        "a draft must be circulated before the vote day",
                        "after negotiation.vote_day",
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

    fn amendments(
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
            if !seen.insert(a.id.get_ref().clone()) {
                self.error(
                    a.id.span(),
                    format!("amendment `{}` is declared twice", a.id.get_ref()),
                    "duplicate id",
                );
            }
            let draft = self.draft_of(a.draft.as_ref(), drafts, a.id.span(), "an amendment");
            let sponsors = self.member_set(&a.sponsors, "sponsor");
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

    fn tabling(&mut self, value: Option<&Spanned<String>>) -> Tabling {
        match self.keyword(value, "tabling", &["if-wanted", "always"], "if-wanted") {
            "always" => Tabling::Always,
            _ => Tabling::IfWanted,
        }
    }

    fn motions(&mut self, raw: &RawScenario, drafts: &[Draft]) -> Vec<Motion> {
        self.limit(
            raw.motions.len(),
            limits::MAX_MOTIONS,
            || raw.motions[0].id.span(),
            "motions",
        );
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for m in &raw.motions {
            if !seen.insert(m.id.get_ref().clone()) {
                self.error(
                    m.id.span(),
                    format!("motion `{}` is declared twice", m.id.get_ref()),
                    "duplicate id",
                );
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

/// The fixed order of voting: motions as declared; then, per draft in order of submission,
/// its amendments (furthest removed in substance from the draft as circulated first, ties
/// in order of submission; or all in order of submission) and the draft itself.
fn ballot_order(model: &Model, furthest_first: bool) -> Vec<Ballot> {
    let mut ballots: Vec<Ballot> = (0..model.motions.len())
        .map(|m| Ballot::Motion(m as u16))
        .collect();
    let mut base = Text::new(model);
    let mut amended = Text::new(model);
    for d in 0..model.drafts.len() {
        base.reset_to_draft(model, d);
        let mut own: Vec<(f64, usize)> = Vec::new();
        for (i, a) in model.amendments.iter().enumerate() {
            if a.draft as usize != d {
                continue;
            }
            amended.copy_from(&base);
            amended.apply(model, a.action);
            let distance = if furthest_first {
                substance_distance(model, base.position(), amended.position())
            } else {
                0.0
            };
            own.push((distance, i));
        }
        own.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        ballots.extend(own.into_iter().map(|(_, i)| Ballot::Amendment(i as u16)));
        ballots.push(Ballot::Draft(d as u16));
    }
    ballots
}
