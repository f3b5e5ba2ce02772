"""The manifest as typed data: written as it always was, read back the same, valid against its JSON Schema,
and naming every file the build wrote (its inventory)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from guide.cli import main
from guide.manifest import FILE_KINDS, MANIFEST, Manifest, read_manifest
from guide.settings import RunSettings

GUIDE = "small-guide"


def schema() -> dict:
    result = CliRunner().invoke(main, ["schema", "manifest"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def check_inventory(folder: Path) -> None:
    """The manifest is valid and its inventory lists every file of `folder` but itself, with the right bytes."""
    text = (folder / MANIFEST).read_text(encoding="utf-8")
    jsonschema.validate(json.loads(text), schema())
    manifest = Manifest.from_text(text)
    assert manifest.to_text() == text  # read and written again: not a byte changes
    on_disk = {
        p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
    }
    listed = [f.path for f in manifest.files]
    assert listed == sorted(listed) and set(listed) == set(on_disk) - {MANIFEST}
    for record in manifest.files:
        data = on_disk[record.path].read_bytes()
        assert (record.bytes, record.sha256) == (len(data), hashlib.sha256(data).hexdigest()), record.path
        assert record.kind in FILE_KINDS
    kinds = {f.path: f.kind for f in manifest.files}
    for entry in manifest.entries().values():
        assert kinds[entry.file] == ("full" if entry.kind == "full" else "track")
        if entry.m4b is not None:
            assert kinds[entry.m4b.file] == "m4b"


def test_the_small_build_s_manifest_is_valid_and_names_every_file(small_build: Path) -> None:
    folder = small_build / "out" / GUIDE
    check_inventory(folder)
    kinds = {f.kind for f in Manifest.from_text((folder / MANIFEST).read_text(encoding="utf-8")).files}
    assert {"track", "full", "subtitles", "transcript", "chapters", "playlist", "page", "cover"} <= kinds


def test_guide_schema_prints_the_script_schema_by_default_and_the_manifest_s_on_request() -> None:
    script = CliRunner().invoke(main, ["schema"])
    assert script.exit_code == 0 and "manifest.json" not in json.loads(script.output).get("title", "")
    where = CliRunner().invoke(main, ["schema", "manifest", "--path"])
    assert where.exit_code == 0 and where.output.strip().endswith("manifest.schema.json")
    assert "guide print" in schema()["description"]  # says the print PDF is not in a build's manifest


def test_a_manifest_guide_did_not_write_is_none(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    for junk in ("not json", "[]", "{}", '{"id": "x", "languages": 3}'):
        (tmp_path / MANIFEST).write_text(junk, encoding="utf-8")
        assert read_manifest(tmp_path) is None


def test_a_rebuild_with_a_changed_companion_lists_its_new_bytes(small_build: Path, tmp_path: Path, registry) -> None:
    from guide import builder

    shutil.copytree(small_build, tmp_path / "project")
    project = tmp_path / "project"
    folder = project / "out" / GUIDE
    (folder / "index.html").write_text("edited by hand", encoding="utf-8")
    result = builder.build(
        project / "small.yaml", RunSettings.make(out=project / "out", cache=project / "cache"), registry=registry
    )
    assert result.published == ["index.html"] and not result.encoded
    check_inventory(folder)
    again = builder.build(
        project / "small.yaml", RunSettings.make(out=project / "out", cache=project / "cache"), registry=registry
    )
    assert again.nothing_to_do
