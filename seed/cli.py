"""`python -m seed [check | load | constraints | synth | export | audit]`; with no command: apply the
constraints, then load.

Exit codes: 0 done (or nothing to do), 1 invalid data (nothing written), 2 Neo4j unreachable or
a write failed (rolled back).
"""

import argparse
import sys
from pathlib import Path

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from seed import audit
from seed.export import write_files
from seed.loader import load_curated, load_staged
from seed.stream import validate_stream
from seed.synthetic import generate
from seed.validate import DataError, Dataset, InvalidData, load_dataset
from seed.yaml_files import data_files
from service.graph.constraints import apply_constraints
from service.graph.entries import EntryError, read_all
from service.settings import Settings

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_PRINTED_ERRORS = 500


def _print_errors(errors: list[DataError]) -> int:
    for error in errors[:MAX_PRINTED_ERRORS]:
        print(error, file=sys.stderr)
    if len(errors) > MAX_PRINTED_ERRORS:
        print(f"... and {len(errors) - MAX_PRINTED_ERRORS} more", file=sys.stderr)
    print(f"{len(errors)} error(s); nothing was written.", file=sys.stderr)
    return 1


def _validate(data: Path) -> Dataset | None:
    try:
        return load_dataset(data, root=Path.cwd())
    except InvalidData as invalid:
        _print_errors(invalid.errors)
        return None


def _driver(settings: Settings) -> Driver:
    # Notifications off: statements name properties a new graph does not have yet, which Neo4j
    # would report as a warning on every one of them.
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    )


def _check(args: argparse.Namespace) -> int:
    files = list(data_files(Path(args.data)))
    count, errors = validate_stream(files, root=Path.cwd())
    if errors:
        return _print_errors(errors)
    print(f"ok: {count} entries in {len(files)} file(s)")
    return 0


def _load(args: argparse.Namespace, settings: Settings, with_constraints: bool) -> int:
    data = Path(args.data)
    if args.bulk:
        return _bulk(args, settings)
    dataset: Dataset | None = None
    if not args.staged and (dataset := _validate(data)) is None:
        return 1
    with _driver(settings) as driver:
        driver.verify_connectivity()
        if with_constraints and not args.dry_run:
            apply_constraints(driver, settings.neo4j_database)
        if dataset is None:
            files = list(data_files(data))
            try:
                report = load_staged(
                    driver, settings.neo4j_database, files, args.origin, args.dry_run, root=Path.cwd()
                )
            except InvalidData as invalid:
                return _print_errors(invalid.errors)
        else:
            report = load_curated(driver, settings.neo4j_database, dataset, args.origin, args.dry_run)
    print(report.summary(dry_run=args.dry_run))
    if args.dry_run:
        for label, ids in (("new", report.new), ("changed", report.changed), ("removed", report.removed)):
            for entity_id in ids[:200]:
                print(f"  {label}: {entity_id}")
    return 0


def _bulk(args: argparse.Namespace, settings: Settings) -> int:
    # The offline importer runs only beside the local launcher's server, a development tool
    # that the service's image does not carry: imported here, when asked for.
    from neo4j_local import LauncherError
    from neo4j_local.__main__ import server_from_env
    from seed.bulk import BulkLoadError, bulk_load, interrupted

    server = server_from_env()
    resuming = server.uri == settings.neo4j_uri and interrupted(server, settings.neo4j_database)
    if resuming:
        print("an earlier --bulk load into this database was interrupted: importing again over what it left")
    if server.uri != settings.neo4j_uri or (server.pid() is None and not resuming):
        print(
            f"--bulk needs the local launcher's server at {server.uri} running (make up, or "
            f"python -m neo4j_local start); NEO4J_URI is {settings.neo4j_uri}.",
            file=sys.stderr,
        )
        return 2
    try:
        report = bulk_load(
            server, settings.neo4j_database, list(data_files(Path(args.data))), args.origin, root=Path.cwd()
        )
    except InvalidData as invalid:
        return _print_errors(invalid.errors)
    except (BulkLoadError, LauncherError) as error:
        print(f"bulk load failed: {error}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _constraints(settings: Settings) -> int:
    with _driver(settings) as driver:
        apply_constraints(driver, settings.neo4j_database)
    print("constraints and indexes applied")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.out)
    try:
        with (
            _driver(settings) as driver,
            driver.session(database=settings.neo4j_database) as session,
            session.begin_transaction() as tx,
        ):
            counts = write_files(out, read_all(tx, args.origin))
    except EntryError as error:
        print(f"cannot export: {error}", file=sys.stderr)
        return 1
    print(f"exported to {out}: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    return 0


def _synth(args: argparse.Namespace) -> int:
    out = Path(args.out)
    counts = generate(out, companies=args.companies, seed=args.seed)
    print(f"wrote synthetic data to {out}: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m seed", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check", help="validate the data files; write nothing")
    load = sub.add_parser("load", help="validate, then load (applies the constraints first)")
    for command in (parser, check, load):
        command.add_argument("--data", default=str(DATA_DIR), help="folder of YAML data files")
    for command in (parser, load):
        command.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
        command.add_argument(
            "--staged", action="store_true", help="stream in batches and publish at the end (large inputs)"
        )
        command.add_argument(
            "--bulk",
            action="store_true",
            help="offline import into an EMPTY database of the local launcher's server "
            "(stops and restarts it; the fastest path for large inputs)",
        )
        command.add_argument(
            "--origin",
            default="seed",
            help="tag of this dataset; a curated load removes entities of this "
            "origin that the files no longer hold",
        )
    sub.add_parser(
        "audit",
        help="the data-quality report against the facts files (python -m seed audit --help)",
        add_help=False,
    )
    sub.add_parser("constraints", help="apply the constraints and indexes only")
    export = sub.add_parser("export", help="write the live graph as data files (one per kind)")
    export.add_argument("--out", required=True, help="folder to write (its YAML files are replaced)")
    export.add_argument("--origin", default=None, help="only entities of this origin (seed, api, synthetic)")
    synth = sub.add_parser("synth", help="write a synthetic dataset in the same format")
    synth.add_argument("--companies", type=int, default=1_000)
    synth.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    synth.add_argument("--out", required=True, help="folder to write (its YAML files are replaced)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["audit"]:  # its own options: it reads the files only, never Neo4j
        return audit.main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    if args.command == "synth":
        return _synth(args)
    settings = Settings()
    try:
        if args.command == "constraints":
            return _constraints(settings)
        if args.command == "export":
            return _export(args, settings)
        return _load(args, settings, with_constraints=True)
    except (ServiceUnavailable, OSError) as error:
        print(
            f"cannot reach Neo4j at {settings.neo4j_uri}: {error}\n"
            "Start it with `make up` or `python -m neo4j_local start`.",
            file=sys.stderr,
        )
        return 2
    except AuthError:
        print(
            f"Neo4j at {settings.neo4j_uri} rejected user {settings.neo4j_user!r}: check NEO4J_PASSWORD.",
            file=sys.stderr,
        )
        return 2
    except Neo4jError as error:
        print(f"the load failed and was rolled back: {error.code}: {error.message}", file=sys.stderr)
        return 2
