#!/usr/bin/env bash
# The Python package's tests: builds the wheel into its own venv (target/py-venv) with a plain
# `pip install python/`, installs the test dependencies (pytest, numpy, pyarrow, pandas,
# pyspark), builds the `naql` binary the results are held against, and runs pytest, the Spark
# tests on a local Spark (`local[2]`, Java 17) with the venv's Python on the workers.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL=0
venv=${NAQL_PY_VENV:-target/py-venv}
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
# Versions the tests were last run with (pyspark 4.3 warns on pandas 3).
"$venv/bin/python" -m pip install -q pytest==9.2.0 numpy==2.4.6 pyarrow==26.0.1 "pandas>=2.2,<3" pyspark==4.3.0
# The wheel itself, as a user installs it (maturin builds it; the workspace target is reused).
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps python/
cargo build -q --bin naql
if ! command -v java >/dev/null; then
    echo "test-python: no java on PATH; the Spark tests need Java 17 (apt-get install openjdk-17-jre-headless)" >&2
fi
export PYSPARK_PYTHON="$PWD/$venv/bin/python" PYSPARK_DRIVER_PYTHON="$PWD/$venv/bin/python"
export NAQL_BIN="$PWD/target/debug/naql"
cd python/tests
"../../$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
