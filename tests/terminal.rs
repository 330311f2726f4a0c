//! The side-by-side diff as a terminal shows it: run in a real tmux pane of 100 and 160
//! columns, every line must fit (issue #13 item 4). A line one cell too wide wraps in the pane,
//! and the pane then holds more lines than naql wrote. Needs tmux (`.ci/run` installs it); set
//! `NAQL_SKIP_TMUX=1` to skip on a machine without it.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SEEDS: [&str; 5] = [
    "fixtures/seeds/000_c451157b21fd5381.txt",
    "fixtures/seeds/001_d20af5be6fc817dc.txt",
    "fixtures/seeds/002_3c71c10bcdb1a4d4.txt",
    "fixtures/seeds/003_ada74c54324190cc.txt",
    "fixtures/seeds/004_e1377e4e4c9a2d07.txt",
];

fn have_tmux() -> bool {
    match Command::new("tmux").arg("-V").output() {
        Ok(o) if o.status.success() => true,
        _ if std::env::var_os("NAQL_SKIP_TMUX").is_some() => false,
        _ => panic!("tmux not found: install it (`.ci/run` does), or set NAQL_SKIP_TMUX=1"),
    }
}

/// What a `width`-column tmux pane shows after running `naql args`, trailing blank lines cut.
fn pane(width: usize, args: &[&str]) -> Vec<String> {
    let socket = format!("naql-test-{}-{width}", std::process::id());
    let tmux = |extra: &[&str]| {
        let out = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(extra)
            .current_dir(ROOT)
            .env_remove("NO_COLOR")
            .output()
            .expect("run tmux");
        assert!(out.status.success(), "tmux {extra:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "'{}' {}; tmux -L {socket} wait-for -S done; sleep 60",
        env!("CARGO_BIN_EXE_naql"),
        quoted.join(" ")
    );
    let w = width.to_string();
    tmux(&["new-session", "-d", "-x", &w, "-y", "600", &script]);
    tmux(&["wait-for", "done"]);
    let shown = tmux(&["capture-pane", "-p", "-S", "-", "-E", "-"]);
    tmux(&["kill-server"]);
    let mut lines: Vec<String> = shown.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[test]
fn the_side_by_side_view_fits_tmux_panes_of_100_and_160_columns() {
    if !have_tmux() {
        return;
    }
    for width in [100, 160] {
        let w = width.to_string();
        for other in &SEEDS[1..] {
            let args = [
                "diff", "--format", "text", "--color", "never", "--width", &w, SEEDS[0], other,
            ];
            let out = Command::new(env!("CARGO_BIN_EXE_naql"))
                .args(args)
                .current_dir(Path::new(ROOT))
                .output()
                .unwrap();
            assert!(out.status.success());
            let written: Vec<String> = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| l.trim_end().to_string())
                .collect();
            let shown = pane(width, &args);
            assert!(written.len() > 20, "{written:?}");
            assert_eq!(
                shown.len(),
                written.len(),
                "{width} columns, {other}: the pane wrapped a line; first difference: {:?}",
                shown.iter().zip(&written).find(|(s, w)| s != w)
            );
            assert_eq!(shown, written, "{width} columns, {other}");
        }
    }
}
