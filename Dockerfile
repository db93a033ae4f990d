# The image for the `seed` and `api` services of docker-compose.yml: only what they run (the
# service and the seed tools, installed as packages with their package data). The launcher,
# the stack scripts, the tests and the benchmarks stay out.

# The browser pages (GraphiQL, /explore), built from npm packages into service/http/dist.
FROM node:20-slim AS web
WORKDIR /build/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/tsconfig.json web/vite.config.ts web/*.html ./
COPY web/src ./src
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md constraints.txt ./
COPY service ./service
COPY seed ./seed
COPY --from=web /build/service/http/dist ./service/http/dist
# PyICU (under normality, which match uses for transliteration) has no wheels on PyPI: it is
# built against Debian's ICU, whose headers stay (they keep the ICU library installed) while the
# compiler goes.
RUN apt-get update && apt-get install -y --no-install-recommends libicu-dev pkg-config g++ \
    && pip install -c constraints.txt . \
    && apt-get purge -y --auto-remove g++ pkg-config && rm -rf /var/lib/apt/lists/* \
    && rm -rf /app/service /app/seed && useradd --system --uid 10001 supplygraph
USER supplygraph

EXPOSE 8000
CMD ["python", "-m", "service"]
