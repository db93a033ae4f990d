"""The ASGI entry point for uvicorn workers: the app built from the environment's settings."""

from service.http.app import create_app
from service.settings import Settings

app = create_app(Settings())
