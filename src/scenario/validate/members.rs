//! Checks the body: members and their stances (templates merged in, each template checked
//! once on its own), and blocs.

use super::Checker;
use crate::memberset::MemberSet;
use crate::model::{Bloc, BlocRule, Dimension, Members};
use crate::scenario::limits;
use crate::scenario::raw::{self, RawScenario};
use std::collections::BTreeMap;
use toml::Spanned;

impl Checker {
    pub(super) fn members(
        &mut self,
        raw: &RawScenario,
        dims: &[Dimension],
    ) -> (Members, Vec<Vec<usize>>) {
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
            self.id(id, "member");
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
            self.stance(&merged, id, dims, &mut m, true);
            m.primary_bloc.push(None);
        }
        (m, bloc_lists)
    }

    /// Compiles member `id`'s (merged) stance `s` into its columns of `m`; `whole` when
    /// `s` is a member's whole stance (not a template, which a member may complete).
    fn stance(
        &mut self,
        s: &raw::RawStance,
        id: &Spanned<String>,
        dims: &[Dimension],
        m: &mut Members,
        whole: bool,
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
                        limits::MAX_MAGNITUDE,
                    );
                    if whole && ideal[d].is_nan() {
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
            -limits::MAX_MAGNITUDE,
            limits::MAX_MAGNITUDE,
            0.0,
        ));
        m.yes_threshold.push(opt(
            &s.yes_threshold,
            "yes_threshold",
            0.0,
            limits::MAX_MAGNITUDE,
            0.0,
        ));
        m.no_threshold.push(opt(
            &s.no_threshold,
            "no_threshold",
            0.0,
            limits::MAX_MAGNITUDE,
            0.0,
        ));
        m.temperature.push(opt(
            &s.temperature,
            "temperature",
            0.0,
            limits::MAX_MAGNITUDE,
            0.0,
        ));
        m.flexibility
            .push(opt(&s.flexibility, "flexibility", 0.0, 1.0, 0.5));
        m.turnout.push(opt(&s.turnout, "turnout", 0.0, 1.0, 1.0));
        m.motion_bias.push(opt(
            &s.motion_bias,
            "motion_bias",
            -limits::MAX_MAGNITUDE,
            limits::MAX_MAGNITUDE,
            0.0,
        ));
    }

    /// Checks every template once, on its own: a bad value in a template is one problem,
    /// however many members use it (their merged stances are checked again, and the
    /// repeats dropped by [`compile_with`]).
    pub(super) fn templates(&mut self, raw: &RawScenario, dims: &[Dimension]) {
        for (id, template) in &raw.templates {
            self.id(id, "template");
            let mut scratch = Members::default();
            self.stance(template, id, dims, &mut scratch, false);
        }
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
                        if known.is_empty() {
                            "declare it under [templates.ID], or give the member a `stance`"
                                .to_string()
                        } else {
                            format!("templates are: {}", known.join(", "))
                        },
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

    pub(super) fn blocs(&mut self, raw: &RawScenario, lists: &[Vec<usize>]) -> Vec<Bloc> {
        let mut blocs = Vec::with_capacity(raw.blocs.len());
        self.limit(
            raw.blocs.len(),
            limits::MAX_BLOCS,
            || raw.blocs.keys().next().map_or(0..0, |k| k.span()),
            "blocs",
        );
        for (b, (id, bloc)) in raw.blocs.iter().enumerate() {
            self.id(id, "bloc");
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
}
