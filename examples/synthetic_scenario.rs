//! Prints a generated scenario of any size, for benchmarking your machine at scale:
//!
//! ```sh
//! cargo run --release --example synthetic_scenario -- 193 8 5 > big.toml
//! councilsim bench big.toml
//! ```

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("sizes are whole numbers"))
        .collect();
    let [members, dimensions, amendments] = args[..] else {
        eprintln!("usage: synthetic_scenario MEMBERS DIMENSIONS AMENDMENTS");
        std::process::exit(2);
    };
    let size = councilsim::synthetic::Size {
        members,
        dimensions,
        amendments,
    };
    print!("{}", councilsim::synthetic::scenario_toml(size));
}
