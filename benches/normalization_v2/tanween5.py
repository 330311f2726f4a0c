# Variant F (the rule since idempotence was required): D, and not after another ا. A final
# أ إ آ goes like a bare ا, since a second pass over normalized text cannot tell them apart.
exec(open('tanween2.py').read().split("genuine('A marked only'")[0])
DEF = ('ال', 'وال', 'بال', 'فال', 'كال', 'لل')
def key_f(N):
    def k(t):
        b = base(t)
        if b.endswith('ا') and len(b) >= N and b[-2:-1] not in ('ه', 'ا') and not b.startswith(DEF):
            return b[:-1]
        return b
    return k
genuine('F: D + not after ا', key_f(4))
compare('F: D + not after ا', key_f(4))
# Idempotence: a key that F would shorten again.
again = collections.Counter()
for t, c in raw.items():
    k = key_f(4)(t)
    if key_f(4)(k) != k: again[k] += c
print('keys F would change on a second pass:', len(again), 'tokens', sum(again.values()))
