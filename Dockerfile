# sodiem in a container: `docker compose up` (compose.yaml) runs it beside PostgreSQL.
# Build stage: the package and its compiled catalogs in a virtual environment, without what only
# development needs (bytecode caches, the libraries' own tests, pip, Babel's data for other languages):
# about 225 MB of libraries, for an image under 400 MB.
FROM python:3.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY cli cli
COPY domain domain
COPY exports exports
COPY locales locales
COPY localapi localapi
COPY localzalo localzalo
COPY notifications notifications
COPY sandbox sandbox
COPY services services
COPY storage storage
COPY web web
RUN python -m venv /opt/sodiem \
    && /opt/sodiem/bin/pip install "babel>=2.14,<3" \
    && for po in locales/*/LC_MESSAGES/*.po; do /opt/sodiem/bin/pybabel compile -i "$po" -o "${po%.po}.mo"; done \
    && /opt/sodiem/bin/pip install --no-compile . \
    && /opt/sodiem/bin/pip uninstall --yes pip setuptools \
    && find /opt/sodiem -depth -type d \( -name __pycache__ -o -name tests \) -exec rm -rf {} + \
    && find /opt/sodiem/lib/python3.12/site-packages/babel/locale-data -type f \
        ! -name root.dat ! -name en.dat ! -name vi.dat -delete

# Run stage: Python, pg_dump/pg_restore for the backups (PostgreSQL 15, as in compose.yaml), nothing else.
# The PDF fonts ship inside the package (exports/fonts, DejaVu); matplotlib brings its own for the pictures.
FROM python:3.12-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /var/lib/sodiem --shell /usr/sbin/nologin sodiem
COPY --from=build /opt/sodiem /opt/sodiem
ENV PATH=/opt/sodiem/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    SODIEM_PUBLIC_LISTEN=0.0.0.0:8090 \
    SODIEM_AUDIT_KEY_FILE=/var/lib/sodiem/sodiem-audit.key
WORKDIR /var/lib/sodiem
USER sodiem
EXPOSE 8090
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8090/healthz', timeout=8)"]
CMD ["sh", "-c", "sodiem db upgrade && exec sodiem run"]
