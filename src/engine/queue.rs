//! A future-event list with a total, reproducible order.
//!
//! Events are ordered by (time, priority, insertion sequence): simultaneous events run in
//! priority order and, within a priority, first in first out. Nothing is left to the
//! heap's unspecified tie-breaking, so a replication replays exactly.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy)]
struct Scheduled<E> {
    time: u64,
    priority: u8,
    seq: u64,
    event: E,
}

impl<E> Scheduled<E> {
    fn key(&self) -> (u64, u8, u64) {
        (self.time, self.priority, self.seq)
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
    heap: BinaryHeap<Scheduled<E>>,
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
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// Empties the queue, keeping its capacity, and restarts the sequence.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.next_seq = 0;
    }

    /// Schedules `event` at `time`; lower `priority` runs first among simultaneous events.
    #[inline]
    pub fn push(&mut self, time: u64, priority: u8, event: E) {
        self.heap.push(Scheduled {
            time,
            priority,
            seq: self.next_seq,
            event,
        });
        self.next_seq += 1;
    }

    /// Removes and returns the next event and its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)> {
        self.heap.pop().map(|s| (s.time, s.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
}
