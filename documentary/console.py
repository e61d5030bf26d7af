"""The dev server's terminal: progress unless quiet, details when verbose, problems always."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ContentError


@dataclass(frozen=True)
class Console:
    quiet: bool = False
    verbose: bool = False

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def detail(self, text: str) -> None:
        if self.verbose and not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def progress(self, stage: str, count: int, seconds: float) -> None:
        """One line per stage of the first build, as `build` prints."""
        self.say(f"{stage:<9} {count:>6}  {seconds * 1000:8.1f} ms")

    def stage(self, stage: str, count: int, seconds: float) -> None:
        """The same for a rebuild, shown only with -v."""
        self.detail(f"  {stage:<9} {count:>6}  {seconds * 1000:8.1f} ms")

    def problems(self, problems: Iterable[ContentError]) -> None:
        problems = list(problems)
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        errors = sum(1 for p in problems if p.severity == "error")
        counts = [(errors, "error"), (len(problems) - errors, "warning")]
        parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n]
        if parts:
            print(", ".join(parts), file=sys.stderr, flush=True)
