"""docker-compose.yml, the Prometheus configuration, the alert rules and the Grafana dashboards,
checked by the tools that will read them (docker-compose 1.29 and promtool, which
`bash scripts/infra.sh tools` installs) and against each other."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from services.common.observability import DEFAULT_PORTS
from tests.ops.promql import DASHBOARDS, DEPLOY, dashboard_queries

ROOT = DEPLOY.parent
APP_SERVICES = {
    "ledger": "LedgerService",
    "appraisal": "AppraisalService",
    "notify": "NotifyService",
    "gateway": "GatewayService",
}
SECRETS = {"TAIZHANG_JWT_KEY": "j", "TAIZHANG_APPRAISAL_KEY": "a", "TAIZHANG_WEBHOOK_KEY": "w"}
LOCAL_RUN_NAMES = {"TAIZHANG_DATABASE_URL", "TAIZHANG_ADMIN_DATABASE_URL", "TAIZHANG_AMQP_URI"}
NEEDS_TOOLS = "not installed: run `bash scripts/infra.sh tools`"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} {NEEDS_TOOLS}")
    return path


def run(*command: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=60, env=env
    )


# -- docker-compose ------------------------------------------------------------------------------


def compose(*args: str, secrets: bool = True) -> subprocess.CompletedProcess:
    # Only what the file interpolates may vary: none of the caller's TAIZHANG_* settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    env.update(SECRETS if secrets else {})
    file = ROOT / "docker-compose.yml"
    return run(tool("docker-compose"), "-f", file, "--project-directory", ROOT, *args, env=env)


@pytest.fixture(scope="module")
def services() -> dict:
    done = compose("config")
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)["services"]


def test_compose_file_validates():
    done = compose("config", "-q")
    assert done.returncode == 0, done.stderr


def test_compose_refuses_to_run_without_the_secrets():
    done = compose("config", "-q", secrets=False)
    assert done.returncode != 0
    assert "_KEY" in done.stderr


def test_compose_runs_every_part_with_a_health_check(services):
    parts = {"postgres", "rabbitmq", "migrate", "relay", "prometheus", "grafana", *APP_SERVICES}
    assert parts <= services.keys()
    assert "management" in services["rabbitmq"]["image"]
    unchecked = {name for name, spec in services.items() if "healthcheck" not in spec}
    assert unchecked == {"migrate"}  # a one-shot: its exit status is its health


def test_each_service_runs_its_class_after_the_migration(services):
    for name, cls in APP_SERVICES.items():
        spec = services[name]
        assert spec["command"][:4] == ["nameko", "run", "--config", "deploy/nameko.yml"]
        assert spec["command"][4] == f"services.{name}.service:{cls}"
    assert services["migrate"]["command"] == ["python", "-m", "eventlog.cli", "migrate"]
    for name in [*APP_SERVICES, "relay"]:
        conditions = {dep: how["condition"] for dep, how in services[name]["depends_on"].items()}
        assert conditions == {
            "migrate": "service_completed_successfully",
            "postgres": "service_healthy",
            "rabbitmq": "service_healthy",
        }


def test_compose_uses_the_local_runs_environment_names(services):
    for name in [*APP_SERVICES, "relay", "migrate"]:
        assert services[name]["environment"].keys() >= LOCAL_RUN_NAMES, name
    assert {"TAIZHANG_HTTP_ADDRESS", "TAIZHANG_JWT_KEY"} <= services["gateway"][
        "environment"
    ].keys()
    assert "TAIZHANG_APPRAISAL_KEY" in services["appraisal"]["environment"]
    smtp = {
        "TAIZHANG_SMTP_HOST",
        "TAIZHANG_SMTP_PORT",
        "TAIZHANG_SMTP_FROM",
        "TAIZHANG_SMTP_SECURITY",
        "TAIZHANG_SMTP_USER",
        "TAIZHANG_SMTP_PASSWORD",
        "TAIZHANG_SMTP_CA_FILE",
        "TAIZHANG_WEBHOOK_KEY",
    }
    assert smtp <= services["notify"]["environment"].keys()


def test_compose_mounts_files_that_exist(services):
    for spec in services.values():
        for volume in spec.get("volumes", ()):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
            if source.startswith("/"):
                assert Path(source).exists(), source


def test_prometheus_scrapes_every_service_on_the_port_it_serves(services):
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    scraped = {
        job["job_name"]: sd["port"]
        for job in config["scrape_configs"]
        for sd in job.get("dns_sd_configs", ())
    }
    served = {
        name: int(services[name]["environment"]["TAIZHANG_METRICS_PORT"])
        for name in [*APP_SERVICES, "relay"]
    }
    assert scraped == served == DEFAULT_PORTS


def test_the_image_holds_what_the_commands_need():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for needed in ("pyproject.toml", "README.md", "requirements", "eventlog", "services", "deploy"):
        assert needed not in ignored
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    # The image installs the lock make installs, and nothing that the lock does not pin.
    assert "pip install --require-hashes -r requirements/run.txt" in dockerfile
    assert "pip install --no-deps --no-build-isolation ." in dockerfile
    assert "COPY deploy" in dockerfile


def test_compose_selects_a_log_format_deploy_nameko_yml_defines(tmp_path):
    """Compose sets TAIZHANG_LOG_FORMAT=json: nameko.yml's LOGGING must turn that into JSON lines
    (loaded as `nameko run` loads it, with its environment substitution), and keep expected
    errors to one line."""
    script = (
        "import logging, logging.config, yaml\n"
        "from nameko.cli.main import setup_yaml_parser\n"
        "setup_yaml_parser()\n"
        "config = yaml.safe_load(open('deploy/nameko.yml'))\n"
        "logging.config.dictConfig(config['LOGGING'])\n"
        "logging.getLogger('probe').info('hello')\n"
        "try:\n"
        "    raise LookupError('branch not found')\n"
        "except LookupError as exc:\n"
        "    logging.getLogger('nameko.containers').warning(\n"
        "        '(expected) error handling worker %s: %s', 'w', exc, exc_info=True)\n"
        "    logging.getLogger('nameko.containers').error('unexpected', exc_info=True)\n"
    )
    env = {**os.environ, "TAIZHANG_LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    first, expected, fault = done.stderr.strip().splitlines()[-3:]
    assert first.startswith("{"), (
        f"not JSON: {first!r}; deploy/nameko.yml's handler must take its formatter from"
        " TAIZHANG_LOG_FORMAT, and `json` must be services.common.observability.JsonFormatter"
    )
    line = json.loads(first)
    assert (line["logger"], line["message"]) == ("probe", "hello")
    # An expected error (an answer to the caller) is one line; a fault keeps its traceback.
    assert json.loads(expected)["exc"] is None
    assert "LookupError: branch not found" in json.loads(fault)["exc"]


# -- promtool ------------------------------------------------------------------------------------


def test_promtool_accepts_the_prometheus_config():
    done = run(tool("promtool"), "check", "config", DEPLOY / "prometheus.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_accepts_the_alert_rules():
    done = run(tool("promtool"), "check", "rules", DEPLOY / "alerts.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_alerts_fire_when_they_should_and_not_otherwise():
    done = run(tool("promtool"), "test", "rules", DEPLOY / "alerts_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_dashboard_query_is_valid_promql(tmp_path):
    """promtool parses each query, as the body of a recording rule."""
    rules = [
        {"record": f"dashboard:query_{n}", "expr": expr.replace("$__rate_interval", "5m")}
        for n, (_, expr) in enumerate(dashboard_queries())
    ]
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    done = run(tool("promtool"), "check", "rules", path)
    assert done.returncode == 0, done.stdout + done.stderr


# -- Grafana -------------------------------------------------------------------------------------


def generator():
    spec = importlib.util.spec_from_file_location("generate", DEPLOY / "grafana" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dashboards_are_what_generate_py_writes():
    generate = generator()
    made = generate.dashboards()
    assert {p.name for p in DASHBOARDS.glob("*.json")} == made.keys()
    for name, board in made.items():
        assert (DASHBOARDS / name).read_text() == generate.render(board), (
            f"{name} is stale: run python3 deploy/grafana/generate.py"
        )
    assert {f"{s}.json" for s in APP_SERVICES} | {"overview.json"} <= made.keys()


def test_every_panel_queries_the_provisioned_datasource():
    provisioned = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    uid = provisioned["datasources"][0]["uid"]
    for path in DASHBOARDS.glob("*.json"):
        panels = json.loads(path.read_text())["panels"]
        assert len({p["id"] for p in panels}) == len(panels), path.name
        for panel in panels:
            for target in panel.get("targets", ()):
                assert target["datasource"]["uid"] == uid, (path.name, panel["title"])
