"""The ``planner`` command line (SPEC B5). Exit 0 when all is well, 2 on rule errors or bad input.

Bad input of any kind gets one line per problem on stderr, naming the file and the field; never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from ._catalog import load_catalog
from ._money import read_decimal
from ._problems import PlannerError, Problem
from ._quote import quote
from ._request import read_json_file

# Each command imports what only it needs (tables, options, orders) when it runs: `planner quote` stays quick.

EXIT_OK = 0
EXIT_INVALID = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code is 2 already; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"planner: {message}\n")


def _printable(text: str) -> str:
    """Control characters (a terminal escape, a line break in a tag key) shown as escapes: one problem, one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _say_problems(problems: Sequence[Problem], source: str = "") -> None:
    prefix = f"{_printable(source)}: " if source else ""
    for problem in problems:
        print(f"planner: {prefix}{_printable(str(problem))}", file=sys.stderr)


def _catalog(args: argparse.Namespace) -> Any:
    return load_catalog(args.catalog)


def _months(text: str) -> int:
    text = text.strip().lower()
    try:
        if text.endswith("y"):
            return int(text[:-1]) * 12
        return int(text[:-1] if text.endswith("m") else text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a horizon: {text!r} (e.g. 36m or 3y)") from None


def _percent(text: str) -> Decimal:
    # The one decimal reader: "2_2" is not 22 %, nor is "1e3" or "NaN" a growth rate.
    value = read_decimal(text.strip().rstrip("%"), "growth", what="a percentage")
    if isinstance(value, Problem):
        raise argparse.ArgumentTypeError(value.message)
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (YYYY-MM-DD)") from None


def cmd_quote(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    data = read_json_file(args.request)
    result = quote(data, catalog)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from . import _render

        _render.print_quote(result)
    if not result.ok:
        _say_problems(result.errors, args.request)
        return EXIT_INVALID
    return EXIT_OK


def cmd_options(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    try:
        from ._options import options

        found = options(
            catalog,
            region=args.region,
            hosts=args.hosts,
            horizon_months=args.horizon,
            growth_pct=args.growth,
            start=args.start,
        )
    except PlannerError as exc:
        for problem in exc.problems:
            print(_printable(f"planner: --{problem.field}: {problem.rule}: {problem.message}"), file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps([o.to_dict() for o in found], indent=2, ensure_ascii=False))
    else:
        from . import _render

        _render.print_options(found, catalog, region=args.region, hosts=args.hosts, horizon=args.horizon)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    data = read_json_file(args.request)
    try:
        from ._order import export_order

        files = export_order(data, args.out, catalog)
    except PlannerError as exc:
        _say_problems(exc.problems, args.request)
        return EXIT_INVALID
    print(files.json_path)
    print(files.csv_path)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog) if args.catalog else None
    from ._order import verify_order

    problems = verify_order(args.order, catalog)
    if problems:
        _say_problems(problems, args.order)
        return EXIT_INVALID
    print(f"{args.order}: ok (recomputed, checksum and catalog match)")
    return EXIT_OK


def cmd_catalog_check(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.dir)
    print(
        f"{args.dir}: ok — {catalog.id} {catalog.version}, {len(catalog.regions)} regions, "
        f"{len(catalog.prices)} prices, sha256 {catalog.sha256}"
    )
    return EXIT_OK


def _cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container's limit narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _jobs(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number of processes, 1 or more (got {text!r})")
    return int(text)


def cmd_batch(args: argparse.Namespace) -> int:
    from ._batch_frame import near_miss_notice
    from ._batch_io import run_batch  # pandas and pyarrow load only for this command

    summary = run_batch(args.input, args.output, _catalog(args), jobs=args.jobs)
    for name, meant in summary.near_misses:
        print(f"planner: {args.input}: {near_miss_notice(name, meant)}", file=sys.stderr)
    print(
        f"{args.output}: {summary.rows:,} rows priced, {summary.ok:,} ok, {summary.invalid:,} with rule errors "
        "(see the errors column)"
    )
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    from . import _app  # the app's dependencies load only for this command

    return _app.serve(port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="planner", description="Price Huawei Cloud SecMaster purchases and changes in advance.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def catalog_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", metavar="DIR", help="price catalog folder (default: data/intl-usd)")

    p = sub.add_parser("quote", help="price one request file")
    p.add_argument("request", metavar="REQUEST.json")
    catalog_option(p)
    p.add_argument("--format", choices=("json", "table"), default="json")
    p.set_defaults(run=cmd_quote)

    p = sub.add_parser("options", help="every valid way to cover N hosts, ranked by cost over a horizon")
    p.add_argument("--region", required=True)
    p.add_argument("--hosts", required=True, type=int)
    p.add_argument("--horizon", type=_months, default=36, metavar="36m", help="months (36m) or years (3y)")
    p.add_argument("--growth", type=_percent, default=Decimal(0), metavar="PCT", help="monthly host growth, %%")
    p.add_argument("--start", type=_date, default=None, metavar="YYYY-MM-DD", help="first day (default: today)")
    catalog_option(p)
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(run=cmd_options)

    p = sub.add_parser("export", help="write the order files of an accepted request")
    p.add_argument("request", metavar="REQUEST.json")
    p.add_argument("--out", required=True, metavar="DIR")
    catalog_option(p)
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("verify", help="recompute an order and check it was not changed")
    p.add_argument("order", metavar="ORDER.json")
    catalog_option(p)
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("batch", help="price many requests at once: one a row of a CSV or Parquet file")
    p.add_argument("input", metavar="IN.csv", help="one request a row (SPEC B7 columns); .parquet for Parquet")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="the rows with their prices added")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=_cores(),
        metavar="N",
        help="worker processes pricing a file of 48 MiB or more (default: the cores this process may use, "
        f"{_cores()} here; 1 prices in the command's own process)",
    )
    catalog_option(p)
    p.set_defaults(run=cmd_batch)

    p = sub.add_parser("catalog", help="price catalogs")
    catalog_sub = p.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    c = catalog_sub.add_parser("check", help="validate a catalog folder")
    c.add_argument("dir", metavar="DIR")
    c.set_defaults(run=cmd_catalog_check)

    from .live.cli import add_commands as add_live_commands  # catalog fetch/diff, account show (SPEC B8)

    add_live_commands(sub, catalog_sub, _Parser)

    p = sub.add_parser("app", help="serve the Voila app on 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="port (default: $PORT or 8866)")
    p.set_defaults(run=cmd_app)
    return parser


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except PlannerError as exc:
        _say_problems(exc.problems, exc.source)
        return EXIT_INVALID


def _deliver(text: str) -> None:
    """Write the command's output to stdout and flush it; raise OSError when stdout cannot take it."""
    out = sys.stdout
    if out is None:  # started with stdout closed (`planner quote R.json >&-`)
        raise OSError(errno.EBADF, "standard output is closed")
    try:
        out.write(text)
        out.flush()
    except ValueError:  # closed inside this process
        raise OSError(errno.EBADF, "standard output is closed") from None


def _quiet_stdout() -> None:
    """Point fd 1 at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``planner ARGS…``; every outcome is exit 0 or 2 with a one-line message, never a traceback.

    The output of a command is collected and written at the end, so that a stdout that is full
    (``> /dev/full``), closed (``>&-``) or closed by its reader (``| head -1``) is one message and exit 2.
    """
    args = build_parser().parse_args(argv)
    if args.command == "app" or (sys.stdout is not None and _is_terminal(sys.stdout)):
        try:  # a server's log, or a person at a terminal: written as it comes
            return _run(args)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            _quiet_stdout()
            return EXIT_INVALID
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            code = _run(args)
    except KeyboardInterrupt:
        return 130
    try:
        _deliver(buffer.getvalue())
    except BrokenPipeError:  # the reader stopped early (`| head -1`): not an error worth a message
        _quiet_stdout()
        return EXIT_INVALID
    except (OSError, UnicodeEncodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"planner: cannot write to standard output: {reason}", file=sys.stderr)
        if args.command == "export" and code == EXIT_OK:
            print(f"planner: the order files were written: {' '.join(buffer.getvalue().split())}", file=sys.stderr)
        _quiet_stdout()
        return EXIT_INVALID
    return code


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
