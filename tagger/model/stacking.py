"""Second-level scoring: the whole-article score combined with passage scores and tag names.

A linear model trained on short articles under-scores long ones: TF-IDF rows are L2-normalized,
so a 600-word article about manufacturing spreads its weight over many words and its
`manufacturing` score falls as it grows. And a publisher's topics move, so the words that
predicted a tag last year predict it less well now, while the tag's own name stays. For each
(article, tag) this module computes a few signals and combines them with a small logistic
regression per tag, fitted on out-of-fold scores (stacking):

- the whole-article margin of the first-level classifier;
- the best margin over passages (title + a window of about `PASSAGE_WORDS` words of whole
  paragraphs), so one on-topic section is not diluted by the rest;
- their maximum, whether the tag scores best in the article, and its prior frequency;
- lexical matches of the tag's own name ("open-data" -> "open data") in the title and the text.

Thresholds and calibration are then fitted on the stacked out-of-fold scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

PASSAGE_WORDS = 120  # words per passage: about a paragraph or two of a news article
# A tag name's words match a text's words by their first letters (a cheap stemmer, as the
# prefix features: "competitions" matches "competition").
NAME_PREFIX = 5
MAX_TITLE_CHARS = 200  # a first line longer than this is no title
_WORD = re.compile(r"(?u)\b\w\w+\b")
_NAME_STOP_WORDS = frozenset({"and", "of", "the", "for", "to", "in", "on", "a", "an"})
LEVEL2_C = 1.0
WHOLE = 0  # index of the whole-text margin among the level-2 signals


def title_and_body(text: str) -> tuple[str, str]:
    """The title (a first paragraph of one short line, as `Article.full_text` puts it) and the
    body; a text without such a first line has no title."""
    head, sep, rest = text.partition("\n\n")
    if sep and "\n" not in head and len(head) <= MAX_TITLE_CHARS:
        return head, rest
    return "", text


def split_passages(text: str, words: int = PASSAGE_WORDS) -> list[str]:
    """Title + consecutive whole paragraphs of at least `words` words each (the last may be
    shorter); a text of one passage comes back whole."""
    title, body = title_and_body(text)
    passages: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in body.split("\n\n"):
        if not paragraph.strip():
            continue
        current.append(paragraph)
        count += len(paragraph.split())
        if count >= words:
            passages.append("\n\n".join(current))
            current, count = [], 0
    if current:
        passages.append("\n\n".join(current))
    if len(passages) <= 1:
        return [text]
    return [f"{title}\n\n{p}" if title else p for p in passages]


@dataclass(frozen=True)
class Passages:
    """Every passage of a batch of texts: their texts and, for each, the text it comes from."""

    texts: list[str]
    owner: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str], words: int = PASSAGE_WORDS) -> Passages:
        """The passages of long texts (short ones need none: their passage is the whole)."""
        rows: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            parts = split_passages(text, words)
            if len(parts) > 1:
                rows.extend(parts)
                owner.extend([i] * len(parts))
        return cls(rows, np.asarray(owner, dtype=np.int64))


def pool_max(whole: np.ndarray, passage_scores: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Per text and tag, the best passage score (the whole-text score for texts without
    passages)."""
    out = whole.copy()
    if len(owner):
        best = np.full_like(whole, -np.inf)
        np.maximum.at(best, owner, passage_scores)
        rows = np.unique(owner)
        out[rows] = best[rows]
    return out


def _stem_words(text: str) -> list[str]:
    return [w[:NAME_PREFIX] for w in _WORD.findall(text.lower())]


def _name_stems(tag: str) -> tuple[str, ...]:
    """A tag name's word stems without its stop words (kept when it has nothing else)."""
    stems = tuple(w[:NAME_PREFIX] for w in re.split(r"[\W_]+", tag.lower()) if w)
    return tuple(w for w in stems if w not in _NAME_STOP_WORDS) or stems


