"""The `homeroom import KIND ...` subcommands; each module registers its importers here."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an imported file, shown as `file:line: column: message`."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class Importer:
    name: str
    help: str
    add_arguments: Callable  # (argparse parser) -> None
    run: Callable  # (command, options) -> int exit code


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    IMPORTERS[importer.name] = importer
