#!/usr/bin/env python3
"""jget.py FILE KEY... -- print a field of the first JSON document in FILE.
Keys walk objects; an integer walks arrays. Strings print bare, null as
'null', anything else as JSON."""
import json, sys
with open(sys.argv[1], encoding="utf-8") as fh:
    doc = json.JSONDecoder().raw_decode(fh.read().lstrip())[0]
for k in sys.argv[2:]:
    doc = doc[int(k)] if isinstance(doc, list) else doc[k]
print(doc if isinstance(doc, str) else json.dumps(doc))
