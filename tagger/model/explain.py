"""Evidence: the words and phrases that pushed each suggested tag's score up.

The classifier is linear, so an article's raw score for a tag is a sum over the article's
features of (feature value x the tag's weight for it), plus the tag's intercept. The features
with the largest positive contributions are the evidence. Prefix features ("manuf~", the cheap
stemmer of features.py) are shown as the article's own word that starts with the prefix
("manufacturers"), which is what an editor recognizes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from tagger.model.tagmodel import TagModel

DEFAULT_TERMS = 3
_WORD = re.compile(r"(?u)\b\w\w+\b")  # the tokens the feature vectorizers see
_CANDIDATES = 4  # look at this many contributions per term shown (duplicates get skipped)


class Explainer:
    """Evidence for one TagModel. Feature names are built once: on large vocabularies that
    takes longer than scoring an article."""

    def __init__(self, model: TagModel, terms: int = DEFAULT_TERMS) -> None:
        self.model = model
        self.terms = terms
        self.names_: np.ndarray = np.asarray(model.features.feature_names(), dtype=object)
        self.prefix_length_ = model.features.config.prefix_length
        self.columns_ = {tag: j for j, tag in enumerate(model.labels)}

    def explain(
        self, X: sparse.csr_matrix, texts: Sequence[str], tags: Sequence[Sequence[str]]
    ) -> list[list[tuple[str, ...]]]:
        """For each article (row of X, the features of `texts`), the evidence of each of its
        `tags`, in the same order: up to `terms` words or phrases, strongest first."""
        weights = self.model.classifier.weights_  # (features x labels)
        out: list[list[tuple[str, ...]]] = []
        for i, (text, row_tags) in enumerate(zip(texts, tags, strict=True)):
            lo, hi = X.indptr[i], X.indptr[i + 1]
            cols, values = X.indices[lo:hi], X.data[lo:hi]
            words = _PrefixWords(text, self.prefix_length_)
            out.append(
                [
                    self._terms(cols, values * weights[cols, self.columns_[tag]], words)
                    for tag in row_tags
                ]
            )
        return out

    def _terms(
        self, cols: np.ndarray, contributions: np.ndarray, words: _PrefixWords
    ) -> tuple[str, ...]:
        order = np.argsort(-contributions, kind="stable")[: self.terms * _CANDIDATES]
        chosen: list[str] = []
        for k in order:
            if contributions[k] <= 0:
                break
            name = str(self.names_[cols[k]])
            term = words.word_for(name[:-1]) if name.endswith("~") else _trim_stop_words(name)
            if term:
                # Once full, only a phrase joining shown words ("venture" + "capital") gets in.
                _add_term(chosen, term, append=len(chosen) < self.terms)
        return tuple(chosen)


class _PrefixWords:
    """The article's most frequent word for each word prefix (computed on first use)."""

    def __init__(self, text: str, length: int) -> None:
        self.text = text
        self.length = length
        self._best: dict[str, str] | None = None

    def word_for(self, prefix: str) -> str | None:
        if self._best is None:
            counts = Counter(_WORD.findall(self.text.lower()))
            self._best = {}
            # most_common is stable: among equally frequent words the first one seen wins.
            for word, _ in counts.most_common():
                self._best.setdefault(word[: self.length], word)
        return self._best.get(prefix)


def _trim_stop_words(term: str) -> str:
    """ "investors in" -> "investors": phrases read better without their edge stop words."""
    words = term.split()
    while words and words[0] in ENGLISH_STOP_WORDS:
        words.pop(0)
    while words and words[-1] in ENGLISH_STOP_WORDS:
        words.pop()
    return " ".join(words)


def _add_term(chosen: list[str], term: str, append: bool = True) -> None:
    """Add `term` unless its words are already shown; a phrase replaces its single words
    (in the place of the first); a term that replaces nothing is appended if `append`."""
    words = set(term.split())
    if any(words <= set(c.split()) for c in chosen):
        return
    covered = [i for i, c in enumerate(chosen) if set(c.split()) < words]
    if covered:
        chosen[covered[0]] = term
        for i in reversed(covered[1:]):
            del chosen[i]
    elif append:
        chosen.append(term)
