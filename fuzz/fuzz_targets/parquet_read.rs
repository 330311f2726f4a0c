//! The Parquet reader on any bytes (seeded with a three-row file written by pyarrow), strict
//! and with `--skip-bad`: documents or an error naming the file, never a panic. Panics inside
//! the parquet and arrow crates are let unwind to naql's containment (see
//! `naql_fuzz::unwind_panics_inside`); one that escapes it is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use naql::ReadOptions;

fuzz_target!(|data: &[u8]| {
    naql_fuzz::unwind_panics_inside(&["parquet", "arrow"]);
    let path = naql_fuzz::scratch("in.parquet");
    std::fs::write(&path, data).unwrap();
    let inputs = [path.to_string_lossy().into_owned()];
    for skip_bad in [false, true] {
        let options = ReadOptions {
            skip_bad,
            ..ReadOptions::default()
        };
        let _ = naql::corpus::read_with(&inputs, &options, |d| d.text.len());
    }
});
