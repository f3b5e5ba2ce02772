"""What a rebuild keeps from the last one to do nothing fast, and that it never serves stale answers:
the front-end's memo (guide/text/memo.py), the output files' stamps (guide/file_stamps.py) and the
companion files' digest."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide import builder
from guide.cache import TakeCache
from guide.cli import main
from guide.file_stamps import FileStamps
from guide.text import memo as memo_module
from guide.text.frontend import FrontEnd, sentences
from guide.text.memo import SentenceMemo

from .conftest import SMALL_SCRIPT

# Texts in both languages whose expansion the memo must give back exactly: numbers, units,
# markup, code switching, a lexicon word.
TEXTS = [
    ("en", "Take 2 tablets of 50 mg every 8 hours, from 1 March 2024."),
    ("en", "Botox lasts 3–4 months. [pause 500ms] Ask about {SPF|S P F} 30."),
    ("en", "While Botox Injections(حقن البوتوكس) work, rest."),
    ("ar", "خذ 2 قرص من 50 ملغ كل 8 ساعات، ابتداء من 1 مارس 2024."),
    ("ar", "يدوم البوتوكس من ٣ إلى ٤ أشهر؟ [lang en]Botox[/lang] آمن."),
    ("ar", "نسبة 25% فقط. [pause 1s] شكرا."),
]
LEXICON = {"en": {"botox": "bo-tox"}, "ar": {}}


@pytest.mark.parametrize(("lang", "text"), TEXTS)
def test_the_memo_gives_back_what_the_front_end_made(tmp_path: Path, lang: str, text: str) -> None:
    path = tmp_path / "memo.json"
    fresh = sentences(text, lang, FrontEnd(lexicon=LEXICON))
    first = SentenceMemo.for_front_end(path, True, LEXICON)
    assert sentences(text, lang, FrontEnd(lexicon=LEXICON, memo=first)) == fresh
    assert (first.hits, first.misses) == (0, 1)
    first.save()
    second = SentenceMemo.for_front_end(path, True, LEXICON)
    assert sentences(text, lang, FrontEnd(lexicon=LEXICON, memo=second)) == fresh
    assert (second.hits, second.misses) == (1, 0) and not second.changed


@pytest.mark.parametrize(
    "change",
    [
        {"lexicon": {"en": {"botox": "boh-tocks"}, "ar": {}}},
        {"code_switch": False},
    ],
    ids=["lexicon", "code switching"],
)
def test_another_lexicon_or_code_switching_is_a_cold_memo(tmp_path: Path, change: dict) -> None:
    path = tmp_path / "memo.json"
    memo = SentenceMemo.for_front_end(path, True, LEXICON)
    for lang, text in TEXTS:
        sentences(text, lang, FrontEnd(lexicon=LEXICON, memo=memo))
    memo.save()
    settings = {"code_switch": True, "lexicon": LEXICON, **change}
    other = SentenceMemo.for_front_end(path, settings["code_switch"], settings["lexicon"])
    front = FrontEnd(code_switch=settings["code_switch"], lexicon=settings["lexicon"], memo=other)
    for lang, text in TEXTS:
        assert sentences(text, lang, front) == sentences(
            text, lang, FrontEnd(settings["code_switch"], settings["lexicon"])
        )
    assert other.hits == 0 and other.misses == len(TEXTS)


def test_a_change_to_the_front_ends_code_is_a_cold_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "memo.json"
    memo = SentenceMemo.for_front_end(path, True, LEXICON)
    sentences(TEXTS[0][1], "en", FrontEnd(lexicon=LEXICON, memo=memo))
    memo.save()
    # A copy of guide/text with one rule file edited: another code version.
    copy = tmp_path / "text"
    shutil.copytree(Path(memo_module.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "numbers.py").write_text(
        (copy / "numbers.py").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    before = memo_module.code_version()
    monkeypatch.setattr(memo_module, "__file__", str(copy / "memo.py"))
    memo_module.code_version.cache_clear()
    try:
        assert memo_module.code_version() != before
        again = SentenceMemo.for_front_end(path, True, LEXICON)
        assert again.get(TEXTS[0][1], "en") is None
    finally:
        monkeypatch.undo()
        memo_module.code_version.cache_clear()
    assert memo_module.code_version() == before


@pytest.mark.parametrize("damage", ["{not json", '{"format": 1, "context": "x", "texts": {}}', "[1, 2]", ""])
def test_a_damaged_memo_is_cold_never_an_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "memo.json"
    path.write_text(damage, encoding="utf-8")
    memo = SentenceMemo.for_front_end(path, True, LEXICON)
    assert sentences(TEXTS[3][1], "ar", FrontEnd(lexicon=LEXICON, memo=memo)) == sentences(
        TEXTS[3][1], "ar", FrontEnd(lexicon=LEXICON)
    )


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "memo.json"
    memo = SentenceMemo.for_front_end(path, True, LEXICON)
    sentences(TEXTS[0][1], "en", FrontEnd(lexicon=LEXICON, memo=memo))
    memo.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["texts"] = {key: [["shown", [[1]]]] for key in data["texts"]}  # a run without its text
    path.write_text(json.dumps(data), encoding="utf-8")
    again = SentenceMemo.for_front_end(path, True, LEXICON)
    assert again.get(TEXTS[0][1], "en") is None


def test_a_memo_for_another_front_end_is_refused_by_the_planner(tmp_path: Path, registry) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SCRIPT, encoding="utf-8")
    script = builder.load(path, registry)
    wrong = SentenceMemo.for_front_end(tmp_path / "memo.json", True, {"en": {"care": "kare"}})
    with pytest.raises(ValueError, match="another lexicon"):
        builder.plan(script, registry, memo=wrong)


def test_planning_twice_expands_nothing_the_second_time_and_plans_the_same(tmp_path: Path, registry) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_SCRIPT, encoding="utf-8")
    script = builder.load(path, registry)
    cache = TakeCache(tmp_path / "cache")
    cold = builder.open_memo(script, cache)
    first = builder.plan(script, registry, memo=cold)
    assert cold.hits == 0 and cold.misses > 10
    cold.save()
    warm = builder.open_memo(script, cache)
    second = builder.plan(script, registry, memo=warm)
    assert warm.misses == 0 and warm.hits == cold.misses
    assert second == first == builder.plan(script, registry)
    # An edited text is expanded again; the memo then holds exactly the script's texts.
    path.write_text(SMALL_SCRIPT.replace("About four months.", "About 4 months."), encoding="utf-8")
    edited = builder.load(path, registry)
    memo = builder.open_memo(edited, cache)
    builder.plan(edited, registry, memo=memo)
    assert memo.misses == 1 and memo.changed
    memo.save()
    held = json.loads(cache.memo_path("small-guide").read_text(encoding="utf-8"))["texts"]
    assert "en\nAbout 4 months." in held and "en\nAbout four months." not in held


# -- stamps --------------------------------------------------------------------------------


def test_stamps_trust_an_unchanged_file_and_rehash_a_changed_one(tmp_path: Path) -> None:
    folder = tmp_path / "guide"
    folder.mkdir()
    target = folder / "a.mp3"
    target.write_bytes(b"ID3 first")
    stamps = FileStamps.load(folder, tmp_path / "stamps.json")
    first = stamps.sha256(target)
    stamps.save()
    again = FileStamps.load(folder, tmp_path / "stamps.json")
    assert again.sha256(target) == first
    # Same size, and the modification time put back: the change time still tells.
    info = target.stat()
    target.write_bytes(b"ID3 other")
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert target.stat().st_size == info.st_size and target.stat().st_mtime_ns == info.st_mtime_ns
    assert again.sha256(target) != first
    target.unlink()
    target.symlink_to(tmp_path / "stamps.json")  # a link is never a file guide wrote
    assert again.sha256(target) is None


def test_stamps_of_another_folder_are_not_used(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.mp3").write_bytes(name.encode())
    stamps = FileStamps.load(tmp_path / "one", tmp_path / "stamps.json")
    stamps.sha256(tmp_path / "one" / "a.mp3")
    stamps.save()
    assert FileStamps.load(tmp_path / "two", tmp_path / "stamps.json").files == {}


@pytest.mark.slow
def test_a_noop_restores_companion_files_changed_or_removed(tmp_path: Path, small_script: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = [str(small_script), "--out", str(out), "--cache-dir", str(cache), "--jobs", "1"]
    assert CliRunner().invoke(main, ["build", *args]).exit_code == 0
    folder = out / "small-guide"
    page = (folder / "index.html").read_bytes()
    vtt = (folder / "en" / "01-care.vtt").read_bytes()
    (folder / "index.html").unlink()
    (folder / "en" / "01-care.vtt").write_bytes(b"WEBVTT\n\nedited by hand\n")
    again = CliRunner().invoke(main, ["build", *args])
    assert again.exit_code == 0, again.output
    assert (folder / "index.html").read_bytes() == page
    assert (folder / "en" / "01-care.vtt").read_bytes() == vtt
    # Nothing left to do now, and a new base_url (given at build time) changes the feed at once.
    assert "nothing to do" in CliRunner().invoke(main, ["build", *args]).output
    feed = CliRunner().invoke(main, ["build", *args, "--base-url", "https://clinic.example/guides/small-guide/"])
    assert feed.exit_code == 0, feed.output
    assert "https://clinic.example/guides/small-guide/" in (folder / "en" / "feed.xml").read_text(encoding="utf-8")
