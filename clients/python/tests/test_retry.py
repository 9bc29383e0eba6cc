"""The retry decisions and backoff (pure functions)."""
import pytest

from secure_ml_api_client.retry import (Failure, RetryPolicy, next_wait, retryable_failure,
                                        retryable_status)


def test_backoff_is_full_jitter_exponential_and_capped():
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=3.0)
    assert [policy.backoff(n, rng=lambda: 1.0) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.backoff(3, rng=lambda: 0.0) == 0.0
    assert policy.backoff(1, rng=lambda: 0.5) == 0.5
    assert policy.backoff(10_000, rng=lambda: 1.0) == 3.0  # no overflow


def test_server_wait_is_never_shorter_than_the_hint():
    policy = RetryPolicy(retry_after_jitter=0.1)
    assert policy.server_wait(10.0, rng=lambda: 0.0) == 10.0
    assert policy.server_wait(10.0, rng=lambda: 1.0) == pytest.approx(11.0)


def test_what_is_retried():
    for idempotent in (True, False):
        assert retryable_status(429, idempotent)
        assert retryable_status(503, idempotent)
        assert retryable_failure(Failure.NOT_SENT, idempotent)
        assert not retryable_failure(Failure.FATAL, idempotent)
        for status in (400, 401, 403, 404, 413, 422, 500):
            assert not retryable_status(status, idempotent), status
    assert retryable_status(502, True) and retryable_status(504, True)
    assert not retryable_status(502, False) and not retryable_status(504, False)
    assert retryable_failure(Failure.MAYBE_SENT, True)
    assert not retryable_failure(Failure.MAYBE_SENT, False)


def test_attempts_are_bounded():
    policy = RetryPolicy(max_attempts=3)
    assert next_wait(policy, attempt=1, elapsed=0, hint=None, rng=lambda: 1.0) == 0.25
    assert next_wait(policy, attempt=2, elapsed=0, hint=None, rng=lambda: 1.0) == 0.5
    assert next_wait(policy, attempt=3, elapsed=0, hint=None) is None
    assert next_wait(RetryPolicy(max_attempts=1), attempt=1, elapsed=0, hint=1.0) is None


def test_a_server_wait_beyond_the_budget_gives_up_at_once():
    policy = RetryPolicy(max_total_seconds=10)
    assert next_wait(policy, attempt=1, elapsed=0, hint=30.0) is None
    assert next_wait(policy, attempt=1, elapsed=8, hint=3.0) is None
    assert next_wait(policy, attempt=1, elapsed=0, hint=3.0, rng=lambda: 0.0) == 3.0


def test_jitter_never_pushes_past_the_budget():
    policy = RetryPolicy(max_total_seconds=10, retry_after_jitter=1.0)
    assert next_wait(policy, attempt=1, elapsed=4, hint=5.0, rng=lambda: 1.0) == 6.0
    backoff = RetryPolicy(max_total_seconds=1, backoff_base=4)
    assert next_wait(backoff, attempt=1, elapsed=0.5, hint=None, rng=lambda: 1.0) == 0.5


def test_policy_validates_its_bounds():
    for bad in ({"max_attempts": 0}, {"max_total_seconds": -1}, {"retry_after_jitter": 2}):
        with pytest.raises(ValueError):
            RetryPolicy(**bad)
