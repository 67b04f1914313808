"""Case given back to paragraphs written all in capitals or all in lower case.

Names are found by their capitals ("the Resilience Section"); a paragraph
copied all in capitals or all in lower case has none to go by.  Such a
paragraph takes the casing the same notice uses elsewhere for the same run
of words, longest runs first ("defence policy and planning (dpp) division"
is written "Defence Policy and Planning (DPP) Division" when the notice
writes it so anywhere).  Words the notice never writes otherwise follow the
language's rules: an acronym in brackets in capitals, a name ending in a
head noun ("resilience section") capitalised, a role after "the" ("the
head") capitalised, other words in lower case, and a capital at the start
of each sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.acronyms import looks_like_acronym
from kg.extract.lexicon import EN_HEAD_FIRST, EN_HEADS, ROLE_WORDS, fold
from kg.extract.reference import reference

__all__ = ["CaseModel", "NoticeCasing", "has_capitals_run", "is_uncased", "needs_restoring"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]\s*$")
#: Sentences and lines, with what separates them (kept, at odd positions of the split).
#: (The look-behind comes after the first space, so that the search skips from space to space.)
_SENTENCES = re.compile(r"(\s(?<=[.!?]\s)\s*|\n)")
#: The sentences casing is learnt from.
_LEARNT_SENTENCES = re.compile(r"\s(?<=[.!?;:]\s)\s*|\n+")
#: The words of a text (as _WORD) and the ends of the sentences learnt from (a mark before a space, a line end).
_WORD_OR_END = re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)*|[.!?;:](?=\s)|\n)")
_ENDS = frozenset(".!?;:\n")
#: The ends of the sentences restored.
_RESTORED_ENDS = frozenset(".!?\n")
#: Four or more words in capitals in a row, inside a sentence that has case.
_CAPITALS_RUN = re.compile(r"\b[^\W\da-zß-ÿ]{2,}(?:[\s,;:()/'’-]+[^\W\da-zß-ÿ]+){3,}\b")
_SMALL_LETTER = re.compile(r"[a-z]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CAPITAL_LETTER = re.compile(r"[A-Z]")
#: Runs of words longer than this are not looked up.
MAX_RUN = 6
#: Letters a paragraph needs before its casing is judged.
MIN_LETTERS = 12
#: Function words: never an acronym, never part of a name's left edge.
FUNCTION_WORDS = frozenset(
    "a an the this that these those its their our his her your my it is are was were be been being as at by for "
    "from in into of on or to up with within without across through throughout under over between among via "
    "per and nor but so if than then also both each every all any some such other which who whom whose what "
    "when where while will would can could may might must should shall do does did has have had not no us we "
    "he she they them s/he incumbent post including regarding concerning about during against towards "
    "le la les l de du des d et en un une au aux dans sur pour par avec".split()
)
#: Heads that end a name whatever words come before ("defence policy and capabilities directorate");
#: the others ("staff", "team", "office") only after words the notice does not write in lower case.
STRONG_HEADS = frozenset(head for head, kind in EN_HEADS.items() if kind in ("Division", "Directorate", "Section", "Committee"))
#: Words that may stand inside a name between capitalised words.
_NAME_CONNECTORS = frozenset({"and", "&", "of", "for", "on"})


def needs_restoring(text: str, has_run: bool | None = None) -> bool:
    """Whether :meth:`CaseModel.restore` would change anything in ``text``.

    Most paragraphs have their case: then no model is needed, and learning one
    from the whole notice is the costly part.  ``has_run``: whether the text
    holds a run of capitals anywhere, when known (see :func:`has_capitals_run`).
    """
    has_run = has_capitals_run(text) if has_run is None else has_run
    return any(is_uncased(piece) or (has_run and _CAPITALS_RUN.search(piece)) for piece in _SENTENCES.split(text)[::2])


def has_capitals_run(text: str) -> bool:
    """Whether ``text`` holds a run of words in capitals.  A run inside one of its sentences is a run
    in the whole text, so a text without one spares looking for one sentence by sentence."""
    return _CAPITALS_RUN.search(text) is not None


def _pieces_to_restore(text: str, has_run: bool) -> list[str]:
    """The parts of ``text`` that :meth:`CaseModel.restore` rewrites: sentences without case, runs of capitals."""
    pieces: list[str] = []
    for sentence in _SENTENCES.split(text)[::2]:
        if is_uncased(sentence):
            pieces.append(sentence)
        elif has_run:
            pieces += [run[0] for run in _CAPITALS_RUN.finditer(sentence)]
    return pieces


def _cased_words(text: str, has_run: bool) -> list[list[str]]:
    """The words of each part of :func:`_cased_parts`."""
    return [_WORD.findall(part) for part in _cased_parts(text, has_run)]


def _cased_parts(text: str, has_run: bool) -> Iterator[str]:
    """The sentences of ``text`` that have case, cut where a run of words in capitals stands."""
    for sentence in _LEARNT_SENTENCES.split(text):
        if not is_uncased(sentence):
            if has_run:
                yield from _CAPITALS_RUN.split(sentence)
            else:
                yield sentence


@lru_cache(maxsize=1)
def _reference_acronyms() -> frozenset[str]:
    return frozenset(fold(a) for a in reference().by_acronym if a.isupper() and fold(a) not in FUNCTION_WORDS)


def is_uncased(text: str) -> bool:
    """All capitals or all lower case (with enough letters to tell)."""
    if _SMALL_LETTER.search(text) and _CAPITAL_LETTER.search(text):
        return False  # most text: both cases, whatever the count of letters
    if text.isascii():  # one case at most: enough letters is enough
        return len(_ASCII_LETTER.findall(text)) >= MIN_LETTERS
    letters = "".join(filter(str.isalpha, text))
    if len(letters) < MIN_LETTERS:
        return False
    return not any(map(str.islower, letters)) or not any(map(str.isupper, letters))


@dataclass(frozen=True)
class _Scope:
    """What restoring some pieces of text looks up: their folded words, and the runs of 2 to MAX_RUN of
    those words; a run is looked up only where its first two words follow each other in a piece."""

    words: frozenset[str]
    openings: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, pieces: Iterable[str]) -> _Scope:
        words: set[str] = set()
        openings: set[tuple[str, str]] = set()
        for piece in pieces:
            folded = [fold(word) for word in _WORD.findall(piece)]
            words.update(folded)
            openings.update(zip(folded, folded[1:]))
        return cls(frozenset(words), frozenset(openings))


@lru_cache(maxsize=256)
def _scope_of(pieces: frozenset[str]) -> _Scope:
    """The scope of restoring ``pieces``, kept for the next notice: notices of one employer leave the
    same sentences without case (the same lists of requirements)."""
    return _Scope.of(pieces)


def _scoped_runs(words: list[str], scope: _Scope) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The runs of :meth:`CaseModel._learn_runs` that restoring the pieces of ``scope`` looks up: they start at
    two words of one of those, within MAX_RUN words before a capital."""
    if len(words) < 2:
        return
    capitals = [index for index in range(1, len(words)) if words[index][:1].isupper()]
    if not capitals:
        return
    near = {start for capital in capitals for start in range(max(0, capital - MAX_RUN + 1), capital + 1)}
    starts = [start for start in sorted(near)
              if start < len(words) - 1 and (fold(words[start]), fold(words[start + 1])) in scope.openings]
    yield from _runs(words, capitals, starts, scope)


