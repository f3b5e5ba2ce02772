"""The files a script is, or names: reading a text file with clear errors, and checking an author's cover image.

Pillow is imported only to check a cover, so loading a script without one never imports it.
"""

from __future__ import annotations

import stat
from pathlib import Path

from ..errors import InputError
from .limits import Limits
from .safe_yaml import shown

MAX_FILE_BYTES = Limits().script_bytes
"""Default for scripts: larger files are refused before reading (see :attr:`Limits.script_bytes`)."""

IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
"""The magic numbers of the images a cover may be."""

MIN_SIDE = 1400
MAX_SIDE = 3000
"""Apple Podcasts' bounds on a cover's side, in pixels."""

FORMATS = ("JPEG", "PNG")
"""The image formats podcast directories take."""


SCRIPT_SUFFIXES = (".yaml", ".yml")
"""What a script file's name ends with."""

REVIEW_SUFFIX = ".reviewed.yaml"
"""What the review record beside a script is named with (``botox.yaml`` -> ``botox.reviewed.yaml``): not a script."""


def script_files(folder: Path) -> list[Path]:
    """The scripts in `folder`, sorted: YAML files, not the review records beside them."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in SCRIPT_SUFFIXES and not p.name.endswith(REVIEW_SUFFIX) and p.is_file()
    )


def read_text_file(path: Path, what: str = "script", limit: int = MAX_FILE_BYTES, setting: str | None = None) -> str:
    """Read a UTF-8 text file (a BOM is allowed), with clear errors for the user's mistakes.

    `what` names the file in messages ("script", "article"); files over `limit` bytes are
    refused before anything is read, and `setting` (an environment variable) is named as
    the way to raise the limit. Only regular files are read: a device or a pipe could
    block or never end.

    Raises:
        InputError: missing, a folder, not a regular file, unreadable, too large, or not UTF-8.
    """
    hint = f" ({setting} raises the limit)" if setting else ""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a folder, not a {what} file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket); the {what} must be a file")
        if info.st_size > limit:
            raise InputError(f"{path}: file is {info.st_size:,} bytes; {what}s are limited to {limit:,}{hint}")
        with path.open("rb") as file:
            # Never more than the limit, even if the file grew since stat().
            data = file.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a {what} file") from None
    except PermissionError:
        raise InputError(f"{path}: not readable (permission denied)") from None
    except ValueError:  # a NUL in the path, from a script or the command line
        raise InputError(f"{shown(str(path))}: not a usable file name") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError(f"{path}: file is more than {limit:,} bytes; {what}s are limited to {limit:,}{hint}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}:1: the {what} is UTF-16 text; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the {what} as UTF-8") from None


def check_cover(path: Path) -> str | None:
    """None when `path` is a cover podcast directories take (a JPEG or PNG, RGB, square, 1400 to
    3000 px on a side); else one line saying what is wrong with it and what is needed."""
    # Pillow is heavy and needed only here: imported when a script has a cover to check.
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - heavy: a script loads without Pillow

    name = Path(path).name
    need = f"a podcast cover must be a square JPEG or PNG, {MIN_SIDE} to {MAX_SIDE} px on a side (Apple Podcasts)"
    try:
        with Image.open(path) as image:
            kind, (width, height), mode = image.format, image.size, image.mode
            if kind in FORMATS and width == height and MIN_SIDE <= width <= MAX_SIDE:
                image.load()  # a truncated or damaged file fails here, not in a podcast app
    except FileNotFoundError:
        return f"{name}: no such file: {need}"
    except UnidentifiedImageError:
        return f"{name} is not an image: {need}"
    except Image.DecompressionBombError:
        return f"{name} is far too large to be a cover: {need}"
    except (OSError, SyntaxError, ValueError) as exc:  # unreadable, truncated or corrupt
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return f"{name} cannot be read ({reason}): {need}"
    if kind not in FORMATS:
        return f"{name} is a {kind} image: {need}"
    if width != height or not MIN_SIDE <= width <= MAX_SIDE:
        return (
            f"{name} is {width} × {height} px: a podcast cover must be square, "
            f"{MIN_SIDE} to {MAX_SIDE} px on a side (Apple Podcasts)"
        )
    if mode == "CMYK":
        return f"{name} is in CMYK colours: a podcast cover must be in RGB (Apple Podcasts)"
    if mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        return (
            f"{name} has transparent parts (an alpha channel): a podcast cover must have none (Apple Podcasts); "
            "save it without transparency"
        )
    return None
