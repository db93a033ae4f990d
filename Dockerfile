# The image for the `seed` and `api` services of docker-compose.yml.

# The browser pages (GraphiQL, /explore), built from npm packages; only web/dist reaches the image.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/tsconfig.json web/vite.config.ts web/*.html ./
COPY web/src ./src
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY service ./service
COPY seed ./seed
COPY schema ./schema
COPY neo4j_local ./neo4j_local
COPY stack ./stack
COPY docker-compose.yml ./
COPY --from=web /web/dist ./web/dist
RUN pip install . && useradd --system --uid 10001 supplygraph
USER supplygraph

EXPOSE 8000
CMD ["python", "-m", "service"]
