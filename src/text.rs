//! A draft's text during a replication, and where it stands in the policy space.
//!
//! A text is the set of provisions present plus, per dimension, the net shift that
//! negotiated rewording has given it. Its position on dimension d is
//! `clamp(mean of the present provisions that speak to d (or the dimension's silent
//! position) + shift_d, lo_d, hi_d)`, rounded to a whole number on a dimension with
//! `integer = true`. Amendments switch provisions on and off; rewording
//! survives them, as negotiated language does in a real text.

use crate::model::{AmendmentAction, Model};

/// The mutable text of one draft.
#[derive(Debug, Clone, Default)]
pub struct Text {
    present: Vec<bool>,
    shift: Vec<f64>,
    position: Vec<f64>,
    /// Scratch for [`Text::recompute`]: per-dimension sums and counts.
    sum: Vec<f64>,
    count: Vec<u32>,
    draft: usize,
}

impl Text {
    /// An empty text sized for `model` (allocates once; later resets do not).
    pub fn new(model: &Model) -> Self {
        Text {
            present: vec![false; model.provisions.len()],
            shift: vec![0.0; model.dim_count()],
            position: vec![0.0; model.dim_count()],
            sum: vec![0.0; model.dim_count()],
            count: vec![0; model.dim_count()],
            draft: 0,
        }
    }

    /// Sets this text to draft `d` as circulated.
    pub fn reset_to_draft(&mut self, model: &Model, d: usize) {
        self.draft = d;
        for &p in &model.drafts[d].candidates {
            self.present[p as usize] = false;
        }
        for &p in &model.drafts[d].provisions {
            self.present[p as usize] = true;
        }
        self.shift.iter_mut().for_each(|s| *s = 0.0);
        self.recompute(model);
    }

    /// Copies `other` into `self` without allocating.
    pub fn copy_from(&mut self, other: &Text) {
        self.present.copy_from_slice(&other.present);
        self.shift.copy_from_slice(&other.shift);
        self.position.copy_from_slice(&other.position);
        self.sum.copy_from_slice(&other.sum);
        self.count.copy_from_slice(&other.count);
        self.draft = other.draft;
    }

    /// Position per dimension.
    #[inline]
    pub fn position(&self) -> &[f64] {
        &self.position
    }

    /// Whether provision `p` is in the text.
    pub fn contains(&self, p: u32) -> bool {
        self.present[p as usize]
    }

    /// Applies an amendment; returns false (and changes nothing) if it has lapsed because
    /// the provision it deletes or replaces is no longer in the text.
    pub fn apply(&mut self, model: &Model, action: AmendmentAction) -> bool {
        match action {
            AmendmentAction::Insert { new } => self.present[new as usize] = true,
            AmendmentAction::Delete { target } => {
                if !self.present[target as usize] {
                    return false;
                }
                self.present[target as usize] = false;
            }
            AmendmentAction::Replace { target, new } => {
                if !self.present[target as usize] {
                    return false;
                }
                self.present[target as usize] = false;
                self.present[new as usize] = true;
            }
        }
        self.recompute(model);
        true
    }

    /// Rewords the text so that its position on `dim` becomes `target` (within range).
    pub fn reword(&mut self, model: &Model, dim: usize, target: f64) {
        self.shift[dim] += target - self.position[dim];
        self.finish_dimension(model, dim);
    }

    /// The position the text would have after [`Text::reword`]`(model, dim, target)`, into
    /// `out`, without changing the text: the same operations, so the same bits. The
    /// penholder weighs moves and compromises by their position alone, and copying the
    /// whole text for each weighing cost more than the weighing's arithmetic.
    pub fn reworded_position(&self, model: &Model, dim: usize, target: f64, out: &mut [f64]) {
        out.copy_from_slice(&self.position);
        let shift = self.shift[dim] + (target - self.position[dim]);
        out[dim] = self.dimension_position(model, dim, shift);
    }

    /// Recomputes the cached position from provisions and shifts, in
    /// O(dimensions + provision entries).
    pub fn recompute(&mut self, model: &Model) {
        self.sum.fill(0.0);
        self.count.fill(0);
        for &p in &model.drafts[self.draft].candidates {
            if self.present[p as usize] {
                for &(d, x) in &model.provisions[p as usize].entries {
                    self.sum[d as usize] += x;
                    self.count[d as usize] += 1;
                }
            }
        }
        for d in 0..model.dim_count() {
            self.finish_dimension(model, d);
        }
    }

    /// Position on `d` from the sums of the last [`Text::recompute`] and the shift.
    fn finish_dimension(&mut self, model: &Model, d: usize) {
        self.position[d] = self.dimension_position(model, d, self.shift[d]);
    }

    /// Position on `d` from the sums of the last [`Text::recompute`] and `shift`.
    #[inline]
    fn dimension_position(&self, model: &Model, d: usize, shift: f64) -> f64 {
        let dim = &model.dims[d];
        let base = if self.count[d] > 0 {
            self.sum[d] / self.count[d] as f64
        } else {
            dim.silent
        };
        let x = (base + shift).clamp(dim.lo, dim.hi);
        // A dimension that counts things takes whole numbers only, whatever produced the
        // position: a mean of provisions, a move or a compromise.
        dim.snap(x)
    }

    /// Whether the text says anything on dimension `d`: a present provision sets it, or
    /// negotiated rewording has moved it. (An adopted draft moves the status quo there.)
    pub fn speaks_to(&self, d: usize) -> bool {
        self.count[d] > 0 || self.shift[d] != 0.0
    }
}

/// How far apart two texts are in substance: Σ_d |a_d − b_d| / (hi_d − lo_d). Orders
/// amendments "furthest removed first" (rule 36).
pub fn substance_distance(model: &Model, a: &[f64], b: &[f64]) -> f64 {
    model
        .dims
        .iter()
        .zip(a.iter().zip(b))
        .map(|(dim, (x, y))| (x - y).abs() / (dim.hi - dim.lo))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The penholder weighs a move by `reworded_position` and then carries it out by
    /// `reword`: both must give the same bits on every dimension (whole-numbered ones too),
    /// for targets inside and outside the range, on texts already moved, and the weighing
    /// must leave the text as it was.
    #[test]
    fn a_reworded_position_is_the_position_after_rewording_bit_for_bit() {
        for (name, source) in [
            (
                "ukraine.toml",
                include_str!("../scenarios/ukraine-2025-unsc.toml"),
            ),
            (
                "g4.toml",
                include_str!("../scenarios/reform/g4-25-seats.toml"),
            ),
        ] {
            let model = crate::scenario::compile(name, source).unwrap();
            let k = model.dim_count();
            let mut out = vec![0.0; k];
            let mut checked = 0;
            for d in 0..model.drafts.len() {
                let mut text = Text::new(&model);
                text.reset_to_draft(&model, d);
                for step in 0..40 {
                    let dim = step % k;
                    let range = &model.dims[dim];
                    let span = range.hi - range.lo;
                    let target = range.lo - 0.25 * span + (step as f64 * 0.173 % 1.5) * span;
                    let before = text.position().to_vec();
                    text.reworded_position(&model, dim, target, &mut out);
                    assert_eq!(text.position(), &before[..], "weighing changed the text");
                    text.reword(&model, dim, target);
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(
                        bits(&out),
                        bits(text.position()),
                        "{name} draft {d} dim {dim}"
                    );
                    checked += 1;
                }
            }
            assert!(checked > 0);
        }
    }
}
