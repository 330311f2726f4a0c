//! Reading alone (decompress + split + JSON parse), no normalization: `read_only CORPUS`.
use naql::corpus::{ReadOptions, read_with};
fn main() {
    let path = std::env::args().nth(1).expect("corpus");
    let t = std::time::Instant::now();
    let (items, _) = read_with(&[path], &ReadOptions::default(), |d| d.text.len()).expect("read");
    let bytes: usize = items.iter().map(|i| i.value).sum();
    eprintln!(
        "{} docs, {} text bytes, {:.3}s",
        items.len(),
        bytes,
        t.elapsed().as_secs_f64()
    );
}
