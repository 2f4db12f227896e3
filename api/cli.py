"""The ``staffwise`` command line.

Each area contributes its own sub-commands from a ``cli`` module exposing
``register(subparsers)``; the modules are imported only when the CLI runs, and an area whose
module does not exist (yet) simply contributes nothing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that add sub-commands, in the order they appear in ``staffwise --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "api.server_cli",
    "api.token_cli",
    "forecasting.cli",
    "optimizer.cli",
    "optimizer.roster.cli",
    "scenarios.cli",
    "actuals.cli",
    "api.report_cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="staffwise",
        description="Staffwise: forecasting, Erlang staffing, rosters and capacity plans.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if not (name == missing or name.startswith(missing + ".")):
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
