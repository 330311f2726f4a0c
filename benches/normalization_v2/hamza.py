exec(open('tanween.py').read().split("marked = lambda")[0])
def v1(t):
    return base(t).replace('ؤ', 'و').replace('ئ', 'ي')
def v2(t):
    b = base(t).replace('ؤ', 'ء').replace('ئ', 'ء')
    if b.endswith('يء'): b = b[:-2] + 'ء'
    return b
new = collections.defaultdict(set); olds = collections.defaultdict(collections.Counter); cnt = collections.Counter()
for t, c in raw.items():
    new[v2(t)].add(v1(t)); olds[v1(t)][v2(t)] += c; cnt[v1(t)] += c
mg = [(sum(cnt[o] for o in s) - max(cnt[o] for o in s), k, s) for k, s in new.items() if len(s) > 1]
sp = [(sum(s.values()) - max(s.values()), o, s) for o, s in olds.items() if len(s) > 1]
print('hamza v2 vs v1: v1 keys merged', sum(len(s) - 1 for _, _, s in mg), 'tokens moved', sum(m for m, _, _ in mg))
print('  top:', ' | '.join('/'.join(sorted(s, key=lambda o: -cnt[o])) for _, _, s in sorted(mg, reverse=True)[:25]))
print('v1 keys split', len(sp), 'tokens cut off', sum(m for m, _, _ in sp))
print('  top:', ' | '.join(f'{o} {dict(s)}' for _, o, s in sorted(sp, reverse=True)[:15]))
