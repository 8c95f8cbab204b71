"""A preheated kernel waits for its visitor's request on Voila's query socket; anywhere else nothing waits.

The socket here is a real websocket server on 127.0.0.1 answering as Voila's ``/voila/query/<kernel>``
does: one message, the request's variables as JSON.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator

import pytest
from websockets.sync.server import Server, ServerConnection, serve

from planner.ui._visitor import preheated, visitor_query

KERNEL = "0a1b2c3d-0000-4000-8000-000000000000"


@pytest.fixture
def voila_query_socket() -> Iterator[tuple[Server, list[str]]]:
    paths: list[str] = []

    def answer(connection: ServerConnection) -> None:
        paths.append(connection.request.path if connection.request else "")
        connection.send(json.dumps({"QUERY_STRING": "region=cn-north-4&hosts=130", "SERVER_NAME": "127.0.0.1"}))

    with serve(answer, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server, paths
        server.shutdown()


def preheated_env(port: int) -> dict[str, str]:
    return {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": KERNEL, "VOILA_SERVER_URL": "/"}


def test_a_preheated_kernel_gets_the_visitors_query_string(
    voila_query_socket: tuple[Server, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, paths = voila_query_socket
    monkeypatch.delenv("QUERY_STRING", raising=False)
    env = preheated_env(server.socket.getsockname()[1])

    assert preheated(env)
    assert visitor_query(env) == "region=cn-north-4&hosts=130"
    assert paths == [f"/voila/query/{KERNEL}"]
    assert os.environ["QUERY_STRING"] == "region=cn-north-4&hosts=130"  # as Voila's helper leaves it


def test_without_voila_to_ask_the_page_is_served_without_pre_fill(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("QUERY_STRING", raising=False)
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert visitor_query(preheated_env(port)) == ""
    assert "no request info from Voila" in capsys.readouterr().err


def test_outside_a_preheated_kernel_the_environment_has_the_query() -> None:
    assert not preheated({"QUERY_STRING": "hosts=5"})
    assert visitor_query({"QUERY_STRING": "hosts=5", "VOILA_PREHEAT": "False"}) == "hosts=5"
