"""`guide voices add/remove`: a user's own Piper voice, with a real model file (the bundled
joe voice copied under another name), found by builds without any option."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.engines.piper import bundled_voices

NAME = "en_GB-test-medium"


@pytest.fixture
def voice_file(tmp_path) -> Path:
    """A real Piper voice under a name of its own, as a user downloads one."""
    joe = bundled_voices()["en_US-joe-medium"]
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copyfile(joe, folder / f"{NAME}.onnx")
    config = json.loads(Path(f"{joe}.json").read_text(encoding="utf-8"))
    config["language"]["code"] = "en_GB"
    (folder / f"{NAME}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return folder / f"{NAME}.onnx"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


SCRIPT = f"""\
id: own-voice
title: {{en: "Own voice"}}
languages: [en]
voices: {{en: {{engine: piper, voice: {NAME}}}}}
intro: {{en: "This guide is read by a voice the user added."}}
"""


def test_add_list_build_remove(voice_file, private_user_voices, tmp_path):
    added = run("voices", "add", str(voice_file))
    assert added.exit_code == 0, added.output
    assert f"added {NAME} (en_GB, medium, 22050 Hz) to {private_user_voices}" in added.output
    assert f"voices: {{en: {{engine: piper, voice: {NAME}}}}}" in added.output
    assert sorted(p.name for p in private_user_voices.iterdir()) == [f"{NAME}.onnx", f"{NAME}.onnx.json"]
    assert (private_user_voices / f"{NAME}.onnx").read_bytes() == voice_file.read_bytes()

    listed = run("voices", "--engine", "piper")
    line = next(row for row in listed.output.splitlines() if NAME in row)
    assert "en-GB,en" in line and "medium, yours (guide voices add)" in line

    script = tmp_path / "own.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    built = run("build", str(script), "--out", str(tmp_path / "out"), "-j", "1")
    assert built.exit_code == 0, built.output
    manifest = json.loads((tmp_path / "out" / "own-voice" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["languages"]["en"]["voice"] == f"piper:{NAME}"
    assert manifest["languages"]["en"]["duration"] > 1.5

    removed = run("voices", "remove", NAME)
    assert removed.exit_code == 0 and f"removed {NAME}" in removed.output
    assert list(private_user_voices.iterdir()) == []
    checked = run("check", str(script))
    assert checked.exit_code == 2
    assert f"piper has no voice '{NAME}'" in checked.output and "guide voices add" in checked.output


def test_add_refuses_a_second_voice_of_the_same_name_unless_forced(voice_file, private_user_voices):
    assert run("voices", "add", str(voice_file)).exit_code == 0
    again = run("voices", "add", str(voice_file))
    assert again.exit_code == 2 and "already in" in again.output and "--force" in again.output
    assert run("voices", "add", "--force", str(voice_file)).exit_code == 0


@pytest.mark.parametrize(
    "spoil, expected",
    [
        ("no-config", "is not beside it"),
        ("not-onnx", "a Piper voice is a .onnx model file"),
        ("broken-model", "Piper cannot use this voice"),
        ("bad-config", "not a Piper voice config"),
    ],
)
def test_add_refuses_what_is_not_a_whole_voice_and_copies_nothing(voice_file, private_user_voices, spoil, expected):
    target = voice_file
    if spoil == "no-config":
        Path(f"{voice_file}.json").unlink()
    elif spoil == "not-onnx":
        target = voice_file.with_suffix(".bin")
        voice_file.rename(target)
    elif spoil == "broken-model":
        voice_file.write_bytes(b"not an onnx model" * 100)
    else:
        Path(f"{voice_file}.json").write_text('{"audio": {}}', encoding="utf-8")
    result = run("voices", "add", str(target))
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert list(private_user_voices.iterdir()) == []


def test_remove_names_the_voices_there_are(private_user_voices):
    result = run("voices", "remove", "ar_JO-kareem-medium")
    assert result.exit_code == 2
    assert f"no voice named ar_JO-kareem-medium in {private_user_voices} (your voices: none)" in result.output
