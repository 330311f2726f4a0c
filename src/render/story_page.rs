//! The HTML page of `naql report --level story`: for each story, who carried it and how each
//! outlet told it.
//!
//! A story holds copy groups (near copies of one another) and lone articles. Diffing every
//! article against every other would mostly show near copies agreeing, so the page aligns one
//! article per copy group against the story's central article (the one most similar to the
//! centre), and says what it left out: the other members of each group (counted), and the
//! groups over the cap (named). The diff sections are those of [`crate::render::diff::html`].

use std::fmt::Write as _;
use std::io::{self, Write};

use rayon::prelude::*;

use crate::diff::{Comparer, Comparison};
use crate::render::diff::{self as view, Section, Side, escape};
use crate::story::{Story, StoryMember, StoryOutcome, summary_line};

/// What a story's page aligns.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The article most similar to the story's centre: side A of every diff.
    pub centre: usize,
    /// One article per other copy group, in the story's group order: side B of each diff.
    pub aligned: Vec<usize>,
    /// The articles that would have been aligned but for the cap, in group order.
    pub left_out: Vec<usize>,
}

/// The first member with the highest similarity to the centre (ties go to the earlier).
fn most_central<'a>(members: impl Iterator<Item = &'a StoryMember>) -> &'a StoryMember {
    members
        .reduce(|best, m| {
            if m.similarity > best.similarity {
                m
            } else {
                best
            }
        })
        .expect("copy groups and stories are never empty")
}

/// Picks the centre and up to `max_diffs` articles to align against it. Under the cap, groups
/// from outlets not shown yet come first, so a long story still shows as many outlets as it
/// can; the chosen ones are then shown in the story's order (earliest group first).
pub fn plan(out: &StoryOutcome, story: &Story, max_diffs: usize) -> Plan {
    let centre = most_central(story.groups.iter().flat_map(|g| &g.members)).doc;
    let source = |doc: usize| out.copy.docs[doc].info.source.as_deref();
    let reps: Vec<usize> = story
        .groups
        .iter()
        .filter(|g| !g.members.iter().any(|m| m.doc == centre))
        .map(|g| most_central(g.members.iter()).doc)
        .collect();
    let mut seen = vec![source(centre)];
    let mut chosen = vec![false; reps.len()];
    let mut taken = 0;
    for (k, &r) in reps.iter().enumerate() {
        if taken < max_diffs && !seen.contains(&source(r)) {
            seen.push(source(r));
            chosen[k] = true;
            taken += 1;
        }
    }
    for c in chosen.iter_mut() {
        if taken < max_diffs && !*c {
            *c = true;
            taken += 1;
        }
    }
    let (aligned, left_out) = reps.iter().zip(&chosen).partition(|(_, c)| **c);
    let docs = |v: Vec<(&usize, &bool)>| v.into_iter().map(|(&d, _)| d).collect();
    Plan {
        centre,
        aligned: docs(aligned),
        left_out: docs(left_out),
    }
}

/// The stories to show: all of them, or the one numbered `id` (as `naql cluster --level story`
/// numbers them). An unknown number is an error that says how many there are.
pub fn select(out: &StoryOutcome, id: Option<usize>) -> Result<Vec<&Story>, String> {
    match id {
        None => Ok(out.stories.iter().collect()),
        Some(id) => match out.stories.iter().find(|s| s.id == id) {
            Some(s) => Ok(vec![s]),
            None => Err(format!(
                "no story {id}: these inputs and settings give {} (stories of two or more \
                 articles, numbered from 1, largest first, as `naql cluster --level story` \
                 lists them)",
                match out.stories.len() {
                    1 => "1 story".to_string(),
                    n => format!("{n} stories"),
                }
            )),
        },
    }
}

const STORY_CSS: &str = "section.story{margin-top:2.5em}\
h2.story{font-size:1.3em;border-bottom:3px solid #888}\
.terms span{background:#f4f4f8;border-radius:4px;padding:0 .4em;margin-inline-end:.4em}\
table.members{border-collapse:collapse;margin:.5em 0}\
table.members th,table.members td{padding:.2em .6em;border-top:1px solid #eee;text-align:start;\
unicode-bidi:plaintext}\
table.members th{background:#eee}tr.centre td{background:#fff8dc}\
td.num{font-family:monospace;direction:ltr;white-space:nowrap}";

