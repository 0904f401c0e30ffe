//! The scenario file as written: serde structs that mirror the TOML one to one.
//!
//! Every value a later check may need to point at is kept as a [`Spanned`], so that
//! [`super::validate`] can underline it. Unknown keys are rejected (`deny_unknown_fields`):
//! a typo in a scenario is an error, never a silent default. Nothing here is interpreted;
//! that is the validator's job.

// The fields mirror the TOML keys one to one; their meaning is documented once, in the
// README's scenario format and in scenarios/tutorial.toml, not repeated field by field.
#![allow(missing_docs)]

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A map keyed by the ids the user wrote, with their spans. TOML tables are ordered by key
/// here (a `BTreeMap`), which fixes member and dimension indices independently of how the
/// file happens to be laid out.
pub type Keyed<T> = BTreeMap<Spanned<String>, T>;

/// The whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub rules: RawRules,
    #[serde(default)]
    pub model: RawModelParams,
    pub dimensions: Spanned<Keyed<RawDimension>>,
    pub members: Spanned<Keyed<RawMember>>,
    #[serde(default)]
    pub participants: Keyed<RawParticipant>,
    #[serde(default)]
    pub templates: Keyed<RawStance>,
    #[serde(default)]
    pub blocs: Keyed<RawBloc>,
    #[serde(default)]
    pub relations: Vec<RawRelation>,
    pub drafts: Spanned<Vec<RawDraft>>,
    #[serde(default)]
    pub amendments: Vec<RawAmendment>,
    #[serde(default)]
    pub motions: Vec<RawMotion>,
    #[serde(default)]
    pub negotiation: RawNegotiation,
    #[serde(default)]
    pub montecarlo: RawMonteCarlo,
    #[serde(default)]
    pub sweep: Vec<RawSweep>,
    pub observed: Option<RawObserved>,
}

/// `[observed]`: the real record, for `backtest` (checked by `check`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObserved {
    #[serde(default)]
    pub source: String,
    pub ballots: Vec<RawObservedBallot>,
}

/// `[[observed.ballots]]`: how one draft, amendment or motion was decided.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObservedBallot {
    pub id: Spanned<String>,
    pub result: Spanned<String>,
    #[serde(default)]
    pub vetoed_by: Vec<Spanned<String>>,
    pub yes: Option<Spanned<Vec<Spanned<String>>>>,
    pub no: Option<Spanned<Vec<Spanned<String>>>>,
    pub abstain: Option<Spanned<Vec<Spanned<String>>>>,
    pub absent: Option<Spanned<Vec<Spanned<String>>>>,
    pub tally: Option<Spanned<[i64; 3]>>,
}

/// `[[sweep]]`: one axis of a parameter sweep declared in the file (used by `sweep`;
/// ignored by `run`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub path: Spanned<String>,
    pub values: Option<Spanned<Vec<toml::Value>>>,
    pub range: Option<Spanned<[f64; 2]>>,
    pub steps: Option<Spanned<i64>>,
}

/// `[scenario]`: what the file is about.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `[rules]`: the body's decision rules, from a preset with overrides.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRules {
    pub preset: Option<Spanned<String>>,
    pub quota: Option<Spanned<i64>>,
    pub procedural_quota: Option<Spanned<i64>>,
    pub veto: Option<Vec<Spanned<String>>>,
    pub majority: Option<Spanned<String>>,
    pub amendment_order: Option<Spanned<String>>,
}

/// `[model]`: scenario-wide model constants.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelParams {
    pub distance_exponent: Option<Spanned<f64>>,
    pub noise_scale: Option<Spanned<f64>>,
}

/// `[dimensions.ID]`: one axis of the policy space.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    #[serde(default)]
    pub label: String,
    pub range: Option<Spanned<[f64; 2]>>,
    pub status_quo: Spanned<f64>,
    pub silent: Option<Spanned<f64>>,
    pub integer: Option<bool>,
}

/// `[members.ID]`: one delegation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMember {
    pub name: Option<String>,
    pub permanent: bool,
    #[serde(default)]
    pub blocs: Vec<Spanned<String>>,
    pub template: Option<Spanned<String>>,
    pub stance: Option<RawStance>,
    /// `[members.ID.on."BALLOT_ID"]`: the stance on one draft, amendment or motion.
    #[serde(default)]
    pub on: Keyed<RawBallotStance>,
}

/// `[participants.ID]`: a State invited to the meeting without a vote (Charter Art. 31–32,
/// rules 37–39). No `permanent`, no blocs, no vote.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParticipant {
    pub name: Option<String>,
    pub stance: RawStance,
}

/// `[members.ID.on."BALLOT_ID"]`: overrides of a member's stance for one ballot.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBallotStance {
    pub act_bonus: Option<Spanned<f64>>,
    pub yes_threshold: Option<Spanned<f64>>,
    pub no_threshold: Option<Spanned<f64>>,
    pub temperature: Option<Spanned<f64>>,
    pub motion_bias: Option<Spanned<f64>>,
    pub turnout: Option<Spanned<f64>>,
    pub reference: Option<Spanned<RawReference>>,
}

