"""`ssid serve`: run the web console (the same app factory the tests use) on this machine.

Production (the default) refuses to start without ``SSID_SECRET_KEY``. ``--dev`` (or
``SSID_ENV=development``, what ``make run`` uses) starts with a secret key made up for this
process, and says so. When the database holds the demo accounts with their demo passwords, the
sign-ins are printed; a real database has none.
"""

from __future__ import annotations

import click

from console.cli.common import CliContext, Refusal, common_options
from store.database import database_proxy
from store.errors import StoreError

__all__ = ["COMMANDS", "demo_sign_ins"]


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """The demo accounts that really sign in on the bound database (none in a real one)."""
    from seed.demo.load import DEMO_USERS
    from store.users import authenticate

    return [(name, password, role) for name, password, role in DEMO_USERS if authenticate(name, password) is not None]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True, help="Port to listen on.")
@click.option("--dev", is_flag=True, help="Development mode: a secret key made up for this process if none is set.")
@common_options
def serve_command(ctx: CliContext, host: str, port: int, dev: bool) -> None:
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
    address = f"http://{host}:{port}"
    click.echo(f"SSID Workbench console: {address}  (database {ctx.db_url})")
    if app.config["SSID_ENV"] == DEVELOPMENT:
        if app.config["GENERATED_SECRET"]:
            click.echo(
                "development mode: using a secret key made up for this process (sign-ins end when it stops); "
                "for real use set SSID_SECRET_KEY and run without --dev"
            )
        else:
            click.echo("development mode")
    for name, password, role in sign_ins:
        click.echo(f"demo sign-in ({role}): {name} / {password}")
    app.run(host=host, port=port, threaded=True, use_reloader=False, debug=False)


COMMANDS: list[click.Command] = [serve_command]
