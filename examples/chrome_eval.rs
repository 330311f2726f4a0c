//! Page-chrome lines, measured: precision and recall of [`chrome_line`] on hand-labelled lines.
//!
//! ```text
//! cargo run --example chrome_eval -- fixtures/chrome-labels.tsv
//! ```
//!
//! The file has one line a row, `label<TAB>stratum<TAB>line`, label `1` for chrome and `0` for
//! content (how the rows were drawn and labelled: fixtures/README.md). Lines of the seeds are
//! judged as part of an Arabic text, like every other stratum. Printed: per stratum and in all,
//! true and false positives, false negatives, precision and recall, then every error.

use std::collections::BTreeMap;

use naql::text::chrome::chrome_line;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: chrome_eval LABELS.tsv");
    let text = std::fs::read_to_string(&path).expect("read labels");
    let mut by: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in text.lines() {
        let mut f = row.splitn(3, '\t');
        let (Some(label), Some(stratum), Some(line)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let gold = label == "1";
        let said = chrome_line(line, true);
        let c = by.entry(stratum.to_string()).or_default();
        match (said.is_some(), gold) {
            (true, true) => c[0] += 1,
            (true, false) => {
                c[1] += 1;
                errors.push(format!("FP {said:?}\t{line}"));
            }
            (false, true) => {
                c[2] += 1;
                errors.push(format!("FN\t{line}"));
            }
            _ => {}
        }
    }
    let mut all = [0usize; 3];
    for (s, c) in &by {
        report(s, c);
        (0..3).for_each(|i| all[i] += c[i]);
    }
    report("all", &all);
    for e in errors {
        println!("{e}");
    }
}

fn report(name: &str, c: &[usize; 3]) {
    let p = c[0] as f64 / (c[0] + c[1]).max(1) as f64;
    let r = c[0] as f64 / (c[0] + c[2]).max(1) as f64;
    println!(
        "{name:<14} tp {:>3} fp {:>3} fn {:>3}  precision {p:.3} recall {r:.3}",
        c[0], c[1], c[2]
    );
}
