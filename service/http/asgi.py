"""The ASGI entry point for uvicorn workers: the app built from the environment's settings, and
the worker process tuned for it."""

import gc
import sys

from service.http.app import create_app
from service.settings import Settings

app = create_app(Settings())

# New documents are planned on a worker thread (service.api.plans): a short switch interval
# gives the GIL back to the event loop within 0.5 ms rather than Python's default 5 ms, so
# requests with cached plans are not held up behind a large new document.
sys.setswitchinterval(0.0005)
# The schema, the compiler's tables and the modules live as long as the process: frozen, they
# are left out of every full garbage collection, which then scans only what requests made.
gc.freeze()
