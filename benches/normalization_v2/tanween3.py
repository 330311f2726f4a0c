exec(open('tanween2.py').read().split("genuine('A marked only'")[0])
DEF = ('ال', 'وال', 'بال', 'فال', 'كال', 'لل')
def key_d(N):
    def k(t):
        b = base(t)
        if b.endswith('ا') and len(b) >= N and b[-2:-1] != 'ه' and not b.startswith(DEF):
            return b[:-1]
        return b
    return k
genuine('D len>=4 not after ه, not definite', key_d(4))
compare('D len>=4 not after ه, not definite', key_d(4))
# How often is the tanween alef written without its mark? (marked vs unmarked tokens of the forms ever marked)
ever = {base(t) for t in raw if marked(t)}
unm = sum(c for t, c in raw.items() if base(t) in ever and not marked(t))
print('tokens of forms that are sometimes marked: marked', n_marked, 'unmarked', unm)
