"""The Dask path of `tagger retag`: the same chunks and `process_chunk`, run on a cluster.

Workers load the bundle once each (the per-process cache in
`tagger.retag.workers.worker_tagger`), so the model path must be readable on every worker (a
shared or copied folder). The client keeps a bounded number of chunks in flight and yields
results in input order; the writing, checkpoints and resume are those of the local path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tagger.errors import TaggerError
from tagger.retag.workers import ChunkResult, TaggerSpec, ordered_window, process_chunk
from tagger.types import Article


def _warm(spec: TaggerSpec) -> bool:
    from tagger.retag.workers import worker_tagger

    worker_tagger(spec)
    return True


class DaskExecutor:
    """Runs retag chunks on an existing scheduler, or on a LocalCluster started on loopback."""

    def __init__(
        self, spec: TaggerSpec, scheduler: str | None = None, local_workers: int | None = None
    ) -> None:
        # The one place Dask is imported (ruff's banned-api keeps it out of everything else).
        from dask.distributed import Client, LocalCluster  # noqa: TID251

        self.spec = spec
        self.cluster: Any = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(
                    n_workers=local_workers or 1,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=":0",
                )
                self.client = Client(self.cluster)
        except OSError as exc:
            raise TaggerError(f"cannot reach Dask scheduler {scheduler}: {exc}") from None
        workers = list(self.client.scheduler_info()["workers"])
        if not workers:
            raise TaggerError(f"Dask scheduler {scheduler} has no workers")
        self.n_workers = len(workers)
        # Load the model on every worker up front, so a bad path fails now, not mid-run.
        self.client.gather(
            [self.client.submit(_warm, spec, workers=[w], pure=False) for w in workers]
        )

    def map_ordered(
        self, payloads: Iterator[list[tuple[int, dict[str, Any], Article]]]
    ) -> Iterator[ChunkResult]:
        """Run chunks on the cluster, at most 2 x workers in flight; results in input order."""
        return ordered_window(
            payloads,
            lambda payload: self.client.submit(process_chunk, self.spec, payload, pure=False),
            lambda future: future.result(),
            2 * self.n_workers,
        )

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
