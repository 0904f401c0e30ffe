//! A delegation's private brief: its stance, read back in plain words and figures.
//!
//! A student who plays a delegation (`councilsim brief`, and later the classroom) needs to
//! know what the model's numbers mean for *their* seat before the game starts: what the
//! delegation wants and how much it cares, how good each draft as circulated is for it, what
//! would make it vote no and what would win its yes, its bloc, who lobbies it and what it
//! sponsors. Everything here is computed from the compiled [`Model`] at the start of the
//! game — texts as circulated, the status quo in force before any vote, no lobbying pressure
//! yet, no noise — so the brief is the same figures the delegation's bot starts from.
//!
//! Each figure is kept as a number (for the classroom's own layout) beside the sentence
//! that says it in words; [`crate::export::brief`] lays both out as text, Markdown or HTML.
//!
//! Red lines and yes-moves are exact, per dimension, holding the rest of the text where it
//! is. With the text at `c` on dimension d and everything else fixed, Δ(x) = Δ₀ +
//! s·(|i − c|^p − |i − x|^p) (i the ideal point, s the salience, p the distance exponent):
//! Δ is largest at x = i, where it is K = Δ₀ + s·|i − c|^p, and falls with the distance
//! from i. So the member votes no (Δ < −b) exactly where |i − x| > ((K + b)/s)^(1/p), and
//! yes (Δ > a) exactly where |i − x| < ((K − a)/s)^(1/p).

use crate::behaviour::{self, Vote};
use crate::model::{AmendmentAction, Ballot, BlocRule, Model, MotionKind, Reference, Tabling};
use crate::text::Text;
use serde::Serialize;

/// Whether the seat votes (a member) or only takes part (a participant, rule 37).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member of the body: it votes.
    Member,
    /// A State invited to take part without a vote: it asks, lobbies and sponsors.
    Participant,
}

/// How much a delegation cares about a dimension, from its share of the total salience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Care {
    /// At least 40% of everything it cares about.
    AboveAll,
    /// 25% to 40%.
    ALot,
    /// 10% to 25%.
    Somewhat,
    /// Less than 10%.
    ALittle,
    /// Salience zero: the dimension does not change its view of a text.
    NotAtAll,
}

impl Care {
    /// The care that a salience share stands for.
    pub fn from_share(share: f64) -> Care {
        if share <= 0.0 {
            Care::NotAtAll
        } else if share >= 0.4 {
            Care::AboveAll
        } else if share >= 0.25 {
            Care::ALot
        } else if share >= 0.1 {
            Care::Somewhat
        } else {
            Care::ALittle
        }
    }

    /// In words ("a lot").
    pub fn words(self) -> &'static str {
        match self {
            Care::AboveAll => "above all else",
            Care::ALot => "a lot",
            Care::Somewhat => "somewhat",
            Care::ALittle => "a little",
            Care::NotAtAll => "not at all",
        }
    }
}

/// A paragraph that speaks to a dimension: where its words put the text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Wording {
    /// The provision's id (an amendment's new paragraph has the amendment's id).
    pub provision: String,
    /// Its words.
    pub text: String,
    /// Its position on the dimension.
    pub position: f64,
    /// Where it comes from: "draft S/2025/112" or "amendment A1".
    pub source: String,
}

/// What the delegation wants on one dimension.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Want {
    /// Dimension id.
    pub dim: String,
    /// Dimension label (its description in the scenario).
    pub label: String,
    /// Lowest position.
    pub lo: f64,
    /// Highest position.
    pub hi: f64,
    /// Positions are whole numbers.
    pub integer: bool,
    /// Where things stand without a resolution.
    pub status_quo: f64,
    /// The delegation's ideal point.
    pub ideal: f64,
    /// Its salience s (weight).
    pub salience: f64,
    /// Its share of the delegation's total salience (0 to 1).
    pub share: f64,
    /// The share in words.
    pub care: Care,
    /// The wording on the table (any draft or amendment) closest to what it wants.
    pub closest: Option<Wording>,
    /// The whole line in words.
    pub words: String,
}

/// What a draft's Δ is measured against.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReferenceView {
    /// "status_quo", "draft", "circulated" or "position".
    pub kind: &'static str,
    /// The reference draft's id, for "draft" and "circulated".
    pub draft: Option<String>,
    /// Its position per dimension (dimension order of the scenario).
    pub position: Vec<f64>,
    /// In words.
    pub words: String,
}

/// The smallest move on one dimension that wins the delegation's yes, or why there is none.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum YesMove {
    /// It already votes yes; it keeps its yes while the text stays strictly between these
    /// positions (None: up to the end of the range).
    Already {
        /// Lower edge (exclusive), if within the range.
        above: Option<f64>,
        /// Upper edge (exclusive), if within the range.
        below: Option<f64>,
    },
    /// Moving the text to `to` (just past it on a continuous dimension, exactly there on a
    /// whole-number one) wins its yes; `by` is the signed move from the text's position.
    Move {
        /// The edge of the yes zone (continuous) or the first whole number inside it.
        to: f64,
        /// `to` minus the text's position now.
        by: f64,
        /// Whether `to` itself is inside (whole numbers) or only positions just past it.
        exact: bool,
    },
    /// No position on this dimension alone brings Δ above a.
    Impossible,
    /// The delegation does not care about this dimension (salience 0).
    Indifferent,
}

