#!/usr/bin/env python3
"""Writes N JSON lines {"id": i, "text": ...} of short, realistic texts for bench/score/run.sh:
the one-line reference vectors of ../shared/vader/vectors.tsv up to 160 characters when present
(real review- and tweet-like sentences, emoji and all), else sentences drawn from a fixed word
mix. Deterministic (seeded), so runs compare.

Usage: make_jsonl.py ROWS OUT [VECTORS]"""
import json
import random
import sys
from pathlib import Path

WORDS = ("the movie was good great bad awful not very really quite kind of but I love hate this "
         "service food place staff friendly slow amazing terrible okay fine nice worst best ever "
         "would recommend never again :) :( ! wow meh LOL").split()


def texts_from_vectors(path):
    texts = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        text = line.split("\t", 4)[4]
        if "\\" not in text and 8 <= len(text) <= 160:
            texts.append(text)
    return texts


def main():
    rows, out = int(sys.argv[1]), Path(sys.argv[2])
    vectors = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    rng = random.Random(17)
    texts = texts_from_vectors(vectors) if vectors and vectors.exists() else []
    if not texts:
        texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18)))
                 for _ in range(5000)]
    # One JSON-encoded text per entry, joined once: the file is written at disk speed.
    encoded = [json.dumps(text, ensure_ascii=False) for text in texts]
    with out.open("w", encoding="utf-8") as f:
        batch = []
        for i in range(rows):
            batch.append(f'{{"id":{i},"text":{encoded[rng.randrange(len(encoded))]}}}\n')
            if len(batch) == 100000:
                f.write("".join(batch))
                batch.clear()
        f.write("".join(batch))
    print(f"{rows} rows from {len(texts)} distinct texts", file=sys.stderr)


if __name__ == "__main__":
    main()
