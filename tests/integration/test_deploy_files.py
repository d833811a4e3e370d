"""The production layout's files (deploy/, Dockerfile) name commands, files and settings that exist and agree.

No container engine runs here and systemd is not PID 1, so the image is checked by reading it against the tested
layout (deploy/entrypoint.sh), and the units by `systemd-analyze verify` on copies pointed at this checkout.
tests/integration/test_production_layout.py runs the layout itself.
"""
import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib

import pytest
from gunicorn.config import Config

from ..databases import in_ci
from ..deploy_files import DEPLOY, ENTRYPOINT, ROOT, env_example, read, seconds, unit

UNITS = ("shopcs-web.service", "shopcs-scheduler.service", "shopcs-widget.service")
INSTALL_ROOT = "/opt/shopcs"  # where the units and the image keep the checkout
ENV_FILE = "/etc/shopcs/shopcs.env"


def _entrypoint_env(**extra) -> dict:
    return dict(os.environ, SHOPCS_VENV=sys.prefix, SHOPCS_SECRET_KEY="deploy-test", **extra)


def _entrypoint_commands() -> set[str]:
    """The commands deploy/entrypoint.sh knows: the labels of its `case`."""
    text = read(ENTRYPOINT)
    return set(re.findall(r"^\s+([a-z]+)\) exec ", text, flags=re.M))


