//! Story similarity, measured: the default threshold from SaudiNewsNet's structure, then the
//! SemEval-2022 Task 8 Arabic pairs scored at that threshold.
//!
//! ```text
//! cargo run --release --example story_eval -- null ../shared/data/saudinewsnet.jsonl.gz [TABLE]
//! naql idf ../shared/data/saudinewsnet.jsonl.gz -o /tmp/snn-idf.json
//! cargo run --release --example story_eval -- semeval ../shared/data/semeval2022-task8-ar-dev.jsonl [/tmp/snn-idf.json] [THRESHOLD]
//! ```
//!
//! `null`: cosine of random article pairs dated at least 10 days apart (almost never one story
//! in a three-week corpus), printed as quantiles: the default threshold is chosen where a
//! random distant pair passes with probability about 1 in 10,000, so that an article has
//! well under one false neighbour among the few thousand others inside its date window.
//! No SemEval label is used for that choice.
//!
//! `semeval`: Pearson correlation of the similarity with −Overall, F1 of "same story"
//! (Overall ≤ 2) at THRESHOLD (default: `StoryConfig::default().threshold`, or
//! `StoryConfig::SEMANTIC_THRESHOLD` with a table that holds LSA vectors), the best F1 over
//! all thresholds (an optimistic ceiling, fitted on the labels) and a 5-fold cross-validated F1
//! (threshold fitted on four folds, scored on the fifth) for comparison. IDF from the table,
//! or from the 242 texts of the file when no table is given.

#[path = "../tests/common/mod.rs"]
mod common;

use naql::corpus::{FieldMap, ReadOptions, read_all};
use naql::story::{Idf, StoryConfig, StoryModel};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("null") => null(&args[1], args.get(2)),
        Some("semeval") => semeval(&args[1..]),
        Some("sts") => sts(&args[1..]),
        Some("batch") => batch(&args[1..]),
        Some("seeds") => seeds(&args[1..]),
        Some("table") => {
            // An IDF table made with the variant's representation (naql idf makes the default's).
            let (docs, _) = read_all(
                &[args[1].clone()],
                &ReadOptions {
                    fields: FieldMap::default(),
                    skip_bad: true,
                    progress: None,
                    max_record_bytes: None,
                },
            )
            .expect("read corpus");
            let texts: Vec<_> = docs.into_iter().map(|(d, _)| (d.title, d.text)).collect();
            let model = StoryModel::new(variant(StoryConfig::default()));
            let t = model.idf_table(&texts, 2, 0);
            std::fs::write(&args[2], serde_json::to_string(&t).unwrap()).expect("write table");
        }
        _ => eprintln!("usage: story_eval null CORPUS | semeval FILE [IDF] [THRESHOLD]"),
    }
}

fn null(corpus: &str, table: Option<&String>) {
    let (docs, _) = read_all(
        &[corpus.to_string()],
        &ReadOptions {
            fields: FieldMap::default(),
            skip_bad: true,
            progress: None,
            max_record_bytes: None,
        },
    )
    .expect("read corpus");
    let docs: Vec<_> = docs.into_iter().map(|(d, _)| d).collect();
    let model = match table {
        Some(t) => {
            let mut m = StoryModel::new(variant(StoryConfig::default()));
            m.idf = Idf::load(t, m.config.normalize).expect("IDF table");
            m
        }
        None => StoryModel::from_documents(StoryConfig::default(), &docs),
    };
    let vectors: Vec<_> = docs
        .iter()
        .map(|d| model.vector(d.title.as_deref(), &d.text))
        .collect();
    let days: Vec<Option<f64>> = docs
        .iter()
        .map(|d| d.date.as_deref().and_then(naql::date::epoch_days))
        .collect();
    let mut rng = common::Rng(0x5eed);
    let mut sims = Vec::new();
    while sims.len() < 2_000_000 {
        let (a, b) = (rng.below(docs.len()), rng.below(docs.len()));
        match (days[a], days[b]) {
            (Some(x), Some(y)) if (x - y).abs() >= 10.0 => {}
            _ => continue,
        }
        if vectors[a].is_empty() || vectors[b].is_empty() {
            continue;
        }
        sims.push(vectors[a].cosine(&vectors[b]));
    }
    sims.sort_by(f64::total_cmp);
    println!("{} random pairs ≥ 10 days apart", sims.len());
    for q in [0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999] {
        let i = ((sims.len() as f64 * q) as usize).min(sims.len() - 1);
        println!("  quantile {q:<8} cosine {:.4}", sims[i]);
    }
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// F1 of "predicted same story" (sim ≥ t) against `gold`.
fn f1(sims: &[f64], gold: &[bool], t: f64) -> f64 {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for (s, &g) in sims.iter().zip(gold) {
        match (*s >= t, g) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fneg += 1.0,
            _ => {}
        }
    }
    if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (2.0 * tp + fp + fneg)
    }
}

