"""One run of a Python peer (datasketch or rensa) on a JSONL(.gz) corpus.

    python peer.py {datasketch,rensa} CORPUS OUTDIR [--ngram 5] [--num-perm 128]
                   [--threshold 0.8] [--weights FP,FN] [--bands B]

Stages, each timed:
  read+normalize+shingle  gzip + json per line, the same folds as naql's default normalizer,
                          tokens = runs of letters/digits/marks, the set of n-word shingles
  sign                    MinHash signatures with the library's batch API
  lsh                     index every signature, query every signature: candidate pairs
  write                   the candidates as JSONL {"a","b"}  (OUTDIR/candidates.jsonl)
  verify                  exact Jaccard of the shingle sets of every candidate pair, pairs at
                          or above the threshold as JSONL {"a","b","jaccard"} (OUTDIR/verified.jsonl)

The candidates are what a user of the library gets from LSH alone; the verified pairs are the
fair comparison with `naql pairs`, which verifies exactly. Everything before `verify` is the
unverified pipeline. A JSON summary (stage times, counts, LSH shape) goes to stdout.
"""

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata

TEXT_FIELDS = ("text", "content", "body", "article", "full_text")
ID_FIELDS = ("id", "doc_id", "docid", "docno", "_id", "uuid", "guid")


def fold_table():
    """str.translate table for naql's default folds (src/text/normalize.rs): None drops a character
    without breaking the word; a string replaces it."""
    t = {}
    drop = [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), *range(0x08D3, 0x0900)]
    drop += [0x0640]  # tatweel
    for cp in (0x0622, 0x0623, 0x0625, 0x0671):  # آ أ إ ٱ
        t[cp] = "\u0627"
    t[0x0649] = "\u064a"  # ى → ي
    t[0x0629] = "\u0647"  # ة → ه
    t[0x0624] = "\u0648"  # ؤ → و
    t[0x0626] = "\u064a"  # ئ → ي
    for i in range(10):
        t[0x0660 + i] = str(i)  # Arabic-Indic digits
        t[0x06F0 + i] = str(i)  # Persian digits
    t[0x06A9] = "\u0643"  # ک → ك
    t[0x06CC] = "\u064a"  # ی → ي
    for cp in (0x06C1, 0x06BE, 0x06C3):  # ہ ھ ۃ → ه
        t[cp] = "\u0647"
    for cp in drop:
        t[cp] = None
    base = dict(t)
    # Presentation forms: NFKC, then the folds above on each resulting character.
    for cp in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        c = chr(cp)
        d = unicodedata.normalize("NFKC", c)
        if d != c:
            t[cp] = "".join(base.get(ord(c2), c2) or "" for c2 in d)
    # Invisible bidi and zero-width marks vanish (checked first in naql, so they win).
    for cp in [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0xFEFF, 0x00AD]:
        t[cp] = None
    return t


def mark_class(lo, hi):
    """A regex character class body of the combining marks (general category M*) in
    [lo, hi): naql keeps marks inside tokens; Python's \\w does not match them."""
    ranges, start, prev = [], None, None
    for cp in range(lo, hi):
        if unicodedata.category(chr(cp))[0] == "M":
            if start is None:
                start = cp
            elif cp != prev + 1:
                ranges.append((start, prev))
                start = cp
            prev = cp
    ranges.append((start, prev))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)


FOLD = fold_table()
# The fast path, for texts without presentation forms or characters outside the BMP (nearly all):
# drop with one regex, map with str.replace (both run in C), then tokens are runs of \w
# (letters and digits: str.isalnum, plus "_", which is turned into a space first) and BMP marks.
# A character class of BMP code points compiles to a bitmap in `re`: fast.
_BMP_MARKS = mark_class(0, 0x10000)
_ASTRAL_MARKS = mark_class(0x10000, sys.maxunicode + 1)
DROP = re.compile("[" + "".join(re.escape(chr(c)) for c, v in FOLD.items() if v is None and c < 0xFB50) + "]+")
REPLACE = [(chr(c), v) for c, v in FOLD.items() if v is not None and c < 0xFB50]
TOKEN = re.compile(r"[\w" + _BMP_MARKS + r"]+")
# Presentation forms, or any character outside the BMP (which might be a mark): the full path.
SLOW = re.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFF\U00010000-\U0010FFFF]")
TOKEN_FULL = re.compile(r"(?:[\w" + _BMP_MARKS + r"]|[" + _ASTRAL_MARKS + r"])+")


