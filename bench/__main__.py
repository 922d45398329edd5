"""``make bench``: run every benchmark in bench/ and print one table against its targets."""

from __future__ import annotations

import json

from bench import classifier, digest, sweep


def main() -> None:
    results = {"classifier": classifier.run(), "sweep": sweep.run(), "digest": digest.run()}
    print(json.dumps(results, ensure_ascii=False, indent=2))  # noqa: T201  (a report, not a log)


if __name__ == "__main__":
    main()
