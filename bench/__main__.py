"""``make bench``: run every benchmark in bench/ and print one table against its targets
(also written to var/bench/results.md, with the raw figures in results.json).

``python -m bench --quick`` runs the load benchmark for 10 s instead of 60 s (same rate).
PostgreSQL is included when GRIDBOT_BENCH_DATABASE_URL or GRIDBOT_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

from bench import classifier, digest, load, sweep
from bench.table import markdown

RESULTS = Path("var") / "bench"


def _machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="load for 10 s instead of 60 s")
    args = parser.parse_args(argv)
    with_postgres = bool(os.environ.get("GRIDBOT_BENCH_DATABASE_URL")
                         or os.environ.get("GRIDBOT_TEST_DATABASE_URL"))
    backends = ("postgresql", "sqlite") if with_postgres else ("sqlite",)
    results: dict[str, object] = {"machine_before": _machine(), "classifier": classifier.run()}
    if with_postgres:
        results["sweep"] = sweep.run()
        results["digest"] = digest.run()
    results["load"] = load.run(rate=200, seconds=10 if args.quick else 60, backends=backends)
    results["load_targets"] = load.TARGETS
    results["machine_after"] = _machine()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2),
                                          encoding="utf-8")
    table = markdown(results)
    (RESULTS / "results.md").write_text(table, encoding="utf-8")
    print(table)  # noqa: T201  (a report, not a log)
    print(f"(written to {RESULTS}/results.md and results.json)")  # noqa: T201


if __name__ == "__main__":
    main()
