"""What was written against what was heard: pure text functions, no audio, no model.

The reference is the sentence as the script writes it (inline markup already
removed, as the manifest shows it), with numbers, units and symbols expanded by
the front-end's own :func:`~guide.text.numbers.speakable`, but with no lexicon
respelling: the listener must hear what is written. Runs in another script are
left out of the reference (the recogniser listens in the track's language only).
What was heard gets the same expansion, so "15" and "fifteen" compare equal.

Units compared:

* ``words`` (English and every language but Arabic): case-folded words, punctuation
  dropped, hyphens and dashes split words, apostrophes dropped ("it's" = "its").
* ``characters`` (Arabic): letters only, spaces ignored, diacritics and tatweel
  removed, alef forms (أ إ آ ٱ) -> ا, ى -> ي, ة -> ه.

The miss rate of a sentence is (substitutions + deletions) / reference length,
from a Levenshtein alignment of the units; words the recogniser added
(insertions) are not a miss.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..text.codeswitch import foreign_runs
from ..text.lexicon import entries_for
from ..text.numbers import speakable

DEFAULT_MAX_MISS = {"en": 0.25, "ar": 0.6}
"""Per language, the miss rate above which a sentence is flagged as heard wrong.

English is words; Arabic is characters, and Whisper base understands espeak-ng's
Arabic poorly (most of a sentence is missed: see docs), so its bar is high and its
figure says more about the recogniser than about the voice.
"""

FALLBACK_MAX_MISS = 0.3
"""The bar for a language not in :data:`DEFAULT_MAX_MISS`."""

NUMBER_NOT_HEARD = "number not heard as written"
"""How the flag of a number the recogniser did not hear as written starts (``guide proof`` exits 1 for it)."""

REPEATED = 2
"""A written word the recogniser hears as the same other word this many times is reported with a lexicon fix."""

_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_APOSTROPHES = re.compile("['’‘ʼ`´]")
_SPLITTERS = re.compile(r"[-‐‑‒–—―/_]")
_INNER_DOT = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")


def base_of(lang: str) -> str:
    return lang.split("-")[0].lower()


def unit_of(lang: str) -> str:
    """``characters`` for Arabic, ``words`` for every other language."""
    return "characters" if base_of(lang) == "ar" else "words"


def max_miss_for(lang: str, given: float | None = None) -> float:
    """The flag threshold for `lang`: the one given (``--max-miss``), else the language's default."""
    return given if given is not None else DEFAULT_MAX_MISS.get(base_of(lang), FALLBACK_MAX_MISS)


# --------------------------------------------------------------------------- #
# Normalisation
# --------------------------------------------------------------------------- #


def fold_arabic(text: str) -> str:
    """Arabic letters unified: diacritics and tatweel removed, alef forms, ى and ة folded."""
    return _AR_MARKS.sub("", unicodedata.normalize("NFC", text)).translate(_AR_FOLD)


def words_of(text: str, lang: str) -> list[str]:
    """`text` (already expanded) as comparable words: case-folded, punctuation and symbols dropped.

    Hyphens, dashes and slashes split words; apostrophes and dots inside a word ("e.g.")
    vanish; digits are kept
    (a number the expansion could not read stays a token of its own).
    """
    text = unicodedata.normalize("NFKC", text)
    if base_of(lang) == "ar":
        text = fold_arabic(text)
    text = _INNER_DOT.sub("", _APOSTROPHES.sub("", text.casefold()))
    text = _SPLITTERS.sub(" ", text)
    kept = "".join(c if (c.isalnum() or c.isspace()) and unicodedata.category(c)[0] in "LNZ" else " " for c in text)
    return kept.split()


def _written_tokens(text: str, lang: str) -> list[tuple[str, str, int, int]]:
    """(comparable, as written, start, end) tokens of an unexpanded text, numbers kept whole ("3–6", "2.5", "10:30")."""
    out = []
    for match in re.finditer(r"\S+", text):
        stripped = match.group(0).strip(".,;:!?؟،؛\"'“”‘’«»()[]{}…")
        if not stripped:
            continue
        if any(c.isdigit() for c in stripped):
            out.append((stripped, stripped, match.start(), match.end()))
            continue
        for word in words_of(stripped, lang):
            out.append((word, stripped, match.start(), match.end()))
    return out


