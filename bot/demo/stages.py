"""The demo's stages as the person running it follows them: how many there are, the progress line on stderr,
and the failure that names the stage in one line.

Separate from the run (bot/demo/__init__.py) so the review scene and the report can raise `DemoFailed` without
importing the run.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from typing import TextIO

DEMO_STAGES = 7


class DemoFailed(Exception):
    """A stage did not complete; the message says which and why, in one line."""


class Progress:
    """Stage lines on stderr: `[4/7] community voting… 412 clicks`. Rewrites one line on a terminal."""

    def __init__(self, stream: TextIO, total: int = DEMO_STAGES) -> None:
        self.stream = stream
        self.total = total
        self.number = 0
        self.title = ""
        self._tty = stream.isatty()
        self._last_detail = ""
        self._last_print = 0.0
        self.started = time.monotonic()

    def _emit(self, line: str, *, final: bool) -> None:
        if self._tty:  # one line, never wrapped: a wrapped line could not be rewritten in place
            width = shutil.get_terminal_size((100, 20)).columns - 1
            shown = line if len(line) <= width else line[: max(1, width - 1)] + "…"
            self.stream.write("\r\033[K" + shown + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def stage(self, number: int, title: str) -> None:
        if self._tty and self.number:
            self.stream.write("\n")
        self.number, self.title, self._last_detail = number, title, ""
        self._emit(f"[{number}/{self.total}] {title}", final=not self._tty)
        self._last_print = time.monotonic()

    def detail(self, text: str, *, force: bool = False) -> None:
        if text == self._last_detail:
            return
        now = time.monotonic()
        if not self._tty and not force and now - self._last_print < 2.0:
            return
        self._last_detail, self._last_print = text, now
        self._emit(f"[{self.number}/{self.total}] {self.title}… {text}", final=not self._tty)

    def note(self, text: str) -> None:
        """A line that stays (a link, say), printed above the stage line."""
        if self._tty:
            self.stream.write("\r\033[K" + text + "\n")
            self._emit(f"[{self.number}/{self.total}] {self.title}" + (f"… {self._last_detail}" if self._last_detail else ""),
                       final=False)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()

    async def watch(self, describe: Callable[[], str], every: float = 0.5) -> None:
        """Keep the current stage's detail line up to date until cancelled."""
        while True:
            self.detail(describe())
            await asyncio.sleep(every)
