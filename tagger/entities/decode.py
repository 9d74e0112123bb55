"""Greedy BILUO decoding of spaCy's NER model, in numpy: the same model, the same entities,
about 3x faster on this machine (benchmarks/RESULTS.md).

spaCy's compiled transition loop (`Parser._parseC`) runs without the GIL, but its validity
checks call small C++ methods that Cython guards with a GIL round trip each: 74 checks per
token, 40% of the NER time in `perf`. This module runs the same computation from the same
weights, and it is exact by construction of the arithmetic:

- the token vectors and their precomputed hidden-layer inputs come from spaCy's own layers
  (`tok2vec`, then the `precomputable_affine` "lower" layer, with the same thinc ops);
- a state's features are spaCy's for NER (`StateC.set_context_tokens`, n=3): the next token,
  the open entity's first token, the token before the next one (the last two only while an
  entity is open; padding rows otherwise), summed in spaCy's order, plus the bias, then maxout;
- the output layer and the argmax over valid moves follow `predict_states` and
  `arg_max_if_valid` (first maximum wins); validity follows `ner.pyx` for documents without
  preset entities: no entity may start on whitespace or cross a sentence start; B needs a
  next token, I continues the open entity's label when a next token follows, L closes it.

While no entity is open, a state depends only on its position, so the scores of every such
state of a batch come from one matrix product; only the few steps inside entities are taken
one at a time. The one difference from spaCy is the order of additions inside that matrix
product (OpenBLAS instead of blis), which could only matter on an exact tie;
`tests/test_entities.py` and `benchmarks/suggest_speed.py` compare the two decoders' entities.

Pipelines this does not describe (a beam-search NER, other feature sets, no upper layer,
transition names other than BILUO) return None from `GreedyNER.from_pipe` and keep spaCy's
own decoder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

Spans = list[tuple[int, int, str]]
# Tokens per network call. Peak memory grows with it (Reuters, batches of 64 articles: 4,000
# tokens 196 MB resident, 8,000 262 MB, unlimited 385 MB) for a few percent of speed (162, 172,
# 174 articles/s): 4,000 stays below spaCy's own decoding (281 MB).
MAX_TOKENS = 4000


class GreedyNER:
    """Decode entities for tokenized spaCy Docs with the weights of a pipeline's `ner`."""

    def __init__(self, ner: Any) -> None:
        model = ner.model
        self.tok2vec, self.lower, self.upper = model.layers
        self.bias = self.lower.get_param("b")  # (nO, nP)
        self.W = self.upper.get_param("W")  # (classes, nO)
        self.b = self.upper.get_param("b")
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        self.n_classes = len(names)
        move = [name.split("-", 1)[0] for name in names]
        self.labels = [name.split("-", 1)[1] if "-" in name else "" for name in names]
        seen = np.ones(self.n_classes, dtype=bool)
        seen[list(model.attrs.get("unseen_classes") or ())] = False
        self.unseen = ~seen

        def mask(kinds: str) -> np.ndarray:
            return np.array(
                [
                    m in kinds and (m == "O" or lab != "")
                    for m, lab in zip(move, self.labels, strict=True)
                ]
            )

        self.valid_free = mask("BUO")  # no entity open, a next token in the same sentence
        self.valid_end = mask("UO")  # no entity open, last token or a sentence starts next
        self.valid_space = mask("O")  # no entity open, whitespace token
        self.out = names.index("O")
        self.unit = {i for i, m in enumerate(move) if m == "U"}
        # Moves that keep an entity of label L open (I-L) or close it (L-L), per label.
        self.inside = {self.labels[i]: i for i, m in enumerate(move) if m == "I"}
        self.last = {self.labels[i]: i for i, m in enumerate(move) if m == "L"}

    @classmethod
    def from_pipe(cls, ner: Any) -> GreedyNER | None:
        """A decoder for this `ner` component, or None if its model is not the greedy
        BILUO parser this module reproduces."""
        model = getattr(ner, "model", None)
        moves = getattr(ner, "moves", None)
        if model is None or moves is None or getattr(ner, "cfg", {}).get("beam_width", 1) != 1:
            return None
        if not model.attrs.get("has_upper") or len(model.layers) != 3:
            return None
        try:
            lower = model.layers[1]
            if lower.get_dim("nF") != 3 or lower.name != "precomputable_affine":
                return None
            names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        except (KeyError, ValueError, AttributeError):
            return None
        if "O" not in names or any(
            n != "O" and n[:2] not in ("B-", "I-", "L-", "U-") for n in names
        ):
            return None
        if getattr(ner, "postprocesses", None):
            return None
        return cls(ner)

    def _scores(self, hidden_in: np.ndarray) -> np.ndarray:
        """Output scores for rows of summed features (..., nO, nP) + bias, as spaCy."""
        scores: np.ndarray = (hidden_in + self.bias).max(axis=-1) @ self.W.T + self.b
        if self.unseen.any():
            scores[..., self.unseen] = scores.min(axis=-1, keepdims=True)
        return scores

    def decode(self, docs: Sequence[Any], max_tokens: int = MAX_TOKENS) -> list[Spans]:
        """(start_char, end_char, label) of each Doc's entities, in order. The Docs must come
        straight from the tokenizer (no preset entities). The network runs on groups of Docs
        of at most `max_tokens` tokens (or one longer Doc): its memory grows with the group."""
        out: list[Spans] = []
        group: list[Any] = []
        tokens = 0
        for doc in docs:
            if group and tokens + len(doc) > max_tokens:
                out += self._decode_group(group)
                group, tokens = [], 0
            group.append(doc)
            tokens += len(doc)
        if group:
            out += self._decode_group(group)
        return out

    def _decode_group(self, docs: list[Any]) -> list[Spans]:
        from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

        out: list[Spans] = [[] for _ in docs]
        if not any(len(d) for d in docs):
            return out
        vectors = self.tok2vec.predict(docs)  # (tokens of all docs, nI)
        P = self.lower.predict(vectors)  # (1 + tokens, nF, nO, nP); row 0: padding
        pad = P[0]
        # Every state without an open entity, at once: features [token, pad, pad].
        free = self._scores((P[1:, 0] + pad[1]) + pad[2])
        row = 0
        for k, doc in enumerate(docs):
            n = len(doc)
            if n:
                attrs = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START])
                out[k] = self._decode_doc(P, free, row, n, attrs)
                row += n
        return out

    def _decode_doc(
        self, P: np.ndarray, free: np.ndarray, row: int, n: int, attrs: np.ndarray
    ) -> Spans:
        idx, length, space, sent_start = (attrs[:, j] for j in range(4))
        next_starts = np.zeros(n, dtype=bool)
        next_starts[:-1] = sent_start[1:] == 1
        next_starts[-1] = True  # the last token has no next one
        # The move chosen in each free state (decided in advance, all at once).
        masks = np.where(
            (space != 0)[:, None],
            self.valid_space,
            np.where(next_starts[:, None], self.valid_end, self.valid_free),
        )
        chosen = np.where(masks, free[row : row + n], -np.inf).argmax(axis=1)
        spans: Spans = []
        i = 0
        for position in np.flatnonzero(chosen != self.out).tolist():
            if position < i:  # inside an entity decoded below: not a free state
                continue
            i = position
            action = int(chosen[i])
            label = self.labels[action]
            if action in self.unit:
                spans.append((int(idx[i]), int(idx[i] + length[i]), label))
                i += 1
                continue
            start, i = i, i + 1
            inside, last = self.inside[label], self.last[label]
            # While the entity is open: continue (I) or close (L), first maximum wins.
            while not next_starts[i]:
                # Features [token i, entity start, token i-1], rows after the padding row.
                scores = self._scores((P[row + i + 1, 0] + P[row + start + 1, 1]) + P[row + i, 2])
                s_in, s_last = scores[inside], scores[last]
                if s_in > s_last or (s_in == s_last and inside < last):
                    i += 1
                else:
                    break
            spans.append((int(idx[start]), int(idx[i] + length[i]), label))
            i += 1
        return spans