/// `reference = "status-quo" | "circulated" | "DRAFT_ID"`, or a text given by its position,
/// `reference = { crossings = 4, months = 12 }` (a hand-written visitor, not an untagged enum).
#[derive(Debug)]
pub enum RawReference {
    /// A keyword or a draft id.
    Named(String),
    /// A position per dimension id.
    Position(BTreeMap<String, f64>),
}

impl<'de> Deserialize<'de> for RawReference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawReference;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"status-quo\", \"circulated\", a draft id or a table of positions")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawReference, E> {
                Ok(RawReference::Named(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawReference, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, f64>()? {
                    out.insert(k, v);
                }
                Ok(RawReference::Position(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `tabled_if = { vetoed = "ID" }`: put only if an earlier ballot ended so.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub adopted: Option<Spanned<String>>,
    pub failed: Option<Spanned<String>>,
    pub vetoed: Option<Spanned<String>>,
    pub not_adopted: Option<Spanned<String>>,
}

/// `penholder = "USA"` or `penholder = ["USA", "GBR"]`: one id or a list of them. (A
/// hand-written visitor, not an untagged enum, so the ids keep their spans; a lone string
/// takes the span of the whole value, which the validator supplies.)
#[derive(Debug, Default)]
pub struct OneOrMany(pub Vec<Spanned<String>>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member id or a list of member ids")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![Spanned::new(0..0, v.to_string())]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(id) = seq.next_element::<Spanned<String>>()? {
                    out.push(id);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[members.ID.stance]` (or `[templates.ID]`): what a delegation wants and how it decides.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStance {
    #[serde(default)]
    pub ideal: Keyed<Spanned<f64>>,
    #[serde(default)]
    pub salience: Keyed<Spanned<f64>>,
    #[serde(default)]
    pub act_bonus: Option<Spanned<f64>>,
    pub yes_threshold: Option<Spanned<f64>>,
    pub no_threshold: Option<Spanned<f64>>,
    pub temperature: Option<Spanned<f64>>,
    pub flexibility: Option<Spanned<f64>>,
    pub turnout: Option<Spanned<f64>>,
    pub motion_bias: Option<Spanned<f64>>,
}

/// `[blocs.ID]`: a group that settles a common vote.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBloc {
    pub cohesion: Spanned<f64>,
    pub rule: Option<Spanned<String>>,
    pub leader: Option<Spanned<String>>,
}

/// `[[relations]]`: `from` lobbies `to` during consultations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub pull: Spanned<f64>,
}

/// `[[drafts]]`: a draft resolution as circulated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDraft {
    pub id: Spanned<String>,
    #[serde(default)]
    pub title: String,
    pub penholder: Spanned<OneOrMany>,
    pub lead: Option<Spanned<String>>,
    pub force_vote: Option<bool>,
    pub procedural: Option<bool>,
    pub circulated_day: Option<Spanned<f64>>,
    pub vote_day: Option<Spanned<f64>>,
    pub tabled_if: Option<Spanned<RawCondition>>,
    pub provisions: Spanned<Vec<RawProvision>>,
}

/// `[[drafts.provisions]]`: one paragraph and where it stands.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvision {
    pub id: Spanned<String>,
    pub text: String,
    #[serde(default)]
    pub position: Keyed<Spanned<f64>>,
}

/// `[[amendments]]`: a proposed change to one draft.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAmendment {
    pub id: Spanned<String>,
    pub draft: Option<Spanned<String>>,
    pub sponsors: Spanned<Vec<Spanned<String>>>,
    pub action: Spanned<String>,
    pub target: Option<Spanned<String>>,
    pub text: Option<String>,
    pub position: Option<Keyed<Spanned<f64>>>,
    pub tabling: Option<Spanned<String>>,
    pub procedural: Option<bool>,
    pub tabled_if: Option<Spanned<RawCondition>>,
}

/// `[[motions]]`: a procedural motion, voted before amendments and drafts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMotion {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub draft: Option<Spanned<String>>,
    pub movers: Spanned<Vec<Spanned<String>>>,
    pub days: Option<Spanned<f64>>,
    pub tabling: Option<Spanned<String>>,
    pub procedural: Option<bool>,
    pub tabled_if: Option<Spanned<RawCondition>>,
}

/// `[negotiation]`: the calendar and the penholder's latitude.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNegotiation {
    pub consultations: Option<bool>,
    pub vote_day: Option<Spanned<f64>>,
    pub round_length: Option<RawDistribution>,
    pub instructions: Option<RawInstructions>,
    pub withdraw_expected_veto: Option<bool>,
    pub compromise: Option<bool>,
}

/// A distribution of a duration in days, named by `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    pub kind: Spanned<String>,
    pub value: Option<Spanned<f64>>,
    pub min: Option<Spanned<f64>>,
    pub max: Option<Spanned<f64>>,
    pub mode: Option<Spanned<f64>>,
    pub mean: Option<Spanned<f64>>,
}

/// `[negotiation.instructions]`: capital instructions as a Poisson process.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstructions {
    pub rate_per_day: Spanned<f64>,
    pub size: Spanned<f64>,
}

/// `[montecarlo]`: defaults for `run`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMonteCarlo {
    pub replications: Option<Spanned<i64>>,
    pub seed: Option<Spanned<i64>>,
}
