//! The HTML page of `naql report --level story`: for each story, who carried it and how each
//! outlet told it.
//!
//! Which articles are aligned is decided before the page ([`crate::story::plan()`], one
//! article per copy group against the story's central article, under a cap); the page shows
//! the alignments and says what was left out: the other members of each group (counted), and
//! the groups over the cap (named). The diff sections are those of
//! [`crate::render::diff::html`].

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::collate::{Collation, Report};
use crate::diff::Comparison;
use crate::render::diff::{self as view, Section, Side, escape};
use crate::render::stories::summary_line;
use crate::render::{Header, html_date, html_field, html_meta};
use crate::story::{Aligned, Plan, Story, StoryOutcome};

pub(crate) const STORY_CSS: &str = "section.story{margin-top:2.5em}\
h2.story{font-size:1.3em;border-bottom:3px solid #888}\
.terms span{background:#f4f4f8;border-radius:4px;padding:0 .4em;margin-inline-end:.4em}\
table.members{border-collapse:collapse;margin:.5em 0}\
table.members th,table.members td{padding:.2em .6em;border-top:1px solid #eee;text-align:start;\
unicode-bidi:plaintext}\
table.members th{background:#eee}tr.centre td{background:#fff8dc}\
td.num{font-family:monospace;direction:ltr;white-space:nowrap}";

/// Writes one self-contained page (no scripts, everything escaped) for `stories` of `out`:
/// a table of contents, then for each story its header, its table of copy groups and articles,
/// and its diffs. `aligned[k]` is what [`crate::story::align`] planned and compared for
/// `stories[k]`; `texts[i]` is the original text of `out.copy.docs[i]`. The page names the
/// articles left out.
pub fn html<T: AsRef<str>>(
    w: &mut dyn Write,
    out: &StoryOutcome,
    stories: &[&Story],
    aligned: &[Aligned<Comparison>],
    texts: &[T],
) -> io::Result<()> {
    html_collated(w, out, stories, aligned, texts, None)
}

/// [`html`] with each story's collation ([`crate::collate`]) of the plan's articles (centre
/// first, then [`Plan::aligned`]) shown first, as its fact grid; the pairwise diffs follow,
/// folded, one click away. `collations[k]` belongs to `stories[k]`.
pub fn html_collated<T: AsRef<str>>(
    w: &mut dyn Write,
    out: &StoryOutcome,
    stories: &[&Story],
    aligned: &[Aligned<Comparison>],
    texts: &[T],
    collations: Option<&[Collation]>,
) -> io::Result<()> {
    assert_eq!(texts.len(), out.copy.docs.len(), "one text per document");
    assert_eq!(aligned.len(), stories.len(), "one plan per story");
    let pairs: usize = aligned.iter().map(|a| a.plan.aligned.len()).sum();
    let title = format!(
        "naql report: {}, {}",
        super::count(stories.len(), "story", "stories"),
        super::count(pairs, "aligned pair", "aligned pairs"),
    );
    let mut page = String::new();
    let css = if collations.is_some() {
        format!("{STORY_CSS}{}", crate::render::collate::CSS)
    } else {
        STORY_CSS.to_owned()
    };
    view::page_start(&mut page, &title, &css);
    let _ = writeln!(
        page,
        "<p class=\"note\" dir=\"ltr\">{}</p>",
        escape(&summary_line(out))
    );
    if stories.len() > 1 {
        page.push_str("<nav class=\"toc\"><ol>\n");
        for (s, a) in stories.iter().zip(aligned) {
            let h = header(out, s);
            let centre = &out.copy.docs[a.plan.centre].info;
            let _ = writeln!(
                page,
                "<li><a href=\"#s{}\">story {}</a> <span class=\"note\"><bdi dir=\"ltr\">{} \
                 reports, {}, {}</bdi> — {}</span> — {}</li>",
                s.id,
                s.id,
                s.size,
                html_meta(&super::outlets_label(&h.sources)),
                h.span_html(),
                html_meta(&terms(s).join(" · ")),
                html_field(centre.title.as_deref().unwrap_or(&centre.id)),
            );
        }
        page.push_str("</ol></nav>\n");
    }
    let mut p = 0;
    for (k, (s, Aligned { plan, comparisons })) in stories.iter().zip(aligned).enumerate() {
        story_html(&mut page, out, s, plan, p);
        assert_eq!(comparisons.len(), plan.aligned.len());
        if let Some(c) = collations.map(|c| &c[k]) {
            collation_html(&mut page, out, s, plan, texts, c);
        }
        for sec in sections(out, s, plan, comparisons, texts) {
            view::section_html(&mut page, p, &sec);
            p += 1;
        }
        if collations.is_some() && !plan.aligned.is_empty() {
            page.push_str("</details>\n");
        }
        page.push_str("</section>\n");
    }
    view::page_end(&mut page);
    w.write_all(page.as_bytes())
}

