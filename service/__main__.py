"""`python -m service`: serve the API with uvicorn as production would (no reload)."""

import uvicorn

from service.settings import Settings


def main() -> None:
    settings = Settings()
    uvicorn.run(
        "service.asgi:app",
        host=settings.api_host,
        port=settings.api_port,
        workers=settings.api_workers,
        log_level="info",
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
