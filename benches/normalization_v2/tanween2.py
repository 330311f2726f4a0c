exec(open('tanween.py').read().split("compare('A marked only'")[0])
marked_share = collections.Counter(); alls = collections.Counter()
for t, c in raw.items():
    b = base(t); alls[b] += c
    if marked(t): marked_share[b] += c
def key_c(N, excl):
    def k(t):
        b = base(t)
        if b.endswith('ا') and len(b) >= N and b[-2:-1] not in excl:
            return b[:-1]
        return b
    return k
def genuine(name, key):
    new = collections.defaultdict(set)
    for t in raw: new[key(t)].add(base(t))
    g = s = 0; gt = st = 0; bad = []
    for k, grp in new.items():
        if len(grp) < 2: continue
        for o in grp:
            if o == k: continue
            moved = min(alls[o], sum(alls[x] for x in grp) - alls[o])
            if marked_share[o] >= 0.1 * alls[o]: g += 1; gt += alls[o]
            else: s += 1; st += alls[o]; bad.append((alls[o], o, k))
    bad.sort(reverse=True)
    print(f'{name}: merged forms that are written with tanween (>=10% marked): {g} types {gt} tokens; never/rarely marked: {s} types {st} tokens')
    print('   top rarely-marked merges:', ' | '.join(f'{o}->{k} ({c}, marked {marked_share[o]})' for c, o, k in bad[:30]))
genuine('A marked only', key_a)
for N in (4, 5):
    genuine(f'B len>={N}', key_b(N))
    genuine(f'C len>={N} not after ه', key_c(N, 'ه'))
    compare(f'C len>={N} not after ه', key_c(N, 'ه'))
