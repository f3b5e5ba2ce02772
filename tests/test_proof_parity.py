"""guide proof shows each text's parity state (guide.translations.state) next to what was heard: the texts of the
heard sentences, and their state in the terminal, the JSON and proof.html, on small hand-made reports."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import ClassVar

import pytest

from guide.proof.report import (
    LanguageReport,
    ProofReport,
    SentenceResult,
    TextResult,
    TrackFigure,
    as_json,
    html_page,
    parity_words,
    summary,
)
from guide.proof.run import texts_heard
from guide.script.loader import load_script
from guide.text.frontend import FrontEnd
from guide.translations.reviews import Stale, read_record
from guide.translations.state import DIFFERS, NOT_COMPARED, SAME, SOURCE, TextState, text_states

from .test_a11y import axe_source, axe_violations, explain  # noqa: F401 - axe_source is a fixture

SCRIPT = """\
id: parity-guide
title: {en: "Parity guide", ar: "دليل"}
languages: [en, ar]
intro: {en: "Welcome to the clinic. Rest well.", ar: "مرحبا بكم في العيادة. استرح جيدا."}
sections:
  - id: care
    title: {en: "Aftercare", ar: "العناية"}
    body:
      - {en: "Keep it clean. Do not rub it.", ar: "حافظ على نظافته. لا تفركه."}
      - title: {en: "Avoid these", ar: "تجنب هذه"}
        bullets:
          - {en: "Saunas.", ar: "الساونا."}
          - {en: "Alcohol.", ar: "الكحول."}
faq:
  - id: safe
    question: {en: "Is it safe?", ar: "هل هو آمن؟"}
    answer: {en: "Is it safe? Yes, it is.", ar: "هل هو آمن؟ نعم."}
