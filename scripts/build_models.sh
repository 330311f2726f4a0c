#!/usr/bin/env bash
# Rebuilds the embedded models from the development corpora:
#   models/background-idf-v2.json.gz  document frequencies (naql-idf-v2) for small story inputs
#   models/chrome-lines-v2.txt.gz     page-chrome lines (naql-chrome-v2)
# Usage: scripts/build_models.sh [DATA_DIR]   (default ../shared/data). Deterministic: the same
# corpora give the same bytes (gzip -n: no name, no time stamp). A change of normalization or
# stemmer needs a new version of both files (and of BACKGROUND_MODEL / CHROME_MODEL).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
snn=$data/saudinewsnet.jsonl.gz; ant=$data/antcorpus-multisource.jsonl.gz
cargo build --release --bin naql --example build_chrome
target/release/naql idf "$snn" "$ant" --min-df 2 | gzip -n -9 > models/background-idf-v2.json.gz
target/release/examples/build_chrome "$snn" "$ant" | gzip -n -9 > models/chrome-lines-v2.txt.gz
ls -l models/
