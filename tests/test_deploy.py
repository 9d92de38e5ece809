"""The deployment files, read back the way Docker and systemd read them (no Docker daemon here): the
image is slim, runs as its own account and checks its health; compose runs sodiem beside PostgreSQL
with a named volume, a health check and a restart policy; every setting they name is one sodiem reads;
every command they run is one ``sodiem`` has."""

import configparser
import json
import re
import shlex
from pathlib import Path

import yaml

from cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
SETTING = re.compile(r"\bSODIEM_[A-Z_]+\b")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile.read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(index for index, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def known_settings() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "cli", "storage", "notifications", "exports"):
        for source in (ROOT / folder).rglob("*.py"):
            found |= set(SETTING.findall(source.read_text()))
    return found


def sodiem_commands(text: str) -> list[list[str]]:
    """The argument lists of every `sodiem …` command in a shell text."""
    commands = []
    for part in re.split(r"&&|;|\n", text):
        words = shlex.split(part.replace("exec ", ""))
        if words and Path(words[0]).name == "sodiem":
            commands.append(words[1:])
    return commands


def test_the_image_is_slim_runs_as_its_own_account_and_checks_its_health():
    steps = instructions(ROOT / "Dockerfile")
    words = [word for word, _ in steps]
    assert set(words) <= {
        "FROM",
        "ENV",
        "WORKDIR",
        "COPY",
        "RUN",
        "USER",
        "EXPOSE",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "CMD",
    }
    final = final_stage(steps)
    assert re.fullmatch(r"python:3\.\d+-slim-\w+", final[0][1].split()[0])
    users = [argument for word, argument in final if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(word == "HEALTHCHECK" and "/healthz" in argument for word, argument in final)
    installs = " ".join(argument for word, argument in final if word == "RUN")
    assert "--no-install-recommends" in installs and "rm -rf /var/lib/apt/lists/*" in installs
    packages = re.search(r"--no-install-recommends ([\w\s-]+?)(?:&&|$)", installs)[1].split()
    assert packages == ["postgresql-client"]  # pg_dump/pg_restore for the backups; nothing else
    assert any(word == "COPY" and argument.startswith("--from=build") for word, argument in final)


def test_the_image_copies_every_package_and_compiles_the_catalogs():
    steps = instructions(ROOT / "Dockerfile")
    copied = {argument.split()[0] for word, argument in steps if word == "COPY" and "--from" not in argument}
    packages = re.search(r"include = \[(.*?)\]", (ROOT / "pyproject.toml").read_text())[1]
    for package in re.findall(r'"(\w+)\*"', packages):
        assert package in copied, f"the image misses the package {package}"
    assert any("pybabel compile" in argument for word, argument in steps if word == "RUN")


def test_compose_runs_sodiem_beside_postgresql_with_volumes_health_checks_and_restarts():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    sodiem, db = compose["services"]["sodiem"], compose["services"]["db"]
    assert sodiem["build"] == "." and sodiem["env_file"] == ".env"
    assert sodiem["depends_on"]["db"]["condition"] == "service_healthy"
    assert sodiem["environment"]["SODIEM_DATABASE_URL"].startswith("postgresql://sodiem:")
    assert sodiem["environment"]["SODIEM_DATABASE_URL"].endswith("@db:5432/sodiem")
    for service in (sodiem, db):
        assert service["restart"] == "unless-stopped"
        assert service["healthcheck"]["test"]
        for volume in service["volumes"]:
            assert volume.split(":")[0] in compose["volumes"], "named volumes only"
    assert "/healthz" in " ".join(sodiem["healthcheck"]["test"])
    assert all(port.startswith("127.0.0.1:") for port in sodiem["ports"]), "published to this machine only"
    assert int(sodiem["stop_grace_period"].rstrip("s")) > 10, "room for the graceful stop"
    assert db["image"].startswith("postgres:15"), "the image's pg_dump is PostgreSQL 15's"


def test_the_service_unit_runs_sodiem_as_its_own_account_and_restarts_on_failure():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / "sodiem.service")
    service = unit["Service"]
    assert service["User"] == "sodiem" and service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/sodiem/sodiem.env"
    assert int(service["TimeoutStopSec"]) > 10
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert sodiem_commands(service["ExecStartPre"]) == [["db", "upgrade"]]
    assert sodiem_commands(service["ExecStart"]) == [["run"]]


def test_every_command_the_files_run_is_a_sodiem_command():
    cmd = next(argument for word, argument in instructions(ROOT / "Dockerfile") if word == "CMD")
    commands = sodiem_commands(" ".join(json.loads(cmd)[2:]))  # CMD ["sh", "-c", "…"]
    assert commands == [["db", "upgrade"], ["run"]]
    parser = build_parser()
    for arguments in commands:
        parser.parse_args(arguments)  # exits the test on a command sodiem does not have


def test_every_setting_the_files_name_is_one_sodiem_reads():
    known = known_settings()
    for name in ("Dockerfile", "compose.yaml", "deploy/sodiem.service", "deploy/sodiem.env.example"):
        named = set(SETTING.findall((ROOT / name).read_text()))
        assert named <= known, f"{name} names settings sodiem does not read: {named - known}"
