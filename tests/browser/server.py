"""A throwaway Rathaus server for real-browser tests and screenshots.

The server runs ``manage.py runserver`` in a subprocess against its own SQLite database, media
folder and folder for report photos (``DEFECT_PRIVATE_ROOT``) in a temporary directory, after
``migrate`` and ``seed_demo``. Whoever uses it
only talks HTTP to it; nothing here touches the Django database of the calling process.

Used by ``tests/browser/conftest.py`` and ``docs/make_screenshots.py``.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANAGE = ROOT / "manage.py"

# Variables that would point the throwaway server at shared engines instead of its own files.
_ISOLATE = ("REDIS_URL", "ELASTICSEARCH_URL", "EMAIL_URL", "STATIC_ROOT", "MEDIA_URL")


class ServerError(RuntimeError):
    """Setting up or starting the throwaway server failed; the message says which step."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """``runserver`` with Musterstadt's demo content in a temporary directory.

    Use as a context manager; ``base_url`` is e.g. ``http://127.0.0.1:41234``. ``settings``
    is the Django settings module; ``env`` adds or overrides environment variables.
    """

    def __init__(self, settings: str = "rathaus.settings.test", env: dict | None = None):
        self.settings = settings
        self.extra_env = env or {}
        self.base_url = ""
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._process: subprocess.Popen | None = None
        self._log_path: Path | None = None

    def __enter__(self) -> "DemoServer":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _environment(self, tmp: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in _ISOLATE}
        env.update(
            DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
            DJANGO_SETTINGS_MODULE=self.settings,
            MEDIA_ROOT=str(tmp / "media"),
            # Photos of defect reports are kept outside MEDIA_ROOT: here too, not in the repo.
            DEFECT_PRIVATE_ROOT=str(tmp / "private"),
            # Browser tests send several reports from one address; the limit is tested elsewhere.
            DEFECT_RATE_LIMIT_PER_HOUR="1000",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def _manage(self, env: dict, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, str(MANAGE), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise ServerError(
                f"`manage.py {' '.join(args)}` failed with exit code {result.returncode}:\n"
                f"{output[-4000:]}"
            )

    def start(self, timeout: float = 30.0) -> None:
        """Migrate, seed the demo content, start runserver and wait until it answers."""
        self._tmp = tempfile.TemporaryDirectory(prefix="rathaus-browser-")
        tmp = Path(self._tmp.name)
        env = self._environment(tmp)
        self._manage(env, "migrate", "--noinput", "-v", "0")
        self._manage(env, "seed_demo")

        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self._log_path = tmp / "runserver.log"
        with open(self._log_path, "wb") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    str(MANAGE),
                    "runserver",
                    "--insecure",
                    "--noreload",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up(timeout)

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
                raise ServerError(f"runserver {how}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/de/", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers, even if not with 200; the tests say what is wrong
            except OSError:
                time.sleep(0.1)
        raise ServerError(f"runserver did not answer within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        """The last part of runserver's output (for error messages)."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop runserver (if it runs) and delete the temporary directory."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
