# The image for the `seed` and `api` services of docker-compose.yml.
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
RUN pip install . && useradd --system --uid 10001 supplygraph
USER supplygraph

EXPOSE 8000
CMD ["python", "-m", "service"]
