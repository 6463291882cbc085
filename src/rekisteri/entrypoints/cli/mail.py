"""mail send, mail status: the queue of mail the register sends to persons (services/outbox)."""

from __future__ import annotations

import typer

from rekisteri.entrypoints.cli.common import console, job, print_json, register_errors
from rekisteri.services import outbox
from rekisteri.services.access import system_actors

app = typer.Typer(
    help="The mail queue: messages to persons wait here until the mail server takes them.",
    no_args_is_help=True,
)


@app.command()
def send() -> None:
    """Send the queued messages that are due, and schedule another try for those the mail
    server refuses (run it from cron every minute or so; runs as system:mail)."""
    reg, actor = job(system_actors.MAIL)
    with register_errors():
        done = outbox.deliver(reg, actor, outbox.smtp_mailer(reg.settings))
    console.print(done.describe(), highlight=False)
    if done.failed or done.gave_up:
        raise typer.Exit(1)


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """How many messages wait, were sent and were given up (counts only; runs as system:mail)."""
    reg, actor = job(system_actors.MAIL)
    with register_errors():
        now = outbox.state(reg, actor)
    oldest = now.oldest_waiting.isoformat() if now.oldest_waiting else None
    if as_json:
        print_json(
            {"waiting": now.waiting, "sent": now.sent, "gave_up": now.gave_up, "oldest": oldest}
        )
        return
    console.print(
        f"{now.waiting} waiting (oldest queued {oldest or '-'}), {now.sent} sent, "
        f"{now.gave_up} given up",
        highlight=False,
    )
