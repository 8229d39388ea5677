#!/usr/bin/env python3
"""tools/tree.py: `make tree`: which layer each source file of a stage comes from.

  tree.py STAGE LAYER...   (layers lowest first, as the Makefile stacks them)

A file more than one layer holds comes from the topmost; the line then says how it
relates to the one below: it "extends" it (#include_next: the lower file is still
used) or "replaces" it, with the reason its top comment gives ("Replaces
labs/NN-name/PATH: why").
"""
import os
import re
import sys


def files_of(layer):
    out = []
    for dirpath, _, names in os.walk(layer):
        for n in names:
            if n != "README.md" and not n.endswith("~") and not n.startswith("."):
                out.append(os.path.relpath(os.path.join(dirpath, n), layer))
    return out


def relation(top_path):
    head = open(top_path, errors="replace").read(2000)
    if "#include_next" in head:
        return "extends the layer below (#include_next)"
    m = re.search(r"Replaces (labs/\S+): (.*)", head)
    if m:
        return "replaces %s: %s" % (m.group(1), m.group(2).strip())
    return "replaces the layer below (no reason given)"


def main():
    stage, layers = sys.argv[1], sys.argv[2:]
    holders = {}
    for layer in layers:
        for rel in files_of(layer):
            holders.setdefault(rel, []).append(layer)
    print("stage %s, layers (lowest first): %s" % (stage, " ".join(layers)))
    for rel in sorted(holders):
        where = holders[rel]
        line = "  %-40s %s" % (rel, where[-1])
        # A solution over its own lab's starter is the student's hole, not a replacement.
        labs = [w for w in where if w.startswith("labs/")]
        if len(labs) > 1:
            line += "   (%s)" % relation(os.path.join(labs[-1], rel))
        print(line)


if __name__ == "__main__":
    main()
