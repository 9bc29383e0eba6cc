"""When to retry, and how long to wait: pure decisions, no I/O (the client sleeps).

Policy, per attempt outcome:

| outcome | retried? | wait |
|---|---|---|
| 429 | always (the server refused before doing anything) | Retry-After, else RateLimit (r=0: window/quota, at most t), else backoff |
| 503 | always (overload, draining or a dependency down: nothing was processed) | Retry-After, else backoff |
| 502, 504 (a gateway in front) | idempotent requests only | Retry-After, else backoff |
| connection refused / connect timeout (nothing sent) | always | jittered backoff |
| reset, read timeout (the request may have been processed) | idempotent requests only | jittered backoff |
| TLS failure, any other status | never | - |

Idempotent here means "safe to send twice": scoring (/predict, /predict/batch, OIP infer) has
no side effect, so a repeat returns the same scores; GET/HEAD likewise. POST /token is not
(each attempt mints a token and counts against the login throttle), nor is a generic request
unless the caller says so. Retries stop at `max_attempts` or when the next wait would end
after `max_total_seconds` from the first attempt; the error of the last attempt is raised then.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Optional

# Statuses after which the server did nothing with the request.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
# Statuses from an intermediary: the service may or may not have seen the request.
GATEWAY_STATUSES = frozenset({502, 504})


class Failure(Enum):
    """How an attempt failed without an HTTP answer."""

    NOT_SENT = "not_sent"        # connection refused, connect timeout: nothing reached the server
    MAYBE_SENT = "maybe_sent"    # reset or timeout after sending: it may have been processed
    FATAL = "fatal"              # TLS verification failure and the like: retrying cannot help


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the retry loop.

    max_attempts: attempts in all (1 disables retries).
    max_total_seconds: no wait is started that would end later than this after the first
        attempt began (a Retry-After beyond it raises RateLimited/ServerUnavailable at once).
    backoff_base, backoff_cap: exponential backoff without a server hint, full jitter:
        uniform(0, min(cap, base * 2**retry)).
    retry_after_jitter: a fraction of Retry-After added at random (0 to 10 %), so clients
        told the same wait do not all come back in the same millisecond.
    """

    max_attempts: int = 4
    max_total_seconds: float = 30.0
    backoff_base: float = 0.25
    backoff_cap: float = 8.0
    retry_after_jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_total_seconds < 0 or self.backoff_base < 0 or self.backoff_cap < 0:
            raise ValueError("retry bounds must not be negative")
        if not 0 <= self.retry_after_jitter <= 1:
            raise ValueError("retry_after_jitter must be between 0 and 1")

    def backoff(self, retry: int, rng: Callable[[], float] = random.random) -> float:
        """Full-jitter exponential backoff for the `retry`-th retry (0-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2.0 ** min(retry, 32)))
        return ceiling * rng()

    def server_wait(self, hint: float, rng: Callable[[], float] = random.random) -> float:
        """The server's wait plus up to `retry_after_jitter` of it (never less than it: a
        request exactly Retry-After later is allowed, an earlier one is refused again)."""
        return hint + hint * self.retry_after_jitter * rng()


def retryable_status(status: int, idempotent: bool) -> bool:
    if status in NOT_PROCESSED_STATUSES:
        return True
    return idempotent and status in GATEWAY_STATUSES


def retryable_failure(failure: Failure, idempotent: bool) -> bool:
    if failure is Failure.NOT_SENT:
        return True
    return idempotent and failure is Failure.MAYBE_SENT


def next_wait(policy: RetryPolicy, *, attempt: int, elapsed: float, hint: Optional[float],
              rng: Callable[[], float] = random.random) -> Optional[float]:
    """The wait before attempt `attempt + 1` (attempts count from 1), or None to give up.

    `hint`: the server's wait (Retry-After or RateLimit), None for backoff. `elapsed`: seconds
    since the first attempt began."""
    if attempt >= policy.max_attempts:
        return None
    wait = policy.server_wait(hint, rng) if hint is not None else policy.backoff(attempt - 1, rng)
    if hint is not None and elapsed + hint > policy.max_total_seconds:
        return None
    if elapsed + wait > policy.max_total_seconds:
        wait = max(policy.max_total_seconds - elapsed, 0.0)
        if hint is not None and wait < hint:
            return None
    return wait
