//! Helpers shared by the tests (and by examples that include this file by path).

/// xorshift64*: a small deterministic generator, so failures and measurements reproduce.
pub struct Rng(pub u64);

#[allow(dead_code)] // each test crate uses a different subset
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// Runs the `naql` binary of this build with `args` (integration tests only: Cargo names the
/// binary for them, not for the examples that include this file). `NO_COLOR` is cleared so
/// that color tests do not depend on the caller's environment.
#[cfg(test)]
#[allow(dead_code)]
pub fn naql_output(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run naql")
}

/// [`naql_output`] run from `dir`, so that relative paths in `args`, and the names that the
/// output shows for them, are the same wherever the repository lies.
#[cfg(test)]
#[allow(dead_code)]
pub fn naql_output_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_naql"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run naql")
}

/// [`naql_output`] as `(stdout, stderr, exit code)`; -1 when killed by a signal.
#[cfg(test)]
#[allow(dead_code)]
pub fn naql(args: &[&str]) -> (String, String, i32) {
    let out = naql_output(args);
    (
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        out.status.code().unwrap_or(-1),
    )
}

/// The stdout of a run that must succeed (else the test fails with its stderr).
#[cfg(test)]
#[allow(dead_code)]
pub fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "naql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// Every article of a story in `naql cluster --level story --format json`, copy group by group.
#[cfg(test)]
#[allow(dead_code)]
pub fn story_articles(story: &serde_json::Value) -> Vec<&serde_json::Value> {
    story["copy_groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["articles"].as_array().unwrap())
        .collect()
}
