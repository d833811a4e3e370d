"""Reading the production layout's files (deploy/): paths, the systemd units, the example settings file."""
import configparser
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
ENTRYPOINT = os.path.join(DEPLOY, "entrypoint.sh")


def read(*parts: str) -> str:
    with open(os.path.join(*parts), encoding="utf-8") as handle:
        return handle.read()


def unit(name: str) -> configparser.ConfigParser:
    """deploy/systemd/NAME as sections of keys (systemd's keys are case-sensitive; `$MAINPID` is no interpolation)."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(read(DEPLOY, "systemd", name), source=name)
    return parser


def seconds(value: str) -> int:
    """A unit's time span in seconds ("45", "45s", "2min")."""
    match = re.fullmatch(r"(\d+)(s|min)?", value.strip())
    assert match, f"not a plain time span: {value!r}"
    return int(match.group(1)) * (60 if match.group(2) == "min" else 1)


def env_example() -> dict[str, str]:
    """deploy/shopcs.env.example's settings, read as systemd's EnvironmentFile and `docker run --env-file` both read
    them: KEY=value a line, the value as it stands (so: no quotes, no comment after it)."""
    pairs = {}
    for line in read(DEPLOY, "shopcs.env.example").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, equals, value = line.partition("=")
            assert equals and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), f"not KEY=value: {line!r}"
            assert not value.startswith(("'", '"')) and " #" not in value, f"quotes or a comment after a value: {line!r}"
            pairs[key] = value
    return pairs
