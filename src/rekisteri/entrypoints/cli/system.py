"""init and serve."""

from __future__ import annotations

import typer

from rekisteri.entrypoints.cli.common import console, register_errors, settings
from rekisteri.services.bootstrap import check_audit_switch, initialise


def install(app: typer.Typer) -> None:
    @app.command()
    def init() -> None:
        """Create or migrate the database (and a key file if no key is configured)."""
        for line in initialise(settings()):
            console.print(line)

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="address to listen on"),
        port: int = typer.Option(8000, help="port to listen on"),
        workers: int = typer.Option(1, help="server worker processes"),
    ) -> None:
        """Serve the web pages, the API (/api/v1, /openapi.json) and /healthz."""
        import uvicorn

        # Refused here in one line, not as a traceback in each worker.
        with register_errors():
            check_audit_switch(settings())
        console.print(f"Rekisteri serving on http://{host}:{port}/ (API docs at /docs)")
        console.print(
            f"Staff console: http://{host}:{port}/console - log in with a staff user "
            "(`rekisteri demo` printed the demo users' passwords once; "
            "`rekisteri user add NAME --role ROLE`, logged in as an administrator, makes a "
            "new one)"
        )
        if settings().session_cookie_secure:
            console.print(
                "The session cookie is Secure: over plain http (not https) browsers may not "
                "send it back; for a local demo set REKISTERI_SESSION_COOKIE_SECURE=false"
            )
        uvicorn.run(
            "rekisteri.entrypoints.api.app:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            # X-Forwarded-For is believed only from REKISTERI_TRUSTED_PROXIES (client_address),
            # not from uvicorn's own default list.
            proxy_headers=False,
        )
