"""Test-run isolation and the practice account for notebooks.

Everything here happens in ``pytest_configure``: nbval starts notebook kernels while it
collects, before any fixture runs, and kernels inherit this process's environment. So the
environment is made safe (no route to a real AWS account) and the practice account is
started before anything else.

Under pytest-xdist (``make test``: ``-n auto --dist loadgroup``) each worker process runs this
too, so every worker has its own run folder, state folder and practice account (own port); the
controller process, which runs no test, starts none. The notebooks form one work unit (see
``pytest_xdist_make_scheduler``): each depends on the state the previous one leaves, so one worker
runs them all, in file-name order.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_RUN_DIR: Path | None = None
_NOTEBOOKS_RESET = False

# Unreachable on purpose: any HTTPS request that is not to this machine fails at once.
DEAD_PROXY = "http://127.0.0.1:9"


def isolate_environment(run_dir: Path) -> dict[str, str]:
    """Point HOME, the walkthrough's state folder and the AWS files at *run_dir*; drop AWS_* variables."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("AML_WALKTHROUGH_"):
            del os.environ[name]
    home = run_dir / "home"
    state = run_dir / "state"
    home.mkdir(parents=True, exist_ok=True)
    state.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            # A real ~/.aws (or any other dotfile) is never read: HOME is empty and ours.
            "HOME": str(home),
            "AML_WALKTHROUGH_HOME": str(state),
            "AWS_EC2_METADATA_DISABLED": "true",
            "HTTPS_PROXY": DEAD_PROXY,
            "HTTP_PROXY": DEAD_PROXY,
            "https_proxy": DEAD_PROXY,
            "http_proxy": DEAD_PROXY,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            # Notebook kernels and the browser test must not try to reach the internet.
            "JUPYTER_PLATFORM_DIRS": "1",
            # Guarded notebook cells raise (helpers.errors.cell_guard): nbval sees a real failure, not a
            # sentence. tests/notebooks/test_bad_states.py runs kernels without it to check the sentences.
            "AML_WALKTHROUGH_TRACEBACKS": "1",
        }
    )
    # Kernels use the lesson's kernel spec, as under `make lab` (helpers.kernel_hooks).
    from helpers.kernel_hooks import with_lesson_kernel

    os.environ.update(with_lesson_kernel(dict(os.environ)))
    return {"home": str(home), "state": str(state)}


def _start_practice_account() -> None:
    from helpers.sandbox import scenarios, server
    from helpers.sandbox.source import SandboxAccount

    server.start()
    scenarios.reset("new-account")
    files = SandboxAccount().files()
    # Anything that reads the AWS CLI's default files sees only the practice account's.
    os.environ["AWS_CONFIG_FILE"] = str(files.config_file)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(files.credentials_file)


def is_xdist_controller(config: pytest.Config) -> bool:
    """True in the process that hands tests to xdist workers (it runs none itself)."""
    if hasattr(config, "workerinput"):
        return False
    return bool(getattr(config.option, "numprocesses", None))  # -n 0 (or -p no:xdist): no workers, no controller


def pytest_configure(config: pytest.Config) -> None:
    global _RUN_DIR
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    _RUN_DIR = Path(tempfile.mkdtemp(prefix=f"aml-test-run-{worker}-" if worker else "aml-test-run-"))
    # Removed at exit, after IPython (imported later, so its atexit hook runs first) has closed its history.
    atexit.register(shutil.rmtree, _RUN_DIR, ignore_errors=True)
    isolate_environment(_RUN_DIR)
    # Forms apply themselves in the practice account (helpers.auto), so nbval's Run All completes the
    # lesson as before. Tests of the learner's clicks unset it (monkeypatch), and the browser harness
    # starts JupyterLab without it unless a test asks for it (tests/browser_support.py).
    os.environ["AML_WALKTHROUGH_AUTO"] = "1"
    if not is_xdist_controller(config):
        _start_practice_account()


def pytest_unconfigure(config: pytest.Config) -> None:
    if is_xdist_controller(config):
        return
    try:
        from helpers.sandbox import server

        server.stop()
    except Exception as exc:  # the run is over; say why the sandbox may linger
        print(f"(could not stop the practice account: {type(exc).__name__})")


def _kind(item: pytest.Item) -> int:
    if str(item.path).endswith(".ipynb"):
        return 1
    if item.get_closest_marker("browser"):
        return 2
    return 0


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Unit tests first, then the notebooks in file-name order (one lesson), then the browser.

    Under xdist (``make test``) the same order holds on every worker: see ``pytest_xdist_make_scheduler``.
    """
    items.sort(key=lambda item: (_kind(item), str(item.path) if _kind(item) == 1 else ""))


# The work unit holding every notebook cell: one worker runs the whole lesson, in order.
LESSON_UNIT = "lesson"
# Tests that each take long and share nothing with their module's other tests: handed out one by one.
ONE_BY_ONE = ("tests/notebooks/", "tests/browser/")
ROOM = "tests/room/"


def work_unit(nodeid: str) -> str:
    """The xdist work unit of a test (tests in one unit run on one worker, in collection order).

    All notebook cells form one (the lesson), the workshop-room tests another; each test under tests/notebooks
    and tests/browser is its own; any other test goes with its module, so a module-scoped fixture (a private
    practice account) starts once.
    """
    path = nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        return LESSON_UNIT
    if path.startswith(ROOM):
        return ROOM  # the room and hub tests add and remove the same Unix group: never two at once
    return nodeid if path.startswith(ONE_BY_ONE) else path


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, called in its controller process only
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Hand out work units (``work_unit``): the lesson first, then modules, then the long tests one by one.

    xdist's own ``xdist_group`` mark does not group under pytest 9 (it rewrites a node ID pytest 9 no longer
    reads), hence this hook. xdist hands out the units with the most tests first (``--loadscope-reorder``, its
    default: the lesson's cells, then the bigger modules); units of one test keep collection order, so on each
    worker the browser tests still come last.
    """
    if config.getvalue("dist") not in ("load", "loadgroup", "loadscope"):
        return None  # another mode asked for by name (each, worksteal, ...): xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class LessonScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return LessonScheduling(config, log)


def _new_account() -> None:
    from helpers.sandbox import scenarios

    scenarios.reset("new-account")
    (Path(os.environ["AML_WALKTHROUGH_HOME"]) / "account.json").unlink(missing_ok=True)


def pytest_runtest_setup(item: pytest.Item) -> None:
    global _NOTEBOOKS_RESET
    if _kind(item) == 1 and not _NOTEBOOKS_RESET:
        # Unit tests may have changed the shared practice account: the lesson starts from a new one.
        _new_account()
        _NOTEBOOKS_RESET = True


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if _kind(item) == 1 and nextitem is not None and _kind(nextitem) != 1:
        # Under xdist the lesson's worker goes on with other tests: they start from a new account, as the
        # worker's first tests do, not from the state notebook 06 left.
        _new_account()


@pytest.fixture
def isolated_home(tmp_path, monkeypatch) -> Path:
    """A private state folder for a test that changes the account choice or writes profiles."""
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("AML_WALKTHROUGH_HOME", str(state))
    return state
