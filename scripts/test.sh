#!/usr/bin/env bash
# Every test: the Rust suite (`cargo test`: unit, property, snapshot and integration tests that
# run the real binary on the fixtures), then the Python package's (scripts/test-python.sh: its
# own venv, the wheel, pytest, the Spark job on local[2]).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test "$@"
scripts/test-python.sh
