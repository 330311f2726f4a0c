//! Renderers for cluster results: JSON, JSONL, CSV and a readable text summary.
//!
//! The JSON shapes are part of naql's interface (documented in the README); scores are rounded
//! to four decimals so that output bytes are identical across runs and thread counts.

use std::io::{self, Write};

use serde::Serialize;

use super::clean;
use crate::copy::{ALGORITHM, LshParams, Shingling};
use crate::copy::{Config, Outcome, Pair, Signed, Verify};
use crate::score::round4;
use crate::text::NormalizeOptions;

/// Output formats of `naql cluster`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A readable summary: each cluster with its members, outlets, dates and scores.
    Text,
    /// One JSON object: parameters, statistics, skipped records and clusters.
    Json,
    /// One cluster a line.
    Jsonl,
    /// One member a row.
    Csv,
}

/// The parameters that produced a result: enough to reproduce it.
#[derive(Serialize)]
pub struct Params {
    /// The version of naql that wrote the result.
    pub naql_version: &'static str,
    /// The signature scheme ([`crate::copy::ALGORITHM`]).
    pub algorithm: &'static str,
    /// The token hash ([`crate::hash`]).
    pub hash: &'static str,
    /// Words or characters per shingle.
    pub shingling: Shingling,
    /// MinHash values per signature.
    pub num_perm: usize,
    /// The hash seed (signatures of different seeds are not comparable).
    pub seed: u64,
    /// Jaccard similarity at which two reports count as copies.
    pub threshold: f64,
    /// The LSH bands and rows chosen for it.
    pub lsh: LshParams,
    /// How candidates were verified.
    pub verify: Verify,
    /// Distinct documents of one source that make a paragraph boilerplate (0: off).
    pub boilerplate_min_docs: usize,
    /// Whether leading datelines were left out of the shingles.
    pub datelines: bool,
    /// The normalization rules in force.
    pub normalization: NormalizeOptions,
}

impl Params {
    /// The parameters of a run with `config` and the LSH it used (rounded as written).
    pub fn new(config: &Config, lsh: LshParams) -> Params {
        Params {
            naql_version: env!("CARGO_PKG_VERSION"),
            algorithm: ALGORITHM,
            hash: "xxh3-64",
            shingling: config.signer.shingling,
            num_perm: config.signer.num_perm,
            seed: config.signer.seed,
            threshold: config.threshold,
            lsh: LshParams {
                midpoint: round4(lsh.midpoint),
                p_at_threshold: round4(lsh.p_at_threshold),
                ..lsh
            },
            verify: config.verify,
            boilerplate_min_docs: config.boilerplate_min_docs,
            datelines: config.datelines,
            normalization: config.normalize,
        }
    }
}

#[derive(Serialize)]
struct MemberOut<'a> {
    id: &'a str,
    source: Option<&'a str>,
    title: Option<&'a str>,
    date: Option<&'a str>,
    jaccard: f64,
    containment: Option<f64>,
    rep_containment: Option<f64>,
}

#[derive(Serialize)]
struct ClusterOut<'a> {
    id: usize,
    representative: &'a str,
    size: usize,
    sources: Vec<&'a str>,
    members: Vec<MemberOut<'a>>,
}

