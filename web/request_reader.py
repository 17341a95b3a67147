"""One read-only unit of work per web request: user loading, access check, the page's reads and the header's bell
share one session and one pooled connection (engine.uow.SharedReader) instead of taking one each.

A writer of the request releases it first and after its commit (engine.bootstrap.Container.uow), so the request
never holds a reading connection while its writer waits for one, and what it reads after writing is current.
"""
from __future__ import annotations

from flask import g, has_request_context

_KEY = "integraflow_reader"


class RequestReaders:
    """The container's reader scope inside Flask requests (outside one, readers are their own)."""

    def __init__(self, container):
        self._container = container

    def current(self):
        """The request's shared reader (made on first use), or None outside a request."""
        if not has_request_context():
            return None
        shared = g.get(_KEY)
        if shared is None:
            shared = self._container.shared_reader()
            setattr(g, _KEY, shared)
        return shared

    def release(self) -> None:
        """End the request's read transaction: its next read begins afresh."""
        shared = g.get(_KEY) if has_request_context() else None
        if shared is not None:
            shared.release()


def register(app) -> None:
    """Share readers within each request of `app` and close them when the request ends."""
    container = app.extensions["integraflow"]
    container.reader_scope = RequestReaders(container)
    app.teardown_request(_close)


def _close(_exc) -> None:
    shared = g.pop(_KEY, None)
    if shared is not None:
        shared.close()
