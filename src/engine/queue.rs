//! A future-event list with a total, reproducible order.
//!
//! Events are ordered by (time, priority, insertion sequence): simultaneous events run in
//! priority order and, within a priority, first in first out. Nothing is left to the
//! heap's unspecified tie-breaking, so a replication replays exactly.
//!
//! Priority and sequence share one `u64` (the rank), so the order is (time, rank); the
//! sorted list compares the two as one `u128`, without branches. A replication has a
//! handful of pending events (a round's end, news from capitals, the meeting), and at that
//! size a sorted vector beats a binary heap: a push moves a few entries, a pop takes the
//! last one. Above 32 pending events (`LIST_MAX`) the queue switches to a heap, and back to
//! the list once it has drained to 8 (`LIST_MIN`), so large models keep the heap's
//! logarithmic cost. Both keep their capacity across [`EventQueue::clear`], so a
//! replication on a reused queue allocates nothing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A list that would grow past this many pending events becomes a heap (and stays one
/// until it has drained to [`LIST_MIN`]).
const LIST_MAX: usize = 32;
/// A heap drained to this many pending events becomes a sorted list again (below
/// [`LIST_MAX`], so a queue hovering at the threshold does not switch at every step).
const LIST_MIN: usize = 8;
/// Bits of the rank that hold the insertion sequence; the priority sits above them.
const SEQ_BITS: u32 = 56;

#[derive(Debug, Clone, Copy)]
struct Scheduled<E> {
    time: u64,
    /// priority << 56 | sequence: the rest of the order in one integer.
    rank: u64,
    event: E,
}

impl<E> Scheduled<E> {
    /// The queue's order: time, then priority, then sequence.
    #[inline]
    fn key(&self) -> (u64, u64) {
        (self.time, self.rank)
    }

    /// The same order as one integer (branch-free comparisons for the sorted list).
    #[inline]
    fn packed(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.rank)
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse for earliest first.
        other.key().cmp(&self.key())
    }
}

/// A min-queue of `Copy` events keyed by time, priority and insertion order.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    /// Pending events sorted latest first (the next event is the last), while few.
    list: Vec<Scheduled<E>>,
    /// Pending events while many; empty otherwise.
    heap: BinaryHeap<Scheduled<E>>,
    /// Whether the pending events are in `heap` rather than `list`.
    large: bool,
    next_seq: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            list: Vec::new(),
            heap: BinaryHeap::new(),
            large: false,
            next_seq: 0,
        }
    }

    /// Empties the queue, keeping its capacity, and restarts the sequence.
    pub fn clear(&mut self) {
        self.list.clear();
        self.heap.clear();
        self.large = false;
        self.next_seq = 0;
    }

    /// Schedules `event` at `time`; lower `priority` runs first among simultaneous events.
    #[inline]
    pub fn push(&mut self, time: u64, priority: u8, event: E) {
        debug_assert!(self.next_seq < 1 << SEQ_BITS, "event sequence overflow");
        let rank = (u64::from(priority) << SEQ_BITS) | self.next_seq;
        self.next_seq += 1;
        let entry = Scheduled { time, rank, event };
        let key = entry.packed();
        if self.large {
            self.heap.push(entry);
        } else if self.list.len() < LIST_MAX {
            let at = self.list.partition_point(|e| e.packed() > key);
            self.list.insert(at, entry);
        } else {
            self.heap.extend(self.list.drain(..));
            self.heap.push(entry);
            self.large = true;
        }
    }

    /// Removes and returns the next event and its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)> {
        if !self.large {
            return self.list.pop().map(|s| (s.time, s.event));
        }
        let next = self.heap.pop().map(|s| (s.time, s.event));
        if self.heap.len() <= LIST_MIN {
            self.list.extend(self.heap.drain());
            // `Scheduled`'s order is reversed (for the max-heap): ascending is latest first.
            self.list.sort_unstable();
            self.large = false;
        }
        next
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.list.len() + self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_priority_then_insertion() {
        let mut q = EventQueue::new();
        q.push(10, 1, 'a');
        q.push(5, 2, 'b');
        q.push(10, 0, 'c');
        q.push(10, 1, 'd');
        q.push(5, 2, 'e');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['b', 'e', 'c', 'a', 'd']);
    }

    /// Pushes and pops at random against a plain sort of (time, priority, sequence), with
    /// the pending count wandering across both thresholds many times, so every path (list,
    /// list to heap, heap, heap to list) runs and must give the reference's order.
    #[test]
    fn matches_a_sorted_reference_through_list_and_heap() {
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u8, u64)> = Vec::new();
        let mut seq = 0u64;
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut step = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut switches = 0;
        let mut was_large = false;
        for round in 0..40_000u64 {
            // Phases of mostly pushing then mostly popping carry the count past 32 and back.
            let push_bias = if (round / 500) % 2 == 0 { 7 } else { 3 };
            let now = reference.first().map_or(0, |r| r.0);
            if reference.is_empty() || step() % 10 < push_bias {
                let time = now + step() % 50;
                let priority = (step() % 4) as u8;
                q.push(time, priority, seq);
                reference.push((time, priority, seq));
                reference.sort_unstable();
                seq += 1;
            } else {
                let (time, event) = q.pop().expect("pending");
                let want = reference.remove(0);
                assert_eq!((time, event), (want.0, want.2), "round {round}");
            }
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.is_empty(), reference.is_empty());
            if q.large != was_large {
                switches += 1;
                was_large = q.large;
            }
        }
        assert!(
            switches >= 10,
            "only {switches} switches between list and heap"
        );
        while let Some((time, event)) = q.pop() {
            let want = reference.remove(0);
            assert_eq!((time, event), (want.0, want.2));
        }
        assert!(reference.is_empty() && q.is_empty());
    }
}
