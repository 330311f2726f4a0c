//! The HTML page of `naql report` (copy level): contents with each cluster's outlets, dates
//! and representative headline; then per cluster its header, a table of its members (outlet,
//! date, J, C, id, headline, a link to its diff) and each member's diff against the
//! representative, as [`crate::render::diff::html`] draws them.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::clusters::summary_line;
use super::diff::{self as view, Section};
use super::story_page::STORY_CSS;
use super::{Header, count, html_date, html_field, html_meta, outlets_label};
use crate::copy::{Cluster, Outcome};

/// Writes the page for `clusters` of `out`. `sections` are the diffs of every member but the
/// representative, cluster by cluster in member order (as `naql report` makes them).
pub fn html(
    w: &mut dyn Write,
    out: &Outcome,
    clusters: &[&Cluster],
    sections: &[Section],
) -> io::Result<()> {
    let diffs: usize = clusters.iter().map(|c| c.members.len() - 1).sum();
    assert_eq!(
        diffs,
        sections.len(),
        "one section per member but the representative"
    );
    let title = format!(
        "naql report: {}, {}",
        count(clusters.len(), "cluster", "clusters"),
        count(sections.len(), "aligned pair", "aligned pairs"),
    );
    let mut page = String::new();
    view::page_start(&mut page, &title, STORY_CSS);
    let _ = writeln!(
        page,
        "<p class=\"note\" dir=\"ltr\">{}</p>",
        html_meta(&summary_line(out))
    );
    if clusters.len() > 1 {
        page.push_str("<nav class=\"toc\"><ol>\n");
        for c in clusters {
            let h = Header::of(c.members.iter().map(|m| &out.docs[m.doc].info));
            let rep = &out.docs[c.representative].info;
            let _ = writeln!(
                page,
                "<li><a href=\"#c{}\">cluster {}</a> <span class=\"note\"><bdi dir=\"ltr\">{} \
                 reports, {}, {}</bdi></span> — {}</li>",
                c.id,
                c.id,
                c.members.len(),
                html_meta(&outlets_label(&h.sources)),
                h.span_html(),
                html_field(rep.title.as_deref().unwrap_or(&rep.id)),
            );
        }
        page.push_str("</ol></nav>\n");
    }
    let mut p = 0;
    for c in clusters {
        cluster_html(&mut page, out, c, p);
        let n = c.members.len() - 1;
        for sec in &sections[p..p + n] {
            view::section_html(&mut page, p, sec);
            p += 1;
        }
        page.push_str("</section>\n");
    }
    view::page_end(&mut page);
    w.write_all(page.as_bytes())
}

/// Opens the cluster's `<section>` (closed by the caller after its diffs) and writes its
/// header and members table; its diffs are numbered from `p`.
fn cluster_html(page: &mut String, out: &Outcome, c: &Cluster, p: usize) {
    let h = Header::of(c.members.iter().map(|m| &out.docs[m.doc].info));
    let _ = writeln!(
        page,
        "<section class=\"story cluster\" id=\"c{}\">\n<h2 class=\"story\"><bdi dir=\"ltr\">\
         Cluster {} · {} reports · {} · {}</bdi></h2>",
        c.id,
        c.id,
        c.members.len(),
        html_meta(&count(h.sources.len(), "outlet", "outlets")),
        h.span_html()
    );
    if !h.sources.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"sources\">Outlets: {}</p>",
            html_meta(&h.sources.join(", "))
        );
    }
    page.push_str(
        "<table class=\"members\"><thead><tr><th>Outlet</th><th>Date</th><th>J</th><th>C</th>\
         <th>Id</th><th>Headline</th><th>Diff</th></tr></thead><tbody>\n",
    );
    let mut k = p;
    for m in &c.members {
        let info = &out.docs[m.doc].info;
        let rep = m.doc == c.representative;
        let (jaccard, containment, diff) = if rep {
            (
                "★".to_string(),
                String::new(),
                "A (representative)".to_string(),
            )
        } else {
            k += 1;
            (
                format!("{:.2}", m.jaccard),
                m.containment.map_or("-".into(), |c| format!("{c:.2}")),
                format!("<a href=\"#p{}\">B</a>", k - 1),
            )
        };
        let _ = writeln!(
            page,
            "<tr class=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            if rep { "article centre" } else { "article" },
            html_field(info.source.as_deref().unwrap_or("-")),
            html_date(info.date.as_deref().unwrap_or("-")),
            jaccard,
            containment,
            html_field(&info.id),
            html_field(info.title.as_deref().unwrap_or("")),
            diff
        );
    }
    page.push_str("</tbody></table>\n");
}
