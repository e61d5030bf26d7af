"""Problems found in the content, each pinned to a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Source:
    """A place in a file; line and column count from 1."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem. Warnings become errors under --strict."""

    source: Source
    message: str
    severity: str = "error"

    def format(self) -> str:
        return f"{self.source}: {self.severity}: {self.message}"

    def github(self) -> str:
        """The GitHub Actions annotation, so the problem shows on the pull request."""
        kind = "error" if self.severity == "error" else "warning"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        s = self.source
        return f"::{kind} file={s.path},line={s.line},col={s.col}::{message}"


def error(path: str, line: int, col: int, message: str) -> ContentError:
    return ContentError(Source(path, line, col), message)


def warning(path: str, line: int, col: int, message: str) -> ContentError:
    return ContentError(Source(path, line, col), message, "warning")


class BuildFailed(Exception):
    """The content or templates have problems; nothing was written."""

    def __init__(self, errors: list[ContentError] | tuple[ContentError, ...]):
        self.errors = tuple(sorted(set(errors)))
        super().__init__(f"{len(self.errors)} problem(s)")


class UsageError(Exception):
    """The command line asks for something unsafe or impossible (exit status 2)."""
