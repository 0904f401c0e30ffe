//! Sweep plots as self-contained SVG, written by hand: no plotting crate, no fonts.
//!
//! Against one swept parameter: P(adopted), P(vetoed), P(failed) and P(withdrawn) of the
//! first draft as lines with their 95% Wilson bands. Against two: a heat map of
//! P(adopted), the first parameter across, the second down.

use super::report::{Proportion, Report};
use crate::scenario::PatchValue;
use crate::sweep::Axis;
use std::fmt::Write;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 480.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 70.0;

/// Series drawn against one parameter: (name, colour, accessor).
type Series = (&'static str, &'static str, fn(&Report) -> Proportion);

const SERIES: [Series; 4] = [
    ("adopted", "#1b7837", |r| r.drafts[0].outcomes.adopted),
    ("vetoed", "#b2182b", |r| r.drafts[0].outcomes.vetoed),
    ("failed", "#2166ac", |r| r.drafts[0].outcomes.failed),
    ("withdrawn", "#8c6bb1", |r| r.drafts[0].outcomes.withdrawn),
];

/// Text from the scenario (its name, the swept paths) as SVG text: the HTML report's
/// escaping, which also writes control characters (not allowed in XML) as visible escapes,
/// so the plot stays well-formed inline in `report.html` and on its own.
fn escape(s: &str) -> String {
    super::html::escape(s)
}

fn x_number(v: &PatchValue) -> f64 {
    match *v {
        PatchValue::Bool(b) => b as u8 as f64,
        other => other.as_f64().unwrap_or(0.0),
    }
}

fn header(out: &mut String, title: &str) {
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="12" y="24" font-size="13">{}</text>"#,
        escape(title)
    );
}

/// The plot of a sweep, or why there is none.
pub fn svg(axes: &[Axis], reports: &[Report]) -> Result<String, String> {
    let first = reports.first().ok_or("no cells to plot")?;
    let draft = first.drafts.first().ok_or("no draft to plot")?;
    let title = format!("{} — draft {}", first.scenario.name, draft.id);
    match axes {
        [axis] => Ok(lines(axis, reports, &title)),
        [x, y] => Ok(heat_map(x, y, reports, &title)),
        _ => Err(format!(
            "--plot draws against one or two swept parameters; this sweep has {}",
            axes.len()
        )),
    }
}

fn lines(axis: &Axis, reports: &[Report], title: &str) -> String {
    let mut out = String::new();
    header(&mut out, title);
    let xs: Vec<f64> = axis.values.iter().map(x_number).collect();
    let (lo, hi) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let px = |x: f64| {
        LEFT + if hi > lo {
            (x - lo) / span * plot_w
        } else {
            plot_w / 2.0
        }
    };
    let py = |p: f64| TOP + (1.0 - p) * plot_h;
    // Axes, grid and ticks.
    for k in 0..=5 {
        let p = k as f64 / 5.0;
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#dddddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{p:.1}</text>"##,
            LEFT + plot_w,
            LEFT - 8.0,
            py(p) + 4.0,
            y = py(p)
        );
    }
    for (x, v) in xs.iter().zip(&axis.values) {
        let _ = writeln!(
            out,
            r##"<line x1="{0:.1}" y1="{1:.1}" x2="{0:.1}" y2="{2:.1}" stroke="#999999"/><text x="{0:.1}" y="{3:.1}" text-anchor="middle">{4}</text>"##,
            px(*x),
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 20.0,
            v
        );
    }
    let _ = writeln!(
        out,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333333"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 20.0,
        escape(&axis.path)
    );
    let _ = writeln!(
        out,
        r#"<text x="20" y="{:.1}" text-anchor="middle" transform="rotate(-90 20 {:.1})">probability (95% band)</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    for (s, (name, colour, get)) in SERIES.iter().enumerate() {
        let points: Vec<(f64, Proportion)> =
            xs.iter().zip(reports).map(|(x, r)| (*x, get(r))).collect();
        let mut band = String::new();
        for (x, p) in &points {
            let _ = write!(band, "{:.1},{:.1} ", px(*x), py(p.ci95[1]));
        }
        for (x, p) in points.iter().rev() {
            let _ = write!(band, "{:.1},{:.1} ", px(*x), py(p.ci95[0]));
        }
        let line: String = points
            .iter()
            .map(|(x, p)| format!("{:.1},{:.1}", px(*x), py(p.p)))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            r#"<g class="series" data-series="{name}"><polygon points="{}" fill="{colour}" fill-opacity="0.18" stroke="none"/><polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/></g>"#,
            band.trim_end()
        );
        let ly = TOP + 20.0 + 22.0 * s as f64;
        let lx = WIDTH - RIGHT + 20.0;
        let _ = writeln!(
            out,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="3"/><text x="{}" y="{}">P({name})</text>"#,
            lx + 24.0,
            lx + 30.0,
            ly + 4.0
        );
    }
    out.push_str("</svg>\n");
    out
}

