"""Tailing: follow the files of the sources and hand their complete lines on.

The tailer finds files by glob (watchdog events, with polling as fallback),
identifies each by device, inode and a checksum of its first bytes, reads it in
worker threads, splits lines, and checkpoints how far each file is done only as
far as the pipeline has acknowledged (:class:`AckTracker`).
"""

from __future__ import annotations

from logsumd.tail._tailer import Tailer
from logsumd.tail.checkpoint import AckTracker, CheckpointStore
from logsumd.tail.linesplit import read_file_chunks
from logsumd.tail.watch import SourceFiles, SourceMatcher

__all__ = [
    "AckTracker",
    "CheckpointStore",
    "SourceFiles",
    "SourceMatcher",
    "Tailer",
    "read_file_chunks",
]
