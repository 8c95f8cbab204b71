"""The bad-input suite: every case in ``tests/bad_inputs/*.json`` is refused cleanly (issue 10).

Each case is data: its input (a request, CLI arguments, a broken catalog, a tampered order, a hostile
stdout) and what the planner must answer — exit 2, a message naming the rule and the field, never a
traceback. The case files are the place to add one; this one test runs them all. How a case is written:

- ``request``: ``base`` (``seed`` or a name in tests/core/requests/), ``set`` {dotted path: value} and
  ``delete`` [dotted paths]; or the raw file as ``text``, ``parts`` ([[text, times], …]) or ``hex``; or
  ``path`` (an existing file such as /dev/zero). ``command`` is ``quote`` (default) or ``export``.
- ``cli``: ``args``, with ``{seed}`` (the seed request), ``{tmp}`` (a fresh folder) and ``{catalog}``
  (a copy of the shipped catalog) filled in.
- ``catalog``: a copy of ``data/intl-usd`` changed by ``toml_replace`` / ``csv_replace`` ([[old, new]]),
  ``toml_append`` / ``csv_append`` (text or ``parts``) and ``link`` ({file name: target}); then
  ``planner catalog check``.
- ``order``: the seed order exported, then changed by ``set`` / ``delete`` on its JSON, ``csv_replace``,
  ``copy_csv_to``, ``remove_csv``, ``link_csv``, ``json_text``, ``reseal`` (a forger recomputes the
  checksum: ``all`` also the CSV's hash) and ``rename_to``; then ``planner verify``.
- ``stdout``: ``args`` run as a real process whose stdout is ``full`` (/dev/full), ``closed`` (fd 1
  closed), ``reader_gone`` (a pipe whose reader has closed) or ``head`` (``| head -1`` in a shell).
- ``app``: a raw widget message, ``state`` (what a visitor's websocket can send), to the planner page's
  widget with the CSS class ``widget``, the page started from :data:`APP_QUERY`. ``expect`` is
  ``refused`` (traitlets or ipywidgets refuse it and the widget keeps its value; in a kernel
  ``planner.ui._guard`` answers it without a traceback), or ``rule`` and ``field`` (the label's words)
  shown in the page's errors.

``expect``: ``rule`` and ``field`` (together they must appear as ``rule (field)``, or ``--field: rule`` for
options), ``message`` (a piece of the text), ``exit`` (2 unless said; a list when either is right),
``silent`` (nothing on stderr).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner import cli
from planner._catalog import DATA_DIR
from planner._order import order_checksum

HERE = Path(__file__).parent
CASE_DIR = HERE / "bad_inputs"
ROOT = HERE.parent
SEED = ROOT / "examples" / "seed-upgrade.json"
REQUESTS = HERE / "core" / "requests"


def _load_cases() -> list[Any]:
    cases = []
    for file in sorted(CASE_DIR.glob("*.json")):
        for case in json.loads(file.read_text(encoding="utf-8")):
            cases.append(pytest.param(file.stem, case, id=f"{file.stem}:{case['name']}"))
    return cases


CASES = _load_cases()


# -- building the inputs ------------------------------------------------------------------------------------
def _text(spec: Any) -> str:
    """A text given plainly, or as ``parts``: [[piece, times], …] (for sizes no one would type)."""
    if isinstance(spec, str):
        return spec
    return "".join(piece * times for piece, times in spec)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _delete(data: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    del data[last]


def _request_file(case: dict[str, Any], tmp: Path) -> Path:
    if "path" in case:
        return Path(case["path"])
    file = tmp / "request.json"
    if "hex" in case:
        file.write_bytes(bytes.fromhex(case["hex"]))
    elif "text" in case or "parts" in case:
        file.write_text(_text(case.get("text", case.get("parts"))), encoding="utf-8", errors="surrogatepass")
    else:
        base = case.get("base", "seed")
        data = json.loads((SEED if base == "seed" else REQUESTS / f"{base}.json").read_text(encoding="utf-8"))
        for path, value in case.get("set", {}).items():
            _set(data, path, value)
        for path in case.get("delete", []):
            _delete(data, path)
        file.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")  # "\ud800" stays an escape
    return file


def _catalog(case: dict[str, Any], tmp: Path) -> Path:
    folder = tmp / "catalog"
    shutil.copytree(DATA_DIR / "intl-usd", folder)
    for name, key in (("catalog.toml", "toml"), ("prices.csv", "csv")):
        file = folder / name
        text = file.read_text(encoding="utf-8")
        for old, new in case.get(f"{key}_replace", []):
            assert old in text, f"{name} has no {old!r} to replace"
            text = text.replace(old, new, 1)
        text += _text(case.get(f"{key}_append", ""))
        file.write_text(text, encoding="utf-8")
    for name, target in case.get("link", {}).items():
        (folder / name).unlink()
        (folder / name).symlink_to(target)
    return folder


def _order(case: dict[str, Any], tmp: Path) -> Path:
    out = tmp / "orders"
    code = cli.main(["export", str(SEED), "--out", str(out)])
    assert code == 0
    [json_path] = sorted(out.glob("*.json"))
    csv_path = json_path.with_suffix(".csv")
    if "copy_csv_to" in case:
        shutil.copy(csv_path, out / case["copy_csv_to"])
    text = csv_path.read_text(encoding="utf-8")
    for old, new in case.get("csv_replace", []):
        assert old in text
        text = text.replace(old, new)
    csv_path.write_text(text, encoding="utf-8")
    if case.get("remove_csv"):
        csv_path.unlink()
    if "link_csv" in case:
        csv_path.unlink()
        csv_path.symlink_to(case["link_csv"])
    if "json_text" in case:
        json_path.write_text(_text(case["json_text"]), encoding="utf-8")
    else:
        data = json.loads(json_path.read_text(encoding="utf-8"))
        for path, value in case.get("set", {}).items():
            _set(data, path, value)
        for path in case.get("delete", []):
            _delete(data, path)
        if case.get("reseal"):  # what a careful forger does after an edit: "all", or just the JSON's "checksum"
            if case["reseal"] == "all" and csv_path.is_file():
                data["files"]["csv_sha256"] = hashlib.sha256(csv_path.read_bytes()).hexdigest()
            data["checksum"]["value"] = order_checksum(data)
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=True), encoding="utf-8")
    if "rename_to" in case:
        json_path = json_path.rename(out / case["rename_to"])
    return json_path


def _fill(args: list[str], tmp: Path) -> list[str]:
    catalog = tmp / "catalog"
    if any("{catalog}" in a for a in args) and not catalog.exists():
        shutil.copytree(DATA_DIR / "intl-usd", catalog)
    return [a.format(seed=SEED, tmp=tmp, catalog=catalog) for a in args]


# -- running them --------------------------------------------------------------------------------------------
def _in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = cli.main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _real_process(args: list[str], stdout: str, tmp: Path) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "planner", *args]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if stdout == "head":
        shell = " ".join(f"'{a}'" for a in command) + " | head -1"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, env=env)
        return done.returncode, done.stdout, done.stderr
    if stdout == "full":
        with open("/dev/full", "w") as full:
            done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp)
    elif stdout == "closed":
        done = subprocess.run(
            command, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp, preexec_fn=lambda: os.close(1)
        )
    elif stdout == "reader_gone":
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp)
        finally:
            os.close(write_end)
    else:
        raise AssertionError(f"unknown stdout {stdout!r}")
    return done.returncode, "", done.stderr


APP_QUERY = "region=cn-north-4&hosts=120&edition=professional&quota=150&action=upgrade"


def _app_case(case: dict[str, Any]) -> None:
    import ipywidgets as w

    from planner.ui import OrderModel
    from planner.ui._form import OrderForm

    form = OrderForm(OrderModel.start(query=APP_QUERY, today=date(2024, 6, 18)))

    def widgets(box: Any) -> Any:
        for child in box.children:
            yield from widgets(child) if isinstance(child, w.Box) else [child]

    target = next(x for x in widgets(form.widget) if case["widget"] in x._dom_classes)
    before = {name: target.get_state()[name] for name in case["state"]}
    expect = case["expect"]
    try:
        target.set_state(case["state"])
    except Exception as refused:
        assert expect.get("refused"), f"refused ({refused!r}) but expected {expect}"
        assert {name: target.get_state()[name] for name in case["state"]} == before
        return
    assert not expect.get("refused"), f"{case['state']} was accepted"
    shown = f'<code class="planner-rule">{expect["rule"]}</code> <b>{expect["field"]}</b>'
    assert shown in form.errors.value, form.errors.value
    assert "Due now" not in form.total.value


@pytest.mark.parametrize(("kind", "case"), CASES)
def test_bad_input_is_refused_cleanly(
    kind: str, case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "requests":
        file = _request_file(case, tmp_path)
        extra = ["--out", str(tmp_path / "orders")] if case.get("command") == "export" else []
        code, out, err = _in_process([case.get("command", "quote"), str(file), *extra], capsys)
    elif kind == "cli":
        code, out, err = _in_process(_fill(case["args"], tmp_path), capsys)
    elif kind == "catalogs":
        code, out, err = _in_process(["catalog", "check", str(_catalog(case, tmp_path))], capsys)
    elif kind == "orders":
        order = _order(case, tmp_path)
        capsys.readouterr()
        code, out, err = _in_process(["verify", str(order)], capsys)
    elif kind == "stdout":
        code, out, err = _real_process(_fill(case["args"], tmp_path), case["stdout"], tmp_path)
    elif kind == "app":
        _app_case(case)
        return
    else:
        raise AssertionError(f"no runner for {kind}")

    expect = case["expect"]
    assert not re.search(r"^(Traceback|\w+(Error|Exception)\b)", err, re.MULTILINE), err
    exits = expect.get("exit", 2)
    assert code in (exits if isinstance(exits, list) else [exits]), (code, out, err)
    if expect.get("silent"):
        assert err == ""
    elif code != 0 and kind == "cli":  # argparse's usage lines come first
        assert err.strip().splitlines()[-1].startswith("planner:"), err
    elif code != 0:  # one problem, one line: control characters in keys are escaped
        assert all(line.startswith("planner: ") for line in err.splitlines()), err
    rule, field = expect.get("rule"), expect.get("field")
    if rule and field is not None:
        assert f"{rule} ({field})" in err or f"--{field}: {rule}" in err or (field == "" and f": {rule}: " in err), err
    elif rule:
        assert rule in err, err
    if "message" in expect:
        assert expect["message"] in err, err
    if kind == "requests" and case.get("command") == "export":
        assert not (tmp_path / "orders").exists() or list((tmp_path / "orders").iterdir()) == []
