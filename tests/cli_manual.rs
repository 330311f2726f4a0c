//! Shell completions, the man pages and `--version` (#13 item 12): generated from the parser
//! itself, and naming the versions that the outputs carry.

mod common;

use common::naql;
use serde_json::Value;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/seeds/000_c451157b21fd5381.txt"
);

fn first_json(out: &str) -> Value {
    serde_json::from_str(out.lines().next().expect("output")).expect("JSON")
}

#[test]
fn version_names_the_versions_the_outputs_carry() {
    let (out, _, code) = naql(&["--version"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(concat!("naql ", env!("CARGO_PKG_VERSION"), "\n")),
        "{out}"
    );
    for name in [
        "normalize   naql-norm-v2",
        "naql-oph-v2",
        "index       format 2",
        "naql-idf-v2",
        "naql-background-v2",
        "naql-chrome-v2",
    ] {
        assert!(out.contains(name), "--version lacks {name}:\n{out}");
    }
    // What the outputs say is what --version says.
    let (sig, _, _) = naql(&["sign", SEED]);
    let algorithm = first_json(&sig)["algorithm"].as_str().unwrap().to_string();
    assert!(out.contains(&format!("signatures  {algorithm} ")), "{out}");
    let (diff, _, _) = naql(&["diff", "--format", "json", SEED, SEED]);
    let schema = first_json(&diff)["schema"].as_str().unwrap().to_string();
    assert!(out.contains(&format!("diff json   {schema}\n")), "{out}");
    let (reuse, _, _) = naql(&["reuse", "--format", "json", SEEDS]);
    let schema = first_json(&reuse)["schema"].as_str().unwrap().to_string();
    assert!(out.contains(&format!("reuse json  {schema}")), "{out}");
}

#[test]
fn completions_know_the_subcommands_and_their_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (out, err, code) = naql(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        // fish writes long flags without their dashes (`-l threshold`).
        for word in ["cluster", "dedup", "threshold", "no-fold"] {
            assert!(out.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script parses.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("naql.bash");
    std::fs::write(&script, naql(&["completions", "bash"]).0).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash");
    assert!(status.success());
    let (_, err, code) = naql(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn man_pages_are_generated_per_command() {
    let (out, _, code) = naql(&["man"]);
    assert_eq!(code, 0);
    assert!(out.contains(".TH naql 1"), "{out}");
    assert!(out.contains("cluster") && out.contains("completions"));
    let dir = tempfile::tempdir().unwrap();
    let (_, err, code) = naql(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let page = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(page("naql.1").contains(".TH naql 1"));
    let sign = page("naql-sign.1");
    assert!(sign.contains("num\\-perm"), "{sign}");
    assert!(!sign.contains("threshold"), "naql-sign.1 lists --threshold");
    assert!(page("naql-index-prune.1").contains("before"));
}
