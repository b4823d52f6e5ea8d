"""``revline serve`` (the dashboard and REST API) and ``revline users`` (who may sign in)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.output import FormatOption, check_format, console, emit

users_app = typer.Typer(
    help="Dashboard users, roles and API tokens (kept beside the warehouse).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@app.command("serve")
def serve(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    precompute: Annotated[
        bool,
        typer.Option(help="Compute every page's default view at start-up (in the background)."),
    ] = True,
    secure: Annotated[
        bool,
        typer.Option(
            "--secure",
            help="The server is reached over HTTPS (e.g. behind a TLS proxy): mark the session "
            "cookie Secure and send Strict-Transport-Security.",
        ),
    ] = False,
) -> None:
    """Serve the dashboard and its REST API over the warehouse (opened read-only)."""
    import uvicorn

    from revline.warehouse import Warehouse
    from revline.web import create_app
    from revline.web.users import UserStore, users_path

    Warehouse.open(warehouse, read_only=True).close()  # a clear error before the server starts
    store = UserStore(users_path(warehouse))
    if not store.list():
        console.print(
            "[yellow]No users yet:[/] add one with "
            f"revline users add NAME --role exec -w {warehouse}"
        )
    web = create_app(warehouse, precompute=precompute, secure=secure)
    console.print(f"revline dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[str, typer.Option(help="admin, exec, lead or viewer.")] = "viewer",
    function: Annotated[
        list[str] | None,
        typer.Option("--function", "-f", help="A function the lead leads (repeat for more)."),
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="REVLINE_PASSWORD",
            help="The password (prompted; or $REVLINE_PASSWORD).",
        ),
    ] = "",
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Add a dashboard user. Leads see only the pages and rows of their functions."""
    from revline.org import load_org
    from revline.web.users import UserStore, users_path

    store = UserStore(users_path(warehouse))
    user = store.add(username, password, role, function or (), list(load_org().functions))
    console.print(f"Added {user.username} ({user.role}) to {store.path}.")


@users_app.command("list")
def users_list(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE), fmt: FormatOption = "table"
) -> None:
    """List the users, their roles, functions and number of API tokens."""
    from revline.web.users import UserStore, users_path

    fmt = check_format(fmt)
    store = UserStore(users_path(warehouse))
    users = [(u, store.token_count(u.username)) for u in store.list()]
    if fmt != "table":
        join = fmt == "csv"  # csv joins the functions with ";", json keeps a list
        rows: list[dict[str, object]] = [
            {
                "user": u.username,
                "role": u.role,
                "functions": ";".join(u.functions) if join else list(u.functions),
                "tokens": tokens,
                "created": u.created_at,
            }
            for u, tokens in users
        ]
        emit(rows, fmt)
        return
    table = Table(title=f"Users in {store.path}")
    for name in ("user", "role", "functions", "tokens", "created"):
        table.add_column(name)
    for u, tokens in users:
        table.add_row(u.username, u.role, ", ".join(u.functions), str(tokens), u.created_at)
    console.print(table)


@users_app.command("remove")
def users_remove(
    username: Annotated[str, typer.Argument(help="The user to remove (and their tokens).")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Remove a user; their sessions and API tokens stop working at once."""
    from revline.web.users import UserStore, users_path

    store = UserStore(users_path(warehouse))
    store.remove(username)
    console.print(f"Removed {username}.")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    expires_days: Annotated[
        float, typer.Option("--expires-days", min=0.001, help="Days until the token expires.")
    ] = 90.0,
    no_expiry: Annotated[
        bool, typer.Option("--no-expiry", help="The token never expires (revoke it by hand).")
    ] = False,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Create an API token (shown once; only its hash is kept). Send it as
    'Authorization: Bearer <token>'."""
    from revline.web.users import UserStore, users_path

    store = UserStore(users_path(warehouse))
    token = store.create_token(username, label, None if no_expiry else expires_days)
    console.print(token, highlight=False, soft_wrap=True)


@users_app.command("tokens")
def users_tokens(
    username: Annotated[
        str | None, typer.Argument(help="Only this user's tokens (default: everyone's).")
    ] = None,
    fmt: FormatOption = "table",
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """List API tokens: id, user, label, created, expires and last used (never the token)."""
    from revline.web.users import UserStore, users_path

    store = UserStore(users_path(warehouse))
    rows = [
        {
            "id": t.token_id,
            "user": t.username,
            "label": t.label,
            "created": t.created_at,
            "expires": _instant(t.expires_at) or "never",
            "last used": _instant(t.last_used_at) or "never",
        }
        for t in store.tokens(username)
    ]
    emit(rows, fmt, title=f"API tokens in {store.path}", columns=list(TOKEN_COLUMNS))


TOKEN_COLUMNS = ("id", "user", "label", "created", "expires", "last used")


def _instant(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


@users_app.command("revoke-token")
def users_revoke_token(
    token_id: Annotated[str, typer.Argument(help="The token's id, as 'users tokens' lists it.")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Revoke an API token: it stops working at once (also on a running server)."""
    from revline.web.users import UserStore, users_path

    store = UserStore(users_path(warehouse))
    gone = store.revoke_token(token_id)
    console.print(f"Revoked {gone.token_id} ({gone.label}) of {gone.username}.")