def tokens(text):
    """naql's tokens of a text under its default normalization."""
    if SLOW.search(text):
        return TOKEN_FULL.findall(text.translate(FOLD).lower().replace("_", " "))
    text = DROP.sub("", text)
    for a, b in REPLACE:
        text = text.replace(a, b)
    return TOKEN.findall(text.lower().replace("_", " "))


def shingles(toks, n):
    """The set of n-word shingles; fewer than n words (but at least one): one shingle of all."""
    if len(toks) <= n:
        return {" ".join(toks)}
    return set(map(" ".join, zip(*(toks[i:] for i in range(n)))))


def read_corpus(path, n):
    ids, sets = [], []
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            text = next((rec[k] for k in TEXT_FIELDS if isinstance(rec.get(k), str)), "")
            toks = tokens(text)
            if not toks:
                continue  # empty document: naql skips it too
            doc_id = next((rec[k] for k in ID_FIELDS if k in rec), None)
            ids.append(str(doc_id))
            sets.append(shingles(toks, n))
    return ids, sets


def sign_and_index_datasketch(sets, args):
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    sigs = MinHash.bulk(([s.encode("utf-8") for s in ss] for ss in sets), num_perm=args.num_perm)
    t1 = time.perf_counter()
    weights = tuple(float(w) for w in args.weights.split(",")) if args.weights else (0.5, 0.5)
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm, weights=weights)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m)
    cands = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                cands.add((i, j) if i < j else (j, i))
    t2 = time.perf_counter()
    shape = {"bands": lsh.b, "rows": lsh.r, "weights": list(weights)}
    return cands, t1 - t0, t2 - t1, shape


def sign_and_index_rensa(sets, args):
    from rensa import RMinHash, RMinHashLSH

    bands = args.bands or 16
    t0 = time.perf_counter()
    sigs = RMinHash.from_token_sets(sets, num_perm=args.num_perm, seed=42)
    t1 = time.perf_counter()
    lsh = RMinHashLSH(threshold=args.threshold, num_perm=args.num_perm, num_bands=bands)
    lsh.insert_many(sigs, start_key=0)
    cands = set()
    for i, keys in enumerate(lsh.query_all(sigs)):
        for j in keys:
            if j != i:
                cands.add((i, j) if i < j else (j, i))
    t2 = time.perf_counter()
    shape = {"bands": lsh.get_num_bands(), "rows": args.num_perm // lsh.get_num_bands()}
    return cands, t1 - t0, t2 - t1, shape


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("system", choices=["datasketch", "rensa"])
    p.add_argument("corpus")
    p.add_argument("outdir")
    p.add_argument("--ngram", type=int, default=5)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--weights", help="datasketch MinHashLSH weights FP,FN (default 0.5,0.5)")
    p.add_argument("--bands", type=int, help="rensa RMinHashLSH num_bands (default 16)")
    args = p.parse_args()

    start = time.perf_counter()
    ids, sets = read_corpus(args.corpus, args.ngram)
    t_read = time.perf_counter() - start

    run = sign_and_index_datasketch if args.system == "datasketch" else sign_and_index_rensa
    cands, t_sign, t_lsh, shape = run(sets, args)

    t0 = time.perf_counter()
    cands = sorted(cands)
    with open(f"{args.outdir}/candidates.jsonl", "w", encoding="utf-8") as f:
        for i, j in cands:
            f.write(json.dumps({"a": ids[i], "b": ids[j]}) + "\n")
    t_write = time.perf_counter() - t0

    t0 = time.perf_counter()
    verified = 0
    with open(f"{args.outdir}/verified.jsonl", "w", encoding="utf-8") as f:
        for i, j in cands:
            a, b = sets[i], sets[j]
            inter = len(a & b)
            jac = inter / (len(a) + len(b) - inter)
            if jac >= args.threshold:
                verified += 1
                f.write(json.dumps({"a": ids[i], "b": ids[j], "jaccard": round(jac, 4)}) + "\n")
    t_verify = time.perf_counter() - t0

    json.dump(
        {
            "system": args.system,
            "documents": len(ids),
            "shingles": sum(map(len, sets)),
            "candidates": len(cands),
            "verified": verified,
            "lsh": shape,
            "stages": {
                "read+normalize+shingle": t_read,
                "sign": t_sign,
                "lsh": t_lsh,
                "write": t_write,
                "verify": t_verify,
            },
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
