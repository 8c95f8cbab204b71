"""What the planner may ask Huawei, and how a failed call is told: one line, the operation and the code."""

from __future__ import annotations

from collections.abc import Iterable

#: Every SDK operation the planner can call, with its HTTP method and path (SPEC A9). Inquiries and reads
#: only: nothing here creates, changes or cancels an order (tests/live/test_operations.py checks it).
OPERATIONS: dict[str, tuple[str, str]] = {
    "ListRateOnPeriodDetail": ("POST", "/v2/bills/ratings/period-resources/subscribe-rate"),
    "ListOnDemandResourceRatings": ("POST", "/v2/bills/ratings/on-demand-resources"),
    "ListSubscriptionProduct": ("GET", "/v1/{project_id}/subscriptions/products"),
    "ListSubscriptionOrder": ("GET", "/v1/{project_id}/subscriptions/orders"),
    "ListSubscriptionGlobalOrder": ("GET", "/v1/subscriptions/orders"),
}

#: Huawei's code for a product row it does not know (SPEC B8: isolate the row, ask the rest again).
UNKNOWN_PRODUCT = "CBC.99006006"
#: Huawei's rate limit (SPEC A9); the SDK reports a 429 on a GET as the bare status "429".
RATE_LIMITED = frozenset({"CBC.0250", "429"})


class LiveError(Exception):
    """A call to Huawei that failed: the operation, Huawei's ``error_code`` and plain words.

    ``str()`` is the one line the CLI prints. It never holds a credential: messages pass through
    :func:`redact` with every secret the call knew.
    """

    def __init__(self, operation: str, error_code: str, message: str, *, status: int | None = None) -> None:
        self.operation = operation
        self.error_code = error_code
        self.status = status
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{self.operation}: {self.error_code}{status}: {self.message}"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret (access key, secret key, domain and project ids) replaced."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "<redacted>")
    return text
