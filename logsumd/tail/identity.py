"""File identity: device + inode + a checksum of the first bytes.

A path is not an identity (rotation moves files between paths) and neither is an
inode alone (the file system reuses the inode of a deleted file for a new one).
Together with a fingerprint of the first ``fingerprint_bytes`` bytes, an inode
reused by a new file does not inherit the old file's offset.

A file shorter than ``fingerprint_bytes`` is fingerprinted on what it has
(``fingerprint_len`` records how much); as it grows, the fingerprint is extended
after checking that the bytes already covered did not change.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def checksum(data: bytes) -> str:
    """Hex checksum of ``data`` (BLAKE2b, 8 bytes)."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """Who a file is: device, inode and the checksum of its first bytes."""

    dev: int
    ino: int
    fingerprint: str
    fingerprint_len: int

    @property
    def key(self) -> tuple[int, int]:
        """The (device, inode) pair."""
        return (self.dev, self.ino)

    def base_id(self) -> str:
        """The default file id, ``"dev:ino"``."""
        return f"{self.dev}:{self.ino}"


def read_prefix(fd: int, length: int) -> bytes:
    """Read up to ``length`` bytes from the start of the open file ``fd``."""
    chunks: list[bytes] = []
    got = 0
    while got < length:
        data = os.pread(fd, length - got, got)
        if not data:
            break
        chunks.append(data)
        got += len(data)
    return b"".join(chunks)


def identify(fd: int, fingerprint_bytes: int) -> FileIdentity:
    """The identity of the open file ``fd`` (fingerprint of what it has, up to the limit)."""
    st = os.fstat(fd)
    prefix = read_prefix(fd, fingerprint_bytes)
    return FileIdentity(st.st_dev, st.st_ino, checksum(prefix), len(prefix))


def refresh(identity: FileIdentity, fd: int, fingerprint_bytes: int) -> FileIdentity | None:
    """Check the open file still starts with the fingerprinted bytes.

    Returns the identity, extended if the file grew while it was shorter than
    ``fingerprint_bytes``, or None when the fingerprinted bytes changed (the
    content was replaced: a truncation followed by new writes).
    """
    prefix = read_prefix(fd, max(fingerprint_bytes, identity.fingerprint_len))
    if len(prefix) < identity.fingerprint_len:
        return None
    if checksum(prefix[: identity.fingerprint_len]) != identity.fingerprint:
        return None
    if len(prefix) == identity.fingerprint_len:
        return identity
    return FileIdentity(identity.dev, identity.ino, checksum(prefix), len(prefix))


def matches(dev: int, ino: int, fingerprint: str, fingerprint_len: int, fd: int) -> bool:
    """Whether the open file ``fd`` is the one recorded as dev/ino/fingerprint."""
    st = os.fstat(fd)
    if (st.st_dev, st.st_ino) != (dev, ino):
        return False
    prefix = read_prefix(fd, fingerprint_len)
    return len(prefix) == fingerprint_len and checksum(prefix) == fingerprint
