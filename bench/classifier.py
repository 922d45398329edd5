"""Classifier speed and memory: throughput, p99 latency, index build time, resident memory.

Run: ``python -m bench.classifier`` (prints JSON). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import csv
import json
import resource
import sys
import time
from pathlib import Path

from dispatcher.classify.classifier import GridClassifier
from models.lists import load_responsibility_list

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 10


def _messages() -> list[str]:
    texts: list[str] = []
    for name in ("devset.csv", "devset_holdout.csv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8", newline="") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    return texts


def run() -> dict[str, float | int]:
    lst = load_responsibility_list(ROOT / "responsibility_lists" / "default")
    started = time.perf_counter()
    classifier = GridClassifier(responsibility_list=lst)
    build_s = time.perf_counter() - started
    texts = _messages()
    latencies: list[float] = []
    total_started = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            t0 = time.perf_counter()
            classifier.classify(text)
            latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - total_started
    latencies.sort()
    return {
        "messages": len(latencies),
        "messages_per_second": round(len(latencies) / total),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
        "index_build_s": round(build_s, 3),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run()) + "\n")
