//! IDF/LSA table loading on any bytes: a table or an error naming the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = naql_fuzz::scratch("table.json");
    std::fs::write(&path, data).unwrap();
    let path = path.to_string_lossy();
    if let Err(e) = naql::Idf::load(&path, naql::NormalizeOptions::default()) {
        assert!(
            e.to_string().contains(path.as_ref()),
            "error without the file: {e}"
        );
    }
});
