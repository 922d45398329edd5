"""The one table ``make bench`` prints and writes: every figure beside its target and the
machine it was measured on (issue #9)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Row = tuple[str, str, str, str]  # what, result, target, verdict


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "MISSED")


def _rows(results: Mapping[str, Any]) -> Iterator[Row]:
    c = results.get("classifier")
    if c:
        yield ("classifier throughput", f"{c['messages_per_second']:,} msg/s", "≥ 2,000",
               _verdict(c["messages_per_second"] >= 2000))
        yield ("classifier p99", f"{c['p99_ms']} ms", "< 5 ms", _verdict(c["p99_ms"] < 5))
        yield ("list index build", f"{c['index_build_s']} s", "< 2 s",
               _verdict(c["index_build_s"] < 2))
        yield ("classifier RSS", f"{c['max_rss_mb']} MB", "< 200 MB",
               _verdict(c["max_rss_mb"] < 200))
    s = results.get("sweep")
    if s:
        median = s["wall_ms"]["median"]
        yield ("sweep 100k open / 1k due (PostgreSQL), median", f"{median} ms",
               f"< {s['target_ms']} ms", _verdict(median < s["target_ms"]))
    d = results.get("digest")
    if d:
        yield ("daily digest, 1M tickets (PostgreSQL)", f"{d['digest_ms_median']} ms", "< 500 ms",
               _verdict(d["digest_ms_median"] < d["digest_target_ms"]))
        yield ("yearly street scorecard, 1M tickets", f"{d['year_scorecard_ms_median']} ms",
               "< 5,000 ms", _verdict(d["year_scorecard_ms_median"] < d["year_scorecard_target_ms"]))
    for run in results.get("load", []):
        where = f"load {run['rate']:.0f}/s × {run['seconds']:.0f} s, {run['backend']}"
        yield (f"{where}: ack p99", f"{run['ack_p99_ms']} ms", "< 50 ms",
               _verdict(run["ack_p99_ms"] < 50))
        yield (f"{where}: end-to-end p99", f"{run['e2e_p99_ms']} ms", "< 1,000 ms",
               _verdict(run["e2e_p99_ms"] < 1000))
        yield (f"{where}: lost", str(run.get("lost")), "0", _verdict(run.get("lost") == 0))


def markdown(results: Mapping[str, Any]) -> str:
    before, after = results.get("machine_before", {}), results.get("machine_after", {})
    lines = [
        f"Machine: {before.get('cpus')} CPUs, Python {before.get('python')}; load average "
        f"(1/5/15 min) before {before.get('load_average_1_5_15')}, after "
        f"{after.get('load_average_1_5_15')}.",
        "",
        "| measure | result | target | |",
        "|---|---|---|---|",
        *(f"| {what} | {result} | {target} | {verdict} |"
          for what, result, target, verdict in _rows(results)),
    ]
    return "\n".join(lines) + "\n"
