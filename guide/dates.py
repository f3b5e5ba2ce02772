"""The one clock of a build: ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), else now.

Every date guide writes into a file (a track's publication date in the manifest and feeds, an M4B's or a
PDF's creation date) comes from :func:`build_time`, so a build made with ``SOURCE_DATE_EPOCH`` set is the same
bytes on any machine and any day.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from .errors import InputError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
"""The environment variable (https://reproducible-builds.org/specs/source-date-epoch/): seconds since 1970 UTC."""


def build_time() -> datetime:
    """The time stamp of what a build writes now: ``SOURCE_DATE_EPOCH``'s, else the current time, in UTC, whole
    seconds.

    Raises:
        InputError: ``SOURCE_DATE_EPOCH`` is set to something that is not a whole number of seconds.
    """
    given = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not given:
        return datetime.now(UTC).replace(microsecond=0)
    if not given.isdigit():
        raise InputError(f"{SOURCE_DATE_EPOCH}={given!r}: not a whole number of seconds since 1970 (e.g. 1765065600)")
    return datetime.fromtimestamp(int(given), UTC)
