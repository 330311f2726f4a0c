//! Every renderer: cluster and story listings (text, JSON, CSV), the diff views (terminal
//! columns, unified, JSON, HTML) and the HTML pages.

pub mod clusters;
pub mod diff;
pub mod stories;
pub mod story_page;

use std::collections::BTreeMap;

/// The one line that accounts for every input record, at either level:
/// `N documents: X in G clusters, S singletons, K skipped (n reason, …)`.
pub(crate) fn accounting_line(
    input_records: usize,
    (grouped, groups, noun): (usize, usize, &str),
    singletons: usize,
    skipped: &BTreeMap<String, usize>,
) -> String {
    let total: usize = skipped.values().sum();
    let reasons: Vec<String> = skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let mut line = format!(
        "{input_records} documents: {grouped} in {groups} {noun}, {singletons} singletons, {total} skipped"
    );
    if !reasons.is_empty() {
        line += &format!(" ({})", reasons.join(", "));
    }
    line
}

/// `N outlets` and, when there are any, their names: `3 outlets: okaz, sabq, was`.
pub(crate) fn outlets_label<S: AsRef<str>>(sources: &[S]) -> String {
    let names: Vec<&str> = sources.iter().map(|s| s.as_ref()).collect();
    if names.is_empty() {
        "0 outlets".to_string()
    } else {
        format!("{} outlets: {}", names.len(), names.join(", "))
    }
}