/// One dimension of one draft: where the text stands, the red lines and the yes-move.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DimView {
    /// Dimension id.
    pub dim: String,
    /// Dimension label.
    pub label: String,
    /// The text's position as circulated.
    pub position: f64,
    /// The delegation's ideal point.
    pub ideal: f64,
    /// Its salience.
    pub salience: f64,
    /// What the gap costs it: s·|ideal − position|^p.
    pub loss: f64,
    /// The paragraphs of the circulated text that speak to this dimension (empty: the text
    /// is silent and stands at the dimension's silent position).
    pub provisions: Vec<Wording>,
    /// Δ if the text stood exactly at the ideal point here, the rest unchanged.
    pub best_delta: f64,
    /// The delegation votes no if the text moves strictly below this position (None: no
    /// position in range below the text does that).
    pub no_below: Option<f64>,
    /// The delegation votes no if the text moves strictly above this position.
    pub no_above: Option<f64>,
    /// Δ stays below −b wherever this dimension stands: only other dimensions can help.
    pub no_whatever: bool,
    /// What would win its yes here.
    pub yes: YesMove,
    /// The red line and the yes-move in words.
    pub words: Vec<String>,
}

/// An amendment to a draft, and what it would do for the delegation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AmendmentView {
    /// Id.
    pub id: String,
    /// Sponsors (members, then participants).
    pub sponsors: Vec<String>,
    /// The delegation sponsors it.
    pub you_sponsor: bool,
    /// "insert", "delete" or "replace".
    pub action: &'static str,
    /// What it does, in words (with the paragraphs' texts).
    pub what: String,
    /// Whether it is put to the vote whatever happens ("always") or only if its sponsors
    /// still gain ("if-wanted").
    pub tabling: &'static str,
    /// Δ on the amendment's own ballot: U(amended text) − U(text as circulated) + the
    /// amendment's bonus.
    pub delta: f64,
    /// The vote on the amendment if it were now (None for a participant: it has no vote).
    pub vote: Option<&'static str>,
    /// The draft's Δ if the amendment were written into the circulated text.
    pub draft_delta_after: f64,
    /// The vote (or a participant's stance) on the draft then.
    pub draft_vote_after: &'static str,
    /// In words.
    pub words: String,
}

/// A procedural motion on a draft's vote.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MotionView {
    /// Id.
    pub id: String,
    /// Members who move it.
    pub movers: Vec<String>,
    /// The delegation moves it.
    pub you_move: bool,
    /// How long it postpones the vote, in days.
    pub postpone_days: f64,
    /// Δ on the motion: a − Δ(draft) + motion bias (a member who dislikes the draft likes delay).
    pub delta: Option<f64>,
    /// The vote on it if it were now (members only).
    pub vote: Option<&'static str>,
    /// In words.
    pub words: String,
}

/// One draft from the delegation's seat.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DraftView {
    /// Draft id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The lead penholder's id.
    pub penholder: String,
    /// The delegation holds the pen (alone or with others).
    pub you_hold_the_pen: bool,
    /// Decided by the procedural rule (no veto).
    pub procedural: bool,
    /// Day of its vote.
    pub vote_day: f64,
    /// What Δ measures the draft against.
    pub reference: ReferenceView,
    /// The text's position as circulated, per dimension (scenario order).
    pub position: Vec<f64>,
    /// U(text as circulated).
    pub utility_text: f64,
    /// U(reference).
    pub utility_reference: f64,
    /// r: the value of the Council acting at all (with this draft's override, if any).
    pub bonus: f64,
    /// Δ = U(text) − U(reference) + r.
    pub delta: f64,
    /// Yes threshold a.
    pub yes_threshold: f64,
    /// No threshold b.
    pub no_threshold: f64,
    /// Noise scale τ (0 for a participant).
    pub temperature: f64,
    /// "yes", "abstain" or "no" if the vote were now (a participant: what it would lobby for).
    pub vote_now: &'static str,
    /// P(yes), P(abstain), P(no) with the noise τ (members only).
    pub probabilities: Option<[f64; 3]>,
    /// What Δ and the thresholds mean, in words.
    pub words: Vec<String>,
    /// Per dimension, most salient first: red lines and yes-moves.
    pub dimensions: Vec<DimView>,
    /// The amendments to this draft.
    pub amendments: Vec<AmendmentView>,
    /// The motions on its vote.
    pub motions: Vec<MotionView>,
}

/// A bloc the delegation belongs to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BlocView {
    /// Bloc id.
    pub id: String,
    /// Its members.
    pub members: Vec<String>,
    /// κ: the chance a member follows the common vote.
    pub cohesion: f64,
    /// "majority" or "leader".
    pub rule: &'static str,
    /// The leader, under the leader rule.
    pub leader: Option<String>,
    /// The delegation follows this bloc's common vote (its first bloc).
    pub you_follow: bool,
    /// In words.
    pub words: String,
}

/// One lobbying relation that touches the delegation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Lobby {
    /// Who lobbies.
    pub from: String,
    /// Who is lobbied.
    pub to: String,
    /// How far one contact shifts the lobbied member's Δ.
    pub pull: f64,
    /// Per draft: the lobbyist's own intention on the text as circulated ("yes", "abstain",
    /// "no"), which decides which way it pulls.
    pub intentions: Vec<(String, &'static str)>,
    /// In words.
    pub words: String,
}

/// The whole brief of one seat.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Brief {
    /// Scenario name.
    pub scenario: String,
    /// Agent index (a member, or `members + p` for participant p).
    pub seat: usize,
    /// Delegation id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Member or participant.
    pub role: Role,
    /// A permanent member.
    pub permanent: bool,
    /// Its negative vote defeats substantive decisions.
    pub veto: bool,
    /// Probability that it is present and votes (0 for a participant, which never votes).
    pub turnout: f64,
    /// Its role in words.
    pub role_words: Vec<String>,
    /// The exponent p of the distance in U.
    pub distance_exponent: f64,
    /// How Δ is computed, in words.
    pub how_delta_works: String,
    /// What it wants, most salient first.
    pub wants: Vec<Want>,
    /// Every draft, in order of submission.
    pub drafts: Vec<DraftView>,
    /// Its blocs.
    pub blocs: Vec<BlocView>,
    /// Who lobbies it.
    pub lobbied_by: Vec<Lobby>,
    /// Whom it lobbies.
    pub lobbies: Vec<Lobby>,
    /// Ids of the amendments it sponsors.
    pub sponsors: Vec<String>,
    /// Ids of the motions it moves.
    pub moves: Vec<String>,
}