fn clusters_out(out: &Outcome) -> Vec<ClusterOut<'_>> {
    out.clusters
        .iter()
        .map(|c| {
            let mut sources: Vec<&str> = c
                .members
                .iter()
                .filter_map(|m| out.docs[m.doc].info.source.as_deref())
                .collect();
            sources.sort_unstable();
            sources.dedup();
            ClusterOut {
                id: c.id,
                representative: &out.docs[c.representative].info.id,
                size: c.members.len(),
                sources,
                members: c
                    .members
                    .iter()
                    .map(|m| {
                        let d = &out.docs[m.doc].info;
                        MemberOut {
                            id: &d.id,
                            source: d.source.as_deref(),
                            title: d.title.as_deref(),
                            date: d.date.as_deref(),
                            jaccard: round4(m.jaccard),
                            containment: m.containment.map(round4),
                            rep_containment: m.rep_containment.map(round4),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Whole<'a> {
    params: &'a Params,
    stats: &'a crate::copy::Stats,
    skipped_records: &'a [crate::corpus::BadRecord],
    #[serde(skip_serializing_if = "super::is_zero")]
    skipped_records_left_out: usize,
    clusters: Vec<ClusterOut<'a>>,
}

/// Writes the clusters of `out` in `format`.
pub fn write_clusters(
    w: &mut dyn Write,
    out: &Outcome,
    params: &Params,
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let whole = Whole {
                params,
                stats: &out.stats,
                skipped_records: out.skipped_records.listed(),
                skipped_records_left_out: out.skipped_records.left_out(),
                clusters: clusters_out(out),
            };
            serde_json::to_writer_pretty(&mut *w, &whole)?;
            writeln!(w)
        }
        Format::Jsonl => {
            for c in clusters_out(out) {
                serde_json::to_writer(&mut *w, &c)?;
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Csv => {
            writeln!(
                w,
                "cluster,size,representative,id,source,date,title,jaccard,containment,rep_containment"
            )?;
            for c in clusters_out(out) {
                for m in &c.members {
                    let num = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
                    let row = [
                        c.id.to_string(),
                        c.size.to_string(),
                        csv_field(c.representative),
                        csv_field(m.id),
                        csv_field(m.source.unwrap_or("")),
                        csv_field(m.date.unwrap_or("")),
                        csv_field(m.title.unwrap_or("")),
                        m.jaccard.to_string(),
                        num(m.containment),
                        num(m.rep_containment),
                    ];
                    writeln!(w, "{}", row.join(","))?;
                }
            }
            Ok(())
        }
        Format::Text => write_text(w, out, params),
    }
}

/// RFC 4180 quoting: fields with commas, quotes or line breaks are quoted, quotes doubled.
/// Safe to open in a spreadsheet (OWASP "CSV injection"): NUL is removed, and a field that
/// starts with `=` `+` `-` `@`, a tab or a carriage return gets a leading `'`, so it is read
/// as text, never as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.contains('\0') {
        std::borrow::Cow::Owned(s.replace('\0', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// One line that accounts for every input record.
pub fn summary_line(out: &Outcome) -> String {
    let s = &out.stats;
    let clusters = (s.clustered, s.clusters, ("cluster", "clusters"));
    super::accounting_line(s.input_records, clusters, s.singletons, &s.skipped)
}

fn write_text(w: &mut dyn Write, out: &Outcome, params: &Params) -> io::Result<()> {
    let s = &out.stats;
    writeln!(w, "{}", summary_line(out))?;
    let shingles = match params.shingling {
        Shingling::Words(n) => format!("{n}-word shingles"),
        Shingling::Chars(n) => format!("{n}-character shingles"),
    };
    writeln!(
        w,
        "threshold {} · {} · k={} · LSH {} bands × {} rows (P(candidate | J={}) = {:.3}) · {} verification · {}",
        params.threshold,
        shingles,
        params.num_perm,
        params.lsh.bands,
        params.lsh.rows,
        params.threshold,
        params.lsh.p_at_threshold,
        match params.verify {
            Verify::Exact => "exact",
            Verify::Estimate => "estimated",
        },
        params.algorithm
    )?;
    writeln!(
        w,
        "{} exact duplicates · {} candidate pairs → {} verified between distinct texts · {} boilerplate paragraphs removed · {} datelines removed",
        s.exact_duplicates,
        s.candidate_pairs,
        s.verified_pairs,
        s.boilerplate_removed,
        s.datelines_removed
    )?;
    for c in clusters_out(out) {
        writeln!(w)?;
        writeln!(
            w,
            "#{} · {} reports · {}",
            c.id,
            c.size,
            super::outlets_label(&c.sources.iter().map(|s| clean(s)).collect::<Vec<_>>())
        )?;
        for (i, m) in c.members.iter().enumerate() {
            let mark = if i == 0 { "★" } else { " " };
            let scores = if i == 0 {
                "representative".to_string()
            } else {
                match m.containment {
                    Some(cn) => format!("J {:.2} · C {:.2}", m.jaccard, cn),
                    None => format!("J≈{:.2}", m.jaccard),
                }
            };
            writeln!(
                w,
                "  {mark} {:<12} {:<10} {:<22} {}  {}",
                clean(m.source.unwrap_or("-")),
                clean(&m.date.map_or("-".into(), crate::date::shown_day)),
                scores,
                clean(m.id),
                clean(m.title.unwrap_or(""))
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct PairOut<'a> {
    a: &'a str,
    b: &'a str,
    jaccard_est: f64,
    jaccard: Option<f64>,
    containment_ab: Option<f64>,
    containment_ba: Option<f64>,
}

/// Verified pairs as JSONL.
pub fn write_pairs(w: &mut dyn Write, out: &Outcome, pairs: &[Pair]) -> io::Result<()> {
    for p in pairs {
        let o = PairOut {
            a: &out.docs[p.a].info.id,
            b: &out.docs[p.b].info.id,
            jaccard_est: round4(p.jaccard_est),
            jaccard: p.overlap.map(|o| round4(o.jaccard)),
            containment_ab: p.overlap.map(|o| round4(o.containment_ab)),
            containment_ba: p.overlap.map(|o| round4(o.containment_ba)),
        };
        serde_json::to_writer(&mut *w, &o)?;
        writeln!(w)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct SignatureOut<'a> {
    id: &'a str,
    algorithm: &'static str,
    num_perm: usize,
    seed: u64,
    shingling: Shingling,
    empty: bool,
    signature: &'a [u32],
}

/// Signatures as JSONL, one document a line, in input order.
pub fn write_signatures(w: &mut dyn Write, docs: &[Signed], config: &Config) -> io::Result<()> {
    for d in docs {
        let o = SignatureOut {
            id: &d.info.id,
            algorithm: ALGORITHM,
            num_perm: config.signer.num_perm,
            seed: config.signer.seed,
            shingling: config.signer.shingling,
            empty: d.signature.is_empty(),
            signature: &d.signature.0,
        };
        serde_json::to_writer(&mut *w, &o)?;
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("عنوان"), "عنوان");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
    }

    #[test]
    fn csv_neutralises_formulas_and_drops_nul() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\t=1"), "'\t=1");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_field("a\0b"), "ab");
        assert_eq!(csv_field("\0=1"), "'=1");
        assert_eq!(csv_field("a-b"), "a-b");
    }
}
