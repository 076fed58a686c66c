"""`ssid serve`: run the web console (the same app factory the tests use) on this machine.

Production (the default) runs waitress, a pure-Python production WSGI server that also runs on
Windows, with ``--threads`` worker threads; it refuses to start without ``SSID_SECRET_KEY``, or
while a demo account still signs in with its well-known password, and never prints a password.
``--dev`` (or ``SSID_ENV=development``, what ``make run`` uses) runs Flask's development server
with a secret key made up for this process if none is set, and prints the demo sign-ins. Neither
names its version in the ``Server`` header.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import click
from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from console.cli.common import CliContext, Refusal, common_options
from store.database import database_proxy
from store.errors import StoreError

__all__ = ["COMMANDS", "demo_sign_ins", "SERVER_NAME"]

SERVER_NAME = "SSID Workbench"
"""The ``Server`` header of every answer: no server or Python version for an attacker to look up."""


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """The demo accounts that really sign in on the bound database (none in a real one)."""
    from seed.demo.load import DEMO_USERS
    from store.users import authenticate

    return [(name, password, role) for name, password, role in DEMO_USERS if authenticate(name, password) is not None]


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's development request handler without ``Werkzeug/x Python/y`` in ``Server``."""

    def version_string(self) -> str:
        return SERVER_NAME


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))


def _refuse_demo_accounts(sign_ins: list[tuple[str, str, str]]) -> None:
    if not sign_ins:
        return
    names = ", ".join(name for name, _password, _role in sign_ins)
    first = sign_ins[0][0]
    raise Refusal(
        f"the console refuses to start in production while demo accounts sign in with their well-known passwords "
        f"({names}): give each a new password (ssid user password {first}, the password on stdin) or deactivate "
        f"it (ssid user deactivate {first}), or run a demo with --dev"
    )


def _serve_production(app: Flask, host: str, port: int, threads: int) -> None:
    import waitress  # type: ignore[import-untyped]

    server = waitress.create_server(app, host=host, port=port, threads=threads, ident=SERVER_NAME)
    click.echo(f"Serving on http://{host}:{port} (waitress, {threads} threads)")  # listening from here on
    server.run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True, help="Port to listen on.")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Worker threads (production server).")
@click.option("--dev", is_flag=True, help="Development mode: Flask's server, a secret key made up for this process if none is set.")
@common_options
def serve_command(ctx: CliContext, host: str, port: int, threads: int, dev: bool) -> None:
    """Run the console at http://HOST:PORT (production needs SSID_SECRET_KEY)."""
    from console.app import DEVELOPMENT, ConsoleConfigError, create_app

    config: dict[str, object] = {"DATABASE_URL": ctx.db_url}
    if dev:
        config["SSID_ENV"] = DEVELOPMENT
    try:
        app = create_app(config)
    except (ConsoleConfigError, StoreError) as problem:
        raise Refusal(str(problem)) from None
    with database_proxy.connection_context():  # the app bound the proxy to its database
        sign_ins = demo_sign_ins()
    development = app.config["SSID_ENV"] == DEVELOPMENT
    if not development:
        _refuse_demo_accounts(sign_ins)
    address = f"http://{host}:{port}"
    click.echo(f"SSID Workbench console: {address}  (database {_without_password(ctx.db_url)})")
    if not development:
        _serve_production(app, host, port, threads)
        return
    if app.config["GENERATED_SECRET"]:
        click.echo(
            "development mode: using a secret key made up for this process (sign-ins end when it stops); "
            "for real use set SSID_SECRET_KEY and run without --dev"
        )
    else:
        click.echo("development mode")
    for name, password, role in sign_ins:
        click.echo(f"demo sign-in ({role}): {name} / {password}")
    app.run(host=host, port=port, threaded=True, use_reloader=False, debug=False, request_handler=_QuietRequestHandler)


COMMANDS: list[click.Command] = [serve_command]
