"""`python -m service.api.export`: write the schema's SDL to schema/schema.graphql."""

import sys
from pathlib import Path

from service.api.schema import build_schema

SDL_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def sdl() -> str:
    return str(build_schema()) + "\n"


def main() -> int:
    SDL_FILE.write_text(sdl(), encoding="utf-8")
    print(f"wrote {SDL_FILE.relative_to(Path.cwd()) if SDL_FILE.is_relative_to(Path.cwd()) else SDL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
