"""A progress bar for long commands (imports, demo data, analytics refresh) on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

WIDTH = 30


class ProgressBar:
    """``stage [#####-----] done/total`` redrawn in place, at most ten times a second."""

    def __init__(self, stage: str, *, stream: TextIO | None = None):
        self.stage = stage
        self.stream = stream or sys.stderr
        self._drawn_at = 0.0
        self._last = ""

    @classmethod
    def for_command(cls, command: Any, stage: str) -> ProgressBar:
        """A bar on a management command's error stream (the real stream, not Django's wrapper,
        which would end every redraw with a newline)."""
        return cls(stage, stream=getattr(command.stderr, "_out", sys.stderr))

    def update(self, done: int, total: int | None, stage: str | None = None) -> None:
        if stage and stage != self.stage:
            if self._last:  # the previous stage keeps its own line
                self.stream.write("\n")
                self._last = ""
                self._drawn_at = 0.0
            self.stage = stage
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        if total:
            filled = min(WIDTH, int(WIDTH * done / total))
            bar = "#" * filled + "-" * (WIDTH - filled)
            self._last = f"\r{self.stage:<12} [{bar}] {done:,}/{total:,}"
        else:
            self._last = f"\r{self.stage:<12} {done:,}"
        self.stream.write(self._last)
        self.stream.flush()

    def stage_done(self, done: int, total: int | None) -> None:
        """Draw the stage as complete and move to a new line."""
        self._drawn_at = 0.0
        self.update(done, total)
        self.stream.write("\n")
        self.stream.flush()
        self._last = ""

    def finish(self) -> None:
        if self._last:
            self.stream.write("\n")
            self.stream.flush()
            self._last = ""
