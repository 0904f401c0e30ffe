//! The one chart a run report draws itself: the distribution of the yes count, as inline
//! SVG in the style of the sweep plots (`export::plot`): no fonts, no scripts.

use std::fmt::Write;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

/// Bars of `counts[k]`, the replications with k yes votes, as shares of `replications`.
/// Each bar carries `data-yes` and `data-count`.
pub fn yes_histogram(counts: &[u64], replications: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = replications.max(1) as f64;
    let top = counts.iter().copied().max().unwrap_or(0) as f64 / n;
    // The axis ends at the next tenth above the tallest bar (at least 0.1).
    let y_max = ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
    let py = |p: f64| TOP + (1.0 - p / y_max) * plot_h;
    let ticks = (y_max * 10.0).round() as usize;
    let step = if ticks > 5 { 2 } else { 1 };
    for k in (0..=ticks).step_by(step) {
        let p = k as f64 / 10.0;
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#dddddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{p:.1}</text>"##,
            LEFT + plot_w,
            LEFT - 8.0,
            py(p) + 4.0,
            y = py(p)
        );
    }
    let bins = counts.len().max(1);
    let bw = plot_w / bins as f64;
    // Label every bar on a small body, every fifth or tenth on a large one.
    let every = match bins {
        0..=30 => 1,
        31..=80 => 5,
        _ => 10,
    };
    for (k, &count) in counts.iter().enumerate() {
        let x = LEFT + k as f64 * bw;
        let p = count as f64 / n;
        let _ = writeln!(
            out,
            r##"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#1f4e79" data-yes="{k}" data-count="{count}"/>"##,
            x + bw * 0.1,
            py(p),
            bw * 0.8,
            TOP + plot_h - py(p)
        );
        if k % every == 0 {
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{k}</text>"#,
                x + bw / 2.0,
                TOP + plot_h + 16.0
            );
        }
    }
    let _ = writeln!(
        out,
        r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#333333"/>"##,
        TOP + plot_h,
        LEFT + plot_w
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">yes votes</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 10.0
    );
    let _ = writeln!(
        out,
        r#"<text x="18" y="{0:.1}" text-anchor="middle" transform="rotate(-90 18 {0:.1})">share of replications</text>"#,
        TOP + plot_h / 2.0
    );
    out.push_str("</svg>\n");
    out
}
