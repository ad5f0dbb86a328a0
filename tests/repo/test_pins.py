"""environment.yml (conda, Binder) pins the same versions as requirements.lock (make)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().split("[")[0]


def lock_versions() -> dict[str, str]:
    """Versions the lock picks for Python 3.11 (the version environment.yml installs)."""
    found = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)\s*(?:;\s*(.*))?$", line)
        if not m:
            continue
        name, ver, marker = m.groups()
        if marker and not _marker_holds_for_311(marker):
            continue
        found[_norm(name)] = ver
    return found


def _marker_holds_for_311(marker: str) -> bool:
    marker = marker.strip()
    m = re.fullmatch(r"python_full_version\s*(>=|<|==)\s*'([\d.*]+)'", marker)
    if not m:
        return "sys_platform == 'darwin'" not in marker and "win32" not in marker
    op, ver = m.groups()
    here = (3, 11, 7)
    if op == "==":
        return ver.rstrip(".*") == "3.11"
    other = tuple(int(p) for p in ver.split("."))
    return here >= other if op == ">=" else here < other


def env_yml_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)", line)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def test_environment_yml_pins_match_the_lock():
    lock = lock_versions()
    pins = env_yml_pins()
    assert len(pins) >= 15, "environment.yml lost its pins"
    wrong = {name: (ver, lock.get(name)) for name, ver in pins.items() if lock.get(name) != ver}
    assert not wrong, (
        f"environment.yml and requirements.lock disagree (name: (yml, lock)): {wrong}. "
        "Edit requirements.in, run `make lock`, then copy the versions into environment.yml."
    )


def test_every_direct_dependency_is_in_environment_yml():
    direct = {
        _norm(m.group(1))
        for line in (ROOT / "requirements.in").read_text().splitlines()
        if (m := re.match(r"^([A-Za-z0-9_.\-\[\]]+)==", line))
    }
    missing = direct - set(env_yml_pins())
    assert not missing, f"add these to environment.yml with the lock's version: {sorted(missing)}"


def test_pyproject_requires_boto3_with_profile_endpoints():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"boto3>=1.28"' in text
