//! `offset-express`: the simulator from the command line (in progress).

fn main() {
    println!("offset-express {}", env!("CARGO_PKG_VERSION"));
}
