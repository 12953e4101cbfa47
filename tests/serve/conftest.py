"""Real servers for the tests: ``moderation serve`` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx
import pytest

KEY = "test-key-5f3a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A running ``moderation serve``; ``url`` is its base address."""

    def __init__(self, *args: str, key: str | None = KEY) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.pop("MODERATION_API_KEY", None)
        if key is not None:
            env["MODERATION_API_KEY"] = key
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (open for the life of the server; closed by stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moderation", "serve", "--port", str(self.port), *args],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start within {seconds} s:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


@pytest.fixture(scope="module")
def fast_server() -> Iterator[ServerProcess]:
    """The linear tier, a key, and a small record limit for the 413 test."""
    server = ServerProcess("--fast", "--max-records", "50")
    yield server
    server.stop()


@pytest.fixture
def client(fast_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fast_server.url, timeout=60) as c:
        yield c
