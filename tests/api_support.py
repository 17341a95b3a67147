"""Helpers for the REST API tests: a token per user and a client that sends it."""
from __future__ import annotations

from engine.access import SCOPES, create_token


def issue_token(container, username: str, scopes=SCOPES, days: int = 365) -> str:
    """A fresh token for a user of the test world."""
    return create_token(container.uow(), username, f"Test {username}", scopes, days).token


class ApiClient:
    """A Flask test client that speaks JSON and sends one bearer token."""

    def __init__(self, app, token: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, **kwargs):
        """GET with the token."""
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, json=None, **kwargs):
        """POST a JSON body with the token."""
        return self.client.post(url, json=json if json is not None else {}, headers=self.headers, **kwargs)

    def open(self, url: str, method: str, **kwargs):
        """Any method with the token."""
        return self.client.open(url, method=method, headers=self.headers, **kwargs)
