#!/usr/bin/env bash
# naql against datasketch and rensa on one corpus: wall time, peak RSS, stage times, pairs,
# recall and precision against exact ground truth. See benches/peers/README.md.
#
#   benches/peers/run.sh [CORPUS] [--runs N]
#
# CORPUS defaults to ../shared/data/saudinewsnet.jsonl.gz beside the repository; N to 3.
# Works from any directory. Needs python3 (with venv), cargo, and PyPI for the first run.
set -euo pipefail
start=$SECONDS
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

corpus="" runs=3
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) [ -z "$corpus" ] || { echo "one corpus only" >&2; exit 2; }; corpus=$1; shift ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "--runs must be a positive integer" >&2; exit 2 ;; esac
if [ -z "$corpus" ]; then
  corpus=$root/../shared/data/saudinewsnet.jsonl.gz
fi
[ -f "$corpus" ] || { echo "no such corpus: $corpus" >&2; exit 2; }
corpus=$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")

cd "$root"
venv=target/peers-venv
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv" >&2
  python3 -m venv "$venv"
fi
if ! cmp -s benches/peers/requirements.txt "$venv/.requirements"; then
  "$venv/bin/pip" install -q --disable-pip-version-check -r benches/peers/requirements.txt
  cp benches/peers/requirements.txt "$venv/.requirements"
fi
"$venv/bin/python" -c 'from importlib.metadata import version as v; print("installed:", ", ".join(f"{p} {v(p)}" for p in ("datasketch", "rensa", "numpy", "scipy")))' >&2

echo "building naql (cargo build --release) and examples/ground_truth" >&2
cargo build --release -q
cargo build --release -q --example ground_truth

"$venv/bin/python" benches/peers/compare.py --root "$root" --corpus "$corpus" --runs "$runs"
echo
echo "total time of run.sh: $((SECONDS - start)) s"