def expand(text: str, lang: str) -> str:
    """Numbers, units and symbols of `text` as words, the front-end's way (no lexicon)."""
    return speakable(text, base_of(lang) if base_of(lang) in ("en", "ar") else lang)


def own_text(text: str, lang: str, code_switch: bool = True) -> str:
    """The parts of an (expanded) sentence the voice of `lang` says: runs in the other script left out."""
    if not code_switch:
        return text
    return " ".join(part for run_lang, part in foreign_runs(text, lang) if run_lang == lang)


# --------------------------------------------------------------------------- #
# Reference and alignment
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Watched:
    """A stretch of the reference that must be heard exactly: a number, unit, dose or date, or a lexicon word."""

    kind: str
    """``number`` or ``lexicon``."""

    written: str
    """As the script writes it ("50 units", "Botox")."""

    words: tuple[int, int]
    """Its reference words [start, end)."""

    said_as: str = ""
    """For a lexicon word: what the voice was told to say."""


@dataclass(frozen=True)
class Reference:
    """One sentence as the listener should hear it."""

    lang: str
    """Language of the track."""

    text: str
    """The reference text: the sentence's own-language runs, expanded."""

    words: tuple[str, ...]
    """Comparable words of `text`."""

    units: tuple[str, ...]
    """What the miss rate counts: the words, or (Arabic) their letters."""

    word_units: tuple[tuple[int, int], ...]
    """Per word, its range of units."""

    watched: tuple[Watched, ...] = ()
    """Numbers and lexicon words that must all be heard."""


