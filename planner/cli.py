"""The ``planner`` command line (SPEC B5). Exit 0 when all is well, 2 on rule errors or bad input.

Bad input of any kind gets one line per problem on stderr, naming the file and the field; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from . import _render
from ._catalog import load_catalog
from ._options import options
from ._order import export_order, verify_order
from ._problems import PlannerError, Problem
from ._quote import quote
from ._request import read_json_file

EXIT_OK = 0
EXIT_INVALID = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code is 2 already; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"planner: {message}\n")


def _say_problems(problems: Sequence[Problem], source: str = "") -> None:
    prefix = f"{source}: " if source else ""
    for problem in problems:
        print(f"planner: {prefix}{problem}", file=sys.stderr)


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
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}")
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
        _render.print_quote(result)
    if not result.ok:
        _say_problems(result.errors, args.request)
        return EXIT_INVALID
    return EXIT_OK


def cmd_options(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    try:
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
            print(f"planner: --{problem.field}: {problem.rule}: {problem.message}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps([o.to_dict() for o in found], indent=2, ensure_ascii=False))
    else:
        _render.print_options(found, catalog, region=args.region, hosts=args.hosts, horizon=args.horizon)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    data = read_json_file(args.request)
    try:
        files = export_order(data, args.out, catalog)
    except PlannerError as exc:
        _say_problems(exc.problems, args.request)
        return EXIT_INVALID
    print(files.json_path)
    print(files.csv_path)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog) if args.catalog else None
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


def cmd_batch(args: argparse.Namespace) -> int:
    from ._batch_io import run_batch  # pandas and pyarrow load only for this command

    summary = run_batch(args.input, args.output, _catalog(args))
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
    catalog_option(p)
    p.set_defaults(run=cmd_batch)

    p = sub.add_parser("catalog", help="price catalogs")
    catalog_sub = p.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    c = catalog_sub.add_parser("check", help="validate a catalog folder")
    c.add_argument("dir", metavar="DIR")
    c.set_defaults(run=cmd_catalog_check)

    p = sub.add_parser("app", help="serve the Voila app on 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="port (default: $PORT or 8866)")
    p.set_defaults(run=cmd_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except PlannerError as exc:
        _say_problems(exc.problems, exc.source)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
