"""Shared fixtures: the repository's fixtures and the `naql` binary the Python results are
held against (NAQL_BIN, default target/debug/naql; scripts/test-python.sh builds it)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "saudinewsnet-sample.jsonl"
SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))


def naql_bin() -> str:
    path = os.environ.get("NAQL_BIN", str(ROOT / "target" / "debug" / "naql"))
    if not Path(path).exists():
        pytest.fail(f"no naql binary at {path}: run `cargo build` or set NAQL_BIN")
    return path


def cli(*args, check=True) -> subprocess.CompletedProcess:
    """Runs the naql command line; stdout and stderr as text."""
    return subprocess.run([naql_bin(), *map(str, args)], capture_output=True, text=True,
                          check=check)


def cli_json(*args):
    return json.loads(cli(*args, "-q").stdout)


def cli_jsonl(*args):
    return [json.loads(line) for line in cli(*args, "-q").stdout.splitlines()]


@pytest.fixture(scope="session")
def records():
    with open(SAMPLE, encoding="utf-8") as f:
        return [json.loads(line) for line in f]