outro: {en: "Goodbye.", ar: "مع السلامة."}
"""

DIAL = "٠٢ ٢٣٤٥ ٦٧٨٩"
"""A phone number written only in the Arabic (marked 'translation differs')."""

STALE = Stale("faq safe, answer", "ar", 17, "Is it safe? Yes.", "Is it safe? Yes, it is.")
"""The English answer changed since the Arabic was reviewed."""


def heard(lang: str, track: str, text: str, missed: int = 0, length: int = 4, flags: tuple[str, ...] = ()):
    """A sentence as the proof reports it."""
    return SentenceResult(
        lang=lang,
        track=track,
        file=f"{lang}/{track}.mp3",
        start=1.0,
        end=2.5,
        text=text,
        expected=text,
        heard=text if not missed else "",
        miss=missed / length,
        missed=missed,
        length=length,
        flags=list(flags),
    )


def state(name: str, label: str, lang: str, parity: str, **more) -> TextState:
    return TextState(name, label, lang, parity, **more)


# --------------------------------------------------------------------------- #
# Which text each heard sentence is of
# --------------------------------------------------------------------------- #


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "guide.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return load_script(path)


def test_each_sentence_is_matched_to_its_text_in_reading_order(script):
    states = {(s.name, s.lang): s for s in text_states(script, read_record(script))}
    sentences = [
        heard("en", "intro", "Welcome to the clinic."),
        heard("en", "intro", "Rest well."),
        heard("en", "care", "Aftercare"),
        heard("en", "care", "Keep it clean."),
        heard("en", "care", "An old sentence the script no longer has."),
        heard("en", "care", "Do not rub it."),
        heard("en", "care", "Avoid these"),
        heard("en", "care", "Saunas."),
        heard("en", "care", "Alcohol."),
        heard("en", "safe", "Is it safe?"),
        heard("en", "safe", "Is it safe?"),  # the answer repeats the question: the answer's, by order
        heard("en", "safe", "Yes, it is."),
        heard("en", "outro", "Goodbye."),
    ]
    texts = texts_heard(script, "en", sentences, states, FrontEnd(lexicon=script.lexicon))
    assert [(t.name, t.label, t.track, [s.text for s in t.sentences]) for t in texts] == [
        ("intro", "intro", "intro", ["Welcome to the clinic.", "Rest well."]),
        ("sections[0].title", "section care, title", "care", ["Aftercare"]),
        ("sections[0].body[0]", "section care, paragraph 1", "care", ["Keep it clean.", "Do not rub it."]),
        ("sections[0].body[1].title", "section care, list 2, title", "care", ["Avoid these"]),
        ("sections[0].body[1].bullets[0]", "section care, list 2, bullet 1", "care", ["Saunas."]),
        ("sections[0].body[1].bullets[1]", "section care, list 2, bullet 2", "care", ["Alcohol."]),
        ("faq[0].question", "faq safe, question", "safe", ["Is it safe?"]),
        ("faq[0].answer", "faq safe, answer", "safe", ["Is it safe?", "Yes, it is."]),
        ("outro", "outro", "outro", ["Goodbye."]),
    ]
    assert all(t.state is states[t.name, "en"] and t.state.parity == SOURCE for t in texts)
    assert sentences[4] not in [s for t in texts for s in t.sentences]  # built before an edit: in no text


def test_arabic_sentences_and_one_track_only(script):
    states = {(s.name, s.lang): s for s in text_states(script, read_record(script))}
    sentences = [heard("ar", "safe", "هل هو آمن؟"), heard("ar", "safe", "هل هو آمن؟"), heard("ar", "safe", "نعم.")]
    texts = texts_heard(script, "ar", sentences, states, FrontEnd())
    assert [(t.name, len(t.sentences), t.state.parity) for t in texts] == [
        ("faq[0].question", 1, SAME),
        ("faq[0].answer", 2, SAME),
    ]


# --------------------------------------------------------------------------- #
# A text's state in words
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text_state, words",
    [
        (state("intro", "intro", "en", SOURCE), "numbers: the English source"),
        (state("intro", "intro", "ar", SAME), "numbers: same as the English"),
        (state("intro", "intro", "fr", NOT_COMPARED), "numbers: not compared (French)"),
        (
            state("intro", "intro", "ar", DIFFERS, message="the English says 50 units (line 4); the Arabic does not"),
            "numbers: differ from the English: the English says 50 units (line 4); the Arabic does not",
        ),
        (
            state("outro", "outro", "ar", SAME, marked=(DIAL, "٣٠")),
            f'numbers: same as the English; marked \'translation differs\': "{DIAL}", "٣٠"',
        ),
        (
            state("faq[0].answer", "faq safe, answer", "ar", SAME, stale=STALE),
            "numbers: same as the English; needs review: the English changed since the Arabic was reviewed: "
            '"Is it safe? [-Yes.-] {+Yes, it is.+}"',
        ),
        (
            state("outro", "outro", "ar", SAME, stale=Stale("outro", "ar", 20, None, "Goodbye.")),
            "numbers: same as the English; needs review: added since the Arabic was last reviewed",
        ),
    ],
    ids=["source", "same", "not-compared", "differs", "marked", "stale", "added"],
)
def test_parity_words(text_state, words):
    assert parity_words(text_state, "en") == words


# --------------------------------------------------------------------------- #
# The report: terminal, JSON, proof.html
# --------------------------------------------------------------------------- #


def language(lang: str, texts: list[TextResult]) -> LanguageReport:
    """A language's report of `texts`, its sentences in order and a figure per track."""
    lr = LanguageReport(lang, f"voice:{lang}", 0.3, texts=texts)
    lr.sentences = [s for t in texts for s in t.sentences]
    for t in texts:
        figure = lr.tracks.setdefault(t.track, TrackFigure(t.track, f"{lang}/{t.track}.mp3", f"{t.track} title"))
        figure.flagged += t.flagged
    return lr