class TagNames:
    """Counts matches of each tag's own name in a title and a text (word prefixes, in order,
    stop words of the name ignored): `open-data` matches "open data", "Open Data's"."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.phrases = [_name_stems(t) for t in labels]
        self.longest = max((len(p) for p in self.phrases), default=1)
        self.index: dict[tuple[str, ...], list[int]] = {}
        for j, phrase in enumerate(self.phrases):
            if phrase:
                self.index.setdefault(phrase, []).append(j)

    def _counts(self, words: list[str]) -> dict[int, int]:
        words = [w for w in words if w not in _NAME_STOP_WORDS]
        counts: dict[int, int] = {}
        for n in range(1, self.longest + 1):
            for start in range(len(words) - n + 1):
                for j in self.index.get(tuple(words[start : start + n]), ()):
                    counts[j] = counts.get(j, 0) + 1
        return counts

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """(texts x tags x 2): the name in the title (0/1), log(1 + matches in the body)."""
        out = np.zeros((len(texts), len(self.phrases), 2), dtype=np.float32)
        for i, text in enumerate(texts):
            title, body = title_and_body(text)
            for j in self._counts(_stem_words(title)):
                out[i, j, 0] = 1.0
            for j, n in self._counts(_stem_words(body)).items():
                out[i, j, 1] = np.log1p(n)
        return out


def level2_features(
    whole: np.ndarray, passages: np.ndarray, names: np.ndarray, prior: np.ndarray
) -> np.ndarray:
    """(texts x tags x signals): whole and best-passage margins, their maximum, the tag's log
    prior, whether the tag scores best in the text, and the name matches. (The tag's full rank
    was tried too: it pushed third-ranked tags over their thresholds on short drafts.)"""
    best = np.maximum(whole, passages)
    first = best == best.max(axis=1, keepdims=True)
    signals = [whole, passages, best, np.broadcast_to(prior, whole.shape), first]
    stacked = np.stack(signals, axis=2).astype(np.float32)
    return np.concatenate([stacked, names], axis=2)


class Stacker:
    """One small logistic regression per tag over its level-2 signals (scikit-learn contract:
    fit(F, Y) -> self; decision_function(F) -> margins). A tag with at most `min_positives`
    training articles is too rare to fit one: its score stays the whole-text margin."""

    def __init__(self, C: float = LEVEL2_C, min_positives: int = 10) -> None:
        self.C = C
        self.min_positives = min_positives

    def fit(self, F: np.ndarray, Y: np.ndarray) -> Stacker:
        """Fit on signals F (texts x tags x signals) and truth Y (texts x tags, 0/1)."""
        from tagger.model.logistic import fit_logistic

        n_tags, n_signals = F.shape[1], F.shape[2]
        self.coef_ = np.zeros((n_tags, n_signals), dtype=np.float32)
        self.coef_[:, WHOLE] = 1.0  # identity on the whole-text margin
        self.intercept_ = np.zeros(n_tags, dtype=np.float32)
        frequent = np.flatnonzero(Y.sum(axis=0) > self.min_positives)
        if len(frequent):
            coef, intercept = fit_logistic(F[:, frequent, :], Y[:, frequent], self.C)
            self.coef_[frequent], self.intercept_[frequent] = coef, intercept
        return self

    def decision_function(self, F: np.ndarray) -> np.ndarray:
        """Stacked margins (texts x tags)."""
        margins: np.ndarray = np.einsum("dts,ts->dt", F, self.coef_) + self.intercept_
        return margins.astype(np.float32)


def out_of_fold(
    F: np.ndarray, Y: np.ndarray, folds: int, seed: int, stacker: Stacker
) -> np.ndarray:
    """Stacked margins of each text from a copy of `stacker` fitted without it (k-fold)."""
    from sklearn.model_selection import KFold

    out = np.zeros(Y.shape, dtype=np.float32)
    for train, held_out in KFold(folds, shuffle=True, random_state=seed + 1).split(F):
        fold = Stacker(stacker.C, stacker.min_positives).fit(F[train], Y[train])
        out[held_out] = fold.decision_function(F[held_out])
    return out


def passage_scores(
    transform: Callable[[Sequence[str]], sparse.csr_matrix],
    decision: Callable[[sparse.csr_matrix], np.ndarray],
    texts: Sequence[str],
    whole: np.ndarray,
) -> np.ndarray:
    """Best-passage margins for `texts` given their whole-text margins, with the feature
    `transform` and the classifier's `decision` function."""
    parts = Passages.of(texts)
    if not parts.texts:
        return whole.copy()
    return pool_max(whole, decision(transform(parts.texts)), parts.owner)


@dataclass
class Level2:
    """What stacked scoring needs besides the first-level model: the per-tag combiner, the
    tag-name matcher and the tags' log prior frequencies."""

    stacker: Stacker
    names: TagNames
    prior: np.ndarray

    def scores(
        self,
        whole: np.ndarray,
        texts: Sequence[str],
        transform: Callable[[Sequence[str]], sparse.csr_matrix],
        decision: Callable[[sparse.csr_matrix], np.ndarray],
    ) -> np.ndarray:
        """Stacked margins (texts x tags) from the whole-text margins and the texts."""
        passages = passage_scores(transform, decision, texts, whole)
        F = level2_features(whole, passages, self.names.features(texts), self.prior)
        return self.stacker.decision_function(F)
