"""The virus-scanner hook: uploads streamed to a ClamAV daemon (clamd INSTREAM); refused if infected or unreachable.

A client of a few lines instead of the `clamd` package (unmaintained since 2014): the protocol is one command,
length-prefixed chunks and a one-line answer.
"""
from __future__ import annotations

import socket
import struct

from .file_checks import refuse

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30
UNREACHABLE = ("Der Virenscanner ist nicht erreichbar; die Datei wurde deshalb nicht gespeichert. Bitte später "
               "erneut versuchen oder die Administration informieren.")


def scan(address: str, data: bytes) -> None:
    """Stream the bytes to clamd; refuse (German message) an infected file, and any upload if clamd fails to answer."""
    try:
        with _connect(address) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = _read_answer(sock)
    except (OSError, ValueError):  # ValueError: a misconfigured address such as "host:port" without a number
        raise refuse(UNREACHABLE) from None
    if answer.endswith("FOUND"):
        signature = answer.split(":", 1)[-1].removesuffix("FOUND").strip()
        raise refuse(f"Die Datei enthält Schadsoftware ({signature}) und wurde nicht gespeichert.")
    if not answer.endswith("OK"):
        raise refuse(UNREACHABLE)


def _connect(address: str) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_SECONDS)
        sock.connect(address)
        return sock
    host, _, port = address.rpartition(":")
    return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=TIMEOUT_SECONDS)


def _read_answer(sock: socket.socket) -> str:
    answer = b""
    while not answer.endswith(b"\0") and len(answer) < 4096:
        part = sock.recv(4096)
        if not part:
            break
        answer += part
    return answer.rstrip(b"\0\n").decode("utf-8", "replace").strip()
