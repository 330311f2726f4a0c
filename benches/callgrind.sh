#!/usr/bin/env bash
# Instruction counts of the signing kernel per MB of Arabic text, under callgrind: repeatable on
# a noisy machine, so a regression shows as a number, not a feeling. Prints instructions per MB
# of input text for normalization alone and for the whole kernel (normalize + shingle + sign),
# each with the fixture reading subtracted.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --example sign_kernel
bin=target/release/examples/sign_kernel
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 | awk '/refs:/{gsub(",","",$4); print $4}'; }
bytes=$("$bin" | awk '{print $1}')
base=$(count read-only)
norm=$(count normalize)
sign=$(count)
python3 - "$bytes" "$base" "$norm" "$sign" <<'PY'
import sys
b, base, norm, sign = map(int, sys.argv[1:])
mb = b / 1e6
print(f"fixture text: {b} bytes")
print(f"normalize:                 {(norm - base) / mb / 1e6:6.2f} M instructions per MB")
print(f"normalize + shingle + sign: {(sign - base) / mb / 1e6:6.2f} M instructions per MB")
PY
