//! Scenario text → parse and validate (rendering every diagnostic, as `check` does) and,
//! if valid, one replication with its trace as text and JSON Lines. The summary of that
//! replication must pass the same checks `merge` applies to files: a summary the program
//! folds itself is never refused.
#![no_main]

use councilsim::export::trace as trace_export;
use councilsim::montecarlo::Summary;
use councilsim::negotiation::Replication;
use councilsim::trace::TraceLog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let model = match councilsim::scenario::compile("fuzz.toml", text) {
        Ok(model) => model,
        Err(e) => {
            let _ = e.render(false);
            return;
        }
    };
    let seed = model.montecarlo.seed;
    let mut log = TraceLog::default();
    let mut replication = Replication::new(&model);
    let outcome = replication.run(seed, 0, &mut log).clone();
    let _ = trace_export::text(&model, seed, 0, &log);
    let _ = trace_export::jsonl(&model, seed, 0, &log);
    let mut summary = Summary::new(&model);
    summary.record(&model, &outcome);
    if let Err(e) = summary.validate(&model, 1) {
        panic!("a summary folded by the program fails its own checks: {e}");
    }
    let json = serde_json::to_string(&summary).expect("a summary serialises");
    let back: Summary = serde_json::from_str(&json).expect("a summary reads back");
    assert_eq!(back, summary, "a summary survives its file format");
});
