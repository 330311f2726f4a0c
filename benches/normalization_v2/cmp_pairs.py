import json, sys, gzip
def load(p):
    d = {}
    for l in open(p):
        r = json.loads(l); d[tuple(sorted((str(r['a']), str(r['b']))))] = r['jaccard']
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
gained = [k for k in b if k not in a]; lost = [k for k in a if k not in b]
both = [k for k in a if k in b]
up = sum(1 for k in both if b[k] > a[k] + 1e-9); down = sum(1 for k in both if b[k] < a[k] - 1e-9)
import statistics
print(f'v1 pairs {len(a)}, v2 pairs {len(b)}, gained {len(gained)}, lost {len(lost)}, common {len(both)} (J up {up}, down {down}, mean change {statistics.mean(b[k]-a[k] for k in both):+.4f})')
print('gained (v2 J):', sorted(((b[k], k) for k in gained), reverse=True)[:15])
print('lost (v1 J):', sorted(((a[k], k) for k in lost), reverse=True)[:15])
