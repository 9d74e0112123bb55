"""`tagger serve`: the HTTP API and the editor web page on uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from tagger.cli.common import DEFAULT_MODEL, err, handle_errors
from tagger.text.limits import DEFAULT_MAX_BYTES


@handle_errors
def serve_command(
    model: Path = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model bundle folder."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0: all)."),
    port: int = typer.Option(8000, min=0, max=65535, help="TCP port."),
    feedback_db: Path = typer.Option(
        Path("feedback.db"), "--feedback-db", help="SQLite file for editors' feedback."
    ),
    entities: bool = typer.Option(
        True, "--entities/--no-entities", help="Also extract entities (spaCy)."
    ),
    spacy_model: str | None = typer.Option(
        None, envvar="TAGGER_SPACY_MODEL", help="spaCy pipeline name or path for entities."
    ),
    max_body_bytes: int = typer.Option(
        DEFAULT_MAX_BYTES,
        envvar="TAGGER_MAX_BODY_BYTES",
        min=1,
        help="Refuse request bodies larger than this (413).",
    ),
    ner_processes: int = typer.Option(
        min(2, os.cpu_count() or 1),
        min=1,
        help="Worker processes sharing each draft's entity recognition (lower latency).",
    ),
    ner_timeout: float = typer.Option(
        5.0,
        envvar="TAGGER_NER_TIMEOUT",
        min=0.1,
        help="Seconds to wait for an NER worker before doing its part in the server and "
        "replacing it.",
    ),
    cors_origin: list[str] = typer.Option(
        [],
        "--cors-origin",
        help="Let web pages from this origin (https://cms.example.org) call the API from the "
        "browser; repeatable. Default: none.",
    ),
    log_level: str = typer.Option("info", help="uvicorn log level (warning: no access log)."),
) -> None:
    """Serve tag suggestions over HTTP, with a web page for editors at /.

    API: POST /v1/suggest, POST /v1/suggest/batch, POST /v1/feedback, GET /v1/health,
    GET /v1/model, Annif-compatible /v1/projects/...; OpenAPI docs at /docs. With
    TAGGER_API_TOKEN set, /v1/feedback needs `Authorization: Bearer <token>`.
    Example: tagger serve --model models/default --port 8000
    """
    from tagger.api import ApiSettings, create_app
    from tagger.api.server import bind, run_server
    from tagger.pipeline import Tagger

    token = os.environ.get("TAGGER_API_TOKEN") or None
    sock = bind(host, port)  # a busy port is an error now, not after seconds of loading
    with sock:
        _one_malloc_arena()
        tagger = Tagger.load(
            model,
            entities=entities,
            spacy_model=spacy_model,
            ner_processes=ner_processes,
            ner_timeout=ner_timeout,
        )
        settings = ApiSettings(
            feedback_db=feedback_db,
            max_body_bytes=max_body_bytes,
            token=token,
            cors_origins=tuple(cors_origin),
        )
        try:
            app = create_app(tagger, settings)
            err.print(
                f"Serving {tagger.bundle.name} ({len(tagger.tags)} tags"
                f"{', entities' if tagger.spacy_model else ''}) on "
                f"http://{host}:{sock.getsockname()[1]}/ ; "
                f"feedback to {feedback_db}{' (token required)' if token else ''}"
            )
            run_server(app, sock, log_level)
        finally:
            tagger.close()


def _one_malloc_arena() -> None:
    """Model work runs on a thread of its own, where glibc gives each thread its own malloc
    arena; spaCy then runs 8-14% slower than on the main thread. One arena removes that."""
    import contextlib
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX = 1
