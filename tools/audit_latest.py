"""Audit requirements.lock against PyPI's advisories where pip-audit cannot reach them.

pip-audit asks PyPI's per-version JSON (``/pypi/<name>/<version>/json``) or OSV. Some build
networks answer only the per-project JSON (``/pypi/<name>/json``), whose ``vulnerabilities``
list (PyPI's copy of the OSV advisories) is about the *latest* release alone. So this check is
exact for every pin that is the latest release, and says "not audited" for every other pin
rather than guess.

Run: ``python -m tools.audit_latest [requirements.lock]``. Exit status: 0 all pins audited and
clean, 1 a pin has a known vulnerability, 2 some pins could not be audited (none vulnerable).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
CONCURRENCY = 8


@dataclass(frozen=True)
class Finding:
    name: str
    pinned: str
    latest: str | None  # None: PyPI did not answer for this project
    advisories: tuple[str, ...]  # ids of known vulnerabilities of the latest release

    @property
    def verdict(self) -> str:
        if self.latest is None:
            return "not audited (PyPI did not answer)"
        if self.pinned != self.latest:
            return f"not audited (latest is {self.latest}; advisories cover the latest only)"
        return "VULNERABLE: " + ", ".join(self.advisories) if self.advisories else "ok"


def read_pins(lock: Path) -> list[tuple[str, str]]:
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins.append((name.strip(), version.split(";", 1)[0].strip()))
    return pins


def _advisory_ids(entries: list[dict[str, object]]) -> tuple[str, ...]:
    return tuple(str(entry.get("id")) for entry in entries if not entry.get("withdrawn"))


async def _check(client: httpx.AsyncClient, gate: asyncio.Semaphore,
                 name: str, pinned: str) -> Finding:
    async with gate:
        try:
            response = await client.get(PROJECT_JSON.format(name=name))
            response.raise_for_status()
        except httpx.HTTPError:
            return Finding(name, pinned, None, ())
    data = response.json()
    return Finding(name, pinned, str(data["info"]["version"]),
                   _advisory_ids(data.get("vulnerabilities") or []))


async def audit(pins: list[tuple[str, str]], *,
                transport: httpx.AsyncBaseTransport | None = None) -> list[Finding]:
    gate = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(timeout=30, follow_redirects=True,
                                 transport=transport) as client:
        return list(await asyncio.gather(*(_check(client, gate, n, v) for n, v in pins)))


def exit_status(findings: list[Finding]) -> int:
    if any(f.advisories and f.pinned == f.latest for f in findings):
        return 1
    return 2 if any(f.verdict != "ok" for f in findings) else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    findings = asyncio.run(audit(read_pins(Path(args[0] if args else "requirements.lock"))))
    for finding in sorted(findings, key=lambda f: (f.verdict == "ok", f.name.lower())):
        print(f"{finding.name}=={finding.pinned}: {finding.verdict}")  # noqa: T201
    clean = sum(f.verdict == "ok" for f in findings)
    print(f"{clean} of {len(findings)} pins audited and clean")  # noqa: T201
    return exit_status(findings)


if __name__ == "__main__":
    raise SystemExit(main())
