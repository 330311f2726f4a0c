#!/usr/bin/env python3
"""Builds fixtures/saudinewsnet-sample.jsonl: a small real sample of SaudiNewsNet with real
duplicate groups, so tests and the README demo run without ../shared.

    cargo run --release -- cluster ../shared/data/saudinewsnet.jsonl.gz --threshold 0.5 \
        --format jsonl -q -o /tmp/cl05.jsonl
    python3 scripts/make_fixture.py ../shared/data/saudinewsnet.jsonl.gz /tmp/cl05.jsonl

Picks 30 copy clusters (threshold 0.5) carried by at least three outlets, one same-outlet
exact-duplicate group, three empty articles and 150 other articles at random (seed 7).
Records are copied unchanged, in corpus order.
"""
import gzip, json, random, sys

corpus, clusters = sys.argv[1], sys.argv[2]
docs = [json.loads(l) for l in gzip.open(corpus, "rt", encoding="utf-8")]
rng = random.Random(7)
cl = [json.loads(l) for l in open(clusters, encoding="utf-8")]
multi = [c for c in cl if len(c["sources"]) >= 3 and c["size"] <= 15]
chosen = set()
for c in rng.sample(multi, 30):
    chosen.update(int(m["id"]) for m in c["members"])
by_text = {}
for d in docs:
    by_text.setdefault(d["content"].strip(), []).append(d["id"])
same_outlet = [ids for t, ids in by_text.items() if len(ids) == 4 and len(t) > 100]
chosen.update(same_outlet[0])
empty = [d["id"] for d in docs if not d["content"].strip()]
chosen.update(rng.sample(empty, 3))
rest = [d["id"] for d in docs if d["id"] not in chosen and d["content"].strip()]
chosen.update(rng.sample(rest, 150))
with open("fixtures/saudinewsnet-sample.jsonl", "w", encoding="utf-8") as out:
    for d in docs:
        if d["id"] in chosen:
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
print(len(chosen), "articles")
