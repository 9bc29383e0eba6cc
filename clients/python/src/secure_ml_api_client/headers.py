"""Parsing of the wait-related response headers: pure functions, no I/O.

- `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date.
- `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers, Structured Field
  lists) as the server sends them: `"predict";q=30;w=60` and `"predict";r=12;t=30`, one list
  member per policy that applied (per address and per principal). When a response carries both
  as separate header lines, HTTP libraries join them with ", ", which is the same list.
"""
from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Mapping, Optional, Tuple

# A Retry-After beyond this is not believed (a broken or hostile value must not park a client
# for days); the retry budget normally caps waits far below it anyway.
MAX_RETRY_AFTER_SECONDS = 86400.0


def parse_retry_after(value: Optional[str], now: Optional[datetime] = None) -> Optional[float]:
    """Seconds to wait, or None when absent or unreadable. An HTTP-date in the past gives 0."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return min(float(int(text)), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; the obsolete forms may parse naive
        when = when.replace(tzinfo=timezone.utc)
    reference = now if now is not None else datetime.now(timezone.utc)
    delay = (when - reference).total_seconds()
    return min(max(delay, 0.0), MAX_RETRY_AFTER_SECONDS)


@dataclass(frozen=True)
class RateLimitState:
    """One policy's state from a response: quota `quota` per `window` seconds (from
    RateLimit-Policy, None if absent), `remaining` requests allowed now and `reset` seconds
    until the full quota is back (from RateLimit)."""

    policy: str
    remaining: Optional[int]
    reset: Optional[int]
    quota: Optional[int] = None
    window: Optional[int] = None


def _split_members(value: str) -> List[str]:
    """Splits a Structured Field list on the commas outside sf-strings."""
    members: List[str] = []
    current: List[str] = []
    in_string = False
    escaped = False
    for char in value:
        if in_string:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            current.append(char)
        elif char == ",":
            members.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    members.append("".join(current).strip())
    return [m for m in members if m]


def _parse_member(member: str) -> Optional[Tuple[str, Dict[str, int]]]:
    """`"name";k=1;j=2` -> ("name", {"k": 1, "j": 2}); None when the item is not a string or
    token. Parameters that are not integers are ignored (a later draft may add others)."""
    if member.startswith('"'):
        end = 1
        name_chars: List[str] = []
        while end < len(member) and member[end] != '"':
            if member[end] == "\\" and end + 1 < len(member):
                end += 1
            name_chars.append(member[end])
            end += 1
        if end >= len(member):
            return None
        name = "".join(name_chars)
        rest = member[end + 1:]
    else:
        name, _, rest = member.partition(";")
        name = name.strip()
        rest = ";" + rest if rest else ""
        if not name:
            return None
    params: Dict[str, int] = {}
    for raw in rest.split(";"):
        key, sep, val = raw.strip().partition("=")
        if not sep:
            continue
        val = val.strip()
        if val.lstrip("-").isdigit():
            params[key.strip()] = int(val)
    return name, params


def parse_structured_list(value: Optional[str]) -> Dict[str, Dict[str, int]]:
    """Policy name -> integer parameters, for a RateLimit or RateLimit-Policy value."""
    out: Dict[str, Dict[str, int]] = {}
    if not value:
        return out
    for member in _split_members(value):
        parsed = _parse_member(member)
        if parsed is not None:
            out[parsed[0]] = parsed[1]
    return out


def parse_rate_limit(headers: Mapping[str, str]) -> List[RateLimitState]:
    """Every policy named in RateLimit, joined by name with RateLimit-Policy."""
    states = parse_structured_list(_header(headers, "RateLimit"))
    policies = parse_structured_list(_header(headers, "RateLimit-Policy"))
    return [
        RateLimitState(policy=name, remaining=params.get("r"), reset=params.get("t"),
                       quota=policies.get(name, {}).get("q"),
                       window=policies.get(name, {}).get("w"))
        for name, params in states.items()
    ]


def rate_limit_wait(states: List[RateLimitState]) -> Optional[float]:
    """A wait derived from RateLimit when Retry-After is missing: for each exhausted policy
    (r=0), the time one request takes to come back (window/quota, the GCRA emission interval),
    bounded by `t`; the longest of these. None when no policy is exhausted."""
    waits: List[float] = []
    for state in states:
        if state.remaining is None or state.remaining > 0:
            continue
        candidates: List[float] = []
        if state.quota and state.window:
            candidates.append(state.window / state.quota)
        if state.reset is not None:
            candidates.append(float(state.reset))
        if candidates:
            waits.append(min(candidates))
    return max(waits) if waits else None


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name)
    if value is not None:
        return value
    lower = name.lower()
    for key, val in headers.items():
        if key.lower() == lower:
            return val
    return None
