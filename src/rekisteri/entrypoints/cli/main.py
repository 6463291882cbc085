"""The `rekisteri` command. The command names are a contract (DESIGN.md); add, don't rename."""

from __future__ import annotations

import sys

import click
import typer
from sqlalchemy.exc import DBAPIError

from rekisteri.domain.errors import RegisterError
from rekisteri.entrypoints.cli import (
    audit,
    consumption,
    customer,
    demo,
    disclose,
    import_bans,
    imports,
    keys,
    login,
    marketing,
    notice,
    notices,
    request,
    retention,
    system,
    user,
)
from rekisteri.entrypoints.cli.common import refusal

app = typer.Typer(
    name="rekisteri",
    help="Rekisteri: the customer register of an energy retailer, kept to its privacy promises.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
system.install(app)
login.install(app)
demo.install(app)
notice.install(app)
app.add_typer(customer.app, name="customer")
app.add_typer(keys.app, name="keys")
app.add_typer(user.app, name="user")
app.add_typer(request.app, name="request")
app.add_typer(notices.app, name="notices")
app.add_typer(retention.app, name="retention")
app.add_typer(audit.app, name="audit")
app.add_typer(disclose.recipients, name="recipient")
app.add_typer(disclose.app, name="disclose")
app.add_typer(disclose.loans, name="loans")
# `rekisteri import ...`: each importer installs its command on this one sub-app.
import_bans.install(imports.app)
app.add_typer(imports.app, name="import")
marketing.install(app)
app.add_typer(consumption.app, name="consumption")


# Usage errors as Typer raises them: from Typer 0.20 on under its own copy of click (whose
# errors are TyperExceptions), before that click's own.
_USAGE_ERRORS: tuple[type[Exception], ...] = (click.ClickException,) + (
    (typer.TyperException,) if hasattr(typer, "TyperException") else ()
)


def main() -> None:
    """Entry point (the `rekisteri` script): usage errors exit 2 with one line, like bad input,
    and a domain error that a command did not catch gets its one line too, never a traceback.
    Without standalone mode Typer returns a command's exit status instead of exiting."""
    try:
        status = app(standalone_mode=False)
    except _USAGE_ERRORS as exc:
        message = exc.format_message()  # type: ignore[attr-defined]
        if type(exc).__name__ == "NoArgsIsHelpError":  # `rekisteri` alone: the help
            sys.stderr.write(f"{message}\n")
        else:
            sys.stderr.write(f"error: {message}\n")
        sys.exit(getattr(exc, "exit_code", 2))
    except RegisterError as exc:
        message, code = refusal(exc)
        sys.stderr.write(f"error: {message}\n")
        sys.exit(code)
    except DBAPIError as exc:
        # The driver's own message only: SQLAlchemy's text carries the statement's parameters,
        # which are personal data. The transaction was rolled back.
        said = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        sys.stderr.write(f"error: the database refused the work, nothing was changed: {said}\n")
        sys.exit(1)
    except (click.exceptions.Abort, typer.Abort):
        sys.exit(1)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":
    main()
