//! The richer Council of issue 10: the 1946 Council, rival drafts, conditional tabling,
//! meetings on several days, co-penholders, non-member participants, per-ballot stances,
//! integer dimensions and `explain`.

use crate::support::{councilsim, stderr, write_scenario, Council, Member};

/// Five permanent members and six elected ones: the Council of 1946–1965.
fn eleven() -> Vec<Member> {
    let mut v: Vec<Member> = (1..=5)
        .map(|i| Member::new(&format!("P{i}"), true, 0.5))
        .collect();
    v.extend((1..=6).map(|i| Member::new(&format!("E{i:02}"), false, 0.5)));
    v
}

#[test]
fn the_1946_council_has_quota_7_and_the_textbook_power_indices() {
    let mut council = Council::new(eleven(), 0.5);
    council.extra = "[rules]\npreset = \"security-council-1946\"\n".into();
    let model = council.model();
    assert_eq!(model.rules.quota, 7);
    assert_eq!(model.rules.veto.len(), 5);
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    // Shapley–Shubik: a permanent member 76/385, an elected one 1/462 (Shapley and Shubik
    // 1954 computed these for the Council of the time).
    for m in councilsim::power::indices(&model) {
        let expected = if m.veto { 76.0 / 385.0 } else { 1.0 / 462.0 };
        assert!(
            (m.shapley_shubik - expected).abs() < 1e-12,
            "{}: {} vs {expected}",
            m.id,
            m.shapley_shubik
        );
    }
}

#[test]
fn a_preset_quota_that_does_not_fit_the_membership_warns_but_passes_the_check() {
    let mut council = Council::new(eleven(), 0.5);
    council.extra = "[rules]\npreset = \"security-council\"\n".into();
    let model = council.model();
    assert_eq!(model.rules.quota, 9, "the preset's quota is kept");
    assert_eq!(model.warnings.len(), 1);
    let path = write_scenario("eleven.toml", &council.toml());
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: the security-council preset's quota of 9 is meant for 15 members, but this body has 11"), "{err}");
    assert!(err.contains("security-council-1946"), "{err}");
    // The 15-member Council and the 1946 preset on 11 members say nothing.
    council.extra = "[rules]\npreset = \"security-council-1946\"\n".into();
    let path = write_scenario("eleven-1946.toml", &council.toml());
    let out = councilsim(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(Council::new(Council::fifteen(0.5), 0.5).model().warnings.is_empty());
}
