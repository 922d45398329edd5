"""tools/audit_latest: PyPI's advisories of the latest release, applied only where the pin is it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tools.audit_latest import audit, exit_status, read_pins

PROJECTS = {  # what PyPI's per-project JSON says (latest release and its advisories)
    "fastapi": ("0.165.0", []),
    "ecdsa": ("0.19.2", [{"id": "GHSA-wj6h-64fc-37mp"}, {"id": "OLD-1", "withdrawn": "2025"}]),
    "jinja2": ("3.1.6", []),
}


def _pypi(request: httpx.Request) -> httpx.Response:
    name = request.url.path.split("/")[2]
    if name not in PROJECTS:
        return httpx.Response(404)
    latest, vulnerabilities = PROJECTS[name]
    return httpx.Response(200, json={"info": {"version": latest},
                                     "vulnerabilities": vulnerabilities})


def _run(pins: list[tuple[str, str]]) -> dict[str, str]:
    findings = asyncio.run(audit(pins, transport=httpx.MockTransport(_pypi)))
    return {f.name: f.verdict for f in findings}


def test_pins_are_read_without_comments_or_markers(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("# pinned\nfastapi==0.165.0\nuvloop==0.23.0 ; sys_platform != 'win32'\n"
                    "-e .\n", encoding="utf-8")
    assert read_pins(lock) == [("fastapi", "0.165.0"), ("uvloop", "0.23.0")]


def test_a_latest_pin_is_judged_by_its_advisories() -> None:
    verdicts = _run([("fastapi", "0.165.0"), ("ecdsa", "0.19.2")])
    assert verdicts == {"fastapi": "ok", "ecdsa": "VULNERABLE: GHSA-wj6h-64fc-37mp"}


def test_an_older_pin_or_an_unknown_project_is_not_audited_rather_than_passed() -> None:
    verdicts = _run([("jinja2", "3.1.5"), ("left-pad", "1.0")])
    assert verdicts["jinja2"].startswith("not audited (latest is 3.1.6")
    assert verdicts["left-pad"] == "not audited (PyPI did not answer)"


def test_exit_status_puts_a_vulnerability_before_a_gap() -> None:
    def status(pins: list[tuple[str, str]]) -> int:
        return exit_status(asyncio.run(audit(pins, transport=httpx.MockTransport(_pypi))))

    assert status([("fastapi", "0.165.0"), ("jinja2", "3.1.6")]) == 0
    assert status([("fastapi", "0.165.0"), ("jinja2", "3.1.5")]) == 2
    assert status([("ecdsa", "0.19.2"), ("jinja2", "3.1.5")]) == 1
