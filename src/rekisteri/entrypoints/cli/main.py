"""The `rekisteri` command. The command names are a contract (DESIGN.md); add, don't rename.

Each command is imported when it runs (cli/lazy.py): the table below lists them with their help,
in the order `rekisteri --help` shows them. Nothing heavy is imported at start: not the command
modules, not SQLAlchemy, not click itself (Typer >= 0.20 carries its own copy)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from rekisteri.domain.errors import RegisterError
from rekisteri.entrypoints.cli.exits import refusal
from rekisteri.entrypoints.cli.lazy import Lazy, LazyGroup

_CLI = "rekisteri.entrypoints.cli"

COMMANDS: dict[str, Lazy] = {
    "init": Lazy(
        f"{_CLI}.system:install",
        "Create or migrate the database (and a key file if no key is configured).",
    ),
    "serve": Lazy(
        f"{_CLI}.system:install",
        "Serve the web pages, the API (/api/v1, /openapi.json) and /healthz.",
    ),
    "login": Lazy(
        f"{_CLI}.login:install",
        "Log in as a staff user (prompts for the user name and password, or reads them from\n"
        "two lines of standard input). The token is kept in a file only you can read\n"
        "($XDG_CONFIG_HOME/rekisteri/token, by default ~/.config/rekisteri/token) and lives\n"
        "REKISTERI_CLI_TOKEN_HOURS (12 h); the same lockout and throttle as the web login.",
    ),
    "logout": Lazy(
        f"{_CLI}.login:install",
        "Revoke the login token kept in the token file and remove the file.",
    ),
    "whoami": Lazy(
        f"{_CLI}.login:install", "The staff user and role this shell acts as, and until when."
    ),
    "demo": Lazy(
        f"{_CLI}.demo:install",
        "Fill the register with synthetic customers (valid HETUs, GSRNs, IBANs, consents,\n"
        "contracts, moves, invoices with some late payments, contact log); the last days come\n"
        "in as files through the register's imports.",
    ),
    "notice": Lazy(
        f"{_CLI}.notice:install",
        "Print the privacy statement, generated from the catalogue, the settings and the\n"
        "recipient register (its transfers outside the EU/EEA).",
    ),
    "ropa": Lazy(
        f"{_CLI}.ropa:install",
        "The record of processing activities (GDPR Art. 30), generated from the catalogue,\n"
        "the settings and the recipient register: HTML, PDF or JSON (the DPO's login).",
    ),
    "audience": Lazy(
        f"{_CLI}.marketing:install",
        "Who may be contacted: writes the list, prints counts by exclusion reason.",
    ),
    "customer": Lazy(f"{_CLI}.customer:app", "Customers and prospects."),
    "contract": Lazy(
        f"{_CLI}.contract:app",
        "Contracts, and the written offer and acceptance of telephone sales.",
    ),
    "credit": Lazy(
        f"{_CLI}.credit:app",
        "Credit checks when a contract is made, and a person's review of an automated "
        "refusal or deposit (GDPR Art. 22).",
    ),
    "keys": Lazy(f"{_CLI}.keys:app", "Encryption keys of sensitive identifiers."),
    "user": Lazy(
        f"{_CLI}.user:app",
        "Staff and partner accounts (personal IDs, P7) and the system actors of jobs; "
        "an administrator's work (rekisteri login).",
    ),
    "request": Lazy(
        f"{_CLI}.request:app", "Data subject requests (GDPR Art. 15-21): the DPO's workflow."
    ),
    "notices": Lazy(
        f"{_CLI}.notices:app",
        "Notices to the recipients of a person's data of a rectification, erasure or "
        "restriction (GDPR Art. 19): the DPO's list, and recording that each was told.",
    ),
    "breach": Lazy(
        f"{_CLI}.breach:app",
        "Personal data breaches (GDPR Art. 33/34): scope from the audit trail, the 72-hour "
        "clock, assessment, notification, notices to the persons; the DPO's register.",
    ),
    "retention": Lazy(
        f"{_CLI}.retention:app", "Retention (P14): apply every rule of the catalogue."
    ),
    "audit": Lazy(f"{_CLI}.audit:app", "The audit trail of every read and change."),
    "backup": Lazy(
        f"{_CLI}.backups:install",
        "Write an encrypted, consistent backup of the whole register while it serves.",
    ),
    "restore": Lazy(
        f"{_CLI}.backups:install",
        "Restore a backup into the configured database, then apply again every erasure and\n"
        "retention run recorded since the backup was taken, so no erased person comes back.",
    ),
    "recipient": Lazy(f"{_CLI}.disclose:recipients", "Recipients of personal data (P8, P10)."),
    "disclose": Lazy(f"{_CLI}.disclose:app", "Disclose data to a recipient, recorded (P8)."),
    "loans": Lazy(f"{_CLI}.disclose:loans", "Call recordings lent for research (P9)."),
    "recording": Lazy(
        f"{_CLI}.recording:app",
        "Call recordings: audio kept encrypted, played only by those who may (P9).",
    ),
    "import": Lazy(f"{_CLI}.imports:app", "Import files from outside sources."),
    "segment": Lazy(f"{_CLI}.marketing:install", "Segments: named, rule-based target groups (P6)."),
    "campaign": Lazy(f"{_CLI}.marketing:install", "Campaigns: send, recording each contact."),
    "consent": Lazy(f"{_CLI}.marketing:install", "The consent ledger of one person."),
    "consumption": Lazy(f"{_CLI}.consumption:app", "Energy consumption of customers."),
    "archive": Lazy(
        f"{_CLI}.archive:app", "The readings archive: columnar files past the database."
    ),
    "contact": Lazy(
        f"{_CLI}.service_data:contact", "The contact log: each contact with a customer."
    ),
    "feedback": Lazy(f"{_CLI}.service_data:feedback", "Feedback and satisfaction answers."),
    "device": Lazy(f"{_CLI}.service_data:device", "Devices at a site."),
    "self-service": Lazy(
        f"{_CLI}.service_data:self_service", "Digital accounts of the self-service."
    ),
    "mail": Lazy(
        f"{_CLI}.mail:app",
        "The mail queue: messages to persons wait here until the mail server takes them.",
    ),
    "task": Lazy(
        f"{_CLI}.task:app",
        "Staff tasks: work the register hands to people (payments kept for review, ceased "
        "companies, address changes held).",
    ),
}


class Rekisteri(LazyGroup):
    lazy = COMMANDS


app = typer.Typer(
    name="rekisteri",
    help="Rekisteri: the customer register of an energy retailer, kept to its privacy promises.",
    cls=Rekisteri,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    # Typer makes a group of an app that has a callback, a sub-app or two commands; this app's
    # commands are all in the lazy table, so the (empty) callback is what makes it a group.
    pass


def _raised_by(module: str, *names: str) -> tuple[type[BaseException], ...]:
    """The exception classes `names` of `module` if it was imported, else none: an exception
    of a library nobody imported cannot have been raised, and importing it here to catch
    nothing would cost every start (click: 50 ms, SQLAlchemy: half a second)."""
    found = sys.modules.get(module)
    classes = (getattr(found, name, None) for name in names)
    return tuple(c for c in classes if isinstance(c, type) and issubclass(c, BaseException))


def _usage_errors() -> tuple[type[BaseException], ...]:
    # Usage errors as Typer raises them: from Typer 0.20 on under its own copy of click (whose
    # errors are TyperExceptions), before that click's own.
    return _raised_by("typer", "TyperException") + _raised_by("click", "ClickException")


def _aborts() -> tuple[type[BaseException], ...]:
    return (typer.Abort, *_raised_by("click.exceptions", "Abort"))


def _exits() -> tuple[type[BaseException], ...]:
    return (typer.Exit, *_raised_by("click.exceptions", "Exit"))


def _database_errors() -> tuple[type[BaseException], ...]:
    return _raised_by("sqlalchemy.exc", "DBAPIError")


def main() -> None:
    """Entry point (the `rekisteri` script): usage errors exit 2 with one line, like bad input,
    and a domain error that a command did not catch gets its one line too, never a traceback.
    Without standalone mode Typer returns a command's exit status instead of exiting.
    (An `except` clause's classes are looked up only when an exception reaches it.)"""
    try:
        status = app(standalone_mode=False)
    except _usage_errors() as exc:
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
    except _database_errors() as exc:
        # The driver's own message only: SQLAlchemy's text carries the statement's parameters,
        # which are personal data. The transaction was rolled back.
        orig: Any = getattr(exc, "orig", None)
        said = str(orig).splitlines()[0] if orig is not None else type(exc).__name__
        sys.stderr.write(f"error: the database refused the work, nothing was changed: {said}\n")
        sys.exit(1)
    except _aborts():
        sys.exit(1)
    except _exits() as exc:
        sys.exit(getattr(exc, "exit_code", 1))
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":
    main()
