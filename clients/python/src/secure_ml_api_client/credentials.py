"""OAuth 2.0 credentials and the token cache.

A `TokenCache` holds one access token per client, renews it `refresh_margin` seconds before
`expires_in` says it ends (at most half its lifetime early, so a short-lived token is still
used), and fetches at most one token at a time: threads that need a token while one is being
fetched wait for it instead of each asking /token (which is rate limited and, for password
grants, costs the server an Argon2id hash).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple, Union

from .errors import ApiError


@dataclass(frozen=True)
class ClientCredentials:
    """RFC 6749 section 4.4: a registered client's id and secret (sent with HTTP Basic)."""

    client_id: str
    client_secret: str = field(repr=False)
    scope: Optional[str] = None

    def form(self) -> Tuple[Dict[str, str], Optional[Tuple[str, str]]]:
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        return data, (self.client_id, self.client_secret)


@dataclass(frozen=True)
class PasswordCredentials:
    """RFC 6749 section 4.3: a user's name and password (client_id: a registered public
    client, optional)."""

    username: str
    password: str = field(repr=False)
    scope: Optional[str] = None
    client_id: Optional[str] = None

    def form(self) -> Tuple[Dict[str, str], Optional[Tuple[str, str]]]:
        data = {"grant_type": "password", "username": self.username, "password": self.password}
        if self.scope:
            data["scope"] = self.scope
        if self.client_id:
            data["client_id"] = self.client_id
        return data, None


@dataclass(frozen=True)
class StaticToken:
    """A bearer token obtained elsewhere: used as is, never renewed."""

    access_token: str = field(repr=False)


Credentials = Union[ClientCredentials, PasswordCredentials, StaticToken]


@dataclass(frozen=True)
class IssuedToken:
    access_token: str = field(repr=False)
    expires_in: float
    scope: Optional[str] = None


class TokenCache:
    """The current token, renewed before expiry; thread-safe.

    fetch: asks /token (with the client's retries) and returns an IssuedToken.
    clock: monotonic seconds (injectable so tests can move time forward).
    """

    def __init__(self, credentials: Credentials, fetch: Callable[[Credentials], IssuedToken],
                 *, refresh_margin: float = 60.0,
                 clock: Callable[[], float]) -> None:
        if refresh_margin < 0:
            raise ValueError("refresh_margin must not be negative")
        self._credentials = credentials
        self._fetch = fetch
        self._margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._renew_at = 0.0
        self.fetches = 0  # tokens obtained so far (observability and tests)

    def __repr__(self) -> str:
        return f"TokenCache(credentials={self._credentials!r}, fetches={self.fetches})"

    def get(self) -> str:
        """A token that is not about to expire."""
        if isinstance(self._credentials, StaticToken):
            return self._credentials.access_token
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._renew_locked()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> bool:
        """Forgets `token` after the server refused it (401): the next get() fetches a new one.
        Returns False when there is nothing to renew (a static token) — the caller then does
        not retry. A token another thread already replaced is left alone."""
        if isinstance(self._credentials, StaticToken):
            return False
        with self._lock:
            if self._token == token:
                self._token = None
        return True

    def _renew_locked(self) -> None:
        started = self._clock()
        issued = self._fetch(self._credentials)
        if issued.expires_in <= 0:
            raise ApiError("token endpoint answered a non-positive expires_in")
        margin = min(self._margin, issued.expires_in / 2.0)
        # Counted from before the request: the server's clock started the lifetime no earlier.
        self._renew_at = started + issued.expires_in - margin
        self._token = issued.access_token
        self.fetches += 1
