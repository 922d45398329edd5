"""SentMarks: sends that finish while a mark is being written share the next write."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from bot.outbox import SentMarks


class SlowWrites:
    """Records each write; the first one blocks until released, like a commit in flight."""

    def __init__(self, *, fail: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.release = threading.Event()
        self.fail = fail

    def __call__(self, row_ids: Sequence[int]) -> None:
        self.batches.append(list(row_ids))
        if len(self.batches) == 1:
            self.release.wait(5)
        if self.fail:
            raise RuntimeError("database gone")


def test_marks_during_a_write_gather_into_the_next() -> None:
    writes = SlowWrites()

    async def scenario() -> None:
        marks = SentMarks(writes)
        first = asyncio.create_task(marks.mark([1]))
        await asyncio.sleep(0.05)  # the first write is in flight
        later = [asyncio.create_task(marks.mark([n])) for n in (2, 3, 4)]
        await asyncio.sleep(0.05)
        writes.release.set()
        await asyncio.gather(first, *later)

    asyncio.run(scenario())
    assert writes.batches == [[1], [2, 3, 4]]


def test_a_lone_mark_is_written_at_once() -> None:
    writes = SlowWrites()
    writes.release.set()

    async def scenario() -> None:
        marks = SentMarks(writes)
        await marks.mark([7, 8])  # one payload's rows together
        await marks.mark([9])

    asyncio.run(scenario())
    assert writes.batches == [[7, 8], [9]]


def test_a_failed_write_fails_every_send_in_it() -> None:
    writes = SlowWrites(fail=True)

    async def scenario() -> list[BaseException | None]:
        marks = SentMarks(writes)
        first = asyncio.create_task(marks.mark([1]))
        await asyncio.sleep(0.05)
        later = [asyncio.create_task(marks.mark([n])) for n in (2, 3)]
        await asyncio.sleep(0.05)
        writes.release.set()
        return await asyncio.gather(first, *later, return_exceptions=True)

    results = asyncio.run(scenario())
    assert all(isinstance(r, RuntimeError) for r in results)
    assert writes.batches == [[1], [2, 3]]