/// The story's fact grid, then the opening of the folded pairwise diffs (closed by the caller).
fn collation_html<T: AsRef<str>>(
    page: &mut String,
    out: &StoryOutcome,
    s: &Story,
    plan: &Plan,
    texts: &[T],
    c: &Collation,
) {
    let docs: Vec<usize> = std::iter::once(plan.centre)
        .chain(plan.aligned.iter().copied())
        .collect();
    let reports: Vec<Report> = docs
        .iter()
        .map(|&d| {
            let info = &out.copy.docs[d].info;
            Report {
                id: &info.id,
                source: info.source.as_deref(),
                date: info.date.as_deref(),
                text: texts[d].as_ref(),
            }
        })
        .collect();
    page.push_str("<h3 dir=\"ltr\">How each outlet told it</h3>\n");
    crate::render::collate::section(page, &reports, c, &format!("s{}-", s.id));
    if !plan.aligned.is_empty() {
        let _ = writeln!(
            page,
            "<details class=\"pairwise\"><summary dir=\"ltr\">Pairwise diffs against the centre \
             ({})</summary>",
            plan.aligned.len()
        );
    }
}

/// The diffs of one story as page sections: its central article against each aligned one,
/// headed "story N: A ↔ B" (what the page shows and `naql report --format text` prints).
pub fn sections<'a, T: AsRef<str>>(
    out: &StoryOutcome,
    s: &Story,
    plan: &crate::story::Plan,
    comparisons: &'a [Comparison],
    texts: &'a [T],
) -> Vec<Section<'a>> {
    assert_eq!(comparisons.len(), plan.aligned.len());
    plan.aligned
        .iter()
        .zip(comparisons)
        .map(|(&b, cmp)| Section {
            heading: Some(format!(
                "story {}: {} ↔ {}{}",
                s.id,
                out.id(plan.centre),
                out.id(b),
                copies_note(s, b)
            )),
            a: side(out, texts, plan.centre),
            b: side(out, texts, b),
            cmp,
        })
        .collect()
}

fn outlets(n: usize) -> String {
    match n {
        1 => "1 outlet".into(),
        n => format!("{n} outlets"),
    }
}

/// " (copies #4: 3 near copies not aligned)" when `doc`'s copy group holds others.
fn copies_note(s: &Story, doc: usize) -> String {
    let g = s
        .groups
        .iter()
        .find(|g| g.members.iter().any(|m| m.doc == doc))
        .expect("the article is in the story");
    match (g.copy_cluster, g.members.len() - 1) {
        (Some(c), n) if n > 0 => format!(" (copies #{c}: {n} near copies not aligned)"),
        _ => String::new(),
    }
}

fn side<'a, T: AsRef<str>>(out: &StoryOutcome, texts: &'a [T], doc: usize) -> Side<'a> {
    let info = &out.copy.docs[doc].info;
    Side {
        name: info
            .title
            .as_ref()
            .map_or(info.id.clone(), |t| format!("{} — {t}", info.id)),
        source: info.source.clone(),
        date: info.date.clone(),
        text: texts[doc].as_ref(),
    }
}

/// The story's terms, most distinctive first.
fn terms(s: &Story) -> Vec<&str> {
    s.terms.iter().map(|t| t.0.as_str()).collect()
}

/// A story's header: the outlets and dates of every member.
fn header<'a>(out: &'a StoryOutcome, s: &Story) -> Header<'a> {
    let members = s.groups.iter().flat_map(|g| &g.members);
    Header::of(members.map(|m| &out.copy.docs[m.doc].info))
}

