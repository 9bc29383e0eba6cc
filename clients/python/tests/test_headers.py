"""Retry-After and RateLimit parsing (pure functions)."""
from datetime import datetime, timedelta, timezone

from secure_ml_api_client.headers import (MAX_RETRY_AFTER_SECONDS, RateLimitState,
                                          parse_rate_limit, parse_retry_after,
                                          parse_structured_list, rate_limit_wait)

NOW = datetime(2026, 12, 3, 15, 0, 0, tzinfo=timezone.utc)


def test_retry_after_seconds():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("30") == 30.0


def test_retry_after_http_date_is_a_delay_from_now():
    assert parse_retry_after("Thu, 03 Dec 2026 15:00:12 GMT", NOW) == 12.0
    # RFC 850 and asctime forms (obsolete, still to be accepted by recipients)
    assert parse_retry_after("Thursday, 03-Dec-26 15:00:05 GMT", NOW) == 5.0
    assert parse_retry_after("Thu Dec  3 15:00:03 2026", NOW) == 3.0


def test_retry_after_date_in_the_past_means_now():
    assert parse_retry_after("Thu, 03 Dec 2026 14:59:00 GMT", NOW) == 0.0


def test_retry_after_unreadable_or_absent_is_none():
    for value in (None, "", "soon", "-5", "1.5", "Thu, 99 Foo 2026"):
        assert parse_retry_after(value, NOW) is None, value


def test_retry_after_is_bounded():
    assert parse_retry_after("999999999") == MAX_RETRY_AFTER_SECONDS
    far = (NOW + timedelta(days=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(far, NOW) == MAX_RETRY_AFTER_SECONDS


def test_rate_limit_as_the_server_sends_it_two_policies_joined():
    headers = {
        "RateLimit-Policy": '"predict";q=30;w=60, "predict-user.gold";q=6000;w=60',
        "RateLimit": '"predict";r=0;t=30, "predict-user.gold";r=199;t=1',
    }
    assert parse_rate_limit(headers) == [
        RateLimitState("predict", remaining=0, reset=30, quota=30, window=60),
        RateLimitState("predict-user.gold", remaining=199, reset=1, quota=6000, window=60),
    ]


def test_rate_limit_header_names_are_case_insensitive_and_policy_optional():
    assert parse_rate_limit({"ratelimit": '"default";r=3;t=4'}) == [
        RateLimitState("default", remaining=3, reset=4)]
    assert parse_rate_limit({}) == []


def test_structured_list_tolerates_tokens_commas_in_strings_and_unknown_params():
    parsed = parse_structured_list('"a,b";r=1;t=2;x="y", tok;r=5, ;broken, "unterminated')
    assert parsed == {"a,b": {"r": 1, "t": 2}, "tok": {"r": 5}}


def test_rate_limit_wait_is_the_emission_interval_of_an_exhausted_policy_capped_by_t():
    exhausted = RateLimitState("predict", remaining=0, reset=30, quota=30, window=60)
    assert rate_limit_wait([exhausted]) == 2.0  # one request back every 60/30 s
    assert rate_limit_wait([RateLimitState("p", remaining=0, reset=1, quota=1, window=60)]) == 1.0
    assert rate_limit_wait([RateLimitState("p", remaining=0, reset=9)]) == 9.0
    assert rate_limit_wait([RateLimitState("p", remaining=2, reset=9, quota=1, window=1)]) is None
    # the longest wait among exhausted policies wins
    assert rate_limit_wait([exhausted, RateLimitState("u", remaining=0, reset=5, quota=1,
                                                      window=10)]) == 5.0
