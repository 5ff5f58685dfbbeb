#!/usr/bin/env python3
"""Differential fuzzing of the MSVC demangler against llvm-undname-16.

usage: undname_fuzz.py OBJINSPECT SEEDS_FILE COUNT [SEED]
Each input is a seed name with a few random edits (a byte changed,
inserted, deleted, or a slice of another seed spliced in). Both demanglers
see every input; objinspect must not crash, and where llvm-undname
demangles, our text must equal it (whitespace ignored); where it rejects
the name we must reject it too (print the name unchanged). Prints the
mismatches and "INPUTS MISMATCHES CRASHES STRICTER" last (STRICTER: names
llvm-undname accepts and we reject, which is allowed).
"""
import random
import subprocess
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from undname_cmp import peer_msvc  # noqa: E402

ALPHABET = "?@$0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def mutate(rng, s, seeds):
    s = list(s)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(4)
        i = rng.randrange(len(s) + 1)
        if op == 0 and s:
            s[min(i, len(s) - 1)] = rng.choice(ALPHABET)
        elif op == 1:
            s.insert(i, rng.choice(ALPHABET))
        elif op == 2 and len(s) > 1:
            del s[min(i, len(s) - 1)]
        else:
            o = rng.choice(seeds)
            a = rng.randrange(len(o))
            s[i:i] = list(o[a:a + rng.randint(1, 8)])
    return "".join(s)


def main():
    oi, seedfile, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    seeds = [l.strip() for l in open(seedfile) if l.startswith("?")]
    inputs = []
    while len(inputs) < count:
        m = mutate(rng, rng.choice(seeds), seeds)
        if m.startswith("?") and "\n" not in m:
            inputs.append(m)
    r = subprocess.run([oi, "demangle"], input="\n".join(inputs) + "\n",
                       capture_output=True, text=True, errors="replace")
    crashes = 0 if r.returncode == 0 else 1
    ours = r.stdout.split("\n")
    peer = peer_msvc(inputs)
    # A mismatch is either text that differs, or a name only one side
    # accepts. We are allowed to be stricter than llvm-undname on garbage
    # (it accepts some malformed names, e.g. an unknown function-class
    # letter): those are counted apart and not failures.
    bad = stricter = 0
    for n, a, b in zip(inputs, ours, peer):
        if "".join(a.split()) == "".join(b.split()):
            continue
        if a == n:
            stricter += 1
            continue
        bad += 1
        if bad <= 15:
            print("mismatch: %s\n    ours: %s\n    peer: %s" % (n, a, b))
    if len(ours) < len(inputs):
        crashes = 1
    print("%d %d %d %d" % (len(inputs), bad, crashes, stricter))


if __name__ == "__main__":
    main()