fn heat_map(x: &Axis, y: &Axis, reports: &[Report], title: &str) -> String {
    let mut out = String::new();
    header(&mut out, &format!("P(adopted): {title}"));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let cw = plot_w / x.values.len() as f64;
    let ch = plot_h / y.values.len() as f64;
    let colour = |p: f64| {
        // White (0) to dark green (1).
        let mix = |a: f64, b: f64| (a + (b - a) * p).round() as u8;
        format!(
            "#{:02x}{:02x}{:02x}",
            mix(255.0, 0.0),
            mix(255.0, 104.0),
            mix(255.0, 55.0)
        )
    };
    for (i, xv) in x.values.iter().enumerate() {
        for (j, yv) in y.values.iter().enumerate() {
            // Cells are in grid order: x varies slowest.
            let p = reports[i * y.values.len() + j].drafts[0].outcomes.adopted.p;
            let (cx, cy) = (LEFT + i as f64 * cw, TOP + j as f64 * ch);
            let ink = if p > 0.55 { "white" } else { "black" };
            let _ = writeln!(
                out,
                r#"<rect class="cell" x="{cx:.1}" y="{cy:.1}" width="{cw:.1}" height="{ch:.1}" fill="{}" data-x="{xv}" data-y="{yv}" data-p="{p}"/>"#,
                colour(p)
            );
            if cw >= 28.0 && ch >= 14.0 {
                let _ = writeln!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{ink}" font-size="10">{:.2}</text>"#,
                    cx + cw / 2.0,
                    cy + ch / 2.0 + 4.0,
                    p
                );
            }
        }
    }
    for (i, v) in x.values.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{v}</text>"#,
            LEFT + (i as f64 + 0.5) * cw,
            TOP + plot_h + 18.0
        );
    }
    for (j, v) in y.values.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"#,
            LEFT - 8.0,
            TOP + (j as f64 + 0.5) * ch + 4.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 20.0,
        escape(&x.path)
    );
    let _ = writeln!(
        out,
        r#"<text x="20" y="{0:.1}" text-anchor="middle" transform="rotate(-90 20 {0:.1})">{1}</text>"#,
        TOP + plot_h / 2.0,
        escape(&y.path)
    );
    // Colour legend.
    let lx = WIDTH - RIGHT + 30.0;
    for k in 0..=10 {
        let p = k as f64 / 10.0;
        let ly = TOP + (1.0 - p) * (plot_h - 20.0);
        let _ = writeln!(
            out,
            r##"<rect x="{lx}" y="{ly:.1}" width="20" height="{:.1}" fill="{}" stroke="#cccccc"/><text x="{}" y="{:.1}">{p:.1}</text>"##,
            (plot_h - 20.0) / 10.0,
            colour(p),
            lx + 26.0,
            ly + 10.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{lx}" y="{:.1}">P(adopted)</text>"#,
        TOP - 8.0
    );
    out.push_str("</svg>\n");
    out
}
