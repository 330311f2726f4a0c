#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a bounded time (FUZZ_SECONDS, default 30) from its
# seeds (fuzz/seeds/TARGET) and the corpus it grew (fuzz/corpus/TARGET, not committed).
# Fails on the first crash, panic, leak or timeout; libFuzzer writes the input to
# fuzz/artifacts/TARGET/. cargo fuzz needs a nightly compiler's flags: RUSTC_BOOTSTRAP=1 lets
# the stable one take them. Debug profile (opt-level 1, fuzz/Cargo.toml), as all builds here.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-30}
export RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
cargo fuzz build --dev
targets=${*:-$(cargo fuzz list)}
for t in $targets; do
    mkdir -p "corpus/$t" "corpus/tmp-$t"
    echo "fuzz: $t for ${seconds}s"
    # The targets' scratch files (naql_fuzz::scratch) go to a folder removed afterwards.
    # The parquet crate's footer decoder skips a corrupt list of up to 2^31 claimed elements
    # one by one: bounded (about 6 s in a debug build, far less in release) but over 20 s
    # under the sanitizer; a real hang still shows as a timeout at 120 s.
    timeout=20
    [ "$t" = parquet_read ] && timeout=120
    TMPDIR="$PWD/corpus/tmp-$t" cargo fuzz run --dev "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout="$timeout" -max_len=65536 \
        -print_final_stats=1 2>"corpus/$t.log" || {
        tail -60 "corpus/$t.log"
        echo "fuzz: $t crashed; the input is in fuzz/artifacts/$t/" >&2
        exit 1
    }
    rm -rf "corpus/tmp-$t"
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "corpus/$t.log" | sed "s/^/fuzz: $t /"
done