/// Formats a figure for the words: two decimals, whole numbers without them, a real minus
/// sign, no "−0.00".
pub fn num(x: f64) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e12 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    };
    match s.strip_prefix('-') {
        Some("0.00") => "0.00".to_string(),
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// A signed figure ("+0.25", "−0.10") for Δ.
pub fn signed(x: f64) -> String {
    let s = num(x);
    if s.starts_with('−') || s == "0" || s == "0.00" {
        s
    } else {
        format!("+{s}")
    }
}

fn percent(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// The agent's U at `position`.
fn utility(model: &Model, agent: usize, position: &[f64]) -> f64 {
    let k = model.dim_count();
    behaviour::utility(
        &model.members.ideal[agent * k..(agent + 1) * k],
        &model.members.salience[agent * k..(agent + 1) * k],
        position,
        model.distance_exponent,
    )
}

/// What `agent` measures draft `d` against at the start of the game, and its position.
fn reference(model: &Model, agent: usize, d: usize) -> (Reference, Vec<f64>) {
    let n = model.members.len();
    let reference = if agent < n {
        model.draft_stance(d, agent).reference
    } else {
        Reference::StatusQuo
    };
    let position = match reference {
        Reference::StatusQuo => model.status_quo_position.clone(),
        Reference::Draft(e) | Reference::Circulated(e) => model.circulated(e as usize).to_vec(),
        Reference::Position(r) => model.reference_position(r as usize).to_vec(),
    };
    (reference, position)
}

/// Δ of `agent` for draft `d` at `position`, with its thresholds (a, b): the engine's
/// `agent_delta` at the start of a replication (no lobbying pressure yet).
pub fn agent_delta(model: &Model, agent: usize, d: usize, position: &[f64]) -> (f64, f64, f64) {
    let n = model.members.len();
    let (_, reference) = reference(model, agent, d);
    let base = utility(model, agent, position) - utility(model, agent, &reference);
    if agent < n {
        let stance = model.draft_stance(d, agent);
        (base + stance.bonus, stance.yes, stance.no)
    } else {
        let p = &model.participants;
        let q = agent - n;
        (base + p.act_bonus[q], p.yes_threshold[q], p.no_threshold[q])
    }
}

fn vote_name(v: Vote) -> &'static str {
    v.as_str()
}

/// "vote yes", "vote no" or "abstain", for sentences.
fn vote_phrase(v: &str) -> &'static str {
    match v {
        "yes" => "vote yes",
        "no" => "vote no",
        _ => "abstain",
    }
}

/// The sources of every provision: "draft X" or "amendment A".
fn provision_sources(model: &Model) -> Vec<String> {
    let mut source = vec![String::new(); model.provisions.len()];
    for d in &model.drafts {
        for &p in &d.provisions {
            source[p as usize] = format!("draft {}", d.id);
        }
    }
    for a in &model.amendments {
        if let AmendmentAction::Insert { new } | AmendmentAction::Replace { new, .. } = a.action {
            source[new as usize] = format!("amendment {}", a.id);
        }
    }
    source
}

fn wording(model: &Model, sources: &[String], p: usize, dim: usize) -> Wording {
    let prov = &model.provisions[p];
    Wording {
        provision: prov.id.clone(),
        text: prov.text.clone(),
        position: prov.position[dim],
        source: sources[p].clone(),
    }
}

/// Builds the brief of `seat` (an agent index: a member, or `members + p` for participant
/// p). Panics if `seat` is not an agent of `model` (the CLI checks the id first).
pub fn build(model: &Model, seat: usize) -> Brief {
    assert!(seat < model.agent_count(), "seat {seat} out of range");
    let n = model.members.len();
    let k = model.dim_count();
    let member = seat < n;
    let sources = provision_sources(model);
    let ideal = &model.members.ideal[seat * k..(seat + 1) * k];
    let salience = &model.members.salience[seat * k..(seat + 1) * k];
    let total: f64 = salience.iter().sum();

    // Dimensions, most salient first (ties in scenario order).
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&x, &y| salience[y].total_cmp(&salience[x]));

    let wants = order
        .iter()
        .map(|&d| want(model, &sources, d, ideal[d], salience[d], total))
        .collect();

    let (name, permanent, veto, turnout) = if member {
        (
            model.members.names[seat].clone(),
            model.members.permanent.contains(seat),
            model.rules.veto.contains(seat),
            model.members.turnout[seat],
        )
    } else {
        (
            model.participants.names[seat - n].clone(),
            false,
            false,
            0.0,
        )
    };

    let drafts = (0..model.drafts.len())
        .map(|d| draft_view(model, &sources, seat, d, &order))
        .collect();

    let blocs = if member {
        model
            .blocs
            .iter()
            .enumerate()
            .filter(|(_, b)| b.members.contains(seat))
            .map(|(bi, _)| bloc_view(model, seat, bi))
            .collect()
    } else {
        Vec::new()
    };

    let lobbied_by = model
        .relations
        .iter()
        .filter(|r| r.to as usize == seat)
        .map(|r| lobby(model, r.from as usize, r.to as usize, r.pull, seat))
        .collect();
    let lobbies = model
        .relations
        .iter()
        .filter(|r| r.from as usize == seat)
        .map(|r| lobby(model, r.from as usize, r.to as usize, r.pull, seat))
        .collect();

    let sponsors = model
        .amendments
        .iter()
        .filter(|a| sponsored(model, a, seat))
        .map(|a| a.id.clone())
        .collect();
    let moves = model
        .motions
        .iter()
        .filter(|m| member && m.movers.contains(seat))
        .map(|m| m.id.clone())
        .collect();

    Brief {
        scenario: model.name.clone(),
        seat,
        id: model.agent_id(seat).to_string(),
        name: name.clone(),
        role: if member {
            Role::Member
        } else {
            Role::Participant
        },
        permanent,
        veto,
        turnout,
        role_words: role_words(model, seat, &name, permanent, veto, turnout),
        distance_exponent: model.distance_exponent,
        how_delta_works: how_delta_works(model, member),
        wants,
        drafts,
        blocs,
        lobbied_by,
        lobbies,
        sponsors,
        moves,
    }
}

