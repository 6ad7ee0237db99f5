"""When to retry a Freepik call and how long to wait, as tenacity policies."""

import random
from collections.abc import Callable

from tenacity import RetryCallState

from resources.freepik.errors import FreepikError

# 429: bursts and quotas; 5xx: Freepik's side; all may clear up on a later attempt.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def is_retryable(error: BaseException) -> bool:
    """Only transient Freepik failures; 400/401/404, bad JSON and budget stops are final."""
    return isinstance(error, FreepikError) and error.retryable


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header; None when absent or not a number of seconds.

    The HTTP-date form is ignored (exponential backoff applies instead): Freepik sends
    seconds, and a date would tie the wait to the wall clock of two machines.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def backoff_wait(
    initial_s: float, max_s: float, rng: Callable[[], float] = random.random
) -> Callable[[RetryCallState], float]:
    """Capped exponential backoff with "equal jitter", or the server's Retry-After.

    The wait before attempt n+1 lies in [b/2, b] with b = min(max_s, initial_s * 2**(n-1)):
    half is guaranteed (so a struggling API gets real breathing room), half is random
    (so many workers limited at once do not retry in lockstep). A Retry-After header
    wins, capped at max_s so one response cannot park a run for a day.
    """

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after_s", None)
        if retry_after is not None:
            return min(float(retry_after), max_s)
        ceiling = min(max_s, initial_s * 2 ** (state.attempt_number - 1))
        return ceiling / 2 + rng() * ceiling / 2

    return wait