def _units(words: Sequence[str], lang: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    if unit_of(lang) == "words":
        return tuple(words), tuple((i, i + 1) for i in range(len(words)))
    units: list[str] = []
    ranges = []
    for word in words:
        ranges.append((len(units), len(units) + len(word)))
        units.extend(word)
    return tuple(units), tuple(ranges)


def _blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Levenshtein opcodes of `a` -> `b` with adjacent differences merged: (tag, a1, a2, b1, b2)."""
    from rapidfuzz.distance import Levenshtein  # noqa: PLC0415 - the optional proof extra: check_installed() names it

    merged: list[tuple[str, int, int, int, int]] = []
    for op in Levenshtein.opcodes(list(a), list(b)):
        tag, a1, a2, b1, b2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag != "equal" and merged and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], a2, merged[-1][3], b2)
        else:
            merged.append((tag, a1, a2, b1, b2))
    return merged


def reference(
    shown: str, lang: str, lexicon: Mapping[str, Mapping[str, str]] | None = None, code_switch: bool = True
) -> Reference:
    """The reference of the sentence `shown` (as the manifest has it) in `lang`, with what to watch.

    Numbers are found by aligning the written words with the expanded ones: a
    stretch the expansion rewrote that holds a digit is a number (with its unit).
    """
    shown = " ".join(shown.split())
    # As the front-end does: numbers and symbols first (so "20 mg" in Arabic becomes Arabic words), then the cut.
    text = " ".join(own_text(expand(shown, lang), lang, code_switch).split())
    words = words_of(text, lang)
    written = _written_tokens(shown, lang)
    watched: list[Watched] = []
    # written token index -> reference word range, from the alignment of written and expanded words
    spans: list[tuple[int, int]] = [(0, 0)] * len(written)
    for tag, a1, a2, b1, b2 in _blocks([token[0] for token in written], words):
        if tag == "equal":
            for k in range(a2 - a1):
                spans[a1 + k] = (b1 + k, b1 + k + 1)
            continue
        for k in range(a1, a2):
            spans[k] = (b1, b2)
        originals = _originals(written[a1:a2])
        if b2 > b1 and any(c.isdigit() for c in originals):
            watched.append(Watched("number", originals, (b1, b2)))
    for key, said in entries_for(lexicon or {}, lang):
        watched.extend(_lexicon_spans(key, said, shown, written, spans))
    units, word_units = _units(words, lang)
    return Reference(lang, text, tuple(words), units, word_units, tuple(sorted(watched, key=lambda w: w.words)))


def _originals(tokens: Sequence[tuple[str, str, int, int]]) -> str:
    out: list[str] = []
    for token in tokens:
        if not out or out[-1] != token[1]:
            out.append(token[1])
    return " ".join(out)


def _lexicon_spans(
    key: str, said: str, text: str, written: list[tuple[str, str, int, int]], spans: list[tuple[int, int]]
) -> list[Watched]:
    """Where the lexicon key `key` occurs in `text`, as the lexicon matches it (a lowercase key in any case)."""
    flags = 0 if key != key.lower() else re.IGNORECASE
    found = []
    for match in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", text, flags):
        inside = [i for i, token in enumerate(written) if token[2] < match.end() and token[3] > match.start()]
        if not inside:
            continue
        first, last = spans[inside[0]][0], spans[inside[-1]][1]
        if last > first:
            found.append(Watched("lexicon", key, (first, last), said))
    return found


@dataclass(frozen=True)
class Score:
    """How well one sentence was heard."""

    heard_words: tuple[str, ...]
    """Comparable words of what was heard (expanded)."""

    substitutions: int
    """Reference units heard as something else."""

    deletions: int
    """Reference units not heard at all."""

    insertions: int
    """Units heard that are not in the reference (not a miss)."""

    length: int
    """Reference units."""

    missed: frozenset[int] = field(default_factory=frozenset)
    """Indices of the reference units substituted or deleted."""

    word_blocks: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    """Word-level differences: (reference words, heard words), in order."""

    word_heard: tuple[tuple[int, int, int, int], ...] = ()
    """Word-level alignment blocks (ref start, ref end, heard start, heard end), equal ones included."""

    @property
    def miss(self) -> float:
        """Share of the reference missed; 0 for an empty reference."""
        return (self.substitutions + self.deletions) / self.length if self.length else 0.0


def score(ref: Reference, heard: str) -> Score:
    """Align what was heard with the reference: substitutions, deletions, insertions, and which units were missed."""
    from rapidfuzz.distance import Levenshtein  # noqa: PLC0415 - the optional proof extra: check_installed() names it

    heard_words = words_of(expand(heard, ref.lang), ref.lang)
    heard_units, _ = _units(heard_words, ref.lang)
    subs = dels = ins = 0
    missed: set[int] = set()
    for op in Levenshtein.editops(list(ref.units), list(heard_units)):
        if op.tag == "replace":
            subs += 1
            missed.add(op.src_pos)
        elif op.tag == "delete":
            dels += 1
            missed.add(op.src_pos)
        else:
            ins += 1
    blocks = _blocks(ref.words, heard_words)
    diffs = tuple(
        (tuple(ref.words[a1:a2]), tuple(heard_words[b1:b2])) for tag, a1, a2, b1, b2 in blocks if tag != "equal"
    )
    aligned = tuple((a1, a2, b1, b2) for _, a1, a2, b1, b2 in blocks)
    return Score(tuple(heard_words), subs, dels, ins, len(ref.units), frozenset(missed), diffs, aligned)


def heard_for(result: Score, words: tuple[int, int]) -> str:
    """What was heard where the reference words [start, end) are ("" when nothing was)."""
    start, end = words
    out: list[str] = []
    for a1, a2, b1, b2 in result.word_heard:
        if a1 == a2:  # heard, not written: counts when it falls inside the stretch
            if start < a1 < end:
                out.extend(result.heard_words[b1:b2])
        elif a1 < end and a2 > start:
            if a2 - a1 == b2 - b1:  # equal or one for one: only the overlap
                lo, hi = max(a1, start), min(a2, end)
                out.extend(result.heard_words[b1 + lo - a1 : b1 + hi - a1])
            else:
                out.extend(result.heard_words[b1:b2])
    return " ".join(out)


def _unit_range(ref: Reference, words: tuple[int, int]) -> range:
    """The reference units of the words [start, end)."""
    if words[1] <= words[0]:
        return range(0)
    return range(ref.word_units[words[0]][0], ref.word_units[words[1] - 1][1])


# --------------------------------------------------------------------------- #
# Flags
# --------------------------------------------------------------------------- #


def flags(ref: Reference, result: Score, max_miss: float, said_otherwise: Iterable[Watched] = ()) -> list[str]:
    """Short reasons this sentence needs a listen; empty when it was heard right.

    A number or lexicon word not heard as written is always flagged. The sentence
    is flagged as heard wrong when its miss rate is above `max_miss` once the
    units those flags already explain are set aside (one wrong number in a short
    sentence is one flag, not two).
    """
    out = []
    explained: set[int] = set()
    quiet = set(said_otherwise)
    for item in ref.watched:
        units = _unit_range(ref, item.words)
        if not any(i in result.missed for i in units):
            continue
        explained.update(units)
        if item in quiet:
            continue
        heard = heard_for(result, item.words) or "nothing"
        expected = " ".join(ref.words[item.words[0] : item.words[1]])
        if item.kind == "number":
            out.append(f"{NUMBER_NOT_HEARD}: '{item.written}' ({expected}) heard as '{heard}'")
        else:
            out.append(f"lexicon word '{item.written}' (said as '{item.said_as}') heard as '{heard}'")
    unexplained = len(result.missed - explained)
    if ref.units and unexplained / len(ref.units) > max_miss:
        out.insert(0, f"heard wrong: {result.miss:.0%} of the {unit_of(ref.lang)} missed")
    return out


def heard_numbers(written: Sequence[str], given: Sequence[str], heard: Sequence[str]) -> str:
    """Which text the numbers heard match, when the voice was given other numbers than are written.

    Each argument is the quantities of a text (:func:`guide.text.quantities.quantities`, as strings):
    the written sentence, what the voice was given, what the recogniser heard. Only the quantities
    that differ between written and given decide.

    >>> heard_numbers(["30", "min"], ["13", "min"], ["30", "min"])
    'heard as written (30), not as the voice was given (13): the recogniser may have guessed; listen to it'
    """
    lost = Counter(written) - Counter(given)
    added = Counter(given) - Counter(written)
    found = Counter(heard)
    as_written = bool(lost) and not lost - found
    as_given = (not added - found) if added else not (lost & found)
    said = ", ".join(sorted(added.elements())) or "no number"
    wrote = ", ".join(sorted(lost.elements())) or "no number"
    if as_given and not as_written:
        return f"heard as the voice was given ({said}), not as written ({wrote})"
    if as_written and not as_given:
        return (
            f"heard as written ({wrote}), not as the voice was given ({said}): "
            f"the recogniser may have guessed; listen to it"
        )
    heard_text = ", ".join(heard) or "no number"
    return f"heard neither as written ({wrote}) nor as the voice was given ({said}): heard {heard_text}"


@dataclass(frozen=True)
class Mishearing:
    """A written word the recogniser keeps hearing as something else."""

    written: str
    """The reference word(s)."""

    heard: str
    """What it is heard as, most often."""

    count: int
    """How many times it was heard so."""

    suggestion: str
    """A respelling to try in the lexicon (try it with ``guide say`` first)."""

    def entry(self, lang: str) -> str:
        """The lexicon entry to try; a word of one syllable has no respelling to suggest, so none is."""
        if self.suggestion.casefold() == self.written.casefold():
            return f'a respelling of your own in the lexicon (try it first: guide say "{self.written}" --lang {lang})'
        return f'lexicon: {{{lang}: {{"{self.written}": "{self.suggestion}"}}}}'


def repeated_mishearings(scores: Iterable[Score], lang: str, at_least: int = REPEATED) -> list[Mishearing]:
    """Words heard as something else at least `at_least` times across sentences, most often misheard first.

    Only single written words (no digits) heard as one to three words count (a
    lexicon entry fixes a word; dropped words are no mishearing); a stretch heard as the same letters split differently
    ("long term" / "longterm", "BOT-OX") is not a mishearing. The most frequent
    wrong hearing is reported.
    """
    heard_as: dict[str, Counter[str]] = defaultdict(Counter)
    for result in scores:
        for written, heard in mishearings_in(result):
            heard_as[written][heard] += 1
    found = [
        Mishearing(written, forms.most_common(1)[0][0], sum(forms.values()), suggest_respelling(written, lang))
        for written, forms in heard_as.items()
        if sum(forms.values()) >= at_least
    ]
    return sorted(found, key=lambda m: -m.count)


def mishearings_in(result: Score) -> list[tuple[str, str]]:
    """(written, heard) stretches of one sentence that count toward :func:`repeated_mishearings`."""
    out = []
    for ref_words, heard_words in result.word_blocks:
        if len(ref_words) != 1 or not heard_words or len(heard_words) > 3:
            continue
        written, heard = " ".join(ref_words), " ".join(heard_words)
        if any(c.isdigit() for c in written) or written.replace(" ", "") == heard.replace(" ", ""):
            continue
        if _inflected(written, heard):
            continue  # "reduced" heard as "reduce": an ending the recogniser dropped, which no respelling fixes
        if len(written.replace(" ", "")) >= 4:
            out.append((written, heard))
    return out


def _inflected(written: str, heard: str) -> bool:
    """Whether one word is the other with an ending of at most two letters ("reduced" / "reduce", "helps" / "help")."""
    short, long = sorted((written, heard), key=len)
    return " " not in long and long.startswith(short) and 0 < len(long) - len(short) <= 2


_VOWELS = "aeiouy"


_ONSETS = frozenset("bl br ch cl cr dr fl fr gl gr ph pl pr sc sh sk sl sm sn sp st sw th tr wh wr".split())


def suggest_respelling(word: str, lang: str) -> str:
    """A respelling to try for an English word: its syllables apart ("botox" -> "bo-tox").

    Syllables are cut before a lone consonant between vowels and before a
    two-letter onset ("mi-graine"), else after the first consonant of a run; a
    final silent e is no vowel. Lowercase on purpose: Piper spells a capitalised
    syllable letter by letter ("BOH-tox" is heard as "B-O-H stocks", "bo-tox" as
    "Botox"). Phrases and other languages are returned as they are.
    """
    if base_of(lang) != "en" or " " in word or not word.isalpha():
        return word
    w = word.lower()
    vowel = [c in _VOWELS for c in w]
    if len(w) > 2 and w.endswith("e") and not vowel[-2]:
        vowel[-1] = False
    cuts = []
    i = 1
    while i < len(w):
        if not (vowel[i - 1] and not vowel[i]):
            i += 1
            continue
        j = i
        while j < len(w) and not vowel[j]:
            j += 1
        if j < len(w):  # a vowel follows: a new syllable starts in this run of consonants
            run = w[i:j]
            cuts.append(i if len(run) == 1 or run in _ONSETS else i + 1)
        i = j
    if not cuts:
        return word
    return "-".join(w[a:b] for a, b in zip([0, *cuts], [*cuts, len(w)], strict=True))


# --------------------------------------------------------------------------- #
# Aggregates
# --------------------------------------------------------------------------- #


def weighted_miss(items: Iterable[tuple[int, int]]) -> float:
    """The miss rate over several sentences: (missed units, reference units) pairs, weighted by length."""
    missed = total = 0
    for m, n in items:
        missed += m
        total += n
    return missed / total if total else 0.0


def group_miss(scores: Iterable[tuple[str, Score]]) -> dict[str, float]:
    """Key -> miss rate over its sentences (weighted by reference length), keys in first-seen order."""
    sums: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, result in scores:
        sums[key].append((result.substitutions + result.deletions, result.length))
    return {key: weighted_miss(items) for key, items in sums.items()}
