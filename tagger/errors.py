"""Typed errors. Core code raises these; the CLI and API turn them into one-line messages.

Each error has a stable code (E1xx corpus, E2xx model bundle, E3xx training, E4xx input,
E5xx NLP, E6xx feedback store, E7xx retag runs) so users and scripts can search for it.
"""

from __future__ import annotations


class TaggerError(Exception):
    """Base class: a problem a user can fix, with a one-line message."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class CorpusError(TaggerError):
    """A corpus file cannot be read or a record in it is invalid."""

    code = "E100"


class InvalidRecord(CorpusError):
    """One record is malformed; readers can skip it when asked to."""

    code = "E101"

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


class UnreadableInput(InvalidRecord):
    """An input file stops being readable part-way (a truncated or corrupted .gz): what came
    before it was read; nothing after it can be."""

    code = "E102"


class BundleError(TaggerError):
    """A model bundle is missing, corrupted or incompatible."""

    code = "E200"


class ManifestError(BundleError):
    """A bundle's manifest does not fit the schema: corrupted, or not written by tagger."""

    code = "E201"


class SignatureError(BundleError):
    """TAGGER_BUNDLE_KEY is set and the manifest is unsigned or its signature does not match."""

    code = "E202"


class OutputExistsError(BundleError):
    """`--out` names something that is not a tagger bundle; tagger never deletes it."""

    code = "E203"


class TrainingError(TaggerError):
    """Training cannot proceed with the given corpus or settings."""

    code = "E300"


class InputError(TaggerError):
    """A draft or request is unusable (empty, binary, too large, unknown tags)."""

    code = "E400"


class NLPError(TaggerError):
    """The spaCy pipeline cannot be found or loaded."""

    code = "E500"


class FeedbackError(TaggerError):
    """The feedback database cannot be created, written or read."""

    code = "E600"


class RetagError(TaggerError):
    """A retag run cannot start or go on: its checkpoint or output files do not fit together."""

    code = "E700"
