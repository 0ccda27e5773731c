"""No secret has a default: a service started without its key refuses to start and says which
variable is missing and how to make one; `make run` makes its own, once, outside git."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from services.common.secrets import MIN_LENGTH

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "gateway": ("GatewayService", "TAIZHANG_JWT_KEY"),
    "appraisal": ("AppraisalService", "TAIZHANG_APPRAISAL_KEY"),
}
START_SECONDS = 60


def start(settings, service: str, key: str | None) -> subprocess.CompletedProcess:
    """`nameko run` of a service as compose runs it, with `key` as its secret (None: unset)."""
    cls, variable = SECRETS[service]
    env = {k: v for k, v in os.environ.items() if k != variable}
    env |= {
        "TAIZHANG_DATABASE_URL": settings.database_url,
        "TAIZHANG_AMQP_URI": settings.amqp_uri,
        "TAIZHANG_METRICS_PORT": "0",
    }
    if key is not None:
        env[variable] = key
    argv = [sys.executable, "-m", "nameko", "run", "--config", "deploy/nameko.yml"]
    return subprocess.run(
        [*argv, f"services.{service}.service:{cls}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )


@pytest.mark.parametrize("service", sorted(SECRETS))
def test_a_service_without_its_secret_refuses_to_start(settings, service):
    variable = SECRETS[service][1]
    done = start(settings, service, None)
    assert done.returncode != 0
    assert f"{variable} is not set" in done.stderr
    assert "secrets.token_urlsafe" in done.stderr  # how to make one


@pytest.mark.parametrize("service", sorted(SECRETS))
def test_a_secret_too_short_to_be_one_is_refused(settings, service):
    done = start(settings, service, "x" * (MIN_LENGTH - 1))
    assert done.returncode != 0
    assert f"{SECRETS[service][1]} is too short" in done.stderr


def test_the_local_run_makes_its_secrets_once_outside_git(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    env["TAIZHANG_RUN_DIR"] = str(tmp_path)
    made = [
        subprocess.run(
            ["bash", "scripts/run.sh", "secrets"], cwd=ROOT, env=env, capture_output=True
        )
        for _ in range(2)
    ]
    assert [done.returncode for done in made] == [0, 0], made[0].stderr
    file = tmp_path / "secrets.env"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    values = dict(line.split("=", 1) for line in file.read_text().splitlines())
    assert values.keys() == {"TAIZHANG_JWT_KEY", "TAIZHANG_APPRAISAL_KEY"}
    assert all(len(value) >= MIN_LENGTH for value in values.values())
    assert values["TAIZHANG_JWT_KEY"] != values["TAIZHANG_APPRAISAL_KEY"]
    ignored = subprocess.run(["git", "check-ignore", "-q", "run/secrets.env"], cwd=ROOT)
    assert ignored.returncode == 0, "run/secrets.env must be ignored by git"
