"""Raw widget messages, fuzzed in-process (issue 10): whatever a visitor's websocket sends to any widget.

A message reaches a widget as ``Widget.set_state(state)``. It may be refused by traitlets or by
ipywidgets' own deserializers (a ``TraitError``, a ``TypeError`` on a broken date): in a kernel,
``planner.ui._guard`` turns those into a fixed message without a traceback (the browser tests prove that
against a real server). What must never happen is a planner callback failing on what a widget accepted:
so no frame of ``planner/`` may be on the traceback of any exception, and the page must still show
either a price or the rules that are broken. ``PLANNER_FUZZ_EXAMPLES`` sets the examples (150 in CI).
"""

from __future__ import annotations

import logging
import os
import traceback
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner.ui import OrderModel, _guard
from planner.ui._form import OrderForm

PLANNER_DIR = Path(planner.__file__).resolve().parent
EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "150"))
TODAY = date(2024, 6, 18)

FORM = OrderForm(
    OrderModel.start(query="region=cn-north-4&hosts=120&edition=professional&quota=150&action=upgrade", today=TODAY)
)


def _inputs(widget: Any) -> list[Any]:
    found = []
    if isinstance(widget, w.Box):
        for child in widget.children:
            found.extend(_inputs(child))
    elif ("value" in widget.keys or "index" in widget.keys) and not isinstance(widget, w.HTML):
        found.append(widget)  # HTML boxes are output only: what a visitor sends there is shown to them alone
    return found


INPUTS = _inputs(FORM.widget)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
plausible = st.sampled_from(
    [
        "",
        "0",
        "5",
        "120",
        "-1",
        "1e9",
        "12.5",
        "2_2",
        "<b>x</b>",
        "\ud800",
        "9" * 400,
        {"year": 2024, "month": 0, "date": 1},
        {"year": 2024, "month": 13, "date": 40},
        {"year": "x"},
        999,
        -1,
    ]
)
messages = st.tuples(
    st.integers(0, len(INPUTS) - 1),
    st.sampled_from(["value", "index", "label", "options", "disabled"]),
    json_values | plausible,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages, min_size=1, max_size=4))
def test_no_raw_message_breaks_a_planner_callback(sent: list[tuple[int, str, Any]]) -> None:
    for index, name, value in sent:
        widget = INPUTS[index]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                widget.set_state({name: value})
        except Exception as refused:
            ours = [f for f in traceback.extract_tb(refused.__traceback__) if PLANNER_DIR in Path(f.filename).parents]
            assert not ours, f"{name}={value!r} to {type(widget).__name__}: planner code raised {refused!r}"
    shown = FORM.total.value + FORM.errors.value
    assert "Due now" in shown or "No price" in shown or "planner-rule" in shown, shown[:300]


# -- the guard itself, without a kernel ----------------------------------------------------------------------
class _Kernel:
    def __init__(self) -> None:
        self.log = logging.getLogger("test.kernel")
        self.shell_handlers: dict[str, Any] = {}


class _Shell:
    """What the guard uses of ipykernel's ZMQInteractiveShell: its kernel and ``_showtraceback``."""

    def __init__(self) -> None:
        self.kernel = _Kernel()
        self.published: list[tuple[str, str, list[str]]] = []

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        self.published.append((etype.__name__, str(evalue), stb))


def test_the_guard_answers_a_refused_comm_message_without_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    shell = _Shell()
    secret_trace = ['File "/srv/planner/.venv/lib/python3.11/site-packages/traitlets/traitlets.py:849"']

    def comm_msg(*_: Any) -> None:
        warnings.warn("/srv/planner/x.py: a warning with a path", UserWarning, stacklevel=1)
        shell._showtraceback(ValueError, ValueError("bad /srv/planner/secret"), secret_trace)

    def comm_open(*_: Any) -> None:
        raise KeyError("/srv/planner/boom")

    shell.kernel.shell_handlers.update({"comm_msg": comm_msg, "comm_open": comm_open})
    assert _guard.install(shell) and _guard.install(shell)  # once, however often pages are built
    with caplog.at_level(logging.INFO, logger="planner.ui"):
        shell.kernel.shell_handlers["comm_msg"](None, [], {})
        assert shell.kernel.shell_handlers["comm_open"](None, [], {}) is None
    assert shell.published == [(_guard.REFUSED_NAME, _guard.REFUSED_TEXT, [])]
    assert "secret" in caplog.text and "a warning with a path" in caplog.text and "boom" in caplog.text

    # a cell the notebook runs keeps its traceback (JupyterLab, nbval): only comm handling is quieted
    shell._showtraceback(ValueError, ValueError("in a cell"), ["line"])
    assert shell.published[-1] == ("ValueError", "in a cell", ["line"])


def test_outside_a_kernel_the_guard_does_nothing() -> None:
    assert _guard.install() is False
