"""A Typer group whose commands are imported only when one of them is run or asked for its help.

`rekisteri --help` lists every command from a table of names and help texts, so the listing
imports none of the command modules, and none of what they stand on (services, adapters,
SQLAlchemy, polars, the settings): it starts about as fast as Python itself. `rekisteri customer
show` imports the customer commands alone. The table's help texts are the commands' own (a test
renders the listing both ways and compares).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Lazy:
    """Where a top-level command lives, and its help as the listing shows it (the first
    paragraph of the command's own help, line breaks kept).

    `target` is `module:attribute`: either a typer.Typer, mounted under the command's name as
    `app.add_typer` would, or a function `install(app)` that adds the command (and perhaps
    others: each is looked up by its name) to the app it is given."""

    target: str
    help: str


class _Unloaded(TyperCommand):
    """Stands in for a command not imported yet: its name and help, for the listing only."""


class LazyGroup(TyperGroup):
    """A TyperGroup whose `lazy` table names commands to import on first use.

    The unloaded commands sit in `commands` as stand-ins, in the table's order, so the listing,
    the order of the help and "did you mean" suggestions work as Typer's own. `get_command`
    swaps a stand-in for the real command, except while the group prints its own help."""

    lazy: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        self._mounted: dict[str, Any] = {}  # target -> the click group it was mounted on
        for name, entry in self.lazy.items():
            self.commands.setdefault(name, _Unloaded(name, help=entry.help))

    # Click's Context and Command come from Typer's copy of click (Typer >= 0.20) or click
    # itself, hence Any in these signatures.
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Unloaded) and not self._listing:
            command = self.commands[cmd_name] = self.load(cmd_name)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self._only_listing():
            super().format_help(ctx, formatter)

    @contextmanager
    def _only_listing(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def load(self, name: str) -> Any:
        """Import the command `name` and build it as Typer builds an eager one."""
        entry = self.lazy[name]
        group = self._mounted.get(entry.target)
        if group is None:
            module_name, _, attribute = entry.target.partition(":")
            found = getattr(importlib.import_module(module_name), attribute)
            holder = typer.Typer()
            if isinstance(found, typer.Typer):
                holder.add_typer(found, name=name)
            else:
                found(holder)
            group = self._mounted[entry.target] = typer.main.get_group(holder)
        return group.commands[name]

    def load_all(self) -> None:
        """Import every command (for walking the whole tree, as the tests do)."""
        for name in self.lazy:
            self.get_command(None, name)
