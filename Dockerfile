# CCHC dashboard: Debian slim, a non-root user, the warehouse, archive and accounts on a volume.
#   docker build -t cchc-dashboard .
#   docker run -d --name cchc -p 127.0.0.1:8501:8501 -v cchc-data:/var/lib/cchc \
#       --env-file /etc/cchc/env cchc-dashboard
# Put it behind the HTTPS reverse proxy of docs/deploy.md; never publish 8501 to the network.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CCHC_MODE=production \
    CCHC_DB=/var/lib/cchc/warehouse.duckdb \
    CCHC_ACCOUNTS=/var/lib/cchc/accounts.sqlite \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501

RUN useradd --system --create-home --home-dir /home/cchc --shell /usr/sbin/nologin cchc \
    && mkdir -p /var/lib/cchc && chown cchc:cchc /var/lib/cchc && chmod 700 /var/lib/cchc

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=root:root . .

USER cchc
VOLUME ["/var/lib/cchc"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"
# Production mode: refuses to start with demo accounts, default passwords or no CCHC_SECRET.
CMD ["python", "-m", "cchc.serve"]
