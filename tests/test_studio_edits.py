"""Editing texts in place (the studio's save): only the edited texts change, every other character stays."""

from __future__ import annotations

import difflib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.builder import load
from guide.studio.edits import EditError, edit_texts, text_places

from .conftest import SAMPLE_SCRIPT

HAND_FORMATTED = """\
# A hand-formatted script: comments, every quoting style, blank lines, flow and block values.
id: hand   # the guide's id

title: {en: "Hand made", ar: 'صنع يدوي'}   # flow mapping, two quoting styles
languages: [en, ar]

intro:
  # the intro, in both languages
  en: Welcome, patient.    # plain
  ar: |
    مرحبا بك.
    نتمنى لك الشفاء.

sections:
  - id: care   # a chapter
    title:
      en: 'Aftercare'
      ar: "العناية بعد العلاج"

    body:
      - en: >
          Rest for two days
          after the treatment.
        ar: استرح يومين بعد العلاج.
      - title: {en: Avoid, ar: تجنب}
        bullets:
          - {en: "Saunas", ar: "الساونا"}
          - en: Alcohol   # for 24 hours
            ar: الكحول

faq:
  - id: pain
    question: {en: "Does it hurt?", ar: هل يؤلم؟}
    answer:
      en: "A little."
      ar: ''
outro: {en: Goodbye., ar: مع السلامة.}
# the end
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def test_every_text_of_the_sample_is_found_with_its_value(registry):
    source = SAMPLE_SCRIPT.read_text(encoding="utf-8")
    script = load(SAMPLE_SCRIPT, registry)
    places = text_places(source)
    expected = {(name, lang): text.by_lang[lang] for name, text in script.texts() for lang in script.languages}
    assert set(places) == set(expected)
    for key, text in expected.items():
        assert " ".join(places[key].value.split()) == text, key


@pytest.mark.parametrize(
    ("key", "new"),
    [
        (("title", "en"), "Made by hand"),  # double-quoted in a flow mapping
        (("title", "ar"), "صنع باليد"),  # single-quoted
        (("intro", "en"), "Welcome: dear patient #1"),  # plain, but ": " and " #" need quotes
        (("intro", "ar"), "مرحبا.\nأهلا بك."),  # a literal block stays a block
        (("sections[0].title", "en"), "It's aftercare"),  # a quote inside single quotes
        (("sections[0].body[0]", "en"), "Rest for three days."),  # a folded block
        (("sections[0].body[1].bullets[0]", "ar"), "الساونا والحمام"),
        (("sections[0].body[1].bullets[1]", "en"), "Alcohol and smoking"),  # plain, comment after it kept
        (("faq[0].question", "en"), "Will it hurt, {really}?"),  # flow mapping: , and {} need quotes
        (("faq[0].answer", "ar"), "قليلا."),  # an empty text, "to translate"
        (("outro", "ar"), "مع السلامة، وإلى اللقاء."),
    ],
)
def test_only_the_edited_text_changes(key, new):
    after = edit_texts(HAND_FORMATTED, {key: new})
    assert text_places(after)[key].value.strip() == new
    before_data, after_data = yaml.safe_load(HAND_FORMATTED), yaml.safe_load(after)
    # Every comment and every other line is as it was.
    assert [line for line in after.splitlines() if "#" in line and line.lstrip().startswith("#")] == [
        line for line in HAND_FORMATTED.splitlines() if "#" in line and line.lstrip().startswith("#")
    ]
    others = {k: p.value for k, p in text_places(HAND_FORMATTED).items() if k != key}
    assert {k: p.value for k, p in text_places(after).items() if k != key} == others
    place = text_places(HAND_FORMATTED)[key]
    assert after[: place.start] == HAND_FORMATTED[: place.start]  # every character before the value
    tail = len(HAND_FORMATTED) - place.end
    assert after[len(after) - tail :] == HAND_FORMATTED[place.end :]  # and after it
    assert before_data["id"] == after_data["id"]


def test_several_edits_at_once_and_nothing_else():
    edits = {("intro", "en"): "Hello.", ("faq[0].answer", "en"): "Only a little.", ("outro", "en"): "Bye."}
    after = edit_texts(HAND_FORMATTED, edits)
    assert len(changed_lines(HAND_FORMATTED, after)) == 6  # three lines out, three in
    for key, text in edits.items():
        assert text_places(after)[key].value == text


def test_an_unchanged_text_leaves_the_file_identical():
    assert edit_texts(HAND_FORMATTED, {("intro", "en"): "Welcome, patient."}) is HAND_FORMATTED


def test_an_unknown_text_or_language_is_refused():
    with pytest.raises(EditError, match=r"no such text to edit: faq\[9\].answer.en"):
        edit_texts(HAND_FORMATTED, {("faq[9].answer", "en"): "x"})
    with pytest.raises(EditError, match=r"intro.fr"):
        edit_texts(HAND_FORMATTED, {("intro", "fr"): "x"})


def test_the_sample_edited_still_loads_with_only_that_text_changed(tmp_path, registry):
    source = SAMPLE_SCRIPT.read_text(encoding="utf-8")
    after = edit_texts(source, {("faq[1].answer", "ar"): "جواب جديد: نادر جدا."})
    assert len(changed_lines(source, after)) == 2
    path = tmp_path / "sample.yaml"
    path.write_text(after, encoding="utf-8")
    script = load(path, registry)
    assert script.faq[1].answer.by_lang["ar"] == "جواب جديد: نادر جدا."


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(sorted(text_places(HAND_FORMATTED))),
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip),
)
def test_any_text_reads_back_exactly(key, text):
    after = edit_texts(HAND_FORMATTED, {key: text})
    assert text_places(after)[key].value == text
    others = {k: p.value for k, p in text_places(HAND_FORMATTED).items() if k != key}
    assert {k: p.value for k, p in text_places(after).items() if k != key} == others


# --------------------------------------------------------------------------- #
# Saving: checked, atomic, refused over a change on disk, with history and undo
# --------------------------------------------------------------------------- #


def test_a_save_writes_the_edit_and_keeps_the_previous_version(tmp_path, registry):
    from guide.studio.saving import read, save, undo, versions

    script = tmp_path / "scripts" / "sample.yaml"
    script.parent.mkdir()
    original = SAMPLE_SCRIPT.read_text(encoding="utf-8")
    script.write_text(original, encoding="utf-8")
    cache = tmp_path / "cache"
    loaded = read(script)
    unchanged = text_places(original)[("faq[0].answer", "ar")].value
    saved = save(
        loaded,
        {("faq[0].answer", "en"): "Every 3 to 6 months.", ("faq[0].answer", "ar"): unchanged},
        cache,
        registry.check_voice,
    )
    assert saved.changed == (("faq[0].answer", "en"),)  # a text given as it was is not a change
    assert script.read_text(encoding="utf-8") == saved.loaded.text != original
    assert saved.script.faq[0].answer.by_lang["en"] == "Every 3 to 6 months."
    assert [p.read_text(encoding="utf-8") for p in versions(cache, script)] == [original]
    assert not any(p.name != "sample.yaml" for p in script.parent.iterdir())  # nothing else in scripts/
    undone = undo(saved.loaded, cache, registry.check_voice)
    assert script.read_text(encoding="utf-8") == original == undone.loaded.text


def test_a_save_over_a_change_on_disk_is_refused(tmp_path):
    from guide.studio.saving import ChangedOnDisk, read, save

    script = tmp_path / "hand.yaml"
    script.write_text(HAND_FORMATTED, encoding="utf-8")
    loaded = read(script)
    script.write_text(HAND_FORMATTED.replace("Goodbye.", "Bye now."), encoding="utf-8")  # a git pull
    with pytest.raises(ChangedOnDisk, match="changed on disk since it was opened"):
        save(loaded, {("intro", "en"): "Hello."}, tmp_path / "cache")
    assert "Bye now." in script.read_text(encoding="utf-8") and "Hello." not in script.read_text(encoding="utf-8")


def test_a_save_that_breaks_a_rule_writes_nothing(tmp_path):
    from guide.errors import ScriptError
    from guide.studio.saving import read, save, versions

    script = tmp_path / "hand.yaml"
    script.write_text(HAND_FORMATTED, encoding="utf-8")
    loaded = read(script)
    with pytest.raises(ScriptError, match="unknown markup"):
        save(loaded, {("intro", "en"): "Rest [sigh] now."}, tmp_path / "cache")
    assert script.read_text(encoding="utf-8") == HAND_FORMATTED and not versions(tmp_path / "cache", script)


def test_the_history_keeps_the_last_twenty_versions(tmp_path):
    from guide.studio.saving import KEEP, read, save, versions

    script = tmp_path / "hand.yaml"
    script.write_text(HAND_FORMATTED, encoding="utf-8")
    loaded = read(script)
    for n in range(KEEP + 3):
        loaded = save(loaded, {("outro", "en"): f"Goodbye {n}."}, tmp_path / "cache").loaded
    kept = versions(tmp_path / "cache", script)
    assert len(kept) == KEEP
    assert "Goodbye 21." in kept[-1].read_text(encoding="utf-8")


# --------------------------------------------------------------------------- #
# The page's view: every text side by side, each sentence's state
# --------------------------------------------------------------------------- #


def test_the_view_shows_recorded_changed_and_to_translate(small_build, tmp_path, registry):
    import shutil

    from guide.builder import load, resolve_voices
    from guide.cache import TakeCache
    from guide.studio.view import CHANGED, RECORDED, TO_TRANSLATE, guide_view

    root = tmp_path / "copy"
    shutil.copytree(small_build, root, symlinks=True)
    path = root / "small.yaml"
    script = load(path, registry)
    cache = TakeCache(root / "cache")
    view = guide_view(script, resolve_voices(script, registry), cache)
    assert {(v.name, v.lang) for v in view} == {(name, lang) for name, _ in script.texts() for lang in script.languages}
    assert all(v.state == RECORDED for v in view), [(v.name, v.lang, v.state) for v in view if v.state != RECORDED]
    assert all(v.rtl == (v.lang == "ar") for v in view)

    # One answer edited and one translation emptied: that answer is "changed", the emptied one "to translate".
    from guide.studio.saving import read, save

    saved = save(
        read(path), {("faq[0].answer", "en"): "A brand new answer.", ("outro", "ar"): ""}, tmp_path / "history"
    )
    script = saved.script
    view = {
        (v.name, v.lang): v
        for v in guide_view(
            script, resolve_voices(script, registry), cache, {("en", "A brand new answer."): ["heard wrong"]}
        )
    }
    assert view[("faq[0].answer", "en")].state == CHANGED
    assert view[("faq[0].answer", "en")].sentences[0].flags == ("heard wrong",)
    assert view[("outro", "ar")].state == TO_TRANSLATE
    assert sum(v.state == CHANGED for v in view.values()) == 1
