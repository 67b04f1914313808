"""Work done in a forked child process while the build goes on with the rest.

A build ends with several outputs written from the same table of quads; the
page of the org graph takes as long as the Turtle and the TriG together and
needs nothing from them.  A forked child starts with the table already in
memory (nothing is copied or pickled), draws the page on the other core and
reports only how it ended.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
from collections.abc import Callable


def fork_context() -> multiprocessing.context.BaseContext | None:
    """The fork start method, where the platform has one."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


class ForkedTask:
    """Run ``action`` in a forked child; :meth:`wait` returns when it is done and raises what it raised.

    Where fork is missing, or ``background`` is false, the action runs at
    once in this process and :meth:`wait` only re-raises.  ``nice`` lowers
    the child's priority (see :func:`os.nice`), for work nothing waits on.
    """

    def __init__(self, action: Callable[[], object], background: bool = True, nice: int = 0) -> None:
        self._error: BaseException | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reader: multiprocessing.connection.Connection | None = None
        context = fork_context() if background else None
        if context is None:
            self._run_here(action)
            return
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(target=_report_how_it_ends, args=(action, writer, nice), daemon=True)
        self._process.start()
        writer.close()

    def _run_here(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as error:  # raised by wait(), where a child's error would be
            self._error = error

    def wait(self) -> None:
        if self._process is not None and self._reader is not None:
            try:
                self._error = self._reader.recv()
            except EOFError:  # the child died without a word (killed, out of memory)
                self._process.join()  # its exit code is known once it is joined
                self._error = RuntimeError(f"the child process ended with exit code {self._process.exitcode}")
            self._process.join()
            self._reader.close()
            self._process = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def abandon(self) -> None:
        """Stop the child, if it still runs."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._process = None


def _report_how_it_ends(action: Callable[[], object], writer: multiprocessing.connection.Connection,
                        nice: int = 0) -> None:
    try:
        if nice:
            os.nice(nice)  # this child only: it yields the cores to work that others wait for
        action()
        writer.send(None)
    except Exception as error:
        try:
            writer.send(error)
        except Exception:  # an error that cannot be pickled is sent as its text
            writer.send(RuntimeError(f"{type(error).__name__}: {error}"))
    finally:
        writer.close()
