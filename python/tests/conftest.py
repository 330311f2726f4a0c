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


# Paragraphs that make boilerplate in the generated corpus below (one outlet's footer, another
# outlet's share box): long enough to make or unmake pairs when they are not left out.
FOOTER = ("جميع الحقوق محفوظة للصحيفة ولا يجوز نقل أي مادة من موادها أو إعادة نشرها أو "
          "اقتباسها دون إذن كتابي مسبق من إدارة التحرير ويتحمل الناقل المسؤولية القانونية "
          "كاملة عن أي مخالفة لذلك ويمكن التواصل مع قسم خدمة القراء عبر البريد الإلكتروني "
          "أو الهاتف المجاني على مدار الساعة طوال أيام الأسبوع")
SHARE = ("شارك هذا الخبر مع أصدقائك على مواقع التواصل الاجتماعي فيسبوك وتويتر وواتساب "
         "وتابع آخر الأخبار العاجلة والتقارير الخاصة والتحليلات وملفات الرأي لحظة بلحظة "
         "عبر تطبيق الصحيفة على الهواتف الذكية والأجهزة اللوحية واشترك في النشرة البريدية "
         "اليومية لتصلك أهم العناوين صباح كل يوم")


def boiler_records(records):
    """The fixture with boilerplate that matters: every `alriyadh` article gets FOOTER (and a
    few short ones make false pairs through it unless it is left out); six `okaz` articles
    get a copy with SHARE appended (a pair only once SHARE is left out); unlabelled and
    blank-source texts carry FOOTER too (not examined); one text is FOOTER alone."""
    out = []
    for r in records:
        r = dict(r)
        if r["source"] == "alriyadh":
            r["content"] = f"{r['content']}\n{FOOTER}"
        out.append(r)
    okaz = [r for r in records if r["source"] == "okaz"][:6]
    for r in okaz:
        out.append(dict(r, id=f"{r['id']}-share", content=f"{r['content']}\n{SHARE}"))
    shorts = ["انخفضت أسعار النفط اليوم في الأسواق العالمية",
              "افتتح أمير المنطقة مشروعا جديدا للمياه",
              "أعلنت الجامعة نتائج القبول للفصل القادم",
              "تعادل الفريقان في مباراة الأمس بهدف لكل منهما"]
    for i, text in enumerate(shorts):
        out.append({"id": f"short-{i}", "source": "alriyadh", "content": f"{text}\n{FOOTER}",
                    "date_extracted": "2015-08-01 10:00:00"})
    out.append({"id": "unlabelled-0", "content": f"{shorts[0]} ومخاوف\n{FOOTER}"})
    out.append({"id": "unlabelled-1", "source": " ", "content": f"{shorts[1]} وقرى\n{FOOTER}"})
    out.append({"id": "footer-only", "source": "alriyadh", "content": FOOTER})
    return out


@pytest.fixture(scope="session")
def boiler_sample(tmp_path_factory, records):
    """Path of the generated corpus with boilerplate (JSONL) and its records."""
    recs = boiler_records(records)
    path = tmp_path_factory.mktemp("boiler") / "boiler.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path, recs