def _gunicorn_namespace(**env) -> dict:
    """deploy/gunicorn.conf.py executed as gunicorn executes it, with `env` as the environment."""
    path = os.path.join(DEPLOY, "gunicorn.conf.py")
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        namespace = {"__file__": path, "__name__": "__config__"}
        exec(compile(read(path), path, "exec"), namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return namespace


# -- gunicorn ----------------------------------------------------------------------------------------------------

def test_every_public_name_in_the_gunicorn_config_is_a_gunicorn_setting_it_accepts():
    namespace = _gunicorn_namespace()
    config = Config()
    public = {name: value for name, value in namespace.items()
              if not name.startswith("_") and name != "os" and not isinstance(value, type(os))}
    unknown = sorted(set(public) - set(config.settings))
    assert not unknown, f"gunicorn ignores names it does not know: {unknown}"
    for name, value in public.items():
        config.set(name, value)  # gunicorn's own validation of each value
    assert config.worker_class_str == "sync" and config.preload_app is False
    assert config.accesslog == "-" and config.errorlog == "-"


def test_bind_and_workers_come_from_the_environment_with_a_default_of_two_per_core_plus_one_at_most_eight():
    assert _gunicorn_namespace(SHOPCS_WEB_BIND="0.0.0.0:9000", SHOPCS_WEB_WORKERS="3")["bind"] == ["0.0.0.0:9000"]
    assert _gunicorn_namespace(SHOPCS_WEB_BIND="0.0.0.0:9000", SHOPCS_WEB_WORKERS="3")["workers"] == 3
    defaults = _gunicorn_namespace(SHOPCS_WEB_BIND="", SHOPCS_WEB_WORKERS="")
    assert defaults["bind"] == ["127.0.0.1:8000"]
    assert [defaults["_default_workers"](cores) for cores in (None, 1, 2, 3, 4, 64)] == [3, 3, 5, 7, 8, 8]


@pytest.mark.parametrize("value", ["four", "0", "-2"])
def test_a_bad_worker_count_stops_gunicorn_at_start_naming_the_setting(value):
    with pytest.raises(SystemExit, match="SHOPCS_WEB_WORKERS"):
        _gunicorn_namespace(SHOPCS_WEB_WORKERS=value)


@pytest.mark.slow  # starts the app in a few processes
def test_gunicorn_loads_the_config_and_the_app_through_the_entrypoint(tmp_path):
    env = _entrypoint_env(SHOPCS_DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}", SHOPCS_WEB_WORKERS="3",
                          SHOPCS_WEB_BIND="127.0.0.1:18999")
    checked = subprocess.run([ENTRYPOINT, "web", "--check-config"], env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    printed = subprocess.run([ENTRYPOINT, "web", "--print-config"], env=env, capture_output=True, text=True, timeout=120)
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", printed.stdout, flags=re.M))
    assert settings["bind"] == "['127.0.0.1:18999']" and settings["workers"] == "3"
    assert settings["worker_class"] == "sync" and settings["accesslog"] == "-" and settings["preload_app"] == "False"
    flags = subprocess.run([ENTRYPOINT, "web", "--workers", "2", "--print-config"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert "workers                            = 2" in flags.stdout  # a flag wins over the file (the widget's unit)


def test_the_web_units_give_gunicorn_longer_to_stop_than_its_graceful_timeout():
    graceful = _gunicorn_namespace()["graceful_timeout"]
    for name in ("shopcs-web.service", "shopcs-widget.service"):
        service = unit(name)["Service"]
        assert seconds(service["TimeoutStopSec"]) > graceful, name
        assert service["KillSignal"] == "SIGTERM" and service["Type"] == "notify"


# -- entrypoint ----------------------------------------------------------------------------------------------------

def test_the_entrypoint_knows_web_scheduler_migrate_and_flask_and_refuses_anything_else():
    assert _entrypoint_commands() == {"web", "scheduler", "migrate", "flask"}
    assert os.access(ENTRYPOINT, os.X_OK)
    refused = subprocess.run([ENTRYPOINT, "serve"], env=_entrypoint_env(), capture_output=True, text=True, timeout=30)
    assert refused.returncode == 64 and "usage:" in refused.stderr


@pytest.mark.slow  # starts the app in a few processes
def test_the_entrypoint_runs_the_apps_flask_commands_including_backup_and_the_scheduler(tmp_path):
    env = _entrypoint_env(SHOPCS_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    listed = subprocess.run([ENTRYPOINT, "flask", "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert {"backup", "followup", "db"} <= set(re.findall(r"^  (\S+)", listed.stdout, flags=re.M))
    followup = subprocess.run([ENTRYPOINT, "flask", "followup", "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert re.search(r"^  scheduler\b", followup.stdout, flags=re.M)


# -- systemd -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_the_entrypoint_as_the_shopcs_user_with_the_env_file_and_restarts_on_failure(name):
    service = unit(name)["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0] == f"{INSTALL_ROOT}/deploy/entrypoint.sh" and command[1] in _entrypoint_commands()
    assert service["WorkingDirectory"] == INSTALL_ROOT and service["EnvironmentFile"] == ENV_FILE
    assert service["User"] == service["Group"] == "shopcs"
    assert service["Restart"] == "on-failure"
    assert service["StateDirectory"] == "shopcs"  # /var/lib/shopcs: SHOPCS_UPLOAD_DIR and a SQLite file in the example
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_the_scheduler_unit_lets_running_jobs_finish_on_sigterm_before_any_kill():
    service = unit("shopcs-scheduler.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["scheduler"]
    assert service["KillSignal"] == "SIGTERM" and service["KillMode"] == "mixed"
    assert seconds(service["TimeoutStopSec"]) >= 60


def test_systemd_analyze_verify_finds_nothing_to_say_about_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if in_ci():
            pytest.fail("systemd-analyze is missing under CI (Debian's systemd package provides it)", pytrace=False)
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd)")
    # The units name /opt/shopcs; verify checks that ExecStart exists, so the copies point at this checkout.
    copies = []
    for name in UNITS:
        text = read(DEPLOY, "systemd", name)
        copy = tmp_path / name
        copy.write_text(text.replace(INSTALL_ROOT, ROOT), encoding="utf-8")
        copies.append(str(copy))
    verified = subprocess.run([analyze, "verify", *copies], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    said = [line for line in (verified.stdout + verified.stderr).splitlines() if "shopcs" in line]
    assert verified.returncode == 0 and not said, verified.stdout + verified.stderr


# -- the settings file ---------------------------------------------------------------------------------------------

def _commented_keys() -> set[str]:
    text = read(DEPLOY, "shopcs.env.example")
    return set(re.findall(r"^# (SHOPCS_[A-Z0-9_]+)=", text, flags=re.M))


def test_every_setting_in_the_env_example_is_one_the_app_or_the_gunicorn_config_reads():
    sources = read(ROOT, "shopcs", "config.py") + read(DEPLOY, "gunicorn.conf.py")
    keys = set(env_example()) | _commented_keys()
    assert {"SHOPCS_SECRET_KEY", "SHOPCS_DATABASE_URL", "SHOPCS_WEB_BIND", "SHOPCS_WEB_WORKERS"} <= keys
    assert sorted(key for key in keys if f'"{key}"' not in sources) == []


# -- the image -----------------------------------------------------------------------------------------------------

def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments left out."""
    text = read(ROOT, "Dockerfile")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in joined.splitlines() if line.strip()]


def _in_checkout(path: str, workdir: str) -> str:
    """A path inside the image, as a path in this checkout (the image keeps the checkout at INSTALL_ROOT)."""
    path = path if path.startswith("/") else f"{workdir}/{path}"
    assert path == INSTALL_ROOT or path.startswith(INSTALL_ROOT + "/"), f"{path} is outside the checkout"
    return os.path.join(ROOT, os.path.relpath(path, INSTALL_ROOT))


def test_the_image_is_a_supported_python_on_debian_slim_and_runs_as_a_user_that_is_not_root():
    instructions = _dockerfile()
    base = dict(instructions)["FROM"]
    match = re.fullmatch(r"python:(\d+)\.(\d+)-slim(-\w+)?", base)
    assert match, base
    required = tomllib.loads(read(ROOT, "pyproject.toml"))["project"]["requires-python"]
    minimum = tuple(int(part) for part in re.fullmatch(r">=(\d+)\.(\d+)", required).groups())
    assert (int(match.group(1)), int(match.group(2))) >= minimum
    names = [name for name, _ in instructions]
    user = dict(instructions)["USER"]
    assert user not in ("root", "0") and any(name == "RUN" and "useradd" in args and args.endswith(user) for name, args in instructions)
    assert names.index("USER") < names.index("ENTRYPOINT") and names.index("USER") > max(
        index for index, name in enumerate(names) if name == "RUN")


def test_the_image_installs_as_the_readme_does_and_starts_the_tested_entrypoint():
    instructions = _dockerfile()
    workdir = dict(instructions)["WORKDIR"]
    assert workdir == INSTALL_ROOT
    for name, args in instructions:
        if name == "COPY":
            *sources, _target = shlex.split(args)
            assert all(os.path.exists(os.path.join(ROOT, source)) for source in sources), args
        if name == "RUN":
            for script in re.findall(r"\bbash (\S+\.sh)\b", args):
                assert os.path.isfile(os.path.join(ROOT, script)), script
    assert any(name == "RUN" and "bash scripts/install.sh" in args for name, args in instructions)
    entrypoint = _in_checkout(shlex.split(dict(instructions)["ENTRYPOINT"].strip("[]").replace(",", " "))[0], workdir)
    assert os.path.samefile(entrypoint, ENTRYPOINT)
    command = re.findall(r'"([^"]+)"', dict(instructions)["CMD"])
    assert command == ["web"] and command[0] in _entrypoint_commands()
    env = " ".join(args for name, args in instructions if name == "ENV")
    assert "SHOPCS_WEB_BIND=0.0.0.0:8000" in env and f"PATH={INSTALL_ROOT}/.venv/bin:" in env
    assert dict(instructions)["EXPOSE"] == "8000"


def test_the_dockerignore_keeps_everything_the_image_runs():
    patterns = [line.strip() for line in read(ROOT, ".dockerignore").splitlines() if line.strip() and not line.startswith("#")]
    needed = ["app.py", "pyproject.toml", "README.md", "LICENSE", "scripts/install.sh", "deploy/entrypoint.sh",
              "deploy/gunicorn.conf.py", "shopcs/__init__.py", "templates", "static", "migrations/env.py"]
    for path in needed:
        assert os.path.exists(os.path.join(ROOT, path)), path
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        assert not [p for p in patterns for prefix in prefixes if fnmatch.fnmatch(prefix, p)], path


def test_each_gunicorn_start_counts_metrics_from_zero_in_its_own_directory(tmp_path):
    metrics = tmp_path / "metrics"
    namespace = _gunicorn_namespace(PROMETHEUS_MULTIPROC_DIR=str(metrics))
    metrics.mkdir()
    (metrics / "counter_1234.db").write_bytes(b"last run's counts")
    (metrics / "keep.txt").write_text("not a metrics file")
    saved = dict(os.environ)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    try:
        namespace["on_starting"](None)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert sorted(p.name for p in metrics.iterdir()) == ["keep.txt"]
