//! What the story report aligns: for each story, its central article against one article per
//! other copy group, under a cap that favours outlets not shown yet. The choosing and the
//! comparing are here; the page that shows them is [`crate::render::story_page`]'s.
//!
//! A story holds copy groups (near copies of one another) and lone articles. Diffing every
//! article against every other would mostly show near copies agreeing, so one article per copy
//! group is aligned against the story's central article (the one most similar to the centre),
//! and the rest are named as left out: the other members of each group, and the groups over
//! the cap.

use rayon::prelude::*;

use crate::story::outcome::{Story, StoryMember, StoryOutcome};

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

/// A story's [`Plan`] with the comparison of the centre against each aligned article.
#[derive(Clone, Debug)]
pub struct Aligned<C> {
    /// Which articles are aligned.
    pub plan: Plan,
    /// One comparison per article of [`Plan::aligned`], in its order.
    pub comparisons: Vec<C>,
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

/// Plans each of `stories` and compares the pairs (all stories' pairs at once, in parallel):
/// `compare(centre text, aligned text)`, where `texts[i]` is the text of `out.copy.docs[i]`.
/// The comparison is a parameter so that this room needs no aligner (the report passes
/// [`crate::diff::Comparer::compare`]).
pub fn align<T, C, F>(
    out: &StoryOutcome,
    stories: &[&Story],
    texts: &[T],
    max_diffs: usize,
    compare: F,
) -> Vec<Aligned<C>>
where
    T: AsRef<str> + Sync,
    C: Send,
    F: Fn(&str, &str) -> C + Sync,
{
    assert_eq!(texts.len(), out.copy.docs.len(), "one text per document");
    let plans: Vec<Plan> = stories.iter().map(|s| plan(out, s, max_diffs)).collect();
    let pairs: Vec<(usize, usize)> = plans
        .iter()
        .flat_map(|p| p.aligned.iter().map(|&b| (p.centre, b)))
        .collect();
    let mut comparisons = pairs
        .par_iter()
        .map(|&(a, b)| compare(texts[a].as_ref(), texts[b].as_ref()))
        .collect::<Vec<C>>()
        .into_iter();
    plans
        .into_iter()
        .map(|plan| Aligned {
            comparisons: comparisons.by_ref().take(plan.aligned.len()).collect(),
            plan,
        })
        .collect()
}

/// A story number that names no story of the run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "no story {id}: these inputs and settings give {} (stories of two or more articles, \
     numbered from 1, largest first, as `naql cluster --level story` lists them)",
    count(.stories)
)]
pub struct NoSuchStory {
    /// The number asked for.
    pub id: usize,
    /// How many stories there are.
    pub stories: usize,
}

/// "1 story", "2 stories".
fn count(n: &usize) -> String {
    match n {
        1 => "1 story".to_string(),
        n => format!("{n} stories"),
    }
}

/// The stories to show: all of them, or the one numbered `id` (as `naql cluster --level story`
/// numbers them). An unknown number is an error that says how many there are.
pub fn select(out: &StoryOutcome, id: Option<usize>) -> Result<Vec<&Story>, NoSuchStory> {
    match id {
        None => Ok(out.stories.iter().collect()),
        Some(id) => match out.stories.iter().find(|s| s.id == id) {
            Some(s) => Ok(vec![s]),
            None => Err(NoSuchStory {
                id,
                stories: out.stories.len(),
            }),
        },
    }
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
        let e = select(&out, Some(7)).unwrap_err().to_string();
        assert!(e.contains("no story 7") && e.contains("1 story "), "{e}");
    }
}