@pytest.fixture
def report(tmp_path) -> ProofReport:
    """English (the source), Arabic with every state, and French (not compared)."""
    en = language(
        "en",
        [
            TextResult("intro", state("intro", "intro", "en", SOURCE), [heard("en", "intro", "Welcome.")]),
            TextResult(
                "safe",
                state("faq[0].answer", "faq safe, answer", "en", SOURCE),
                [heard("en", "safe", "Is it safe? Yes, it is.", missed=1)],
            ),
        ],
    )
    ar = language(
        "ar",
        [
            TextResult("intro", state("intro", "intro", "ar", SAME), [heard("ar", "intro", "مرحبا.")]),
            TextResult(
                "safe",
                state("faq[0].question", "faq safe, question", "ar", SAME),
                [heard("ar", "safe", "هل هو آمن؟")],
            ),
            TextResult(
                "safe",
                state("faq[0].answer", "faq safe, answer", "ar", SAME, stale=STALE),
                [heard("ar", "safe", "هل هو آمن؟"), heard("ar", "safe", "نعم.", missed=2, flags=("heard wrong",))],
            ),
            TextResult(
                "call",
                state("sections[0].body[0]", "section call, paragraph 1", "ar", SAME, marked=(f"{DIAL} <b>&",)),
                [heard("ar", "call", f"اتصل {DIAL} <b>&")],
            ),
        ],
    )
    ar.sentences.append(heard("ar", "call", "جملة قديمة."))  # built before an edit: in no text
    fr = language(
        "fr", [TextResult("intro", state("intro", "intro", "fr", NOT_COMPARED), [heard("fr", "intro", "Bienvenue.")])]
    )
    return ProofReport("parity-guide", tmp_path, {"en": en, "ar": ar, "fr": fr}, 0, 9, {"name": "whisper"}, source="en")


def test_terminal_counts_the_states_and_says_each_texts(report):
    lines = summary(report)
    at = {lang: next(n for n, line in enumerate(lines) if line.startswith(f"{lang} (")) for lang in ("en", "ar", "fr")}
    english, arabic, french = lines[at["en"] : at["ar"]], lines[at["ar"] : at["fr"]], lines[at["fr"] :]
    assert "  2 texts: 2 in the source language (English)" in english
    # The source's texts have nothing to say: the track lines as they were.
    assert f"  {'en/intro.mp3':<34} {0:6.1%}   0 flagged  intro title" in english
    assert not any("numbers:" in line for line in english)
    assert "  4 texts: 4 same numbers as the English; 1 needs review; 1 with words marked 'translation differs'" in (
        arabic
    )
    # A track whose texts all say the same: after its line.
    assert f"  {'ar/intro.mp3':<34} {0:6.1%}   0 flagged  intro title  · numbers: same as the English" in arabic
    assert (
        f"  {'ar/call.mp3':<34} {0:6.1%}   0 flagged  call title  · numbers: same as the English; "
        f"marked 'translation differs': \"{DIAL} <b>&\"" in arabic
    )
    # A track whose texts differ: one line per text under it, with the text's own figure.
    track = arabic.index(f"  {'ar/safe.mp3':<34} {0:6.1%}   1 flagged  safe title")
    assert arabic[track + 1 : track + 3] == [
        f"    {'faq safe, question':<32} {0:6.1%}   0 flagged  numbers: same as the English",
        f"    {'faq safe, answer':<32} {0.25:6.1%}   1 flagged  numbers: same as the English; needs review: "
        'the English changed since the Arabic was reviewed: "Is it safe? [-Yes.-] {+Yes, it is.+}"',
    ]
    assert "  1 text: 1 numbers not compared" in french
    assert f"  {'fr/intro.mp3':<34} {0:6.1%}   0 flagged  intro title  · numbers: not compared (French)" in french


def test_json_has_a_parity_object_per_text(report):
    data = json.loads(as_json(report))
    assert data["source_language"] == "en"
    ar = data["languages"]["ar"]
    answer = next(t for t in ar["texts"] if t["name"] == "faq[0].answer")
    assert answer == {
        "name": "faq[0].answer",
        "label": "faq safe, answer",
        "track": "safe",
        "miss": 0.25,
        "flagged": 1,
        "sentences": [2, 3],
        "parity": {
            "state": "same",
            "words": "numbers: same as the English; needs review: the English changed since the Arabic was "
            'reviewed: "Is it safe? [-Yes.-] {+Yes, it is.+}"',
            "message": "",
            "marked": [],
            "stale": "Is it safe? [-Yes.-] {+Yes, it is.+}",
        },
    }
    assert [ar["sentences"][n]["text"] for n in answer["sentences"]] == ["هل هو آمن؟", "نعم."]
    call = next(t for t in ar["texts"] if t["track"] == "call")["parity"]
    assert call["marked"] == [f"{DIAL} <b>&"] and call["stale"] is None
    assert len(ar["texts"]) == 4 and len(ar["sentences"]) == 6  # the old sentence is in no text
    assert data["languages"]["en"]["texts"][0]["parity"] == {
        "state": "source",
        "words": "numbers: the English source",
        "message": "",
        "marked": [],
        "stale": None,
    }
    assert data["languages"]["fr"]["texts"][0]["parity"]["state"] == "not compared"