fn sponsored(model: &Model, a: &crate::model::Amendment, seat: usize) -> bool {
    let n = model.members.len();
    if seat < n {
        a.sponsors.contains(seat)
    } else {
        a.participant_sponsors.contains(seat - n)
    }
}

fn role_words(
    model: &Model,
    seat: usize,
    name: &str,
    permanent: bool,
    veto: bool,
    turnout: f64,
) -> Vec<String> {
    let n = model.members.len();
    let mut words = Vec::new();
    if seat >= n {
        words.push(format!(
            "You represent {name} ({}), a State invited to take part without a vote (rule 37 of the \
             Council's provisional rules of procedure). You cannot vote on anything. What you can \
             do: ask the penholder to change the draft in consultations, lobby members, and \
             sponsor amendments that a member must put to the vote for you (rule 38).",
            model.agent_id(seat)
        ));
        return words;
    }
    words.push(format!(
        "You represent {name} ({}), {} in \"{}\" ({} members; {} yes votes carry a \
         substantive decision{}).",
        model.members.ids[seat],
        if permanent {
            "a permanent member"
        } else {
            "an elected member"
        },
        model.name,
        n,
        model.rules.quota,
        match model.rules.majority {
            crate::model::Majority::Quota => String::new(),
            crate::model::Majority::PresentAndVoting =>
                ", and more yes than no among those voting".to_string(),
            crate::model::Majority::TwoThirdsPresentAndVoting =>
                ", and two thirds of those voting".to_string(),
        }
    ));
    if veto {
        words.push(
            "You hold a veto: if you vote no on a substantive decision that has enough yes votes, \
             it fails. An abstention is not a veto."
                .to_string(),
        );
    } else {
        words.push(
            "You hold no veto: your no counts as one vote against, like any elected member's."
                .to_string(),
        );
    }
    if turnout < 1.0 {
        words.push(format!(
            "You are present at a vote with probability {}; when absent you do not vote.",
            percent(turnout)
        ));
    }
    words
}

fn how_delta_works(model: &Model, member: bool) -> String {
    let p = model.distance_exponent;
    let power = if p == 2.0 {
        "the square of each gap".to_string()
    } else if p == 1.0 {
        "each gap".to_string()
    } else {
        format!("each gap to the power {}", num(p))
    };
    let act = if member {
        "yes if Δ is above your yes threshold a, no if Δ is below minus your no threshold b, \
         and abstain in between. Delegations are not machines: a random nudge of size τ \
         (your temperature) is added before you decide, so a Δ close to a threshold can go \
         either way."
    } else {
        "you are content when Δ is above your yes threshold a and ask for changes while it is \
         not; below minus your no threshold b you oppose the text (and lobby against it)."
    };
    format!(
        "How the model judges a text for you: on every dimension it takes the gap between where \
         the text stands and what you want, weighs {power} by how much you care (the salience), \
         and adds them up: that is what the text costs you. Δ (delta) is how much better the \
         text is for you than what you compare it with (usually the status quo, the world \
         without a resolution), plus r, the value you see in the Council acting at all. Then: {act}"
    )
}

fn want(
    model: &Model,
    sources: &[String],
    d: usize,
    ideal: f64,
    salience: f64,
    total: f64,
) -> Want {
    let dim = &model.dims[d];
    let share = if total > 0.0 { salience / total } else { 0.0 };
    let care = Care::from_share(share);
    // The wording on the table closest to the ideal point (first in provision order on ties).
    let closest = model
        .provisions
        .iter()
        .enumerate()
        .filter(|(p, prov)| !prov.position[d].is_nan() && !sources[*p].is_empty())
        .min_by(|(_, a), (_, b)| {
            (a.position[d] - ideal)
                .abs()
                .total_cmp(&(b.position[d] - ideal).abs())
        })
        .map(|(p, _)| wording(model, sources, p, d));
    let label = if dim.label.is_empty() || dim.label == dim.id {
        dim.id.clone()
    } else {
        format!("{} ({})", dim.id, dim.label)
    };
    let mut words = if care == Care::NotAtAll {
        format!(
            "{label}: you do not care (salience 0): no position here changes your view of a text."
        )
    } else {
        let side = if ideal > dim.status_quo {
            "more than"
        } else if ideal < dim.status_quo {
            "less than"
        } else {
            "the same as"
        };
        format!(
            "{label}: you want {} on a scale from {} to {} — {side} today's {}. You care {} \
             (salience {}, {} of all you care about).",
            num(ideal),
            num(dim.lo),
            num(dim.hi),
            num(dim.status_quo),
            care.words(),
            num(salience),
            percent(share)
        )
    };
    // A text that says nothing here stands at the dimension's silent position; a wording
    // is worth pointing to only if it comes closer to what the delegation wants.
    let silence_is_closer = closest
        .as_ref()
        .is_some_and(|w| (dim.silent - ideal).abs() <= (w.position - ideal).abs());
    if silence_is_closer && care != Care::NotAtAll {
        words.push_str(&format!(
            " No wording on the table comes closer than silence: a text that says nothing \
             here stands at {}.",
            num(dim.silent)
        ));
    } else if let (Some(w), false) = (&closest, care == Care::NotAtAll) {
        let whose = if w.source.ends_with(&format!(" {}", w.provision)) {
            w.source.clone()
        } else {
            format!("{}, {}", w.provision, w.source)
        };
        words.push_str(&format!(
            " Closest wording on the table: \"{}\" ({whose}, at {}).",
            w.text,
            num(w.position)
        ));
    }
    Want {
        dim: dim.id.clone(),
        label: dim.label.clone(),
        lo: dim.lo,
        hi: dim.hi,
        integer: dim.integer,
        status_quo: dim.status_quo,
        ideal,
        salience,
        share,
        care,
        closest,
        words,
    }
}

