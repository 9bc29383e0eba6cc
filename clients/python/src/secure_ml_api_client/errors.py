"""Typed exceptions carrying the server's `detail` and request id.

Messages and reprs are built only from what the server answered (status, `detail` or
`error`/`error_description`, X-Request-ID): never from the request, so a password, client
secret or bearer token cannot end up in a log line that prints an exception.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple, Union


@dataclass(frozen=True)
class ValidationIssue:
    """One entry of a 422 `detail` list: where (`loc`), what (`type`) and a sentence (`msg`)."""

    loc: Tuple[Union[str, int], ...]
    msg: str
    type: str


class ApiError(Exception):
    """Base of every error this client raises.

    status: HTTP status, None when no answer arrived (TransportError).
    detail: the server's `detail` (a string, or the list of issues of a 422), or the Open
        Inference Protocol's `error`, or RFC 6749's `error_description`.
    error: RFC 6749 error code on /token failures (`invalid_grant`, ...), else None.
    request_id: the X-Request-ID the server answered with (quote it to the operator).
    """

    def __init__(self, message: str, *, status: Optional[int] = None, detail: Any = None,
                 request_id: Optional[str] = None, error: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail
        self.request_id = request_id
        self.error = error

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.error:
            parts.append(f"error={self.error}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " | ".join(parts)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(status={self.status!r}, detail={self.detail!r}, "
                f"request_id={self.request_id!r})")


class TransportError(ApiError):
    """No usable answer: connection refused or reset, timeout, TLS failure (after retries)."""


class AuthenticationError(ApiError):
    """401 (missing, invalid, expired or revoked token) or a refused /token request."""


class PermissionDenied(ApiError):
    """403: the token lacks the scope the route needs."""


class NotFound(ApiError):
    """404: unknown path, model or model version."""


class ValidationError(ApiError):
    """422 (reference API) or 400/413 from the Open Inference Protocol: the request was refused
    as written. `issues` lists every problem the server reported (one per 422 `detail` entry;
    one with an empty `loc` for an OIP `error` sentence)."""

    def __init__(self, message: str, *, issues: Sequence[ValidationIssue] = (),
                 status: Optional[int] = None, detail: Any = None,
                 request_id: Optional[str] = None) -> None:
        super().__init__(message, status=status, detail=detail, request_id=request_id)
        self.issues = tuple(issues)


class RateLimited(ApiError):
    """429 that retrying within the client's budget could not get past; `retry_after` is the
    server's wait in seconds (None when it sent none)."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None,
                 status: Optional[int] = None, detail: Any = None,
                 request_id: Optional[str] = None, error: Optional[str] = None) -> None:
        super().__init__(message, status=status, detail=detail, request_id=request_id,
                         error=error)
        self.retry_after = retry_after


class ServerUnavailable(ApiError):
    """503 (overloaded, draining, a dependency down) or a gateway 502/504, after retries."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None,
                 status: Optional[int] = None, detail: Any = None,
                 request_id: Optional[str] = None) -> None:
        super().__init__(message, status=status, detail=detail, request_id=request_id)
        self.retry_after = retry_after
