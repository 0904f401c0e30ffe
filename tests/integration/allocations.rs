//! No heap allocation per replication in steady state, counted by a global allocator.
//!
//! The counter is per thread, so tests running in parallel do not disturb each other.

use councilsim::negotiation::Replication;
use councilsim::synthetic::{scenario_toml, Size};
use councilsim::trace::NoTrace;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    ALLOCATIONS.with(|c| c.get())
}

fn allocations_in_steady_state(model: &councilsim::model::Model) -> (u64, u64) {
    let mut replication = Replication::new(model);
    let before_warm_up = allocations();
    for r in 0..50 {
        replication.run(3, r, &mut NoTrace);
    }
    let warm_up = allocations() - before_warm_up;
    let start = allocations();
    let mut events = 0;
    for r in 50..1_050 {
        events += replication.run(3, r, &mut NoTrace).events;
    }
    assert!(events > 1_000, "the replications did work");
    (warm_up, allocations() - start)
}

#[test]
fn the_counter_sees_allocations() {
    let start = allocations();
    let v: Vec<u64> = std::hint::black_box(vec![1, 2, 3]);
    assert!(allocations() > start);
    drop(v);
}

#[test]
fn seed_scenario_replications_do_not_allocate() {
    let path = crate::support::seed_scenario();
    let model = councilsim::scenario::load(&path).unwrap();
    let (_, steady) = allocations_in_steady_state(&model);
    assert_eq!(steady, 0);
}

#[test]
fn a_large_body_with_many_amendments_does_not_allocate_either() {
    let size = Size {
        members: 193,
        dimensions: 8,
        amendments: 20,
    };
    let model = councilsim::scenario::compile("synthetic.toml", &scenario_toml(size)).unwrap();
    let (_, steady) = allocations_in_steady_state(&model);
    assert_eq!(steady, 0);
}
