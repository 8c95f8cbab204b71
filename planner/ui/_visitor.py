"""Before and after the visitor arrives: the split that makes a preheated Voila kernel worth having.

Voila starts each page's kernels ahead of time (``planner app``) and runs the notebook in them at once.
Everything that does not depend on the visitor (imports, the catalog, a first quote and chart so plotly's
figure machinery is loaded) is done then; :func:`visitor_query` then waits for a visitor and returns the
page URL's query string, and only the visitor's own page is built after it.

Outside a preheated kernel (JupyterLab, nbval, a Voila kernel started for one request) nothing waits:

>>> visitor_query(environ={"QUERY_STRING": "hosts=120"})
'hosts=120'
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from datetime import date
from typing import Any


def preheated(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel is a preheated one, still waiting in Voila's pool for its visitor."""
    return (os.environ if environ is None else environ).get("VOILA_PREHEAT", "False") == "True"


def visitor_query(environ: Mapping[str, str] | None = None) -> str:
    """The page URL's query string; in a preheated kernel, blocks until a visitor's request arrives.

    Voila's own helper for this, ``voila.utils.get_query_string()``, speaks the same protocol, but
    importing ``voila.utils`` loads Jupyter Server and JupyterLab Server into the kernel: 5 s of CPU per
    kernel measured on this 2-core machine, paid again for every refill of the pool. This asks Voila's
    ``/voila/query/<kernel id>`` socket directly with ``websockets`` (0.4 s) and sets the request's
    variables (``QUERY_STRING`` …) in the environment the same way.
    """
    env = os.environ if environ is None else environ
    if preheated(env):
        request = _wait_for_request(env)
        os.environ.update(request)
        return request.get("QUERY_STRING", "")
    return env.get("QUERY_STRING", "")


def _wait_for_request(env: Mapping[str, str]) -> dict[str, str]:
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL") or "/"
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )
    try:
        with connect(url, open_timeout=30) as socket:
            payload = json.loads(socket.recv())
    except (OSError, ValueError, TimeoutError, WebSocketException) as exc:
        # No visitor's request can reach this kernel: serve the page without the pre-fill.
        print(f"planner: no request info from Voila ({type(exc).__name__})", file=sys.stderr)
        return {}
    return {str(k): str(v) for k, v in payload.items()} if isinstance(payload, dict) else {}


def warm_order_page(catalog: Any, today: date | None = None) -> None:
    """Price the default draft and draw its chart once, so the visitor's page only builds its widgets."""
    from planner import charts

    from . import _form  # noqa: F401  (ipywidgets and the form's module)
    from ._model import OrderModel

    model = OrderModel.start(catalog, today=today)
    if model.priced and model.quote.lines:
        charts.bundle(charts.quote_figure(model.quote))


def warm_options_page(catalog: Any, today: date | None = None) -> None:
    """Rank the default options and draw them once (pandas and plotly loaded, validators built)."""
    from planner import charts

    from . import options  # noqa: F401
    from ._analysis import OptionsQuery

    query, _ = OptionsQuery.from_query("", catalog, today=today)
    ranked, problems = query.run(catalog)
    if not problems:
        charts.bundle(charts.options_figure(ranked, currency=catalog.currency))
