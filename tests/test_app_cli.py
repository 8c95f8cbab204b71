"""`planner app` refuses a port it cannot serve with one line and exit 2, before starting anything."""

import socket

import pytest

from planner.cli import main


def test_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", "--port", "70000"]) == 2
    assert "1–65535" in capsys.readouterr().err


def test_a_port_that_is_not_a_number(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PORT", "abc")

    assert main(["app"]) == 2
    assert "PORT must be a port number" in capsys.readouterr().err


def test_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert main(["app", "--port", str(port)]) == 2

    assert "already in use" in capsys.readouterr().err


@pytest.mark.parametrize("cap", ["0", "many", "-3", "2.5"])
def test_a_cap_on_kernels_that_is_not_a_whole_number(
    cap: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLANNER_MAX_KERNELS", cap)

    assert main(["app", "--port", "1"]) == 2
    assert f"PLANNER_MAX_KERNELS must be a whole number of kernels, at least 1, not {cap!r}" in capsys.readouterr().err
