//! A hand-rolled, interleaved timing loop.
//!
//! Every operation is calibrated to a batch of about the same wall time,
//! then the batches run round-robin, one of each per round, for many rounds.
//! Drift (frequency scaling, a noisy neighbour) hits every operation alike,
//! which is what a ratio against a bare primitive needs. Each operation
//! reports the median of its per-round means, and the fastest of them
//! (a neighbour only ever adds time: the steadiest reading on a shared machine).

use std::hint::black_box;
use std::time::{Duration, Instant};

struct Op<'a> {
    f: Box<dyn FnMut() + 'a>,
    iters: u64,
    samples: Vec<f64>,
}

/// A set of operations timed side by side.
#[derive(Default)]
pub struct Bench<'a> {
    ops: Vec<Op<'a>>,
}

/// Handle of an operation added to a [`Bench`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpId(usize);

impl<'a> Bench<'a> {
    /// An empty bench.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an operation; `f` runs it once (wrap results in `black_box`).
    pub fn add(&mut self, f: impl FnMut() + 'a) -> OpId {
        self.ops.push(Op {
            f: Box::new(f),
            iters: 1,
            samples: Vec::new(),
        });
        OpId(self.ops.len() - 1)
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether no operation was added.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Calibrates each operation to `batch`, then runs `rounds` rounds.
    pub fn run(&mut self, rounds: usize, batch: Duration) {
        for op in &mut self.ops {
            op.iters = calibrate(&mut op.f, batch);
        }
        let n = self.ops.len();
        for round in 0..rounds {
            // Rotate the starting point so no op always follows the same one.
            for k in 0..n {
                let op = &mut self.ops[(round + k) % n];
                let start = Instant::now();
                for _ in 0..op.iters {
                    (op.f)();
                }
                let ns = start.elapsed().as_nanos() as f64;
                op.samples.push(ns / op.iters as f64);
            }
        }
    }

    /// Fastest round's mean time of one call, in nanoseconds (after [`Bench::run`]).
    pub fn min_ns(&self, id: OpId) -> f64 {
        self.ops[id.0]
            .samples
            .iter()
            .copied()
            .fold(f64::NAN, f64::min)
    }

    /// Median time of one call, in nanoseconds (after [`Bench::run`]).
    pub fn median_ns(&self, id: OpId) -> f64 {
        median(&self.ops[id.0].samples)
    }
}

fn calibrate(f: &mut dyn FnMut(), batch: Duration) -> u64 {
    // Warm caches, branch predictors and lazy statics first.
    for _ in 0..10 {
        f();
    }
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            f();
        }
        let took = start.elapsed();
        if took >= batch / 4 || iters >= 1 << 30 {
            let per = took.as_nanos().max(1) as f64 / iters as f64;
            return ((batch.as_nanos() as f64 / per).ceil() as u64).max(1);
        }
        iters *= 4;
    }
}

/// Median of `samples` (mean of the middle two for an even count); NaN if empty.
pub fn median(samples: &[f64]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// Keeps a value alive past the optimizer; re-exported for bench closures.
pub fn keep<T>(value: T) -> T {
    black_box(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn fastest_round_is_the_lowest_mean() {
        let mut bench = Bench::new();
        let id = bench.add(|| {});
        assert!(bench.min_ns(id).is_nan());
        bench.ops[0].samples = vec![5.0, 2.0, 9.0, 3.0];
        assert_eq!(bench.min_ns(id), 2.0);
        assert_eq!(bench.median_ns(id), 4.0);
    }

    #[test]
    fn every_op_gets_one_sample_per_round() {
        let mut calls = [0u64; 2];
        let (a, b) = calls.split_at_mut(1);
        let mut bench = Bench::new();
        let x = bench.add(|| a[0] += 1);
        let y = bench.add(|| b[0] += 1);
        bench.run(5, Duration::from_micros(50));
        assert_eq!(bench.ops[0].samples.len(), 5);
        assert_eq!(bench.ops[1].samples.len(), 5);
        assert!(bench.median_ns(x) >= 0.0 && bench.median_ns(y) >= 0.0);
        drop(bench);
        assert!(calls[0] >= 5 && calls[1] >= 5);
    }
}