/// Writes one self-contained page (no scripts, everything escaped) for `stories` of `out`:
/// a table of contents, then for each story its header, its table of copy groups and articles,
/// and its diffs. `texts[i]` is the original text of `out.copy.docs[i]`. At most `max_diffs`
/// diffs per story; the page names those left out.
pub fn html<T: AsRef<str> + Sync>(
    w: &mut dyn Write,
    out: &StoryOutcome,
    stories: &[&Story],
    texts: &[T],
    comparer: &Comparer,
    max_diffs: usize,
) -> io::Result<()> {
    assert_eq!(texts.len(), out.copy.docs.len(), "one text per document");
    let plans: Vec<Plan> = stories.iter().map(|s| plan(out, s, max_diffs)).collect();
    let pairs: Vec<(usize, usize)> = plans
        .iter()
        .flat_map(|p| p.aligned.iter().map(|&b| (p.centre, b)))
        .collect();
    let comparisons: Vec<Comparison> = pairs
        .par_iter()
        .map(|&(a, b)| comparer.compare(texts[a].as_ref(), texts[b].as_ref()))
        .collect();

    let title = format!(
        "naql report: {}, {} aligned pairs",
        match stories.len() {
            1 => "1 story".to_string(),
            n => format!("{n} stories"),
        },
        pairs.len()
    );
    let mut page = String::new();
    view::page_start(&mut page, &title, STORY_CSS);
    let _ = writeln!(
        page,
        "<p class=\"note\" dir=\"ltr\">{}</p>",
        escape(&summary_line(out))
    );
    if stories.len() > 1 {
        page.push_str("<nav class=\"toc\"><ol>\n");
        for s in stories {
            let h = Header::new(out, s);
            let _ = writeln!(
                page,
                "<li><a href=\"#s{}\">story {}</a> <span class=\"note\"><bdi dir=\"ltr\">{} \
                 reports, {}, {}</bdi> — {}</span></li>",
                s.id,
                s.id,
                s.size,
                outlets(h.sources.len()),
                escape(&h.span()),
                escape(&h.terms(s).join(" · "))
            );
        }
        page.push_str("</ol></nav>\n");
    }
    let mut p = 0;
    let mut cmps = comparisons.iter();
    for (s, plan) in stories.iter().zip(&plans) {
        story_html(&mut page, out, s, plan, p);
        for &b in &plan.aligned {
            let cmp = cmps.next().expect("one comparison per aligned article");
            let sec = Section {
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
            };
            view::section_html(&mut page, p, &sec);
            p += 1;
        }
        page.push_str("</section>\n");
    }
    view::page_end(&mut page);
    w.write_all(page.as_bytes())
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

/// What a story's header says about it: its outlets and dates.
struct Header<'a> {
    sources: Vec<&'a str>,
    first: Option<&'a str>,
    last: Option<&'a str>,
}

impl<'a> Header<'a> {
    fn new(out: &'a StoryOutcome, s: &Story) -> Header<'a> {
        let infos = s
            .groups
            .iter()
            .flat_map(|g| &g.members)
            .map(|m| &out.copy.docs[m.doc].info);
        let mut sources: Vec<&str> = infos.clone().filter_map(|i| i.source.as_deref()).collect();
        sources.sort_unstable();
        sources.dedup();
        let mut dates: Vec<(u64, &str)> = infos
            .filter_map(|i| {
                let d = i.date.as_deref()?;
                Some((crate::date::sort_key(d)?, d))
            })
            .collect();
        dates.sort_unstable();
        Header {
            sources,
            first: dates.first().map(|d| d.1),
            last: dates.last().map(|d| d.1),
        }
    }

    /// "2015-08-06 … 2015-08-07" (days only), or "undated".
    fn span(&self) -> String {
        let day = |d: &str| d.get(..10).unwrap_or(d).to_string();
        match (self.first, self.last) {
            (Some(f), Some(l)) if day(f) == day(l) => day(f),
            (Some(f), Some(l)) => format!("{} … {}", day(f), day(l)),
            _ => "undated".into(),
        }
    }

    fn terms<'s>(&self, s: &'s Story) -> Vec<&'s str> {
        s.terms.iter().map(|t| t.0.as_str()).collect()
    }
}

