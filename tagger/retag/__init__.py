"""Retagging archives: chunked streaming with checkpoints, local worker processes, the Dask
adapter and the HTML report of a run."""