fn best_threshold(sims: &[f64], gold: &[bool]) -> (f64, f64) {
    let mut best = (0.0, 0.0);
    for &t in sims {
        let f = f1(sims, gold, t);
        if f > best.1 {
            best = (t, f);
        }
    }
    best
}

/// Variants of the representation, named by `NAQL_STORY_VARIANT` (comma-separated):
/// `nostem`, `bigrams`, `nolead`, `notitle`, `semantic=W` (the LSA share, with a table that
/// has LSA vectors). Used to choose the representation on STS, which
/// has its own labels, before scoring SemEval.
fn variant(mut c: StoryConfig) -> StoryConfig {
    let v = std::env::var("NAQL_STORY_VARIANT").unwrap_or_default();
    for part in v.split(',').filter(|p| !p.is_empty()) {
        match part {
            "nostem" => c.stem = false,
            "bigrams" => c.bigrams = true,
            "nolead" => c.lead_weight = 1,
            "notitle" => c.title_weight = 1,
            p if p.starts_with("semantic=") => {
                c.semantic_weight = p["semantic=".len()..].parse().expect("semantic=W")
            }
            other => panic!("unknown variant {other}"),
        }
    }
    c
}

/// STS 2017 Arabic (sentence pairs, gold 0–5): Pearson of the similarity with gold.
fn sts(args: &[String]) {
    let text = std::fs::read_to_string(&args[0]).expect("read STS file");
    let mut model = StoryModel::new(variant(StoryConfig::default()));
    model.idf = Idf::load(&args[1], model.config.normalize).expect("IDF table");
    let (mut sims, mut gold) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let mut f = line.split('\t');
        let (Some(g), Some(a), Some(b)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        gold.push(g.trim().parse::<f64>().expect("gold score"));
        sims.push(model.similarity((None, a), (None, b)));
    }
    println!(
        "{} STS pairs: Pearson {:.4}",
        sims.len(),
        pearson(&sims, &gold)
    );
}