def _runs(words: list[str], capitals: list[int], starts: Iterable[int],
          scope: _Scope | None) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The runs from ``starts`` that hold a capital after their first word, or on it inside a sentence
    (``capitals``: the indices of the capitalised words but the first), as (folded words, words as
    written); with a scope, only runs of its words."""
    count = len(words)
    for start in starts:
        following = bisect_right(capitals, start)  # the first capital after the run's first word
        first = start + 2 if start and capitals[following - 1:following] == [start] else \
            max(start + 2, (capitals[following] if following < len(capitals) else count) + 1)
        key = (fold(words[start]),)
        for stop in range(start + 2, min(start + MAX_RUN, count) + 1):
            key += (fold(words[stop - 1]),)
            if scope is not None and key[-1] not in scope.words:
                break  # no piece holds this run, nor any longer one
            if stop >= first:
                yield key, tuple(words[start:stop])


def _counted(words: list[str]) -> list[str]:
    """The words of a part of a sentence that tell how the notice writes them: its first word
    only when in capitals (a first word is capitalised whatever it is)."""
    return words if words[0].isupper() else words[1:]


def _acronyms_in(words: Iterable[str]) -> set[str]:
    """The words in capitals that look like acronyms (not function words), folded."""
    return {fold(word) for word in words if word.isupper() and looks_like_acronym(word) and fold(word) not in FUNCTION_WORDS}


@dataclass(frozen=True)
class _Lesson:
    """What one paragraph teaches a model learnt for a scope: its counted words that restoring the
    scope's pieces looks up, in order; the runs it counts, in order; its acronyms."""

    words: tuple[str, ...]
    runs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    acronyms: frozenset[str]


