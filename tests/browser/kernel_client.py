"""A small client of a Voila page's kernel websocket: what an attacker sends, without a browser.

A browser only sends what the page's widgets produce; this sends any message over the same websocket
(Jupyter's JSON wire format, ``/api/kernels/<id>/channels``) and keeps every message the server answers.
It speaks with the page's own Origin, as a same-origin page would.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

import websocket

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


def get_page(url: str, timeout: float = 180) -> str:
    """The HTML of a page (Voila starts a kernel and runs the notebook before answering)."""
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return answer.read().decode("utf-8")


def kernel_id(html: str) -> str:
    found = KERNEL_ID.search(html)
    if found is None:
        raise AssertionError("no kernelId in the page")
    return found.group(1)


@dataclass
class KernelClient:
    """One websocket to one kernel; ``received`` holds every message (as raw text) it was sent."""

    base_url: str
    kernel: str
    received: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        ws_url = self.base_url.replace("http://", "ws://") + f"/api/kernels/{self.kernel}/channels"
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(f"{ws_url}?session_id={self.session}", origin=self.base_url, timeout=30)

    def close(self) -> None:
        self.ws.close()

    def send(self, msg_type: str, content: dict[str, Any], channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.session,
            "username": "visitor",
            "date": "2026-01-01T00:00:00Z",
            "version": "5.3",
        }
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
        self.ws.send(json.dumps({**message, "channel": channel, "buffers": []}))
        return msg_id

    def until(self, wanted: Any, timeout: float = 60) -> dict[str, Any]:
        """Read messages until ``wanted(message)`` holds; return that message."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                text = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            self.received.append(text)
            message = json.loads(text)
            if wanted(message):
                return message
        raise AssertionError(f"no awaited message within {timeout} s")

    def idle_after(self, msg_id: str, timeout: float = 60) -> None:
        """Wait until the kernel has finished handling the message ``msg_id``."""
        self.until(
            lambda m: (
                m.get("msg_type") == "status"
                and m.get("parent_header", {}).get("msg_id") == msg_id
                and m["content"].get("execution_state") == "idle"
            ),
            timeout,
        )

    def widget_states(self) -> dict[str, dict[str, Any]]:
        """Every widget of the page: comm id → state (with ``_model_name`` and ``_dom_classes``)."""
        asked = self.send("comm_info_request", {"target_name": "jupyter.widget"})
        reply = self.until(
            lambda m: m.get("msg_type") == "comm_info_reply" and m["parent_header"].get("msg_id") == asked
        )
        states: dict[str, dict[str, Any]] = {}
        for comm_id in reply["content"]["comms"]:
            request = self.comm(comm_id, {"method": "request_state"})
            update = self.until(
                lambda m, r=request: m.get("msg_type") == "comm_msg" and m["parent_header"].get("msg_id") == r
            )
            states[comm_id] = update["content"]["data"]["state"]
        return states

    def comm(self, comm_id: str, data: dict[str, Any]) -> str:
        return self.send("comm_msg", {"comm_id": comm_id, "data": data})

    def update(self, comm_id: str, state: dict[str, Any]) -> str:
        """Set widget state as a front-end would (``method: update``); return the message id."""
        return self.comm(comm_id, {"method": "update", "state": state, "buffer_paths": []})


def by_class(states: dict[str, dict[str, Any]], css_class: str) -> str:
    """The comm id of the widget carrying ``css_class``."""
    for comm_id, state in states.items():
        if css_class in state.get("_dom_classes", []):
            return comm_id
    raise AssertionError(f"no widget with class {css_class}")
