"""The ``make bench`` table compares each figure with its target (no timing is asserted)."""

from bench.table import markdown


def test_each_figure_is_judged_against_its_target() -> None:
    table = markdown({
        "machine_before": {"cpus": 2, "python": "3.11.7", "load_average_1_5_15": [0.5, 0.4, 0.3]},
        "classifier": {"messages_per_second": 1500, "p99_ms": 0.9, "index_build_s": 0.05,
                       "max_rss_mb": 37},
        "load": [{"backend": "sqlite", "rate": 200, "seconds": 60, "ack_p99_ms": 30,
                  "e2e_p99_ms": 1500, "lost": 0}],
    })
    assert "Machine: 2 CPUs" in table
    assert "| classifier throughput | 1,500 msg/s | ≥ 2,000 | MISSED |" in table
    assert "| classifier p99 | 0.9 ms | < 5 ms | met |" in table
    assert "sqlite: end-to-end p99 | 1500 ms | < 1,000 ms | MISSED |" in table
    assert "sqlite: lost | 0 | 0 | met |" in table
