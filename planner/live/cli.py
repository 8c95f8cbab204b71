"""The live subcommands: ``catalog fetch``, ``catalog diff`` and ``account show`` (SPEC B5, B8).

Each failure is one line on stderr naming the command, the operation and Huawei's error code; exit 2, and
nothing is written. Huawei's SDK loads only when a command needs to call Huawei.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._catalog import DATA_DIR, load_catalog
from .._settings import Settings
from ._errors import LiveError
from .diff import diff_catalogs

EXIT_OK, EXIT_INVALID = 0, 2
SITE_CATALOG = {"intl": DATA_DIR / "intl-usd", "cn": DATA_DIR / "cn-cny"}


def _fail(command: str, message: str) -> int:
    print(f"planner: {command}: {message}", file=sys.stderr)
    return EXIT_INVALID


def _endpoint(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"not a server address such as https://host:port: {text!r}")
    return text.rstrip("/")


def _new_path(command: str, flag: str, path: str | None) -> str | None:
    """A message when ``path`` exists: live commands never write over a file or a folder."""
    if path is not None and os.path.lexists(path):
        return f"{flag} {path}: exists; {command} never writes over it"
    if path is not None and not Path(path).resolve().parent.is_dir():
        return f"{flag} {path}: its folder does not exist"
    return None


def _cannot_start(command: str, catalog: Any, args: argparse.Namespace) -> str | None:
    """What stops a live command before it calls Huawei: no product codes, or an output that exists."""
    if not catalog.bss:
        return f"{catalog.path}: the catalog has no [bss] product codes (see data/intl-usd/catalog.toml)"
    for flag, path in (("--out", args.out), ("--record", args.record)):
        problem = _new_path(command, flag, path)
        if problem:
            return problem
    return None


def _huawei(args: argparse.Namespace, recorder: Any, site: str = "intl") -> Any:
    from ._client import Huawei

    endpoint = args.endpoint or Settings.from_env().huawei_endpoint
    return Huawei(site=site, endpoint=endpoint, timeout=args.timeout, recorder=recorder)


def _recorder(args: argparse.Namespace) -> Any:
    if not args.record:
        return None
    from ._record import Recorder

    return Recorder()


def cmd_fetch(args: argparse.Namespace) -> int:
    command = "catalog fetch"
    base = load_catalog(args.base or SITE_CATALOG[args.site])
    problem = _cannot_start(command, base, args)
    if problem:
        return _fail(command, problem)
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else list(base.regions)
    unknown = [r for r in regions if r not in base.regions]
    if unknown or not regions:
        return _fail(command, f"--regions: not in the base catalog {base.id}: {', '.join(unknown) or '(none)'}")
    from .fetch import fetch_catalog

    recorder = _recorder(args)
    try:
        huawei = _huawei(args, recorder, args.site)
        report = fetch_catalog(huawei, base, Path(args.out), regions=regions, account_prices=args.prices == "account")
    except LiveError as exc:
        return _fail(command, str(exc))
    if recorder is not None:
        try:
            recorder.save(Path(args.record))
        except OSError as exc:
            shutil.rmtree(args.out)  # all or nothing
            return _fail(command, f"--record {args.record}: {exc.strerror}")
    assert report.catalog is not None
    print(
        f"{args.out}: {report.fetched_rows} prices fetched in {report.calls} calls "
        f"({args.prices} prices, {len(regions)} regions) → {report.catalog.id} {report.catalog.version}"
    )
    for line in report.corrected:
        print(f"corrected code: {line}")
    for line in report.kept:
        print(f"kept from the base catalog: {line}")
    for line in report.notes:
        print(f"note: {line}")
    changes = diff_catalogs(base, report.catalog)
    print(f"changes against {base.path.name} ({len(changes)}):")
    for change in changes:
        print(f"  {change}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = load_catalog(args.old), load_catalog(args.new)
    changes = diff_catalogs(old, new)
    if args.format == "json":
        print(json.dumps([c.to_dict() for c in changes], indent=2, ensure_ascii=False))
    elif not changes:
        print(f"{args.old} and {args.new}: no differences")
    else:
        for change in changes:
            print(change)
    return EXIT_OK


def _write_new(path: str, text: str) -> None:
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.resolve().parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.link(tmp, target)  # never replaces an existing file
    finally:
        os.unlink(tmp)


def cmd_account(args: argparse.Namespace) -> int:
    command = "account show"
    catalog = load_catalog(args.catalog)
    problem = _cannot_start(command, catalog, args)
    if problem:
        return _fail(command, problem)
    region = args.region or next(iter(catalog.regions))
    if region not in catalog.regions:
        return _fail(command, f"--region: {region} is not in the catalog {catalog.id}")
    from . import account

    recorder = _recorder(args)
    notes: list[str] = []
    try:
        huawei = _huawei(args, recorder)
        if args.all_regions:
            text = account.portfolio(huawei, catalog, region, notes)
        elif args.format == "url":
            port = Settings.from_env().port
            text = f"http://127.0.0.1:{port}/{account.app_query(account.show(huawei, catalog, region, notes))}\n"
        else:
            text = json.dumps(account.show(huawei, catalog, region, notes), indent=2) + "\n"
    except LiveError as exc:
        return _fail(command, str(exc))
    if recorder is not None:
        try:
            recorder.save(Path(args.record))
        except OSError as exc:
            return _fail(command, f"--record {args.record}: {exc.strerror}")
    for note in notes:
        print(f"planner: {command}: note: {note}", file=sys.stderr)
    if args.out:
        _write_new(args.out, text)
        print(args.out)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def add_commands(sub: Any, catalog_sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Wire the live subcommands into the ``planner`` parser (``sub``) and its ``catalog`` group."""

    def live_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--endpoint",
            type=_endpoint,
            default=None,  # else PLANNER_HUAWEI_ENDPOINT (the planner's settings)
            metavar="URL",
            help="send every call to this server instead of Huawei's (default: $PLANNER_HUAWEI_ENDPOINT)",
        )
        p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for an answer")
        p.add_argument("--record", metavar="FILE", help="save the exchanges (credentials and ids removed) to FILE")

    c = catalog_sub.add_parser("fetch", help="fetch live prices from Huawei into a new catalog folder")
    c.add_argument("--out", required=True, metavar="DIR", help="the new catalog folder (must not exist)")
    c.add_argument("--base", metavar="CATALOG", help="the catalog to complete (default: the site's shipped one)")
    c.add_argument("--site", choices=("intl", "cn"), default="intl", help="Huawei's international or China site")
    c.add_argument("--regions", metavar="R,…", help="regions to ask (default: every region of the base catalog)")
    c.add_argument("--prices", choices=("list", "account"), default="list", help="list prices or the best offer")
    live_options(c)
    c.set_defaults(run=cmd_fetch)

    c = catalog_sub.add_parser("diff", help="every price, term factor, offering and limit that differs")
    c.add_argument("old", metavar="OLD")
    c.add_argument("new", metavar="NEW")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(run=cmd_diff)

    p = sub.add_parser("account", help="the account's SecMaster subscription (Huawei's API)")
    account_sub = p.add_subparsers(dest="account_command", required=True, parser_class=parser_class)
    a = account_sub.add_parser("show", help="the running subscription and hosts as a request skeleton")
    where = a.add_mutually_exclusive_group(required=True)
    where.add_argument("--region", help="the region to show")
    where.add_argument("--all-regions", action="store_true", help="a portfolio CSV of every region")
    a.add_argument("--catalog", metavar="DIR", help="price catalog folder with the product codes")
    a.add_argument(
        "--format",
        choices=("json", "url"),
        default="json",
        help="json: the request skeleton; url: the app's Plan page pre-filled with it (--region only)",
    )
    a.add_argument("--out", metavar="FILE", help="write to FILE (must not exist) instead of stdout")
    live_options(a)
    a.set_defaults(run=cmd_account)