/// The intention for Δ under thresholds (a, b), in a member's or a participant's words.
fn intention(delta: f64, a: f64, b: f64) -> &'static str {
    vote_name(behaviour::intended_vote(delta, a, b))
}

fn draft_view(
    model: &Model,
    sources: &[String],
    seat: usize,
    d: usize,
    order: &[usize],
) -> DraftView {
    let n = model.members.len();
    let member = seat < n;
    let draft = &model.drafts[d];
    let position = model.circulated(d).to_vec();
    let (reference_kind, reference_position) = reference(model, seat, d);
    let utility_text = utility(model, seat, &position);
    let utility_reference = utility(model, seat, &reference_position);
    let (delta, a, b) = agent_delta(model, seat, d, &position);
    let bonus = delta - (utility_text - utility_reference);
    let temperature = if member {
        model.draft_stance(d, seat).tau
    } else {
        0.0
    };
    let vote_now = intention(delta, a, b);
    let probabilities = member.then(|| {
        let p = behaviour::vote_probabilities(delta, a, b, temperature);
        [p.yes, p.abstain, p.no]
    });

    let reference_view = reference_view(model, reference_kind, reference_position, d);
    let mut words = Vec::new();
    words.push(format!(
        "As circulated, this draft gives you Δ = {}. It adds up as: your value of the text, {}; \
         minus your value of {}, {}; plus r = {}, the value you see in the Council acting at all.",
        signed(delta),
        num(utility_text),
        reference_view.words,
        num(utility_reference),
        num(bonus)
    ));
    if member {
        let now = match vote_now {
            "yes" => format!(
                "Δ {} is above a = {}: you would vote yes if the vote were now.",
                signed(delta),
                num(a)
            ),
            "no" => format!(
                "Δ {} is below −b = {}: you would vote no if the vote were now{}.",
                signed(delta),
                signed(-b),
                if model.rules.veto.contains(seat) && !draft.procedural {
                    " — and your no is a veto"
                } else {
                    ""
                }
            ),
            _ => format!(
                "Δ {} lies between −b = {} and a = {}: you would abstain if the vote were now.",
                signed(delta),
                signed(-b),
                num(a)
            ),
        };
        words.push(now);
        words.push(format!(
            "In plain words: you vote yes only if the text is worth more than {} to you, no if it \
             costs you more than {}, and abstain in between.",
            num(a),
            num(b)
        ));
        if let Some([py, pa, pn]) = probabilities {
            if temperature > 0.0 {
                words.push(format!(
                    "With your noise τ = {}, the model's odds for your vote on this text are: yes \
                     {}, abstain {}, no {}.",
                    num(temperature),
                    percent(py),
                    percent(pa),
                    percent(pn)
                ));
            }
        }
    } else {
        let now = match vote_now {
            "yes" => format!(
                "Δ {} is above a = {}: you are content with this text (you cannot vote, but \
                 you would lobby for it).",
                signed(delta),
                num(a)
            ),
            "no" => format!(
                "Δ {} is below −b = {}: you oppose this text; you ask for changes and lobby \
                 against it.",
                signed(delta),
                signed(-b)
            ),
            _ => format!(
                "Δ {} is not above a = {}: you ask the penholder for changes.",
                signed(delta),
                num(a)
            ),
        };
        words.push(now);
    }
    if draft.penholders.contains(seat) {
        words.push(if draft.penholder as usize == seat {
            "You hold the pen on this draft: you decide which asks to accept and whether to put \
             it to the vote."
                .to_string()
        } else {
            format!(
                "You share the pen on this draft with {} (lead penholder).",
                model.members.ids[draft.penholder as usize]
            )
        });
    }

    let dimensions = order
        .iter()
        .map(|&dim| dim_view(model, sources, seat, d, dim, delta, a, b, member))
        .collect();

    let amendments = model
        .amendments
        .iter()
        .enumerate()
        .filter(|(_, am)| am.draft as usize == d)
        .map(|(ai, _)| amendment_view(model, seat, ai, delta))
        .collect();
    let motions = model
        .motions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.draft as usize == d)
        .map(|(mi, _)| motion_view(model, seat, mi, delta))
        .collect();

    DraftView {
        id: draft.id.clone(),
        title: draft.title.clone(),
        penholder: model.members.ids[draft.penholder as usize].clone(),
        you_hold_the_pen: draft.penholders.contains(seat),
        procedural: draft.procedural,
        vote_day: draft.vote_at as f64 / crate::model::MINUTES_PER_DAY,
        reference: reference_view,
        position,
        utility_text,
        utility_reference,
        bonus,
        delta,
        yes_threshold: a,
        no_threshold: b,
        temperature,
        vote_now,
        probabilities,
        words,
        dimensions,
        amendments,
        motions,
    }
}