fn semeval(args: &[String]) {
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&args[0])
        .expect("read SemEval file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let s = |r: &serde_json::Value, k: &str| r[k].as_str().unwrap_or("").to_string();
    let texts: Vec<[(String, String); 2]> = rows
        .iter()
        .map(|r| {
            [
                (s(r, "title1"), s(r, "text1")),
                (s(r, "title2"), s(r, "text2")),
            ]
        })
        .collect();
    let mut config = variant(StoryConfig::default());
    if let Some(t) = args.get(2) {
        config.threshold = t.parse().expect("threshold");
    }
    let model = match args.get(1).filter(|p| !p.is_empty() && *p != "-") {
        Some(table) => {
            let mut m = StoryModel::new(config);
            m.idf = Idf::load(table, m.config.normalize).expect("IDF table");
            m
        }
        None => {
            let docs: Vec<naql::corpus::Document> = texts
                .iter()
                .flatten()
                .map(|(title, text)| naql::corpus::Document {
                    title: Some(title.clone()),
                    text: text.clone(),
                    ..Default::default()
                })
                .collect();
            StoryModel::from_documents(config, &docs)
        }
    };
    // The default threshold of the model in use, as `naql cluster --level story` picks it.
    let threshold = match args.get(2) {
        Some(_) => model.config.threshold,
        None if model.idf.lsa.is_some() => StoryConfig::SEMANTIC_THRESHOLD,
        None => model.config.threshold,
    };
    let sims: Vec<f64> = texts
        .iter()
        .map(|[a, b]| model.similarity((Some(&a.0), &a.1), (Some(&b.0), &b.1)))
        .collect();
    let overall: Vec<f64> = rows
        .iter()
        .map(|r| r["Overall"].as_f64().unwrap())
        .collect();
    let neg: Vec<f64> = overall.iter().map(|o| -o).collect();
    let gold: Vec<bool> = overall.iter().map(|&o| o <= 2.0).collect();
    println!(
        "{} pairs, {} same story (Overall ≤ 2); IDF from {}",
        rows.len(),
        gold.iter().filter(|&&g| g).count(),
        args.get(1).map_or("the file itself", |s| s.as_str())
    );
    println!(
        "Pearson(similarity, −Overall) = {:.4}",
        pearson(&sims, &neg)
    );
    println!(
        "F1 at the threshold {threshold} = {:.4}",
        f1(&sims, &gold, threshold)
    );
    let (bt, bf) = best_threshold(&sims, &gold);
    println!("best F1 over thresholds (fitted on the labels) = {bf:.4} at {bt:.4}");
    // 5-fold cross-validation of a fitted threshold: fixed folds by row index.
    let mut tp_f = Vec::new();
    let mut cv_pred = vec![false; sims.len()];
    for fold in 0..5 {
        let train: Vec<usize> = (0..sims.len()).filter(|i| i % 5 != fold).collect();
        let ts: Vec<f64> = train.iter().map(|&i| sims[i]).collect();
        let tg: Vec<bool> = train.iter().map(|&i| gold[i]).collect();
        let (t, _) = best_threshold(&ts, &tg);
        tp_f.push(t);
        for i in (0..sims.len()).filter(|i| i % 5 == fold) {
            cv_pred[i] = sims[i] >= t;
        }
    }
    let pred: Vec<f64> = cv_pred.iter().map(|&p| p as u8 as f64).collect();
    println!(
        "5-fold cross-validated F1 (threshold fitted on 4 folds: {:?}) = {:.4}",
        tp_f.iter()
            .map(|t| (t * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>(),
        f1(&pred, &gold, 0.5)
    );
}

/// `batch SEMEVAL FILLER`: how large an input must be before its own document frequencies
/// serve as well as the built-in background model. The SemEval pairs (2020 news, in neither
/// SaudiNewsNet nor ANT) are scored in batches of N documents: up to 10 pairs plus articles
/// drawn from FILLER (every 7th article from an offset), the IDF learnt from the batch alone.
/// Pooled Pearson and F1 at the default threshold, per N, then the same with the background.
fn batch(args: &[String]) {
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&args[0])
        .expect("read SemEval file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let s = |r: &serde_json::Value, k: &str| r[k].as_str().unwrap_or("").to_string();
    let doc = |title: String, text: String| naql::corpus::Document {
        title: Some(title),
        text,
        ..Default::default()
    };
    let (filler, _) = read_all(
        &[args[1].clone()],
        &ReadOptions {
            fields: FieldMap::default(),
            skip_bad: true,
            progress: None,
            max_record_bytes: None,
        },
    )
    .expect("read filler corpus");
    let filler: Vec<naql::corpus::Document> = filler.into_iter().map(|d| d.0).collect();
    let gold: Vec<bool> = rows
        .iter()
        .map(|r| r["Overall"].as_f64().unwrap() <= 2.0)
        .collect();
    let neg: Vec<f64> = rows
        .iter()
        .map(|r| -r["Overall"].as_f64().unwrap())
        .collect();
    let t = StoryConfig::default().threshold;
    for n in [4usize, 10, 20, 50, 100, 200, 300, 500, 1000, 2000] {
        let per = (n / 2).min(10);
        let mut sims = Vec::new();
        for (b, chunk) in rows.chunks(per).enumerate() {
            let mut docs: Vec<naql::corpus::Document> = chunk
                .iter()
                .flat_map(|r| {
                    [
                        doc(s(r, "title1"), s(r, "text1")),
                        doc(s(r, "title2"), s(r, "text2")),
                    ]
                })
                .collect();
            let extra = n.saturating_sub(docs.len());
            docs.extend(filler.iter().skip(b * 101).step_by(7).take(extra).cloned());
            let m = StoryModel::from_documents(StoryConfig::default(), &docs);
            for p in 0..chunk.len() {
                let (a, c) = (&docs[2 * p], &docs[2 * p + 1]);
                sims.push(
                    m.similarity((a.title.as_deref(), &a.text), (c.title.as_deref(), &c.text)),
                );
            }
        }
        println!(
            "N {n:>5}: input IDF  Pearson {:.4}  F1@{t} {:.4}",
            pearson(&sims, &neg),
            f1(&sims, &gold, t)
        );
    }
    let mut m = StoryModel::new(StoryConfig::default());
    m.idf = naql::story::background_idf(m.config.normalize)
        .expect("background")
        .clone();
    let sims: Vec<f64> = rows
        .iter()
        .map(|r| {
            m.similarity(
                (Some(&s(r, "title1")), &s(r, "text1")),
                (Some(&s(r, "title2")), &s(r, "text2")),
            )
        })
        .collect();
    println!(
        "background ({}): Pearson {:.4}  F1@{t} {:.4}",
        naql::story::BACKGROUND_MODEL,
        pearson(&sims, &neg),
        f1(&sims, &gold, t)
    );
}

/// `seeds SEEDS FILLER`: the five seed reports (one story) with N unrelated articles from
/// FILLER (every 7th), clustered with the input's own IDF and with the background model: how
/// many seeds share the largest seed story, how many other articles join it, and how many
/// stories the whole run has.
fn seeds(args: &[String]) {
    let opts = ReadOptions {
        fields: FieldMap::default(),
        skip_bad: true,
        progress: None,
        max_record_bytes: None,
    };
    let (seeds, _) = read_all(&[args[0].clone()], &opts).expect("read seeds");
    let (filler, _) = read_all(&[args[1].clone()], &opts).expect("read filler");
    let seed_ids: Vec<String> = seeds.iter().map(|d| d.0.id.clone()).collect();
    for n in [0usize, 1, 2, 3, 5, 7, 10, 15, 20, 50, 100, 200, 500] {
        let mut line = format!("N {n:>5}:");
        for background in [false, true] {
            let mut docs: Vec<naql::corpus::Document> = seeds.iter().map(|d| d.0.clone()).collect();
            docs.extend(filler.iter().step_by(7).take(n).map(|d| d.0.clone()));
            let idf = background.then(|| {
                naql::story::background_idf(StoryConfig::default().normalize)
                    .expect("background")
                    .clone()
            });
            let mut e = naql::story::StoryEngine::new(
                naql::copy::Config::default(),
                StoryConfig::default(),
                idf,
            );
            e.background = false;
            let out = e.run_documents(docs);
            let (mut best, mut others) = (0, 0);
            for st in &out.stories {
                let ids: Vec<&str> = st
                    .groups
                    .iter()
                    .flat_map(|g| &g.members)
                    .map(|m| out.id(m.doc))
                    .collect();
                let k = ids
                    .iter()
                    .filter(|i| seed_ids.iter().any(|s| s == *i))
                    .count();
                if k > best {
                    best = k;
                    others = ids.len() - k;
                }
            }
            line += &format!(
                "  {}: seeds together {best}/5, others joining {others}, stories {}",
                if background {
                    "background"
                } else {
                    "input IDF"
                },
                out.stories.len()
            );
        }
        println!("{line}");
    }
}
