"""`ssid serve`: run the web console (the same app factory the tests use) on this machine.

Production (the default) runs waitress, a pure-Python production WSGI server that also runs on
Windows, with ``--threads`` worker threads in each of ``--workers`` processes (one per core by
default where the platform forks, :mod:`console.prefork`; one process on Windows); it refuses to start without ``SSID_SECRET_KEY``, or
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
from console.prefork import can_fork, default_workers, listening_socket, serve_forked
from store.database import close_pooled, database_proxy
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


def _serve_production(app: Flask, host: str, port: int, threads: int, workers: int) -> None:
    import waitress  # type: ignore[import-untyped]

    if workers <= 1 or not can_fork():
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident=SERVER_NAME)
        click.echo(f"Serving on http://{host}:{port} (waitress, {threads} threads)")  # listening from here on
        server.run()
        return
    listening = listening_socket(host, port)
    # Each worker opens its own connections: none of the parent's may be shared across a fork.
    close_pooled(database_proxy.obj)

    def serve() -> None:
        waitress.create_server(app, sockets=[listening], threads=threads, ident=SERVER_NAME).run()

    click.echo(f"Serving on http://{host}:{port} (waitress, {workers} processes of {threads} threads)")
    serve_forked(serve, workers)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True, help="Port to listen on.")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Worker threads (production server).")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=default_workers, show_default="one per core, at most 4; 1 on Windows",
    help="Server processes (production server), each with --threads threads.",
)
@click.option("--dev", is_flag=True, help="Development mode: Flask's server, a secret key made up for this process if none is set.")
@common_options
def serve_command(ctx: CliContext, host: str, port: int, threads: int, workers: int, dev: bool) -> None:
    """Run the console at http://HOST:PORT (production needs SSID_SECRET_KEY)."""
    from console.app import DEVELOPMENT, ConsoleConfigError, create_app

    # A connection for each server thread, the background jobs and their heartbeat, in each process.
    config: dict[str, object] = {"DATABASE_URL": ctx.db_url, "DATABASE_POOL_SIZE": threads + 4}
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
        _serve_production(app, host, port, threads, workers)
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
