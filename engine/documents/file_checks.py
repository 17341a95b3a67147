"""What an upload must be: one of the accepted types judged by its content, within the size limit, safely named."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import filetype

from engine.errors import InvalidInput

# Accepted types: detected content type → (extension, German name).
ACCEPTED = {
    "application/pdf": ("pdf", "PDF"),
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", "Word (DOCX)"),
}
ACCEPTED_NAMES = ", ".join(name for _ext, name in ACCEPTED.values())
MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.\- ()äöüÄÖÜß]+")


def refuse(message: str, field: str = "file") -> InvalidInput:
    """The German refusal of an upload, attached to its field."""
    return InvalidInput(message, {field: message})


def check_content(data: bytes, max_bytes: int) -> str:
    """The content type of an acceptable upload, judged from its bytes; refuses empty, too large and other files."""
    if not data:
        raise refuse("Die Datei ist leer.")
    if len(data) > max_bytes:
        raise refuse(f"Die Datei ist zu groß (erlaubt sind höchstens {_megabytes(max_bytes)}).")
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime == "application/pdf" and not data.startswith(b"%PDF-"):
        mime = None  # filetype accepts the marker anywhere near the start; a PDF starts with it
    if mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" and not _is_docx(data):
        mime = None
    if mime not in ACCEPTED:
        raise refuse(f"Dieser Dateityp ist nicht erlaubt. Erlaubt sind {ACCEPTED_NAMES} – geprüft wird der Inhalt "
                     "der Datei, nicht ihr Name.")
    return mime


def _is_docx(data: bytes) -> bool:
    # A Word document is a zip holding the content-type list and the main document part.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def safe_filename(name: str | None, mime: str) -> str:
    """A file name safe to store and offer for download: no path, no control characters, the detected extension."""
    ext = ACCEPTED[mime][0]
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._-")
    stem = re.sub(r"_+", "_", stem)[:MAX_NAME - len(ext) - 1].rstrip(" ._-")
    return f"{stem or 'dokument'}.{ext}"


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB").replace(".", ",")
