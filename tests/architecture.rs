//! The rooms of src/ import one way (ARCHITECTURE.md): a module uses only rooms listed before
//! it, and the library uses no command-line crate. Read from the source, so a new import that
//! breaks the layering fails here rather than in review.

use std::path::Path;

/// The rooms in their order: each may use only the ones before it.
const ORDER: &[&str] = &[
    "hash", "date", "score", "error", "corpus", "text", "copy", "story", "diff", "collate",
    "reuse", "index", "render",
];

/// Rooms a room may use although listed after it: `error` names every layer's error type.
fn allowed(from: &str, _to: &str) -> bool {
    from == "error"
}

fn room_of(path: &Path, src: &Path) -> Option<String> {
    let rel = path.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file before its `#[cfg(test)]` module (tests may reach anywhere).
fn library_code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i])
}

#[test]
fn rooms_import_one_way_and_the_library_has_no_cli_crates() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(room) = room_of(file, &src) else {
            continue;
        };
        if room == "cli" || room == "main" || room == "lib" {
            continue;
        }
        let rank = ORDER.iter().position(|r| *r == room);
        assert!(
            rank.is_some(),
            "{}: room {room} is not in ORDER",
            file.display()
        );
        let text = std::fs::read_to_string(file).unwrap();
        let code = library_code(&text);
        for (i, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for krate in ["clap", "indicatif", "terminal_size"] {
                if line.contains(&format!("{krate}::")) {
                    wrong.push(format!("{}:{}: uses {krate}", file.display(), i + 1));
                }
            }
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let target: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let Some(to) = ORDER.iter().position(|r| *r == target) else {
                    continue;
                };
                if to > rank.unwrap() && !allowed(&room, &target) {
                    wrong.push(format!(
                        "{}:{}: {room} uses {target}",
                        file.display(),
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}
