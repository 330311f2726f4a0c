//! The signing kernel alone (normalize + shingle + MinHash) over the fixture sample, for
//! repeatable instruction counts:
//!
//!     cargo build --release --example sign_kernel
//!     valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out target/release/examples/sign_kernel
//!
//! It prints the bytes signed; instructions per MB = callgrind's total ÷ (bytes / 1e6), minus
//! the cost of reading the fixture (printed by running it with `read-only`).

use naql::copy::Signer;
use naql::corpus::{ReadOptions, read_all};
use naql::text::default_normalizer;

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/saudinewsnet-sample.jsonl"
    );
    let (docs, _) = read_all(&[path.to_string()], &ReadOptions::default()).expect("fixture");
    let mode = std::env::args().nth(1).unwrap_or_default();
    let read_only = mode == "read-only";
    let signer = Signer::default();
    let n = default_normalizer(); // built in both modes: its tables are not the kernel
    let mut bytes = 0usize;
    let mut check = 0u64;
    if mode == "units" || mode == "units-only" {
        // Shingling + MinHash alone, on token hashes made beforehand.
        let units: Vec<Vec<u64>> = docs
            .iter()
            .map(|(d, _)| {
                let mut u = Vec::new();
                signer.units(n, &d.text, &mut u);
                u
            })
            .collect();
        if mode == "units" {
            for u in &units {
                check ^= signer.sign_units(u).0[0] as u64;
                bytes += u.len() * 8;
            }
        }
    } else if mode == "normalize" {
        // Normalization alone, to split the kernel's cost.
        for (d, _) in &docs {
            bytes += d.text.len();
            n.for_each_token_bytes(&d.text, |t, _| check += t.len() as u64);
        }
    } else if !read_only {
        for (d, _) in &docs {
            bytes += d.text.len();
            check ^= signer
                .sign(n, &d.text)
                .0
                .iter()
                .map(|&v| v as u64)
                .sum::<u64>();
        }
    }
    println!("{bytes} bytes signed (check {check:x})");
}