class _Balance(HTMLParser):
    """Checks that the page's elements nest (every opened element is closed in order)."""

    VOID: ClassVar[set[str]] = {"meta", "br", "img", "input", "link", "hr", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()


def test_proof_page_says_each_texts_state_in_words_isolating_the_scripts_words(report):
    page = html_page(report, "Parity guide")
    balance = _Balance()
    balance.feed(page)
    assert balance.open == []
    ar = page[page.index('<section lang="ar" dir="rtl">') : page.index('<section lang="fr">')]
    assert (
        '<p dir="ltr" lang="en">4 texts: 4 same numbers as the English; 1 needs review; '
        "1 with words marked &#x27;translation differs&#x27;</p>" in ar
    )
    # The English diff inside the Arabic section is isolated and marked English.
    answer = (
        '<p class="parity" lang="en" dir="ltr"><span class="label">faq safe, answer</span>: numbers: same as the '
        "English; needs review: the English changed since the Arabic was reviewed: "
        '“<bdi lang="en" dir="ltr">Is it safe? [-Yes.-] {+Yes, it is.+}</bdi>”</p>'
    )
    assert answer in ar
    # Each text's state comes right before its own sentences.
    after = ar[ar.index(answer) + len(answer) :]
    assert after.startswith('\n<ol class="sentences">')
    assert after.index("نعم.") < after.index('class="parity"')
    # Words marked 'translation differs' are the text's own (Arabic, right to left), escaped.
    assert f'“<bdi lang="ar" dir="rtl">{DIAL} &lt;b&gt;&amp;</bdi>”' in ar
    assert "<b>&" not in page
    # The sentence no longer in the script is listed, under no state.
    old = ar.index("جملة قديمة.")
    assert ar.rindex("</ol>", 0, old) > ar.rindex('class="parity"', 0, old)
    en = page[page.index('<section lang="en">') : page.index('<section lang="ar"')]
    assert '<span class="label">intro</span>: numbers: the English source</p>' in en
    fr = page[page.index('<section lang="fr">') :]
    assert '<span class="label">intro</span>: numbers: not compared (French)</p>' in fr


@pytest.mark.slow
def test_proof_page_with_states_has_no_serious_axe_violation(chromium, axe_source, report, tmp_path):
    page = tmp_path / "proof.html"
    page.write_text(html_page(report, "Parity guide"), encoding="utf-8")
    tab = chromium.new_page(viewport={"width": 390, "height": 844})
    tab.goto(page.as_uri())
    assert tab.locator("section[lang=ar] p.parity").count() == 4
    found = axe_violations(tab, axe_source)
    tab.close()
    assert not found, explain(found)


def test_sentences_a_fallback_voice_spoke_are_said_so_everywhere(report):
    """A sentence its own voice failed to record, spoken by the fallback: the terminal, JSON and page say so."""
    ar = report.languages["ar"]
    spoken_by_backup = ar.sentences[0]
    spoken_by_backup.fallback = "espeak:ar"
    lines = summary(report)
    assert f"  1 sentence of {len(ar.sentences)} spoken by the fallback voice espeak:ar, not {ar.voice}: " in (
        "\n".join(lines)
    )
    data = json.loads(as_json(report))
    assert data["languages"]["ar"]["sentences"][0]["fallback"] == "espeak:ar"
    assert data["languages"]["ar"]["sentences"][1]["fallback"] is None
    page = html_page(report, "Parity guide")
    assert f"spoken by the fallback voice espeak:ar, not {ar.voice}" in page
    assert page.count('class="backup"') == 1
