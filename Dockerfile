# One image for every taizhang service, the relay and the migration: docker-compose.yml gives
# each container its command (`nameko run --config deploy/nameko.yml services.<name>.service:...`,
# `python -m eventlog.cli migrate`, the relay).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The lock first (hash-checked, the same pins `make` installs), then the package without
# resolving anything: a change to the code or to deploy/ does not reinstall the dependencies.
COPY requirements/run.txt ./requirements/run.txt
RUN pip install --require-hashes -r requirements/run.txt
COPY pyproject.toml README.md ./
COPY eventlog ./eventlog
COPY services ./services
RUN pip install --no-deps --no-build-isolation . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin taizhang

COPY deploy ./deploy

USER taizhang
# The gateway's HTTP port, and the metrics ports of ledger, appraisal, notify, gateway, relay.
EXPOSE 8000 9101 9102 9103 9104 9105
CMD ["python", "-m", "eventlog.cli", "--help"]
