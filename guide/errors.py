"""The one exception family of `guide`.

Every error a user can cause is a :class:`GuideError`; click prints it as
``Error: …`` with no traceback and exits with its ``exit_code``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, with where it is."""

    path: Path | None
    """The file the problem is in (None when it is not in a file)."""

    line: int | None
    """1-based line number, when known."""

    message: str
    """What is wrong, in words a script author understands."""

    column: int | None = None
    """1-based column, when known."""

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class GuideError(click.ClickException):
    """Raised when anything in `guide` fails in a way the user should read."""

    exit_code = 1


class InputError(GuideError):
    """Raised when the user's input (a script, an option, a path) is wrong."""

    exit_code = 2


class ScriptError(InputError):
    """Raised when a script has one or more problems; lists them all, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        # In file order, whatever order the checks ran in (a script's problems first, then other files').
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line is None, p.line or 0))
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        super().__init__("\n".join([head, *map(str, self.problems)]))


class EngineError(GuideError):
    """Raised when a speech engine fails to record a text (voice broken, engine crash)."""

    fallback_helps = True
    """Whether a fallback voice may speak instead (not when the failure is the user's to mend)."""


class NetworkError(EngineError):
    """Raised when an online engine (gTTS, a cloud voice) cannot be reached or keeps failing."""


class CredentialsError(EngineError):
    """Raised when a cloud engine has no key, or its service refuses the key (HTTP 401 or 403): never retried,
    and no fallback voice speaks instead, since a wrong key would otherwise quietly cost the guide its voice."""

    exit_code = 2
    fallback_helps = False


class ToolError(InputError):
    """Raised when a tool the user chose instead of the bundled one (``GUIDE_FFMPEG``) cannot do what guide needs."""


class AudioError(GuideError):
    """Raised when decoding, encoding or writing audio fails (ffmpeg, disk)."""


class OutputError(GuideError):
    """Raised when a file cannot be written (disk full, read-only folder, permissions)."""
