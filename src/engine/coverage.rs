//! Covered time ranges (pure): what the System Log backfill has stored completely, and
//! which days the daily metrics computed. Its own module so both can use it without
//! importing each other.

/// Covered ranges kept per stream; older fragments beyond this are dropped (they
/// are only re-read if a window asks for them again).
pub const MAX_RANGES: usize = 64;

/// Half-open time ranges `[from, to)` in Unix ms, sorted, disjoint and not touching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage(pub(crate) Vec<(i64, i64)>);

impl Coverage {
  /// The ranges, oldest first.
  pub fn ranges(&self) -> &[(i64, i64)] {
    &self.0
  }

  /// Adds `[from, to)`, merging with what it overlaps or touches.
  pub fn add(&mut self, from: i64, to: i64) {
    if from >= to {
      return;
    }
    let (mut lo, mut hi) = (from, to);
    let mut kept = Vec::with_capacity(self.0.len() + 1);
    for &(a, b) in &self.0 {
      if b < lo || a > hi {
        kept.push((a, b));
      } else {
        lo = lo.min(a);
        hi = hi.max(b);
      }
    }
    kept.push((lo, hi));
    kept.sort_unstable();
    self.0 = kept;
  }

  /// The latest covered instant (exclusive), if anything is covered.
  pub fn top(&self) -> Option<i64> {
    self.0.last().map(|r| r.1)
  }

  /// The parts of `[from, to)` not covered, oldest first.
  pub fn gaps(&self, from: i64, to: i64) -> Vec<(i64, i64)> {
    let mut gaps = Vec::new();
    let mut at = from;
    for &(a, b) in &self.0 {
      if b <= at {
        continue;
      }
      if a >= to {
        break;
      }
      if a > at {
        gaps.push((at, a.min(to)));
      }
      at = b;
      if at >= to {
        break;
      }
    }
    if at < to {
      gaps.push((at, to));
    }
    gaps
  }

  /// How many ms of `[from, to)` are covered.
  pub fn covered_ms(&self, from: i64, to: i64) -> i64 {
    self.0.iter().map(|&(a, b)| (b.min(to) - a.max(from)).max(0)).sum()
  }

  /// Keeps only what lies within `[lo, hi)`.
  pub fn clamp(&mut self, lo: i64, hi: i64) {
    self.0 = self
      .0
      .iter()
      .filter_map(|&(a, b)| {
        let (a, b) = (a.max(lo), b.min(hi));
        (a < b).then_some((a, b))
      })
      .collect();
  }

  /// Drops the oldest ranges beyond [`MAX_RANGES`].
  pub(crate) fn bound(&mut self) {
    if self.0.len() > MAX_RANGES {
      let extra = self.0.len() - MAX_RANGES;
      self.0.drain(..extra);
    }
  }
}

impl Coverage {
  /// The ranges covered by both.
  pub fn intersect(&self, other: &Coverage) -> Coverage {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < self.0.len() && j < other.0.len() {
      let (a, b) = self.0[i];
      let (c, d) = other.0[j];
      let (lo, hi) = (a.max(c), b.min(d));
      if lo < hi {
        out.push((lo, hi));
      }
      if b < d {
        i += 1;
      } else {
        j += 1;
      }
    }
    Coverage(out)
  }
}