fn reference_view(
    model: &Model,
    reference: Reference,
    position: Vec<f64>,
    d: usize,
) -> ReferenceView {
    let later = model.draft_ballot[d] != model.draft_ballot.iter().copied().min().unwrap_or(0);
    let (kind, draft, words) = match reference {
        Reference::StatusQuo => (
            "status_quo",
            None,
            if later {
                "the status quo (no resolution; an earlier draft, if adopted, moves it)".to_string()
            } else {
                "the status quo (things as they stand without a resolution)".to_string()
            },
        ),
        Reference::Draft(e) => {
            let id = model.drafts[e as usize].id.clone();
            (
                "draft",
                Some(id.clone()),
                format!("draft {id} (the rival text)"),
            )
        }
        Reference::Circulated(e) => {
            let id = model.drafts[e as usize].id.clone();
            (
                "circulated",
                Some(id),
                "this draft as first circulated (so only changes count)".to_string(),
            )
        }
        Reference::Position(_) => (
            "position",
            None,
            "a reference text (such as the mandate in force)".to_string(),
        ),
    };
    ReferenceView {
        kind,
        draft,
        position,
        words,
    }
}

/// Red lines and the yes-move on dimension `dim` of draft `d`, holding the rest (see the
/// module documentation for the algebra).
#[allow(clippy::too_many_arguments)]
fn dim_view(
    model: &Model,
    sources: &[String],
    seat: usize,
    d: usize,
    dim: usize,
    delta: f64,
    a: f64,
    b: f64,
    member: bool,
) -> DimView {
    let k = model.dim_count();
    let info = &model.dims[dim];
    let p = model.distance_exponent;
    let ideal = model.members.ideal[seat * k + dim];
    let s = model.members.salience[seat * k + dim];
    let c = model.circulated(d)[dim];
    let loss = s * behaviour::distance_term(ideal - c, p);
    let best_delta = delta + loss;
    let provisions: Vec<Wording> = model.drafts[d]
        .provisions
        .iter()
        .filter(|&&q| !model.provisions[q as usize].position[dim].is_nan())
        .map(|&q| wording(model, sources, q as usize, dim))
        .collect();

    // Reachable positions: the range, whole numbers only on a counting dimension.
    let (lo, hi) = if info.integer {
        (info.lo.ceil(), info.hi.floor())
    } else {
        (info.lo, info.hi)
    };
    let radius = |level: f64| (level / s).powf(1.0 / p);

    let (mut no_below, mut no_above, mut no_whatever) = (None, None, false);
    let yes;
    if s <= 0.0 {
        yes = YesMove::Indifferent;
    } else {
        // No: |ideal − x| > R_no, R_no = ((K + b)/s)^(1/p); if K + b < 0, no everywhere.
        if best_delta + b < 0.0 {
            no_whatever = true;
        } else {
            let r = radius(best_delta + b);
            let (low, high) = (ideal - r, ideal + r);
            no_below = (lo < low).then_some(low);
            no_above = (hi > high).then_some(high);
        }
        // Yes: |ideal − x| < R_yes, R_yes = ((K − a)/s)^(1/p), if K > a.
        if best_delta - a <= 0.0 {
            yes = YesMove::Impossible;
        } else {
            let r = radius(best_delta - a);
            let (low, high) = (ideal - r, ideal + r);
            if delta > a {
                yes = YesMove::Already {
                    above: (lo < low).then_some(low),
                    below: (hi > high).then_some(high),
                };
            } else if info.integer {
                // The whole number inside (low, high) nearest to c, within range.
                let candidate = if c <= low {
                    low.floor() + 1.0
                } else {
                    high.ceil() - 1.0
                };
                yes = if candidate > low && candidate < high && candidate >= lo && candidate <= hi {
                    YesMove::Move {
                        to: candidate,
                        by: candidate - c,
                        exact: true,
                    }
                } else {
                    YesMove::Impossible
                };
            } else {
                let to = if c <= low { low } else { high };
                yes = if (lo..=hi).contains(&to) {
                    YesMove::Move {
                        to,
                        by: to - c,
                        exact: false,
                    }
                } else {
                    YesMove::Impossible
                };
            }
        }
    }

    let mut words = Vec::new();
    let name = &info.id;
    let (no_word, yes_word, yes_label) = if member {
        ("you would vote no", "you would vote yes", "Your yes")
    } else {
        (
            "you would oppose the text",
            "you would be content",
            "Content",
        )
    };
    if s <= 0.0 {
        words.push(format!(
            "{name}: the text stands at {}; you do not care about this dimension, so no move \
             here changes your {}.",
            num(c),
            if member { "vote" } else { "view" }
        ));
    } else {
        words.push(format!(
            "{name}: the text stands at {}{}, you want {}; the gap costs you {}. Were the text \
             exactly where you want it here (all else as circulated), Δ would be {}.",
            num(c),
            if provisions.is_empty() {
                " (it says nothing on this, which counts as that)"
            } else {
                ""
            },
            num(ideal),
            num(loss),
            signed(best_delta)
        ));
        if no_whatever {
            words.push(format!(
                "Red line: {no_word} whatever this dimension says — only changes elsewhere can \
                 help."
            ));
        } else {
            match (no_below, no_above) {
                (None, None) => words.push(format!(
                    "Red line: none on this dimension — at no position from {} to {} would {} \
                     by itself.",
                    num(info.lo),
                    num(info.hi),
                    if member {
                        "you vote no"
                    } else {
                        "you oppose the text"
                    }
                )),
                (low, high) => {
                    // On a dimension that counts, the first whole numbers past the line.
                    let mut parts = Vec::new();
                    if let Some(x) = low {
                        parts.push(if info.integer {
                            format!("at {} or less", num(x.ceil() - 1.0))
                        } else {
                            format!("below {}", num(x))
                        });
                    }
                    if let Some(x) = high {
                        parts.push(if info.integer {
                            format!("at {} or more", num(x.floor() + 1.0))
                        } else {
                            format!("above {}", num(x))
                        });
                    }
                    let crossed = low.is_some_and(|x| c < x) || high.is_some_and(|x| c > x);
                    words.push(if crossed {
                        format!(
                            "Red line: {} whenever the text is {} on {name} (Δ below −b = {}) — \
                             and at {} it is past that line now.",
                            if member {
                                "you vote no"
                            } else {
                                "you oppose the text"
                            },
                            parts.join(" or "),
                            signed(-b),
                            num(c)
                        )
                    } else {
                        format!(
                            "Red line: {no_word} if the text moved {} on {name} (Δ would fall \
                             below −b = {}).",
                            parts
                                .iter()
                                .map(|p| match p.strip_prefix("at ") {
                                    Some(rest) => format!("to {rest}"),
                                    None => p.clone(),
                                })
                                .collect::<Vec<_>>()
                                .join(" or "),
                            signed(-b)
                        )
                    });
                }
            }
        }
        match &yes {
            YesMove::Already { above, below } => {
                let mut parts = Vec::new();
                if let Some(x) = above {
                    parts.push(if info.integer {
                        format!("at {} or more", num(x.floor() + 1.0))
                    } else {
                        format!("above {}", num(*x))
                    });
                }
                if let Some(x) = below {
                    parts.push(if info.integer {
                        format!("at {} or less", num(x.ceil() - 1.0))
                    } else {
                        format!("below {}", num(*x))
                    });
                }
                words.push(if parts.is_empty() {
                    format!("{yes_label}: {yes_word} wherever this dimension stands.")
                } else {
                    format!(
                        "{yes_label}: {yes_word} as long as the text stays {} here.",
                        parts.join(" and ")
                    )
                });
            }
            YesMove::Move { to, by, exact } => words.push(format!(
                "{}: move the text {} {} (a move of {}), and {yes_word}.",
                if member {
                    "To win your yes"
                } else {
                    "To content you"
                },
                if *exact { "to" } else { "past" },
                num(*to),
                signed(*by)
            )),
            YesMove::Impossible => {
                words.push(format!(
                "{}: no position on {name} alone is enough (even at {} Δ stays at or below a = \
                 {}).",
                if member { "To win your yes" } else { "To content you" },
                num(ideal),
                num(a)
            ))
            }
            YesMove::Indifferent => {}
        }
    }

    DimView {
        dim: info.id.clone(),
        label: info.label.clone(),
        position: c,
        ideal,
        salience: s,
        loss,
        provisions,
        best_delta,
        no_below,
        no_above,
        no_whatever,
        yes,
        words,
    }
}

