#!/usr/bin/env python3
"""Scores `ask --batch` output against tests/eval/*.jsonl and lists the misses.
Usage: cat tests/eval/*.jsonl | dotnet run --project bot -- ask --batch --no-record | tests/tools/score_eval.py"""
import json, glob, os, sys
here = os.path.dirname(os.path.abspath(__file__))
expected = {}
for path in glob.glob(os.path.join(here, '..', 'eval', '*.jsonl')):
    for line in open(path):
        if line.strip():
            row = json.loads(line); expected[row['id']] = row
ok = tot = oos_ok = oos_tot = 0
misses = []
for line in sys.stdin:
    a = json.loads(line); e = expected[a['id']]
    if 'expect' in e or 'expect_refs' in e:
        tot += 1
        good = (not a['abstained']) and (a['entry'] in e.get('expect', []) or any(r in a['refs'] for r in e.get('expect_refs', [])))
        ok += good
        if not good: misses.append(f"MISS {e['id']:9} conf={a['confidence']:.2f} got={a['entry'] or ('ABSTAIN' if a['abstained'] else a['refs'][:2])} want={e.get('expect') or e.get('expect_refs')} :: {e['question']}")
    else:
        oos_tot += 1
        oos_ok += a['abstained']
        if not a['abstained']: misses.append(f"OOS  {e['id']:9} conf={a['confidence']:.2f} got={a['entry'] or a['refs'][:2]} :: {e['question']}")
print("\n".join(sorted(misses)))
print(f"answerable: {ok}/{tot} = {ok/max(tot,1):.1%}   out-of-scope abstained: {oos_ok}/{oos_tot} = {oos_ok/max(oos_tot,1):.1%}")
