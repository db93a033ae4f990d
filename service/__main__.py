"""`python -m service`: serve the API with uvicorn as production would (no reload)."""

import os
import shutil
import tempfile

import uvicorn

from service.settings import Settings


def main() -> None:
    settings = Settings()
    # Each worker writes its metrics to files here and /metrics adds them up; a fresh folder per
    # start, so counters begin at zero like a single process's would.
    metrics_dir = tempfile.mkdtemp(prefix="supplygraph-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "service.asgi:app",
            host=settings.api_host,
            port=settings.api_port,
            workers=settings.api_workers,
            log_level="info",
            access_log=False,  # the service logs one structured line per GraphQL request itself
            proxy_headers=True,
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