fn amendment_view(model: &Model, seat: usize, ai: usize, draft_delta: f64) -> AmendmentView {
    let n = model.members.len();
    let member = seat < n;
    let am = &model.amendments[ai];
    let d = am.draft as usize;
    let mut text = Text::new(model);
    text.reset_to_draft(model, d);
    let circulated = text.position().to_vec();
    let applies = text.apply(model, am.action);
    let after = text.position().to_vec();
    let ballot = model
        .ballots
        .iter()
        .position(|&b| b == Ballot::Amendment(ai as u16))
        .expect("every amendment has a ballot");
    let bonus = if member {
        model.stance(ballot, seat).bonus
    } else {
        0.0
    };
    let delta = utility(model, seat, &after) - utility(model, seat, &circulated) + bonus;
    let vote = member.then(|| {
        let st = model.stance(ballot, seat);
        intention(delta, st.yes, st.no)
    });
    let (after_delta, a, b) = agent_delta(model, seat, d, &after);
    let draft_vote_after = intention(after_delta, a, b);
    let quote = |p: u32| {
        let prov = &model.provisions[p as usize];
        format!("{} \"{}\"", prov.id, prov.text)
    };
    let (action, what) = match am.action {
        AmendmentAction::Insert { new } => (
            "insert",
            format!("adds \"{}\"", model.provisions[new as usize].text),
        ),
        AmendmentAction::Delete { target } => ("delete", format!("deletes {}", quote(target))),
        AmendmentAction::Replace { target, new } => (
            "replace",
            format!(
                "replaces {} with \"{}\"",
                quote(target),
                model.provisions[new as usize].text
            ),
        ),
    };
    let mut sponsors: Vec<String> = model
        .member_ids(&am.sponsors)
        .into_iter()
        .map(String::from)
        .collect();
    sponsors.extend(
        am.participant_sponsors
            .iter()
            .map(|q| model.participants.ids[q].clone()),
    );
    let you_sponsor = sponsored(model, am, seat);
    let mut words = format!("{} (sponsored by {}) {what}.", am.id, sponsors.join(", "));
    if !applies {
        words.push_str(" It cannot apply to the text as circulated.");
    }
    if you_sponsor {
        words.push_str(if !member {
            " You sponsor it, but as a participant a member must put it to the vote for you."
        } else if sponsors.len() > 1 {
            " You sponsor it: you decide with your co-sponsors whether to put it to the vote."
        } else {
            " You sponsor it: you decide whether to put it to the vote."
        });
    }
    if member {
        words.push_str(&format!(
            " For you it is worth Δ = {} on its own ballot: you would {} on it. Written \
             in, it would make the draft worth {} to you (now {}): you would then {} on \
             the draft.",
            signed(delta),
            vote_phrase(vote.unwrap_or("abstain")),
            signed(after_delta),
            signed(draft_delta),
            vote_phrase(draft_vote_after)
        ));
    } else {
        words.push_str(&format!(
            " Written in, it would make the draft worth {} to you (now {}).",
            signed(after_delta),
            signed(draft_delta)
        ));
    }
    AmendmentView {
        id: am.id.clone(),
        sponsors,
        you_sponsor,
        action,
        what,
        tabling: match am.tabling {
            Tabling::Always => "always",
            Tabling::IfWanted => "if-wanted",
        },
        delta,
        vote,
        draft_delta_after: after_delta,
        draft_vote_after,
        words,
    }
}

