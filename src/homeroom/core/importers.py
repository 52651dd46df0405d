"""The `homeroom import KIND ...` subcommands; each module registers its importers here."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Importer:
    name: str
    help: str
    add_arguments: Callable  # (argparse parser) -> None
    run: Callable  # (command, options) -> int exit code


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.name] = importer
