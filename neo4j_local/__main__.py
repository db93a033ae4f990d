"""`python -m neo4j_local start|stop|status|console`: a local Neo4j for machines without Docker."""

import argparse
import signal
import sys
import time
from types import FrameType

from neo4j_local.errors import LauncherError
from neo4j_local.server import LocalNeo4j
from neo4j_local.settings import LauncherSettings


def server_from_env(settings: LauncherSettings | None = None) -> LocalNeo4j:
    """The local server the environment describes."""
    settings = settings or LauncherSettings.from_env()
    return LocalNeo4j(
        home=settings.home.resolve(),
        bolt_port=settings.bolt_port,
        password=settings.password,
        user=settings.user,
        heap=settings.heap,
        pagecache=settings.pagecache,
        plugins=settings.plugins,
    )


def _console(server: LocalNeo4j) -> int:
    """Run in the foreground until SIGINT/SIGTERM, then stop the server cleanly."""
    started = server.start()
    stopping = False

    def handle(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    while not stopping and server.pid() is not None:
        time.sleep(0.5)
    if started:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neo4j_local", description=__doc__)
    parser.add_argument("command", choices=["start", "stop", "status", "console"])
    args = parser.parse_args(argv)
    server = server_from_env()
    try:
        if args.command == "start":
            server.start()
        elif args.command == "stop":
            if not server.stop():
                print("[neo4j-local] not running")
        elif args.command == "status":
            pid = server.pid()
            print(f"running on {server.uri} (pid {pid})" if pid else "not running")
            return 0 if pid else 3
        else:
            return _console(server)
    except LauncherError as error:
        print(f"[neo4j-local] error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