fn motion_view(model: &Model, seat: usize, mi: usize, draft_delta: f64) -> MotionView {
    let member = seat < model.members.len();
    let motion = &model.motions[mi];
    let d = motion.draft as usize;
    let MotionKind::Postpone { minutes } = motion.kind;
    let days = minutes as f64 / crate::model::MINUTES_PER_DAY;
    let ballot = model
        .ballots
        .iter()
        .position(|&b| b == Ballot::Motion(mi as u16))
        .expect("every motion has a ballot");
    let (delta, vote) = if member {
        let delta =
            model.draft_stance(d, seat).yes - draft_delta + model.stance(ballot, seat).bonus;
        let st = model.stance(ballot, seat);
        (Some(delta), Some(intention(delta, st.yes, st.no)))
    } else {
        (None, None)
    };
    let movers: Vec<String> = model
        .member_ids(&motion.movers)
        .into_iter()
        .map(String::from)
        .collect();
    let you_move = member && motion.movers.contains(seat);
    let mut words = format!(
        "{} (moved by {}) would postpone the vote on {} by {} day{}.",
        motion.id,
        movers.join(", "),
        model.drafts[d].id,
        num(days),
        if days == 1.0 { "" } else { "s" }
    );
    if you_move {
        words.push_str(" You move it.");
    }
    if let (Some(delta), Some(vote)) = (delta, vote) {
        words.push_str(&format!(
            " Delay is worth Δ = {} to you (the less you like the draft, the more you like \
             delay): you would {} on it.",
            signed(delta),
            vote_phrase(vote)
        ));
    }
    MotionView {
        id: motion.id.clone(),
        movers,
        you_move,
        postpone_days: days,
        delta,
        vote,
        words,
    }
}

fn bloc_view(model: &Model, seat: usize, bi: usize) -> BlocView {
    let bloc = &model.blocs[bi];
    let members: Vec<String> = model
        .member_ids(&bloc.members)
        .into_iter()
        .map(String::from)
        .collect();
    let you_follow = model.members.primary_bloc[seat] == Some(bi as u16);
    let (rule, leader, how) = match bloc.rule {
        BlocRule::Majority => (
            "majority",
            None,
            "its common vote is what a strict majority of its members would vote on their own; \
             if there is no majority, the bloc abstains"
                .to_string(),
        ),
        BlocRule::Leader(l) => {
            let id = model.members.ids[l as usize].clone();
            let how = if l as usize == seat {
                "its common vote is your own vote: you lead it".to_string()
            } else {
                format!("its common vote is the vote of its leader, {id}")
            };
            ("leader", Some(id), how)
        }
    };
    let follow = if you_follow {
        format!(
            "You follow the bloc's common vote with probability {} (its cohesion κ); otherwise \
             you cast your own.",
            percent(bloc.cohesion)
        )
    } else {
        "You count in it, but you follow another bloc (the first you list).".to_string()
    };
    let words = format!(
        "You belong to the bloc {} ({}): {how}. {follow}",
        bloc.id,
        members.join(", ")
    );
    BlocView {
        id: bloc.id.clone(),
        members,
        cohesion: bloc.cohesion,
        rule,
        leader,
        you_follow,
        words,
    }
}

fn lobby(model: &Model, from: usize, to: usize, pull: f64, seat: usize) -> Lobby {
    let intentions: Vec<(String, &'static str)> = (0..model.drafts.len())
        .map(|d| {
            let (delta, a, b) = agent_delta(model, from, d, model.circulated(d));
            (model.drafts[d].id.clone(), intention(delta, a, b))
        })
        .collect();
    let from_id = model.agent_id(from).to_string();
    let to_id = model.agent_id(to).to_string();
    let toward: Vec<String> = intentions
        .iter()
        .map(|(id, v)| match *v {
            "yes" => format!("on {id} toward yes (+{})", num(pull)),
            "no" => format!("on {id} toward no (−{})", num(pull)),
            _ => format!("on {id} not at all (it would abstain)"),
        })
        .collect();
    let words = if to == seat {
        format!(
            "{from_id} lobbies you: each contact shifts your Δ by up to {} toward its own \
             intended vote. On the texts as circulated it pulls you {}.",
            num(pull),
            toward.join("; ")
        )
    } else {
        format!(
            "You lobby {to_id}: each contact shifts its Δ by up to {} toward your own intended \
             vote. On the texts as circulated you pull it {}.",
            num(pull),
            toward.join("; ")
        )
    };
    Lobby {
        from: from_id,
        to: to_id,
        pull,
        intentions,
        words,
    }
}

/// Agent indices and ids of every seat (members, then participants), for error messages.
pub fn seats(model: &Model) -> Vec<&str> {
    (0..model.agent_count())
        .map(|a| model.agent_id(a))
        .collect()
}

/// The agent index of id `id`, if it is a member or a participant of `model`.
pub fn seat_of(model: &Model, id: &str) -> Option<usize> {
    (0..model.agent_count()).find(|&a| model.agent_id(a) == id)
}
