"""Where the bytes of case documents live: in the database (default) or content-addressed in a directory."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.errors import IntegraflowError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class StoredFileMissing(IntegraflowError):
    """The bytes of a document are gone or altered (the directory was tampered with or restored incompletely)."""

    status = 500


@dataclass(frozen=True)
class DocumentStore:
    """Storage settings of case documents: the directory (None: database), the size limit, the virus scanner."""

    directory: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    # clamd address: "host:port" or a unix socket path; None: no scanning.
    clamd: str | None = None

    @property
    def storage(self) -> str:
        """What a new document's row records: "dir" or "db"."""
        return "dir" if self.directory is not None else "db"

    def put(self, data: bytes) -> tuple[str, bytes | None]:
        """Store the bytes; returns (sha256, bytes for the database column or None when written to the directory)."""
        digest = hashlib.sha256(data).hexdigest()
        if self.directory is None:
            return digest, data
        target = self._path(digest)
        if not target.exists():  # content-addressed: the same bytes are stored once
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written to a temporary file in the same directory, flushed, then renamed: a crash never leaves a
            # half-written file under the final name.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return digest, None

    def read(self, sha256: str, storage: str, content: bytes | None) -> bytes:
        """The document's bytes, checked against the recorded hash."""
        if storage == "dir":
            if self.directory is None:
                raise StoredFileMissing("Das Dokumentenverzeichnis ist nicht konfiguriert (INTEGRAFLOW_DOCUMENT_DIR).")
            try:
                data = self._path(sha256).read_bytes()
            except OSError:
                raise StoredFileMissing("Die Datei des Dokuments fehlt im Dokumentenverzeichnis.") from None
        else:
            data = content or b""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoredFileMissing("Die Datei des Dokuments stimmt nicht mit ihrer Prüfsumme überein.")
        return data

    def discard(self, hashes) -> None:
        """Remove the files of these hashes (called after commit, for hashes no document refers to any more)."""
        if self.directory is None:
            return
        for digest in hashes:
            self._path(digest).unlink(missing_ok=True)

    def _path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise StoredFileMissing("Ungültige Prüfsumme.")
        return self.directory / digest[:2] / digest[2:4] / digest