@lru_cache(maxsize=8192)
def _lesson(text: str, scope: _Scope) -> _Lesson:
    """What the paragraph ``text`` teaches a model learnt for ``scope``, kept for the next notice: notices
    of one employer share most paragraphs, and leave the same pieces without case."""
    read = _read_paragraph(text)
    teaches_runs = not read.openings.isdisjoint(scope.openings)  # a text holding no wanted opening teaches no run
    counted: list[str] = []
    runs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for words in read.parts:
        if words:
            counted += _counted(words)
            if teaches_runs:
                runs += _scoped_runs(words, scope)
    scoped = tuple(word for word in counted if fold(word) in scope.words)
    return _Lesson(scoped, tuple(runs), frozenset(_acronyms_in(dict.fromkeys(counted))))


@lru_cache(maxsize=8192)
def _paragraph_pieces(text: str) -> tuple[str, ...]:
    """The pieces :meth:`CaseModel.restore` rewrites in a paragraph (see :func:`_pieces_to_restore`)."""
    return tuple(_pieces_to_restore(text, _read_paragraph(text).has_run))


@dataclass
class CaseModel:
    """How one notice writes its words and runs of words, learnt from its paragraphs that have case.

    A model learnt for the texts it will restore (``wanted``) counts only the
    words and runs that restoring them looks up, and restores them as the
    full model would at a fraction of the cost; any other text makes it learn
    the rest first.
    """

    runs: dict[tuple[str, ...], Counter] = field(default_factory=lambda: defaultdict(Counter))
    words: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    acronyms: set[str] = field(default_factory=set)
    pieces: frozenset[str] | None = None  # the pieces of text it was learnt for, None for any
    texts: tuple[str, ...] = ()
    _openings: set[tuple[str, ...]] | None = field(default=None, repr=False, compare=False)
    _singles: dict[tuple[str, bool], str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def learn(cls, texts: Iterable[str], wanted: Iterable[str] | None = None) -> CaseModel:
        """The casing of ``texts``, and the acronyms of the public NATO bodies the reference file knows.

        With ``wanted``, only what restoring those texts looks up is learnt.
        """
        model = cls(texts=tuple(texts))
        if wanted is None:
            model._learn_everything()
        else:
            model.pieces = frozenset(piece for text in wanted for piece in _paragraph_pieces(text.strip()))
            model._learn_scoped(_scope_of(model.pieces))
        return model

    def _learn_everything(self) -> None:
        """Learn from the sentences that have case, runs of words in capitals left out.

        The words are counted in one pass at the end, in the order they were
        first met, as counting them one by one would.  A model learnt for some
        pieces learns it all when a piece outside them comes.
        """
        self.runs, self.words, self.pieces, self._openings = defaultdict(Counter), defaultdict(Counter), None, None
        self._singles = {}
        counted: list[str] = []
        for text in self.texts:
            for words in _cased_words(text, has_capitals_run(text)):
                if words:
                    counted += _counted(words)
                    self._learn_runs(words)
        counts = Counter(counted)
        for word, count in counts.items():
            self.words[fold(word)][word] = count
        self.acronyms = set(_reference_acronyms()) | _acronyms_in(counts)

    def _learn_scoped(self, scope: _Scope) -> None:
        """Learn what restoring the pieces of ``scope`` looks up, from what each text teaches them
        (see :func:`_lesson`), as :meth:`_learn_everything` would count it."""
        words: list[str] = []
        self.acronyms = set(_reference_acronyms())
        for text in self.texts:
            lesson = _lesson(text.strip(), scope)
            words += lesson.words
            self._count(lesson.runs)
            self.acronyms |= lesson.acronyms
        for word, count in Counter(words).items():
            self.words[fold(word)][word] = count

    def _learn_runs(self, words: list[str]) -> None:
        """Every run of 2 to MAX_RUN words with a capital after its first word (or on it, inside a sentence)."""
        capitals = [index for index in range(1, len(words)) if words[index][:1].isupper()]
        if capitals:
            self._count(_runs(words, capitals, range(len(words) - 1), None))

    def _count(self, runs: Iterable[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        for key, form in runs:
            self.runs[key][form] += 1

    def _run_openings(self) -> set[tuple[str, ...]]:
        """The first two words of every run learnt: no run starts at two words that are not among them."""
        if self._openings is None:
            self._openings = {key[:2] for key in self.runs}
        return self._openings

    # ------------------------------------------------------------- restore

    def restore(self, text: str, lang: str = "en") -> str:
        """``text`` with case restored in each sentence all in capitals or all in lower case, and in each
        run of words in capitals inside a sentence that has case; the rest as it is.

        The rules for names ending in a head noun apply to English text only.
        """
        pieces = _SENTENCES.split(text)
        for index in range(0, len(pieces), 2):
            sentence = pieces[index]
            if is_uncased(sentence):
                pieces[index] = self._restore(sentence, lang, True)
            else:
                pieces[index] = _CAPITALS_RUN.sub(lambda run: self._restore(run[0], lang, False), sentence)
        return "".join(pieces)

    def _restore(self, text: str, lang: str, sentence_start: bool) -> str:
        if self.pieces is not None and text not in self.pieces:
            self._learn_everything()
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        forms: list[str | None] = [None] * len(spans)
        self._from_runs(spans, forms)
        for index, (_, _, word) in enumerate(spans):
            if forms[index] is None:
                forms[index] = self._single(word, text, spans, index)
        self._acronym_rule(spans, forms, text)
        if lang == "en":
            self._name_rule(spans, forms, text)
        self._sentence_starts(spans, forms, text, sentence_start)
        return _rebuild(text, spans, forms)

    def _is_ordinary(self, folded: str) -> bool:
        """A word the notice writes in lower case where it has case: not part of a name."""
        seen = self.words.get(folded)
        return bool(seen) and seen.most_common(1)[0][0].islower()

    def _acronym_rule(self, spans: list[tuple[int, int, str]], forms: list[str | None], text: str) -> None:
        """"defence investment (DI)": the words whose initials spell a bracketed acronym are a name."""
        for index, (start, end, word) in enumerate(spans):
            if not (text[start - 1:start] == "(" and text[end:end + 1] == ")" and forms[index] == word.upper()):
                continue
            letters = fold(word)
            chosen: list[int] = []
            position = index - 1
            while position >= 0 and len(chosen) < len(letters):
                folded = fold(spans[position][2])
                if folded not in _NAME_CONNECTORS and folded != "the":
                    chosen.append(position)
                position -= 1
            if "".join(fold(spans[p][2])[:1] for p in reversed(chosen)) == letters:
                for position in chosen:
                    if _is_lower(forms[position]):
                        forms[position] = _capitalised(forms[position])

    def _from_runs(self, spans: list[tuple[int, int, str]], forms: list[str | None]) -> None:
        folded = [fold(word) for _, _, word in spans]
        openings = self._run_openings()
        index = 0
        while index < len(spans):
            if tuple(folded[index:index + 2]) not in openings:
                index += 1
                continue
            for size in range(min(MAX_RUN, len(spans) - index), 1, -1):
                key = tuple(folded[index:index + size])
                if key in self.runs:
                    best = self.runs[key].most_common(1)[0][0]
                    forms[index:index + size] = list(best)
                    index += size
                    break
            else:
                index += 1

    def _single(self, word: str, text: str, spans: list[tuple[int, int, str]], index: int) -> str:
        start, end, _ = spans[index]
        bracketed = text[start - 1:start] == "(" and text[end:end + 1] == ")"
        form = self._singles.get((word, bracketed))
        if form is None:
            form = self._singles[(word, bracketed)] = self._single_form(word, bracketed)
        return form

    def _single_form(self, word: str, bracketed: bool) -> str:
        """How the notice writes a word on its own (the same word comes back in many pieces)."""
        folded = fold(word)
        if folded not in FUNCTION_WORDS and (folded in self.acronyms or (bracketed and looks_like_acronym(word.upper()))):
            return word.upper()
        seen = self.words.get(folded)
        if seen:
            form, count = seen.most_common(1)[0]
            lower = sum(n for written, n in seen.items() if written.islower())
            if form[:1].isupper() and count > lower and not (form.isupper() and folded in FUNCTION_WORDS):
                return form
        return word.lower()

    def _name_rule(self, spans: list[tuple[int, int, str]], forms: list[str | None], text: str) -> None:
        """A run of words ending in a head noun is a name: "resilience section" -> "Resilience Section"."""
        for index, (_, _, word) in enumerate(spans):
            folded = fold(word)
            strong = folded in STRONG_HEADS
            if folded in EN_HEADS and (strong or not self._is_ordinary(folded)):
                first = self._name_start(spans, forms, text, index, strong)
                if first == index and not _is_lower(forms[index]):
                    continue
                for position in range(first, index + 1):
                    if fold(spans[position][2]) not in _NAME_CONNECTORS and _is_lower(forms[position]):
                        forms[position] = _capitalised(forms[position])
                if folded in EN_HEAD_FIRST:
                    self._complement(spans, forms, text, index, EN_HEAD_FIRST[folded])
            elif folded in ROLE_WORDS and index and fold(spans[index - 1][2]) == "the" and _is_lower(forms[index]):
                forms[index] = _capitalised(forms[index])

    def _name_start(self, spans: list[tuple[int, int, str]], forms: list[str | None], text: str, head: int,
                    strong: bool) -> int:
        first = head
        position = head - 1
        while position >= 0 and _joined(text, spans, position):
            folded = fold(spans[position][2])
            if folded in FUNCTION_WORDS and folded not in _NAME_CONNECTORS or folded in ROLE_WORDS \
                    or (not strong and self._is_ordinary(folded) and folded not in _NAME_CONNECTORS):
                break
            position -= 1
            if folded not in _NAME_CONNECTORS:
                first = position + 1
        return first

    @staticmethod
    def _complement(spans: list[tuple[int, int, str]], forms: list[str | None], text: str, head: int,
                    linkers: tuple[str, ...]) -> None:
        """"office of legal affairs": the words after "of" up to the next function word."""
        if head + 2 >= len(spans) or fold(spans[head + 1][2]) not in linkers or not _joined(text, spans, head):
            return
        position = head + 2
        while position < len(spans) and fold(spans[position][2]) not in FUNCTION_WORDS \
                and _joined(text, spans, position - 1) and _is_lower(forms[position]):
            forms[position] = _capitalised(forms[position])
            position += 1

    @staticmethod
    def _sentence_starts(spans: list[tuple[int, int, str]], forms: list[str | None], text: str,
                         sentence_start: bool) -> None:
        for index, (start, _, _) in enumerate(spans):
            before = text[spans[index - 1][1]:start] if index else text[:start]
            if ((index == 0 and sentence_start) or (index and _SENTENCE_END.search(before))) and forms[index]:
                forms[index] = _capitalised(forms[index])


def _joined(text: str, spans: list[tuple[int, int, str]], position: int) -> bool:
    """Only spaces (or an acronym's brackets) between ``spans[position]`` and the next word."""
    between = text[spans[position][1]:spans[position + 1][0]]
    return between.strip() in ("", "(", ")", ") (", "'s", "’s") and "\n" not in between


def _is_lower(form: str | None) -> bool:
    return bool(form) and form == form.lower()


def _capitalised(word: str | None) -> str:
    return word[:1].upper() + word[1:] if word else ""


def _rebuild(text: str, spans: list[tuple[int, int, str]], forms: list[str | None]) -> str:
    pieces = []
    position = 0
    for (start, end, word), form in zip(spans, forms):
        pieces.append(text[position:start].lower() if text[position:start].isupper() else text[position:start])
        pieces.append(form if form and fold(form) == fold(word) else word.lower())
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


class NoticeCasing:
    """The casing of one notice: which of its paragraphs need their case restored, and the model that
    restores them, learnt from all its paragraphs the first time one is restored, for those paragraphs.

    Each paragraph is read once (:func:`_read_paragraph`) for both: the parts
    the model learns from and whether the paragraph needs restoring.  Every
    text it restores should be one of ``paragraphs``; another text is still
    restored right, after the model has learnt everything.
    """

    def __init__(self, paragraphs: Iterable[str]) -> None:
        self.paragraphs = tuple(p.strip() for p in paragraphs)  # spaces around a paragraph change nothing
        self.model: CaseModel | None = None
        self._read: dict[str, _Paragraph] = {}

    def restore(self, text: str, lang: str = "en") -> str:
        """``text`` with its case restored where it was lost (see :meth:`CaseModel.restore`)."""
        return self._model().restore(text, lang) if self.needs_restoring(text) else text

    def needs_restoring(self, text: str) -> bool:
        return self._paragraph(text).uncased

    def _paragraph(self, text: str) -> _Paragraph:
        key = text.strip()
        read = self._read.get(key)
        if read is None:
            read = self._read[key] = _read_paragraph(key)
        return read

    def _model(self) -> CaseModel:
        if self.model is None:
            wanted = [text for text in dict.fromkeys(self.paragraphs) if self.needs_restoring(text)]
            self.model = CaseModel.learn(self.paragraphs, wanted)
        return self.model


@dataclass(frozen=True)
class _Paragraph:
    """A paragraph read for its casing: whether it holds a run of capitals, the words of each part the
    casing is learnt from (see :func:`_cased_parts`) and whether it needs its case restored
    (:func:`needs_restoring`)."""

    has_run: bool
    parts: tuple[list[str], ...]
    uncased: bool
    openings: frozenset[tuple[str, str]] = frozenset()  # see _run_openings


@lru_cache(maxsize=8192)
def _read_paragraph(text: str) -> _Paragraph:
    """Read a paragraph once, in one pass over its words and sentence ends, for both what is learnt
    and what is restored.

    Notices of one employer repeat whole paragraphs (the contract, how to
    apply, the equal-opportunity statement), so what a paragraph gave is kept
    for the next notice that holds it; it is only read, never changed.

    The sentences casing is learnt from end at ".", "!", "?", ";" or ":"
    before a space, and at a line's end; the sentences it restores end at the
    same places but ";" and ":".  The words of a sentence hold all its
    letters, so whether a sentence has case follows from them, and whether a
    restored sentence has case from the learnt ones it joins.  A paragraph
    with a run of capitals is read sentence by sentence instead.
    """
    if has_capitals_run(text):
        parts = tuple(_cased_words(text, True))
        return _Paragraph(True, parts, needs_restoring(text, True), _run_openings(parts))
    sentences, ends = _sentence_words(text)
    letters = [_letters("".join(words)) for words in sentences]
    parts = tuple(words for words, counted in zip(sentences, letters) if not _is_uncased(counted))
    return _Paragraph(False, parts, _restores_some(letters, ends), _run_openings(parts))


def _run_openings(parts: Iterable[list[str]]) -> frozenset[tuple[str, str]]:
    """The first two words, folded, of every run :func:`_scoped_runs` may count in these
    parts: two words in a row within MAX_RUN words before a capital (after a part's first word)."""
    openings: set[tuple[str, str]] = set()
    for words in parts:
        last = len(words) - 1
        capitals = [index for index in range(1, len(words)) if words[index][:1].isupper()]
        near = {start for capital in capitals for start in range(max(0, capital - MAX_RUN + 1), min(capital + 1, last))}
        openings.update((fold(words[start]), fold(words[start + 1])) for start in near)
    return frozenset(openings)


def _sentence_words(text: str) -> tuple[list[list[str]], list[str]]:
    """The words of each sentence casing is learnt from, and the mark that ends each but the last."""
    tokens = _WORD_OR_END.findall(text)
    marks = [index for index, token in enumerate(tokens) if token in _ENDS]
    bounds = zip([-1, *marks], [*marks, len(tokens)])
    return [tokens[after + 1:end] for after, end in bounds], [tokens[index] for index in marks]


def _restores_some(letters: list[tuple[int, bool, bool]], ends: list[str]) -> bool:
    """Whether a sentence restored, made of the learnt sentences with these letters, is without case."""
    joined = _NO_LETTERS
    for index, counted in enumerate(letters):
        joined = (joined[0] + counted[0], joined[1] or counted[1], joined[2] or counted[2])
        if index == len(ends) or ends[index] in _RESTORED_ENDS:
            if _is_uncased(joined):
                return True
            joined = _NO_LETTERS
    return False


_NO_LETTERS = (0, False, False)


def _letters(text: str) -> tuple[int, bool, bool]:
    """(how many letters, whether one is lower case, whether one is upper case), as :func:`is_uncased` counts
    them; the count is left at 0 when both cases show, as the text then has case whatever the count."""
    if _SMALL_LETTER.search(text) and _CAPITAL_LETTER.search(text):
        return 0, True, True
    if text.isascii():
        return len(_ASCII_LETTER.findall(text)), bool(_SMALL_LETTER.search(text)), bool(_CAPITAL_LETTER.search(text))
    letters = "".join(filter(str.isalpha, text))
    return len(letters), any(map(str.islower, letters)), any(map(str.isupper, letters))


def _is_uncased(letters: tuple[int, bool, bool]) -> bool:
    count, lower, upper = letters
    return count >= MIN_LETTERS and not (lower and upper)
