#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: from the fixtures, plus ligature, bidi and Quranic-mark text.
Run from the repository root; the fuzzers start from these and grow fuzz/corpus/."""
import gzip, json, os, random, struct

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
seeds = os.path.join(root, "fuzz", "seeds")
fx = os.path.join(root, "fixtures")

HOSTILE = [
    "قال النبي ﷺ إن الدين يسر",
    "Gﱣ",
    "ﷻ ﷽ ﱞﱟﱠﱡﱢﱣ ﹰﹱﹲﹳﹴ ﻻ ﻷ",
    "\u202eقال الوزير\u202c إن \u2066النص\u2069 \u200fمعكوس",
    "ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَ ۛ فِيهِ ۛ هُدًى لِّلْمُتَّقِينَ" + "".join(chr(c) for c in range(0x06D6, 0x06EE)),
    "الرياض - واس: قال وزير الخارجية إن الاجتماع كان مثمرا. وأضاف أن العمل مستمر!",
    "جدة: عكاظ — أعلنت الهيئة ٢٠٢٤/٠٣/١٥ عن ۱۲ مشروعاً… هل انتهى؟ نعم.",
    "بريدة 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس",
    "NATO said: Mr. Smith left. Dr. Who\tarrived.\r\n\x1b[2Jcleared \x07 \x00 end",
    "مسؤول مسئول ـــــ کی ہ ھ ۃ ى ة",
]

def text_seeds():
    out = list(HOSTILE)
    for name in sorted(os.listdir(os.path.join(fx, "seeds")))[:6]:
        with open(os.path.join(fx, "seeds", name), encoding="utf-8") as f:
            out.append(f.read()[:3000])
    with open(os.path.join(fx, "saudinewsnet-sample.jsonl"), encoding="utf-8") as f:
        for line in f.readlines()[:4]:
            out.append(json.loads(line).get("text", "")[:3000])
    return out

def write(target, blobs):
    d = os.path.join(seeds, target)
    os.makedirs(d, exist_ok=True)
    for i, b in enumerate(blobs):
        with open(os.path.join(d, f"seed-{i:03}"), "wb") as f:
            f.write(b if isinstance(b, bytes) else b.encode("utf-8"))

texts = text_seeds()
enc = [t.encode("utf-8") for t in texts]
write("normalize", [struct.pack("<H", bits) + t for t in enc for bits in (0x7ff, 0, 0x7fe)][:40])
write("dateline", [struct.pack("<H", 0x7ff) + t for t in enc] + [struct.pack("<H", 0x7fe) + enc[0]])
write("sentences", enc)
pairs = [enc[i] + b"\0" + enc[(i + 1) % len(enc)] for i in range(len(enc))]
pairs += [enc[5] + b"\0" + enc[5].replace("مثمرا".encode(), "ناجحا".encode())]
write("compare", pairs)
write("render_diff", pairs)
write("render_clusters", [b"\n".join(enc[:6]), b"\n".join(enc[6:])])
write("render_copy_report", [b"\n".join(enc[:6]), b"\n".join(enc[6:])])
write("render_reuse", [b"\n".join(enc[:6]), b"\n".join(enc[6:])])
reports = [t[:2000].encode("utf-8") for t in texts[10:15]]
write("render_collate", [b"\0".join(reports), b"\0".join(enc[:5]), b"\0".join(reports[:2] + enc[:2])])
with open(os.path.join(fx, "saudinewsnet-sample.jsonl"), "rb") as f:
    lines = f.read().split(b"\n")
jsonl = [b"\n".join(lines[:3]) + b"\n", open(os.path.join(fx, "compat", "batch-1.jsonl"), "rb").read()[:6000]]
jsonl += [json.dumps({"id": str(i), "text": t, "source": "x", "date": "2024-01-01"}, ensure_ascii=False).encode() + b"\n" for i, t in enumerate(HOSTILE)]
jsonl += [b'{"id":1,"text":"a"}\n{"id":1,"text":"b"}\n', b'{"text":\n', b"\xef\xbb\xbf{}\n", b"[1,2]\n{\"id\":\"x\",\"text\":null}\n"]
write("corpus_read", jsonl)
idf = []
for name in ("idf-v2.json", "idf-lsa8-v2.json", "idf-v1.json"):
    p = os.path.join(fx, "compat", name)
    if os.path.getsize(p) < 200_000:
        idf.append(open(p, "rb").read())
idf += [b"{}", b'{"format":"naql-idf-v2"}', b"[]"]
write("idf_load", idf)
rng = random.Random(12)
size = os.path.getsize(os.path.join(fx, "compat", "index-estimate-v2.naql"))
edits = [b""]
for n in (1, 4, 16):
    edits.append(b"".join(struct.pack("<IB", rng.randrange(size), rng.randrange(256)) for _ in range(n)))
edits.append(b"".join(struct.pack("<IB", at, 0xff) for at in range(16, 28)))  # the header
edits.append(b"".join(struct.pack("<IB", at, 0) for at in range(100, 4096, 97)))
write("index_open", edits)
