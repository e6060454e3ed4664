//! The README's main job, `cargo run -p frs-ureq --example tour`, runs to the end: every
//! operation against an in-process emulator, with the answers the tour expects.

#[path = "../examples/tour.rs"]
mod tour;

#[test]
fn the_tour_runs_every_operation() {
    tour::main().unwrap();
}
