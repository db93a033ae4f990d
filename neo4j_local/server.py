"""Start, check and stop one Neo4j Community server process from the cached jars.

Layout of a home folder (all of it git-ignored): conf/neo4j.conf (rewritten at every start),
data/, logs/ (console.log holds the server's output), run/launcher.pid.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from neo4j_local.errors import LauncherError
from neo4j_local.jars import resolve_jars, resolve_plugin
from neo4j_local.version import neo4j_version

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
SUPPORTED_JAVA = (17, 21)
# Neo4j 5 needs these opens on Java 17+; the official launcher passes the same.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


def _print(message: str) -> None:
    print(f"[neo4j-local] {message}", flush=True)


def find_java() -> tuple[str, int]:
    """The java executable (JAVA_HOME first, then PATH) and its feature version."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise LauncherError(
            "Java 17 or 21 is needed to run Neo4j 5.26 locally and none was found "
            "(set JAVA_HOME or put java on PATH; Debian/Ubuntu: apt-get install openjdk-17-jre-headless)."
        )
    output = subprocess.run([candidate, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if not match:
        raise LauncherError(f"could not read the Java version from {candidate}: {output.strip()}")
    major = int(match.group(1)) if match.group(1) != "1" else int(match.group(2) or 0)
    if major not in SUPPORTED_JAVA:
        raise LauncherError(
            f"{candidate} is Java {major}; Neo4j 5.26 runs on Java 17 or 21. "
            "Point JAVA_HOME at a Java 17 or 21 installation."
        )
    return candidate, major


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nothing listens on right now (for tests that start their own server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    # A recycled pid that is not our server must not count as running.
    return not cmdline.exists() or ENTRY_POINT.encode() in cmdline.read_bytes()


class _Exited(Exception):
    """The server a start found running exited before it answered."""


@dataclass
class LocalNeo4j:
    """One server: its home folder, Bolt port and password."""

    home: Path
    bolt_port: int = 7687
    password: str = "supplygraph-dev"  # noqa: S105 - the documented local-development default
    user: str = "neo4j"
    heap: str = "2g"
    pagecache: str = "1g"
    plugins: tuple[str, ...] = ()
    version: str = field(default_factory=neo4j_version)
    log: Callable[[str], None] = _print

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "launcher.pid"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    def pid(self) -> int | None:
        """The server's pid if it is running, else None."""
        try:
            pid = int(self.pid_file.read_text(encoding="utf-8").strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def start(self, timeout: float = 180.0) -> bool:
        """Start the server and wait until Bolt answers; False if it was already running."""
        if (running := self.pid()) is not None:
            try:
                self.wait_ready(timeout, alive=lambda: _alive(running))
                self.log(f"already running on {self.uri} (pid {running})")
                return False
            except _Exited:
                # It was shutting down (stopped by a process that was then killed, say): once it
                # has gone, start a new one.
                self._reap(running)
                self.pid_file.unlink(missing_ok=True)
        if len(self.password) < 8:
            raise LauncherError("NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum).")
        java, _ = find_java()
        if not port_is_free(self.bolt_port):
            raise LauncherError(
                f"port {self.bolt_port} is already in use on 127.0.0.1; stop what listens there or "
                "set NEO4J_BOLT_PORT to another port."
            )
        lib = resolve_jars(self.version, self.log)
        for folder in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        self._install_plugins(lib)
        self._write_conf()
        if not (self.home / "data" / "databases").exists():
            self._set_initial_password(java, lib)
        command = [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            "-cp",
            f"{self.home / 'plugins'}/*:{lib}/*",
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.home / 'conf'}",
            "--console-mode",
        ]
        with self.console_log.open("ab") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.home,
            )
        self.pid_file.write_text(str(process.pid), encoding="utf-8")
        self.log(f"starting Neo4j {self.version} on {self.uri} (pid {process.pid}, home {self.home})")
        try:
            self.wait_ready(timeout, process)
        except BaseException:
            self.stop()
            raise
        return True

    def wait_ready(
        self,
        timeout: float,
        process: subprocess.Popen[bytes] | None = None,
        alive: Callable[[], bool] | None = None,
    ) -> None:
        """Poll until `RETURN 1` succeeds over Bolt, the process dies, or time runs out."""
        deadline = time.monotonic() + timeout
        with GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as driver:
            while True:
                if alive is not None and not alive():
                    raise _Exited()
                if process is not None and process.poll() is not None:
                    raise LauncherError(
                        f"Neo4j exited with code {process.returncode} while starting; "
                        f"last lines of {self.console_log}:\n{self._log_tail()}"
                    )
                try:
                    # A plain session, not execute_query: its built-in retries would hide the
                    # process dying and print a warning per attempt.
                    with driver.session() as session:
                        session.run("RETURN 1").consume()
                    return
                except AuthError:
                    raise LauncherError(
                        f"Neo4j at {self.uri} rejected the password. The data folder {self.home / 'data'} "
                        "was initialised with another NEO4J_PASSWORD: use that one, or delete the folder."
                    ) from None
                except (ServiceUnavailable, Neo4jError, OSError):
                    if time.monotonic() > deadline:
                        raise LauncherError(
                            f"Neo4j did not answer on {self.uri} within {timeout:.0f}s; "
                            f"see {self.console_log}:\n{self._log_tail()}"
                        ) from None
                    time.sleep(0.5)

    def stop(self, timeout: float = 60.0) -> bool:
        """SIGTERM (Neo4j shuts down cleanly on it), SIGKILL after `timeout`; False if not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            self._reap(pid)
            time.sleep(0.2)
        if _alive(pid):
            self.log(f"pid {pid} ignored SIGTERM for {timeout:.0f}s; killing it")
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                self._reap(pid)
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        self.log(f"stopped Neo4j (pid {pid})")
        return True

    @staticmethod
    def _reap(pid: int) -> None:
        # When this process started the server it must reap it, or it lingers as a zombie.
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)

    def _install_plugins(self, lib: Path) -> None:
        """Exactly the requested plugins in plugins/ (jars of others are removed)."""
        wanted = {jar for name in self.plugins for jar in resolve_plugin(name, self.version, lib, self.log)}
        folder = self.home / "plugins"
        for jar in folder.glob("*.jar"):
            if jar.name not in {w.name for w in wanted}:
                jar.unlink()
        for jar in wanted:
            if not (folder / jar.name).exists():
                shutil.copy2(jar, folder / jar.name)

    def _write_conf(self) -> None:
        home = self.home
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.bolt.tls_level": "DISABLED",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.routing.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.directories.data": str(home / "data"),
            "server.directories.logs": str(home / "logs"),
            "server.directories.run": str(home / "run"),
            "server.directories.plugins": str(home / "plugins"),
            "server.directories.import": str(home / "import"),
            "server.memory.pagecache.size": self.pagecache,
            "dbms.memory.transaction.total.max": "0",
            "db.transaction.timeout": "0",
            "db.tx_log.preallocate": "false",
            # Shut down promptly: idle client connections otherwise hold a stop for 10 s.
            "db.shutdown_transaction_end_timeout": "2s",
            "db.tx_log.rotation.retention_policy": "2 files",
            "dbms.usage_report.enabled": "false",
        }
        if "apoc" in self.plugins:
            settings["dbms.security.procedures.unrestricted"] = "apoc.*"
        text = "".join(f"{key}={value}\n" for key, value in settings.items())
        (home / "conf" / "neo4j.conf").write_text(
            "# Written by neo4j_local at every start; edit neo4j_local/server.py instead.\n" + text,
            encoding="utf-8",
        )

    def _set_initial_password(self, java: str, lib: Path) -> None:
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        result = subprocess.run(
            [
                java,
                "-cp",
                f"{lib}/*",
                "org.neo4j.cli.AdminTool",
                "dbms",
                "set-initial-password",
                self.password,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LauncherError(f"setting the initial password failed:\n{result.stdout}{result.stderr}")

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.console_log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"
