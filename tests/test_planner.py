"""Planning is pure: the track list, file names, steps and announcements follow the script."""

from __future__ import annotations

from guide.builder import load, plan
from guide.planner import Pause, TrackRef, Utterance

from .conftest import SAMPLE_SCRIPT


def test_track_list_matches_the_script(small_script, registry):
    the_plan = plan(load(small_script, registry), registry)
    assert [lp.lang for lp in the_plan.languages] == ["en", "ar"]
    en = the_plan.languages[0]
    assert [(t.id, t.kind, t.file) for t in en.tracks] == [
        ("intro", "intro", "en/00-intro.mp3"),
        ("care", "section", "en/01-care.mp3"),
        ("how-long", "faq", "en/02-how-long.mp3"),
        ("outro", "outro", "en/03-outro.mp3"),
    ]
    assert en.full.file == "en/small-guide.en.mp3"
    ar = the_plan.languages[1]
    assert [t.title for t in ar.tracks] == ["المقدمة", "العناية", "كم يدوم؟", "الخاتمة"]


def test_section_reads_title_paragraphs_and_bullets_with_pauses(small_script, registry):
    script = load(small_script, registry)
    section = plan(script, registry).languages[0].tracks[1]
    pauses = script.pauses
    kinds = [(s.role, s.text) if isinstance(s, Utterance) else s.seconds for s in section.steps]
    assert kinds == [
        ("title", "Care"),
        pauses.paragraph,
        ("paragraph", "Rest well."),
        pauses.paragraph,
        ("title", "Tips"),
        pauses.bullet,
        ("bullet", "Drink water"),
        pauses.bullet,
        ("bullet", "Sleep early"),
    ]


def test_faq_track_is_question_pause_answer(small_script, registry):
    script = load(small_script, registry)
    faq = plan(script, registry).languages[1].tracks[2]
    assert [(s.role, s.text) if isinstance(s, Utterance) else s.seconds for s in faq.steps] == [
        ("question", "كم يدوم؟"),
        script.pauses.question,
        ("answer", "نحو أربعة أشهر."),
    ]


def test_full_guide_announces_chapters_in_its_language(small_script, registry):
    the_plan = plan(load(small_script, registry), registry)
    spoken = {
        lp.lang: [
            s.text if isinstance(s, Utterance) else f"<{s.index}>" if isinstance(s, TrackRef) else f"#{s.index}"
            for s in lp.full.steps
            if not isinstance(s, Pause)
        ]
        for lp in the_plan.languages
    }
    # "#n": chapter n starts (with its announcement); "<n>": track n plays.
    assert spoken["en"] == [
        "#0",
        "Small guide",
        "<0>",
        "#1",
        "Chapter one.",
        "<1>",
        "#2",
        "Frequently asked questions.",
        "Question one.",
        "<2>",
        "#3",
        "Conclusion.",
        "<3>",
    ]
    assert spoken["ar"] == [
        "#0",
        "دليل صغير",
        "<0>",
        "#1",
        "الفصل الأول.",
        "<1>",
        "#2",
        "الأسئلة الشائعة.",
        "السؤال الأول.",
        "<2>",
        "#3",
        "الخاتمة.",
        "<3>",
    ]


def test_every_track_is_in_the_full_guide_once(registry):
    the_plan = plan(load(SAMPLE_SCRIPT, registry), registry)
    for lp in the_plan.languages:
        refs = [s.index for s in lp.full.steps if isinstance(s, TrackRef)]
        assert refs == list(range(len(lp.tracks))) == list(range(10))
        chapters = [s.text for s in lp.full.steps if isinstance(s, Utterance) and s.role == "announcement"]
        # the guide's title, then chapters one to three
        assert chapters[3] == {"en": "Chapter three.", "ar": "الفصل الثالث."}[lp.lang]


def test_sentences_are_split_per_language(small_script, registry):
    the_plan = plan(load(small_script, registry), registry)
    intro_en = the_plan.languages[0].tracks[0].steps[0]
    intro_ar = the_plan.languages[1].tracks[0].steps[0]
    assert [s.text for s in intro_en.sentences] == ["Welcome.", "This is a short guide."]
    assert [s.text for s in intro_ar.sentences] == ["مرحبا بكم.", "هذا دليل قصير."]


def test_identical_texts_are_recorded_once(write_script, registry):
    path = write_script('id: twice\ntitle: {en: "Same"}\nlanguages: [en]\nintro: {en: "Same"}\noutro: {en: "Same"}\n')
    the_plan = plan(load(path, registry), registry)
    assert [t.text for t in the_plan.takes()] == ["Same", "Conclusion."]


def test_language_subset(small_script, registry):
    the_plan = plan(load(small_script, registry), registry, ["ar"])
    assert [lp.lang for lp in the_plan.languages] == ["ar"]
