exec(open('tanween2.py').read().split("genuine('A marked only'")[0])
DEF = ('ال', 'وال', 'بال', 'فال', 'كال', 'لل')
def key_e(N):
    def k(t):
        b = base(t)
        bare = DIAC.sub('', t)
        if b.endswith('ا') and bare.endswith('ا') and len(b) >= N and b[-2:-1] != 'ه' and not b.startswith(DEF):
            return b[:-1]
        return b
    return k
genuine('E: D + only a bare final alef in the original', key_e(4))
compare('E: D + only a bare final alef in the original', key_e(4))
