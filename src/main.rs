//! The `councilsim` command: parses arguments and hands over to the library.

fn main() {
    std::process::exit(councilsim::cli::main());
}