/// Opens the story's `<section>` (closed by the caller after its diffs) and writes its header,
/// its table of articles ([`members_table`]) and what was not aligned ([`plan_note`]). Diff
/// sections are numbered from `p`.
fn story_html(page: &mut String, out: &StoryOutcome, s: &Story, plan: &Plan, p: usize) {
    let h = header(out, s);
    let _ = writeln!(
        page,
        "<section class=\"story\" id=\"s{}\">\n<h2 class=\"story\"><bdi dir=\"ltr\">Story {} · \
         {} reports · {} · {}</bdi></h2>",
        s.id,
        s.id,
        s.size,
        outlets(h.sources.len()),
        h.span_html()
    );
    if !h.sources.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"sources\">Outlets: {}</p>",
            html_meta(&h.sources.join(", "))
        );
    }
    page.push_str("<p class=\"terms\">Terms:");
    for t in terms(s) {
        let _ = write!(page, " <span>{}</span>", html_meta(t));
    }
    page.push_str("</p>\n");
    members_table(page, out, s, plan, p);
    plan_note(page, out, s, plan);
}

/// The story's articles, copy group by copy group, each with its part in the diffs (A, a link
/// to its B section, or over the cap).
fn members_table(page: &mut String, out: &StoryOutcome, s: &Story, plan: &Plan, p: usize) {
    page.push_str(
        "<table class=\"members\"><thead><tr><th>Copies</th><th>Outlet</th><th>Date</th>\
         <th>Similarity to centre</th><th>Id</th><th>Title</th><th>Diff</th></tr></thead><tbody>\n",
    );
    for g in &s.groups {
        for (i, m) in g.members.iter().enumerate() {
            let info = &out.copy.docs[m.doc].info;
            let copies = match (g.copy_cluster, i) {
                (Some(c), 0) => format!("#{c} ({})", g.members.len()),
                (Some(_), _) => "″".to_string(),
                (None, _) => String::new(),
            };
            let diff = if m.doc == plan.centre {
                "A (centre)".to_string()
            } else if let Some(k) = plan.aligned.iter().position(|&d| d == m.doc) {
                format!("<a href=\"#p{}\">B</a>", p + k)
            } else if plan.left_out.contains(&m.doc) {
                "over the cap".to_string()
            } else {
                String::new()
            };
            let _ = writeln!(
                page,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{:.2}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                if m.doc == plan.centre {
                    "article centre"
                } else {
                    "article"
                },
                escape(&copies),
                html_field(info.source.as_deref().unwrap_or("-")),
                html_date(info.date.as_deref().unwrap_or("-")),
                m.similarity,
                html_field(&info.id),
                html_field(info.title.as_deref().unwrap_or("")),
                diff
            );
        }
    }
    page.push_str("</tbody></table>\n");
}

/// What is not aligned, and why: nothing is left out silently.
fn plan_note(page: &mut String, out: &StoryOutcome, s: &Story, plan: &Plan) {
    let centre_group = s
        .groups
        .iter()
        .find(|g| g.members.iter().any(|m| m.doc == plan.centre))
        .expect("the centre is in the story");
    let near = centre_group.members.len() - 1;
    let not_shown: usize = s.groups.iter().map(|g| g.members.len() - 1).sum::<usize>() - near;
    let _ = write!(
        page,
        "<p class=\"note plan\" dir=\"ltr\">Aligned against the centre article {} (A, on the right): {} of {} \
         other copy groups and lone articles.",
        html_meta(out.id(plan.centre)),
        plan.aligned.len(),
        plan.aligned.len() + plan.left_out.len()
    );
    let mut skipped = Vec::new();
    if near > 0 {
        skipped.push(format!("{near} near copies of the centre (its copy group)"));
    }
    if not_shown > 0 {
        skipped.push(format!(
            "{not_shown} near copies in the other copy groups (one article per group is aligned)"
        ));
    }
    if !skipped.is_empty() {
        let _ = write!(page, " Not aligned: {}.", escape(&skipped.join("; ")));
    }
    if !plan.left_out.is_empty() {
        let ids: Vec<&str> = plan.left_out.iter().map(|&d| out.id(d)).collect();
        let _ = write!(
            page,
            " <span class=\"left-out\" data-count=\"{}\">{} diffs left out over the cap of {}: \
             {}.</span>",
            plan.left_out.len(),
            plan.left_out.len(),
            plan.aligned.len(),
            html_meta(&ids.join(", "))
        );
    }
    page.push_str("</p>\n");
}
