import gzip, json, re, collections, sys
# Tokens: runs of Arabic letters and marks (as the tokenizer sees words).
tok = re.compile(r'[\u0621-\u064A\u064B-\u065F\u0670\u0640]+')
DIAC = re.compile(r'[\u064B-\u065F\u0670\u0640]')
raw = collections.Counter()
for line in gzip.open((sys.argv[1] if len(sys.argv) > 1 else '../../../shared/data/saudinewsnet.jsonl.gz'), 'rt', encoding='utf-8'):
    d = json.loads(line)
    for t in tok.findall((d.get('title') or '') + '\n' + (d.get('content') or '')):
        raw[t] += 1
def base(t):
    t = DIAC.sub('', t)
    t = re.sub('[آأإٱ]', 'ا', t); t = t.replace('ى', 'ي').replace('ة', 'ه')
    return t
marked = lambda t: t.endswith('اً') or t.endswith('ًا')
# Keys today (v1: diacritics dropped, so the tanween alef stays as ا).
v1 = collections.Counter(); 
for t, c in raw.items(): v1[base(t)] += c
tot = sum(raw.values())
n_marked = sum(c for t, c in raw.items() if marked(t))
print('tokens', tot, 'types', len(raw), 'marked tanween-alef tokens', n_marked,
      'types', sum(1 for t in raw if marked(t)))
def key_a(t):  # marked only
    b = base(t)
    return b[:-1] if marked(t) else b
def key_b(N):
    def k(t):
        b = base(t)
        if marked(t) or (b.endswith('ا') and len(b) >= N):
            return b[:-1]
        return b
    return k
def compare(name, key):
    # groups under v1 key and new key
    new = collections.defaultdict(set); old_of = {}
    for t in raw:
        new[key(t)].add(base(t))
    # merges: new keys grouping >1 old keys; tokens moved
    merged_types = sum(len(s) - 1 for s in new.values() if len(s) > 1)
    merged_tokens = sum(sum(v1[o] for o in s) - max(v1[o] for o in s) for s in new.values() if len(s) > 1)
    # splits: old key whose raw spellings go to >1 new keys
    olds = collections.defaultdict(collections.Counter)
    for t, c in raw.items(): olds[base(t)][key(t)] += c
    split_types = sum(1 for o, s in olds.items() if len(s) > 1)
    split_tokens = sum(sum(s.values()) - max(s.values()) for s in olds.values() if len(s) > 1)
    print(f'{name}: v1 keys merged {merged_types} (tokens moved {merged_tokens}); v1 keys split {split_types} (tokens cut off {split_tokens})')
    top = sorted(((sum(v1[o] for o in s), k, s) for k, s in new.items() if len(s) > 1), reverse=True)[:25]
    print('   top merges:', ' | '.join(f"{'/'.join(sorted(s, key=lambda o: -v1[o]))}" for _, k, s in top))
    tops = sorted(((sum(s.values()) - max(s.values()), o, s) for o, s in olds.items() if len(s) > 1), reverse=True)[:15]
    print('   top splits:', ' | '.join(f"{o} {dict(s)}" for _, o, s in tops))
compare('A marked only', key_a)
for N in (3, 4, 5, 6):
    compare(f'B marked + final alef len>={N}', key_b(N))
