"""Huawei's official SDK, set up once: credentials from the environment, clients, pacing, bounded retries.

Every call goes through :meth:`Huawei.call`, which refuses any operation outside :data:`OPERATIONS`, keeps
below Huawei's rate limit (10 requests a second), retries a 429 with exponential backoff (the SDK never
retries a POST), and turns every failure into one :class:`LiveError`. The answer is read from the raw JSON
(``raw_content``) and checked by the caller against the documented shape, so a malformed answer is an error,
not a half-filled model. The SDK's own loggers are silenced: its error lines carry URLs with the project id.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from ._errors import OPERATIONS, RATE_LIMITED, LiveError, redact
from ._record import Recorder

SITES = ("intl", "cn")
#: Huawei's BSS endpoints by site (SPEC A9): the priced region goes into each product row, not the client.
BSS_REGION = {"intl": "ap-southeast-1", "cn": "cn-north-1"}
ENV_AK, ENV_SK = "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"
ENV_DOMAIN, ENV_PROJECT = "HUAWEICLOUD_SDK_DOMAIN_ID", "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_ENDPOINT = "PLANNER_HUAWEI_ENDPOINT"
MIN_INTERVAL = 0.1  # seconds between calls: Huawei allows 10 requests a second (CBC.0250 beyond)


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _silence(client: Any) -> None:
    """The SDK logs errors with full URLs (project ids) through a logger of its own: switch it off."""
    for name in (f"HuaweiCloud-SDK-{type(client).__name__}", "HuaweiCloud-SDK"):
        logger = logging.getLogger(name)
        logger.disabled = True
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


class Huawei:
    """One conversation with Huawei Cloud. Credentials are read from ``environ`` (the process environment).

    ``endpoint`` (or ``$PLANNER_HUAWEI_ENDPOINT``) sends every call to that server instead of Huawei's.
    """

    def __init__(
        self,
        *,
        site: str = "intl",
        endpoint: str | None = None,
        timeout: float = 30.0,  # float ok: seconds, not money
        max_attempts: int = 5,
        backoff: float = 1.0,  # float ok: seconds, not money
        recorder: Recorder | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        env = os.environ if environ is None else environ
        if site not in SITES:
            raise ValueError(f"site must be one of {', '.join(SITES)}")
        self.site = site
        self.endpoint = (endpoint or env.get(ENV_ENDPOINT) or "").rstrip("/") or None
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.recorder = recorder
        self._sleep = sleep
        self._ak, self._sk = env.get(ENV_AK, ""), env.get(ENV_SK, "")
        self._domain_id, self.project_id = env.get(ENV_DOMAIN, ""), env.get(ENV_PROJECT, "")
        self._last_call = 0.0
        self._clients: dict[tuple[str, str], Any] = {}
        if recorder is not None:
            recorder.secrets = self.secrets

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be shown: the keys and the account's ids."""
        return tuple(s for s in (self._ak, self._sk, self._domain_id, self.project_id) if s)

    def _require(self, operation: str, *names: str) -> None:
        values = {ENV_AK: self._ak, ENV_SK: self._sk, ENV_DOMAIN: self._domain_id, ENV_PROJECT: self.project_id}
        missing = [name for name in names if not values[name]]
        if missing:
            raise LiveError(operation, "credentials", f"no credentials: set {', '.join(missing)} in the environment")

    def _builder_options(self, builder: Any, region: Any) -> Any:
        from huaweicloudsdkcore.http.http_config import HttpConfig
        from huaweicloudsdkcore.http.http_handler import HttpHandler

        config = HttpConfig.get_default_config()
        config.timeout = (min(10.0, self.timeout), self.timeout)
        config.retry_times = 0  # retries are ours, bounded and with backoff
        handler = HttpHandler()
        if self.recorder is not None:
            handler.add_response_handler(self.recorder.on_response)
        builder = builder.with_http_config(config).with_http_handler(handler)
        return builder.with_endpoints([self.endpoint]) if self.endpoint else builder.with_region(region)

    def bss(self, operation: str) -> Any:
        """The BSS client of the site (a global service: AK, SK and domain id)."""
        self._require(operation, ENV_AK, ENV_SK, ENV_DOMAIN, ENV_PROJECT)
        key = ("bss", self.site)
        if key not in self._clients:
            from huaweicloudsdkcore.auth.credentials import GlobalCredentials

            if self.site == "intl":
                from huaweicloudsdkbssintl.v2 import BssintlClient as client_type
                from huaweicloudsdkbssintl.v2.region.bssintl_region import BssintlRegion as region_type
            else:
                from huaweicloudsdkbss.v2 import BssClient as client_type  # type: ignore[assignment]
                from huaweicloudsdkbss.v2.region.bss_region import BssRegion as region_type  # type: ignore[assignment]
            credentials = GlobalCredentials(self._ak, self._sk, self._domain_id)
            builder = client_type.new_builder().with_credentials(credentials)
            region = None if self.endpoint else region_type.value_of(BSS_REGION[self.site])
            self._clients[key] = self._builder_options(builder, region).build()
            _silence(self._clients[key])
        return self._clients[key]

    def secmaster(self, operation: str, region: str, project_id: str | None = None) -> Any:
        """SecMaster's client for ``region`` (a regional service: AK, SK and the region's project id)."""
        self._require(operation, ENV_AK, ENV_SK, *(() if project_id else (ENV_PROJECT,)))
        project = project_id or self.project_id
        key = (region, project)
        if key not in self._clients:
            from huaweicloudsdkcore.auth.credentials import BasicCredentials
            from huaweicloudsdksecmaster.v1 import SecMasterClient
            from huaweicloudsdksecmaster.v1.region.secmaster_region import SecMasterRegion

            try:
                region_info = None if self.endpoint else SecMasterRegion.value_of(region)
            except KeyError:
                raise LiveError(operation, "region", f"SecMaster has no endpoint in {region}") from None
            builder = SecMasterClient.new_builder().with_credentials(BasicCredentials(self._ak, self._sk, project))
            self._clients[key] = self._builder_options(builder, region_info).build()
            _silence(self._clients[key])
        return self._clients[key]

    def _pace(self) -> None:
        wait = self._last_call + MIN_INTERVAL - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        self._last_call = time.monotonic()

    def call(self, operation: str, client: Any, request: Any) -> Any:
        """Call ``operation`` and return its answer as JSON (numbers as ``Decimal``); retry a 429."""
        if operation not in OPERATIONS:
            raise LiveError(operation, "refused", "the planner calls only Huawei's inquiry and read operations")
        from huaweicloudsdkcore.exceptions import exceptions as sdk
        from requests import RequestException, Timeout

        method = getattr(client, _snake(operation))
        for attempt in range(1, self.max_attempts + 1):
            self._pace()
            try:
                response = method(request)
            except sdk.ServiceResponseException as exc:
                code = str(exc.error_code or exc.status_code)
                if (exc.status_code == 429 or code in RATE_LIMITED) and attempt < self.max_attempts:
                    self._sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                if exc.status_code == 429 or code in RATE_LIMITED:
                    message = f"rate limited after {attempt} attempts: {exc.error_msg}"
                else:
                    message = str(exc.error_msg or "no message")
                raise LiveError(operation, code, self._clean(message), status=exc.status_code) from None
            except (sdk.RequestTimeoutException, Timeout):
                raise LiveError(operation, "timeout", f"no answer within {self.timeout:g} s") from None
            except (sdk.ConnectionException, RequestException):
                host = urlsplit(self.endpoint).netloc if self.endpoint else "Huawei Cloud"
                raise LiveError(operation, "connection", f"cannot reach {host}") from None
            except sdk.SdkException as exc:
                raise LiveError(operation, "sdk", self._clean(str(exc.error_msg))) from None
            except (ValueError, TypeError, AttributeError, KeyError) as exc:  # the SDK choked on the answer
                raise LiveError(
                    operation, "malformed", f"an answer of the wrong shape ({type(exc).__name__})"
                ) from None
            return self._json(operation, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, operation: str, response: Any) -> Any:
        raw = getattr(response, "raw_content", None) or b""
        try:
            return json.loads(raw.decode("utf-8"), parse_float=Decimal)
        except (UnicodeDecodeError, ValueError):
            raise LiveError(operation, "malformed", "the answer is not JSON") from None

    def _clean(self, message: str) -> str:
        one_line = " ".join(message.split())
        return redact(one_line[:300], self.secrets)
