//! Opening a mutated index (the v2 fixture with bytes overwritten: each 5 input bytes are a
//! little-endian offset and a value), then reading it: Ok or Err, never a panic.
#![no_main]

use std::path::Path;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use naql::index::{Access, Index};

const FIXTURE: &[u8] = include_bytes!("../../fixtures/compat/index-estimate-v2.naql");

fuzz_target!(|data: &[u8]| {
    let mut bytes = FIXTURE.to_vec();
    for edit in data.chunks_exact(5) {
        let at = u32::from_le_bytes([edit[0], edit[1], edit[2], edit[3]]) as usize;
        let at = at % bytes.len();
        bytes[at] = edit[4];
    }
    let path = naql_fuzz::scratch("index.naql");
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(&path, &bytes).unwrap();
    let Ok(index) = Index::open(Path::new(&path), Access::ReadOnly, Duration::ZERO) else {
        return;
    };
    let _ = index.stats();
    let _ = index.check();
    let _ = index.export(|_| Ok(()));
});
