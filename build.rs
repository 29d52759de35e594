//! Rebuilds when fixtures change, including new files the embedding macro has not seen yet.

fn main() {
    println!("cargo:rerun-if-changed=fixtures");
}
