//! Emulated executions of a rule. Kibana runs a rule every `interval`; each run searches the
//! window `[run - lookback, run]`, both ends included as its range query does (`from = now-6m`: a
//! lookback of 6 minutes). Offline, the runs
//! are placed at whole multiples of the interval since the epoch, as if the rule had always been
//! running: where they fall depends on neither the data nor the other rules. Windows overlap when
//! the lookback is longer than the interval (an event is then seen by several runs; its alert is
//! written once), and leave gaps when it is shorter (an event in a gap is seen by none).

use crate::rules::Schedule;

/// The executions of one rule, numbered: run `k` happens at `k × interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Executions {
    interval: i64,
    lookback: i64,
}

impl Executions {
    pub fn new(schedule: Schedule) -> Executions {
        Executions { interval: schedule.interval_ms.max(1), lookback: schedule.lookback_ms.max(0) }
    }

    /// The time run `k` happens (the end of its window).
    pub fn end(&self, k: i64) -> i64 {
        k.saturating_mul(self.interval)
    }

    /// The window run `k` searches, `[start, end]`.
    pub fn window(&self, k: i64) -> (i64, i64) {
        let end = self.end(k);
        (end.saturating_sub(self.lookback), end)
    }

    /// The first run at or after `time`, whether or not its window reaches back to it.
    pub fn first_from(&self, time: i64) -> i64 {
        -(time.saturating_neg()).div_euclid(self.interval)
    }

    /// The runs whose window holds `time`, in order (none in a gap).
    pub fn covering(&self, time: i64) -> impl Iterator<Item = i64> + '_ {
        (self.first_from(time)..).take_while(move |k| self.window(*k).0 <= time && self.end(*k) < i64::MAX)
    }

    /// The first run whose window holds `time`.
    pub fn first_covering(&self, time: i64) -> Option<i64> {
        self.covering(time).next()
    }

    /// Calls `visit` with the range of `times` (sorted) in each run's window, run after run; runs
    /// whose window holds none of them are passed over.
    pub fn each_window(&self, times: &[i64], mut visit: impl FnMut(std::ops::Range<usize>)) {
        let Some(&first) = times.first() else { return };
        let (mut k, mut lo) = (self.first_from(first), 0);
        loop {
            let (start, end) = self.window(k);
            lo += times[lo..].partition_point(|t| *t < start);
            let hi = lo + times[lo..].partition_point(|t| *t <= end);
            if hi > lo {
                visit(lo..hi);
            }
            let next = lo + times[lo..].partition_point(|t| *t < self.window(k + 1).0);
            let Some(&time) = times.get(next) else { return };
            k = (k + 1).max(self.first_from(time));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn runs_every_interval_over_their_lookback() {
        let runs = Executions::new(Schedule { interval_ms: 5 * MIN, lookback_ms: 6 * MIN });
        // 12:03 is seen by the run at 12:05 only; 12:04:30 by 12:05 and 12:10 (the overlap).
        let noon = 1_700_000_000_000 / (5 * MIN) * (5 * MIN);
        let k = runs.first_from(noon + 1);
        assert_eq!(runs.covering(noon + 3 * MIN).collect::<Vec<_>>(), vec![k]);
        assert_eq!(runs.covering(noon + 4 * MIN + 30_000).collect::<Vec<_>>(), vec![k, k + 1]);
        // Both ends are in a window: an event at a run's own time is that run's and the next's.
        assert_eq!(runs.covering(runs.end(k)).collect::<Vec<_>>(), vec![k, k + 1]);
        assert_eq!(runs.first_from(runs.end(k)), k);
        assert_eq!(runs.window(k), (runs.end(k) - 6 * MIN, runs.end(k)));
        // Before the epoch too.
        assert_eq!(runs.first_from(-1), 0);
        assert_eq!(runs.first_from(-5 * MIN - 1), -1);
    }

    #[test]
    fn each_window_visits_the_runs_that_hold_times() {
        let runs = Executions::new(Schedule { interval_ms: 5 * MIN, lookback_ms: 6 * MIN });
        let times = [0, 4 * MIN + 30_000, 60 * MIN];
        let mut seen = Vec::new();
        runs.each_window(&times, |range| seen.push(range));
        // Runs at 0:00 and 0:05 hold the first two; 0:10 only the second; 1:00 and 1:05 the last.
        assert_eq!(seen, vec![0..1, 0..2, 1..2, 2..3, 2..3]);
    }

    #[test]
    fn a_lookback_shorter_than_the_interval_leaves_gaps() {
        let runs = Executions::new(Schedule { interval_ms: 10 * MIN, lookback_ms: 5 * MIN });
        assert_eq!(runs.first_covering(2 * MIN), None, "between 0:00 and 0:05 no run looks");
        assert_eq!(runs.first_covering(7 * MIN), Some(1));
    }
}
