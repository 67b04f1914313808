"""Work in a forked child: its errors reach the parent, whatever they are."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kg.forked import ForkedTask


def test_the_child_does_the_work_and_shares_what_was_in_memory(tmp_path: Path):
    lines = ["in memory before the fork"] * 3
    task = ForkedTask(lambda: (tmp_path / "out.txt").write_text("\n".join(lines)))
    task.wait()
    assert (tmp_path / "out.txt").read_text() == "\n".join(lines)


def test_an_error_in_the_child_is_raised_by_wait():
    def fail() -> None:
        raise ValueError("bad page")

    task = ForkedTask(fail)
    with pytest.raises(ValueError, match="bad page"):
        task.wait()


def test_an_error_that_cannot_be_pickled_comes_back_as_its_text():
    class Unpicklable(Exception):
        def __init__(self) -> None:
            super().__init__("cannot travel")
            self.lock = threading.Lock()

    def fail() -> None:
        raise Unpicklable()

    with pytest.raises(RuntimeError, match="Unpicklable: cannot travel"):
        ForkedTask(fail).wait()


def test_a_child_that_dies_without_a_word_is_an_error():
    with pytest.raises(RuntimeError, match="exit code 3"):
        ForkedTask(lambda: os._exit(3)).wait()


def test_in_this_process_when_not_in_the_background():
    seen: list[int] = []
    task = ForkedTask(lambda: seen.append(os.getpid()), background=False)
    assert seen == [os.getpid()]
    task.wait()


def test_a_nice_child_runs_at_a_lower_priority_and_leaves_this_process_as_it_was(tmp_path: Path):
    import os

    seen = tmp_path / "niceness"
    before = os.nice(0)
    task = ForkedTask(lambda: seen.write_text(str(os.nice(0))), nice=5)
    task.wait()
    assert int(seen.read_text()) == min(before + 5, 19)
    assert os.nice(0) == before
