"""Nothing of the server reaches the browser when a widget message is refused (issue 10, item 4).

Any visitor can send any message over their kernel's websocket: ``{"value": null}`` to a text box,
``{"index": 999}`` to a dropdown, ``"garbage"`` to a date picker. ipywidgets applies it in
``Widget.set_state`` (traitlets validates it and raises ``TraitError``); the exception is caught by
ipywidgets' ``_show_traceback``, which calls ``InteractiveShell.showtraceback()``, and ipykernel's
``ZMQInteractiveShell._showtraceback`` publishes an ``error`` message on IOPub with the whole traceback
(server paths, source lines, values). The same road is taken by an exception in an observer or a button
callback, and by a Python warning, which is written to ``sys.stderr`` — in a kernel a stream to the browser.

So the fix sits where the kernel dispatches comm messages, not in each widget: :func:`install` wraps the
kernel's ``comm_open`` / ``comm_msg`` / ``comm_close`` handlers so that, while one of them runs, a
traceback goes to the server's log (the kernel's own logger writes to the server's stderr, not to IOPub)
and the browser gets an ``error`` message with a fixed name and text and no traceback; warnings raised
then go to the same log. Cells the notebook runs are untouched (Voila already hides their tracebacks from
the page; JupyterLab and nbval keep theirs). The widget keeps its previous value: traitlets refuses the
value before it is set, so the page keeps working.

:func:`install` is called when :mod:`planner.ui` is imported; outside a kernel it does nothing.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: What the browser is told, whatever went wrong: no type, no path, no value it sent.
REFUSED_NAME = "RefusedMessage"
REFUSED_TEXT = "The app could not use that input; the page keeps its previous values."

_COMM_MESSAGES = ("comm_open", "comm_msg", "comm_close")
_in_comm: contextvars.ContextVar[bool] = contextvars.ContextVar("planner_in_comm", default=False)
_log = logging.getLogger("planner.ui")


def install(shell: Any = None) -> bool:
    """Guard the running kernel's comm handlers (once); return whether a kernel was there to guard."""
    if shell is None:
        shell = _running_shell()
    kernel = getattr(shell, "kernel", None)
    handlers = getattr(kernel, "shell_handlers", None)
    if shell is None or not isinstance(handlers, dict):
        return False
    if getattr(shell, "_planner_guarded", False):
        return True
    _route_logs_to(getattr(kernel, "log", None))
    for name in _COMM_MESSAGES:
        if name in handlers:
            handlers[name] = _guarded(handlers[name])
    published = shell._showtraceback
    shell._showtraceback = _quiet_showtraceback(shell, published)
    shell._planner_guarded = True
    return True


def _running_shell() -> Any:
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def _route_logs_to(server_log: Any) -> None:
    # The kernel app's handlers write to the server's stderr (ipykernel re-points them at the real file
    # descriptor); loggers without a handler would fall back to sys.stderr, which a kernel sends to the
    # browser. Comm is the logger of the comm package, which logs a failed comm_open with its traceback.
    handlers = list(getattr(server_log, "handlers", []))
    if not handlers:
        return
    for name in ("planner.ui", "Comm", "ipykernel.comm"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            for handler in handlers:
                logger.addHandler(handler)
            logger.propagate = False


def _guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        with _handling_a_message():
            try:
                return handler(*args, **kwargs)
            except Exception:  # the kernel would log it; say it in our words, without the browser
                _log.exception("a widget message was refused")
                return None

    run.__wrapped__ = handler  # type: ignore[attr-defined]
    return run


@contextmanager
def _handling_a_message() -> Iterator[None]:
    token = _in_comm.set(True)
    with warnings.catch_warnings():
        warnings.showwarning = _log_warning
        try:
            yield
        finally:
            _in_comm.reset(token)


def _log_warning(message: Any, category: Any, filename: str, lineno: int, *_: Any, **__: Any) -> None:
    _log.warning("%s: %s (%s:%s)", getattr(category, "__name__", category), message, filename, lineno)


def _quiet_showtraceback(shell: Any, published: Callable[..., Any]) -> Callable[..., Any]:
    def show(etype: Any, evalue: Any, stb: Any) -> None:
        if not _in_comm.get():
            published(etype, evalue, stb)
            return
        _log.error("a widget message was refused: %s: %s", getattr(etype, "__name__", etype), evalue)
        _log.error("%s", "\n".join(_plain(line) for line in stb or []))
        published(_Refused, _Refused(REFUSED_TEXT), [])

    return show


class _Refused(Exception):
    pass


_Refused.__name__ = REFUSED_NAME
_Refused.__qualname__ = REFUSED_NAME


def _plain(line: str) -> str:
    # IPython colours its tracebacks with ANSI escapes; the log is read as text.
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", str(line))
