"""Starting and stopping: the full tier, draining on SIGTERM, worker processes, and refusing unsafe settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from click.testing import CliRunner

from moderation.cli import cli

from .conftest import KEY, ServerProcess

BODY = {"comment": {"text": "you worthless idiot"}, "requestedAttributes": {"TOXICITY": {}}}


def test_the_full_tier_scores_clear_cases_on_the_correct_side() -> None:
    server = ServerProcess()  # the default: the shipped model's full tier
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            assert client.get("/healthz").json()["tier"] == "full"
            scores = {}
            for text in ("you worthless idiot", "Thank you for this thoughtful article, I learned a lot."):
                body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["en"]}
                answer = client.post(f"/v1alpha1/comments:analyze?key={KEY}", json=body)
                assert answer.status_code == 200, answer.text
                scores[text] = answer.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
        insult, polite = scores.values()
        assert insult > 0.5 and polite < 0.2
    finally:
        server.stop()


def test_sigterm_answers_the_request_in_flight_before_exiting() -> None:
    # a long batching window keeps the request waiting inside the server when the signal arrives
    server = ServerProcess("--fast", "--batch-window-ms", "1500")
    answers: list[httpx.Response] = []

    def send() -> None:
        answers.append(httpx.post(f"{server.url}/v1alpha1/comments:analyze?key={KEY}", json=BODY, timeout=60))

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 30
    while httpx.get(server.url + "/healthz", timeout=5).json()["pending"] == 0:
        assert time.monotonic() < deadline, "the request never reached the batcher"
        time.sleep(0.01)
    server.process.send_signal(signal.SIGTERM)
    sender.join(timeout=60)
    code = server.process.wait(timeout=60)
    assert answers and answers[0].status_code == 200
    assert answers[0].json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.5
    assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down cleanly
    log = server.output()
    assert "every accepted request was answered" in log and "Traceback" not in log
    server.stop()


def test_worker_processes_share_the_port_and_their_metrics_add_up() -> None:
    server = ServerProcess("--fast", "--workers", "2")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for _ in range(12):  # new connections: the kernel spreads them over the workers
                assert httpx.post(f"{server.url}/v1alpha1/comments:analyze?key={KEY}", json=BODY).status_code == 200
            text = client.get("/metrics").text
        line = next(x for x in text.splitlines() if x.startswith('moderation_comments_scored_total{tier="fast"}'))
        assert float(line.split()[-1]) >= 12  # a sum over the processes (each also scored its warm-up)
    finally:
        server.stop()


def test_listening_beyond_this_machine_without_a_key_is_refused(monkeypatch) -> None:
    monkeypatch.delenv("MODERATION_API_KEY", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--fast"])
    assert result.exit_code == 1
    assert "refusing to listen on 0.0.0.0 without an API key" in result.stderr and "--insecure" in result.stderr


def test_missing_server_packages_are_named_with_the_extra_to_install(monkeypatch) -> None:
    import moderation.serve.settings as settings

    real = settings.find_spec
    monkeypatch.setattr(settings, "find_spec", lambda name: None if name == "uvicorn" else real(name))
    result = CliRunner().invoke(cli, ["serve", "--fast"])
    assert result.exit_code == 1
    assert "needs uvicorn, which is not installed: pip install 'moderation[serve]'" in result.stderr


def test_an_untrusted_model_fails_in_one_line_before_listening(tmp_path) -> None:
    model = tmp_path / "model.joblib"
    model.write_bytes(b"not a model")
    (tmp_path / "model.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--model", str(model)])
    assert result.exit_code == 1 and "not a trusted model" in result.stderr


@pytest.mark.parametrize("command", ["import moderation.cli", "from moderation.cli import score"])
def test_scoring_never_imports_the_server_stack(command: str) -> None:
    stack = "('starlette', 'uvicorn', 'prometheus_client')"
    probe = f"{command}; import sys; print(sorted(m for m in {stack} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=os.environ)
    assert out.stdout.strip() == "[]"
