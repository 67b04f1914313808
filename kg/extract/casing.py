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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.extract.acronyms import looks_like_acronym
from kg.extract.lexicon import EN_HEAD_FIRST, EN_HEADS, ROLE_WORDS, fold
from kg.extract.reference import reference

__all__ = ["CaseModel", "is_uncased"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]\s*$")
#: Sentences and lines, with what separates them (kept, at odd positions of the split).
_SENTENCES = re.compile(r"((?<=[.!?])\s+|\n)")
#: Four or more words in capitals in a row, inside a sentence that has case.
_CAPITALS_RUN = re.compile(r"\b[^\W\da-zß-ÿ]{2,}(?:[\s,;:()/'’-]+[^\W\da-zß-ÿ]+){3,}\b")
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


def is_uncased(text: str) -> bool:
    """All capitals or all lower case (with enough letters to tell)."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < MIN_LETTERS:
        return False
    return not any(char.islower() for char in letters) or not any(char.isupper() for char in letters)


@dataclass
class CaseModel:
    """How one notice writes its words and runs of words, learnt from its paragraphs that have case."""

    runs: dict[tuple[str, ...], Counter] = field(default_factory=lambda: defaultdict(Counter))
    words: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    acronyms: set[str] = field(default_factory=set)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> CaseModel:
        """The casing of ``texts``, and the acronyms of the public NATO bodies the reference file knows."""
        model = cls()
        model.acronyms |= {fold(a) for a in reference().by_acronym if a.isupper() and fold(a) not in FUNCTION_WORDS}
        for text in texts:
            model._learn_text(text)
        return model

    def _learn_text(self, text: str) -> None:
        """Learn from the sentences that have case, runs of words in capitals left out."""
        for sentence in re.split(r"(?<=[.!?;:])\s+|\n+", text):
            if is_uncased(sentence):
                continue
            for part in _CAPITALS_RUN.split(sentence):
                self._learn_words(_WORD.findall(part))

    def _learn_words(self, words: list[str]) -> None:
        for index, word in enumerate(words):
            if index or word.isupper():  # a sentence's first word is capitalised whatever it is
                self.words[fold(word)][word] += 1
            if looks_like_acronym(word) and word.isupper() and fold(word) not in FUNCTION_WORDS:
                self.acronyms.add(fold(word))
        for size in range(2, MAX_RUN + 1):
            for start in range(len(words) - size + 1):
                run = words[start:start + size]
                if any(w[:1].isupper() for w in run[1:]) or (start and run[0][:1].isupper()):
                    self.runs[tuple(fold(w) for w in run)][tuple(run)] += 1

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
        index = 0
        while index < len(spans):
            for size in range(min(MAX_RUN, len(spans) - index), 1, -1):
                key = tuple(fold(word) for _, _, word in spans[index:index + size])
                if key in self.runs:
                    best = self.runs[key].most_common(1)[0][0]
                    forms[index:index + size] = list(best)
                    index += size
                    break
            else:
                index += 1

    def _single(self, word: str, text: str, spans: list[tuple[int, int, str]], index: int) -> str:
        folded = fold(word)
        start, end, _ = spans[index]
        bracketed = text[start - 1:start] == "(" and text[end:end + 1] == ")"
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
