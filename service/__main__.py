"""`python -m service`: serve the API with uvicorn as production would (no reload).

`python -m service keys create|list|revoke` manages API keys instead (`service.keys_cli`);
`python -m service export --format F --out FILE` writes an export (`service.exports.cli`);
`python -m service duplicates` prints the duplicate-candidates report (`service.duplicates_cli`);
`python -m service schema` writes the SDL clients read to service/api/schema.graphql, and the
Federation subgraph's SDL (what `_service { sdl }` answers) to service/api/subgraph.graphql.
"""

import argparse
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

import uvicorn

from service import duplicates_cli, keys_cli
from service.api.persisted import ManifestError
from service.api.schema import SDL_FILE, SUBGRAPH_FILE, build_api, sdl
from service.exports import cli as export_cli
from service.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m service", description="The Supplygraph API.")
    commands = parser.add_subparsers(dest="command", metavar="{serve,keys,schema,export,duplicates}")
    commands.add_parser("serve", help="Serve the API (the default).")
    commands.add_parser(
        "schema", help="Write the SDLs to service/api/schema.graphql and subgraph.graphql (make schema)."
    )
    keys_cli.add_commands(commands.add_parser("keys", help="Create, list and revoke API keys."))
    export_cli.add_arguments(
        commands.add_parser(
            "export", help="Write the network as FtM, GraphML, GEXF or CSV (docs/exports.md)."
        )
    )
    duplicates_cli.add_commands(
        commands.add_parser("duplicates", help="List pairs of entities that look like the same thing.")
    )
    args = parser.parse_args(argv)
    if args.command == "schema":
        raise SystemExit(write_schema())
    settings = Settings()
    if args.command == "keys":
        raise SystemExit(keys_cli.run(args, settings))
    if args.command == "export":
        raise SystemExit(export_cli.run(args, settings))
    if args.command == "duplicates":
        raise SystemExit(duplicates_cli.run(args, settings))
    serve(settings)


def write_schema() -> int:
    api = build_api()
    for name, text in ((SDL_FILE, sdl(api.schema)), (SUBGRAPH_FILE, api.answers["_service"]["sdl"])):
        path = Path(str(files("service.api").joinpath(name)))
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


def serve(settings: Settings) -> None:
    if settings.api_persisted_manifest:
        # Checked here, once, so a bad manifest stops the start with one clear line rather than
        # a traceback per worker.
        from service.http.app import engine_for

        try:
            engine = engine_for(settings)
        except ManifestError as error:
            raise SystemExit(f"API_PERSISTED_MANIFEST: {error}") from None
        print(f"persisted operations: {engine.persisted.listed} from {settings.api_persisted_manifest}")
    # Each worker writes its metrics to files here and /metrics adds them up; a fresh folder per
    # start, so counters begin at zero like a single process's would.
    metrics_dir = tempfile.mkdtemp(prefix="supplygraph-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "service.http.asgi:app",
            host=settings.api_host,
            port=settings.api_port,
            workers=settings.api_workers,
            log_level="info",
            access_log=False,  # the service logs one structured line per GraphQL request itself
            # X-Forwarded-For names the client only behind a proxy the operator trusts.
            proxy_headers=bool(settings.api_trusted_proxies),
            forwarded_allow_ips=settings.api_trusted_proxies or None,
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
