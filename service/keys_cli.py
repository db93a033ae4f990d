"""`python -m service keys create|list|revoke`: API keys, managed straight in the database.

An operator's tool: it connects with the NEO4J_* settings, so whoever can run it can reach the
database anyway. `create` prints the key on stdout, alone, so `KEY=$(python -m service keys
create ...)` captures it; the rest goes to stderr. The key is never shown again.
"""

import argparse
import sys
from datetime import datetime

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from service.domain.roles import Role
from service.graph.keys import KeyInfo, create_key, list_keys, revoke_key
from service.http.keys import new_key
from service.settings import Settings

ROLES_HELP = "reader: queries (when keys are required); editor: writes; admin: retractions too."


def add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="keys_command", required=True, metavar="{create,list,revoke}")
    create = commands.add_parser("create", help="Create a key and print it (shown only this once).")
    create.add_argument("--name", required=True, help="Who holds the key, e.g. pricing-service.")
    create.add_argument("--role", required=True, choices=[role.value for role in Role], help=ROLES_HELP)
    commands.add_parser("list", help="Every key: id, name, role, created, revoked (never the secret).")
    revoke = commands.add_parser(
        "revoke", help="Revoke a key; it stops working within API_KEY_CACHE_SECONDS."
    )
    revoke.add_argument("id", help="The key's id (the part after sg_, or as `keys list` shows it).")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Runs one keys command; the process's exit status."""
    try:
        with GraphDatabase.driver(
            settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
        ) as d:
            database = settings.neo4j_database
            if args.keys_command == "create":
                return _create(d, database, args.name, Role(args.role))
            if args.keys_command == "list":
                _print_table(list_keys(d, database))
                return 0
            return _revoke(d, database, args.id)
    except (ServiceUnavailable, AuthError, OSError) as error:
        print(f"Cannot reach Neo4j at {settings.neo4j_uri}: {error}", file=sys.stderr)
        return 2


def _create(driver: Driver, database: str, name: str, role: Role) -> int:
    name = name.strip()
    if not name or len(name) > 100:
        print("--name must be 1 to 100 characters.", file=sys.stderr)
        return 1
    key = new_key()
    info = create_key(driver, database, key.id, name, role.value, key.hash)
    print(
        f"Created key {info.id} ({info.name!r}, {info.role}). Store it now; it is not shown again:",
        file=sys.stderr,
    )
    print(key.text)
    return 0


def _revoke(driver: Driver, database: str, key_id: str) -> int:
    key_id = key_id.removeprefix("sg_").split("_")[0]
    info = revoke_key(driver, database, key_id)
    if info is None:
        print(f"No key with id {key_id!r}.", file=sys.stderr)
        return 1
    print(f"Revoked key {info.id} ({info.name!r}, {info.role}) at {_when(info.revoked_at)}.")
    return 0


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment is not None else "-"


def _print_table(keys: list[KeyInfo]) -> None:
    rows = [("ID", "NAME", "ROLE", "CREATED", "REVOKED")]
    rows += [(k.id, k.name, k.role, _when(k.created_at), _when(k.revoked_at)) for k in keys]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
