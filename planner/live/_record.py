"""``--record FILE``: the exchanges with Huawei, saved with credentials and ids removed.

A recording is a JSON list of ``{"operation", "request": {"method", "path", "query", "body"},
"response": {"status", "body"}}``: the same shape as the fixtures in ``tests/live/fixtures``, so a user's first
real recording can settle the product codes marked unconfirmed and become a test. Headers are never kept
(they carry the signature and the project id); the project id in a path becomes ``{project_id}``; ids of
the account (orders, resources, projects, discounts, requests) become ``<redacted>``; any credential
anywhere is replaced.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._errors import OPERATIONS, redact

#: Keys whose values identify the account, not the product or the price.
ID_KEYS = frozenset(
    {"project_id", "domain_id", "order_id", "resource_id", "discount_id", "request_id", "workspace_id", "id_token"}
)


def operation_of(method: str, path: str) -> str:
    """The operation a request path belongs to (``?`` when it is none of :data:`OPERATIONS`)."""
    for name, (op_method, template) in OPERATIONS.items():
        pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
        if method == op_method and re.match(pattern, path):
            return name
    return "?"


def _scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {
            k: ("<redacted>" if k in ID_KEYS and v not in (None, "") else _scrub(v, secrets)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, str):
        return redact(value, secrets)
    return value


def _body(raw: bytes | str | None, secrets: tuple[str, ...]) -> Any:
    if raw in (None, b"", ""):
        return None
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    try:
        return _scrub(json.loads(text, parse_float=Decimal), secrets)
    except ValueError:
        return redact(text, secrets)


class Recorder:
    """Collects exchanges from the SDK's response hook; :meth:`save` writes them atomically."""

    def __init__(self) -> None:
        self.exchanges: list[dict[str, Any]] = []
        self.secrets: tuple[str, ...] = ()

    def on_response(self, **kwargs: Any) -> None:
        response = kwargs["response"]
        request = response.request
        url = urlsplit(request.url)
        operation = operation_of(request.method, url.path)
        # a project id in the path (any region's, not only the environment's) becomes the template's name
        path = OPERATIONS[operation][1] if operation in OPERATIONS else redact(url.path, self.secrets)
        self.exchanges.append(
            {
                "operation": operation,
                "request": {
                    "method": request.method,
                    "path": path,
                    "query": dict(parse_qsl(url.query)),
                    "body": _body(request.body, self.secrets),
                },
                "response": {"status": response.status_code, "body": _body(response.content, self.secrets)},
            }
        )

    def save(self, path: Path) -> None:
        """Write the recording to ``path`` (a new file; atomic: a temporary file renamed into place)."""
        import simplejson  # writes Decimals as the exact numbers Huawei sent

        text = simplejson.dumps(self.exchanges, indent=2, ensure_ascii=False, use_decimal=True) + "\n"
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.link(tmp, path)  # fails when path exists: a recording never replaces a file
        finally:
            os.unlink(tmp)
