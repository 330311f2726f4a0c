//! The corpus reader on any bytes, as `.jsonl` and as `.jsonl.gz`, strict and with
//! `--skip-bad`: documents or an error, never a panic.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use naql::ReadOptions;

fuzz_target!(|data: &[u8]| {
    let plain = naql_fuzz::scratch("in.jsonl");
    let gz = naql_fuzz::scratch("in.jsonl.gz");
    std::fs::write(&plain, data).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    for skip_bad in [false, true] {
        let options = ReadOptions {
            skip_bad,
            ..ReadOptions::default()
        };
        for path in [&plain, &gz] {
            let inputs = [path.to_string_lossy().into_owned()];
            let _ = naql::corpus::read_with(&inputs, &options, |d| d.text.len());
        }
    }
});