/// Opens the story's `<section>` (closed by the caller after its diffs) and writes its header,
/// its table of articles and what was not aligned. Diff sections are numbered from `p`.
fn story_html(page: &mut String, out: &StoryOutcome, s: &Story, plan: &Plan, p: usize) {
    let h = Header::new(out, s);
    let _ = writeln!(
        page,
        "<section class=\"story\" id=\"s{}\">\n<h2 class=\"story\"><bdi dir=\"ltr\">Story {} · \
         {} reports · {} · {}</bdi></h2>",
        s.id,
        s.id,
        s.size,
        outlets(h.sources.len()),
        escape(&h.span())
    );
    if !h.sources.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"sources\">Outlets: {}</p>",
            escape(&h.sources.join(", "))
        );
    }
    page.push_str("<p class=\"terms\">Terms:");
    for t in h.terms(s) {
        let _ = write!(page, " <span>{}</span>", escape(t));
    }
    page.push_str("</p>\n");
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
                escape(info.source.as_deref().unwrap_or("-")),
                escape(info.date.as_deref().unwrap_or("-")),
                m.similarity,
                escape(&info.id),
                escape(info.title.as_deref().unwrap_or("")),
                diff
            );
        }
    }
    page.push_str("</tbody></table>\n");
    // Nothing left out silently: say what is not aligned, and why.
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
        escape(out.id(plan.centre)),
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
            escape(&ids.join(", "))
        );
    }
    page.push_str("</p>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy::Config;
    use crate::corpus::Document;
    use crate::story::{StoryConfig, StoryEngine};

    /// Five rewrites of one story (each leaves out a different sentence, so none is a copy of
    /// another), from outlets x, x, x, y, z.
    fn outcome() -> StoryOutcome {
        let sentences = [
            "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة من الفيروس في العاصمة",
            "وقال المتحدث باسم الوزارة إن الفرق الطبية تتابع المخالطين على مدار الساعة",
            "وأضاف أن المستشفيات الحكومية رفعت درجة الاستعداد في جميع المناطق",
            "ودعت الوزارة المواطنين إلى الالتزام بالإجراءات الوقائية وارتداء الكمامات",
            "وأشار إلى أن عدد الحالات التي تماثلت للشفاء ارتفع خلال الأسبوع الماضي",
        ];
        let docs = ["x", "x", "x", "y", "z"]
            .iter()
            .enumerate()
            .map(|(k, source)| {
                let text: Vec<&str> = (0..sentences.len())
                    .filter(|&i| i != k)
                    .map(|i| sentences[i])
                    .collect();
                Document {
                    id: format!("d{k}"),
                    source: Some(source.to_string()),
                    date: Some("2020-03-01".into()),
                    text: text.join(". "),
                    ..Document::default()
                }
            })
            .collect();
        let mut engine = StoryEngine::new(Config::default(), StoryConfig::default(), None);
        engine.run_documents(docs)
    }

    #[test]
    fn the_cap_keeps_new_outlets_first_and_names_the_rest() {
        let out = outcome();
        assert_eq!(out.stories.len(), 1, "one story");
        let s = &out.stories[0];
        assert_eq!(s.groups.len(), 5, "five lone articles, no copies");
        let full = plan(&out, s, 12);
        assert_eq!(full.aligned.len(), 4);
        assert!(full.left_out.is_empty());
        let source = |d: usize| out.copy.docs[d].info.source.clone().unwrap();
        // With room for two, the outlets the centre does not come from are shown first.
        let capped = plan(&out, s, 2);
        assert_eq!(capped.centre, full.centre);
        assert_eq!(capped.aligned.len(), 2);
        assert_eq!(capped.left_out.len(), 2);
        let mut shown: Vec<String> = capped.aligned.iter().map(|&d| source(d)).collect();
        shown.push(source(capped.centre));
        shown.sort();
        shown.dedup();
        assert_eq!(shown.len(), 3, "{shown:?}");
        // Nothing aligned twice or lost.
        let mut all: Vec<usize> = capped
            .aligned
            .iter()
            .chain(&capped.left_out)
            .copied()
            .collect();
        all.push(capped.centre);
        all.sort();
        assert_eq!(all, (0..5).collect::<Vec<_>>());
    }

    #[test]
    fn an_unknown_story_number_says_how_many_there_are() {
        let out = outcome();
        assert_eq!(select(&out, Some(1)).unwrap().len(), 1);
        let e = select(&out, Some(7)).unwrap_err();
        assert!(e.contains("no story 7") && e.contains("1 story "), "{e}");
    }
}
