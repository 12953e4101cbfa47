"""The server over real HTTP (linear tier): Perspective's API, /v1/score, auth, limits and hostile requests."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from click.testing import CliRunner

from moderation.cli import cli

from .conftest import KEY, ServerProcess

ANALYZE = f"/v1alpha1/comments:analyze?key={KEY}"
ALL = {"TOXICITY": {}, "CONSPIRACY": {}, "OFF_TOPIC": {}}
INSULT = "you worthless idiot"
POLITE = "Thank you for this thoughtful article, I learned a lot."


def analyze(client: httpx.Client, text: str, **fields: object) -> dict:
    body = {"comment": {"text": text}, "requestedAttributes": fields.pop("attributes", ALL), **fields}
    answer = client.post(ANALYZE, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def toxicity(response: dict) -> float:
    return response["attributeScores"]["TOXICITY"]["summaryScore"]["value"]


def assert_google_error(answer: httpx.Response, code: int, status: str, words: str = "") -> None:
    assert answer.status_code == code, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == code and error["status"] == status and words in error["message"]
    assert "Traceback" not in answer.text


# ---------------------------------------------------------------- Perspective's API


def test_a_request_exactly_as_coral_talk_sends_it(fast_server: ServerProcess) -> None:
    """Coral joins its endpoint setting with /comments:analyze, puts the key in ?key= and sends this body."""
    body = json.dumps(
        {
            "comment": {"text": INSULT},
            "doNotStore": True,
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en"],
        }
    )
    answer = httpx.post(
        f"{fast_server.url}/v1alpha1/comments:analyze?key={KEY}",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    data = answer.json()
    assert set(data) == {"attributeScores", "languages"}
    assert set(data["attributeScores"]) == {"TOXICITY"}
    summary = data["attributeScores"]["TOXICITY"]["summaryScore"]
    assert summary["type"] == "PROBABILITY" and summary["value"] > 0.5
    assert data["languages"] == ["en"]


def test_toxicity_is_high_for_an_insult_and_low_for_a_polite_comment(client: httpx.Client) -> None:
    assert toxicity(analyze(client, INSULT)) > 0.5
    assert toxicity(analyze(client, POLITE)) < 0.2


def test_every_attribute_is_a_probability_and_the_client_token_comes_back(client: httpx.Client) -> None:
    data = analyze(client, POLITE, clientToken="comment:42", languages=["en-US"])
    assert set(data["attributeScores"]) == {"TOXICITY", "CONSPIRACY", "OFF_TOPIC"}
    for score in data["attributeScores"].values():
        assert 0.0 <= score["summaryScore"]["value"] <= 1.0 and "spanScores" not in score
    assert data["clientToken"] == "comment:42" and data["languages"] == ["en-US"]


def test_a_score_threshold_leaves_out_scores_below_it(client: httpx.Client) -> None:
    data = analyze(client, POLITE, attributes={"TOXICITY": {"scoreThreshold": 0.9}, "CONSPIRACY": {}})
    assert set(data["attributeScores"]) == {"CONSPIRACY"}
    data = analyze(client, INSULT, attributes={"TOXICITY": {"scoreThreshold": 0.5}})
    assert set(data["attributeScores"]) == {"TOXICITY"}


def test_span_scores_point_at_the_insult(client: httpx.Client) -> None:
    text = "Thanks for the report. " + INSULT
    data = analyze(client, text, spanAnnotations=True, attributes={"TOXICITY": {}})
    spans = data["attributeScores"]["TOXICITY"]["spanScores"]
    assert any("idiot" in text[s["begin"] : s["end"]] for s in spans)
    for span in spans:
        assert 0 <= span["begin"] < span["end"] <= len(text)
        assert span["score"]["type"] == "PROBABILITY" and 0 <= span["score"]["value"] <= 1


def test_context_entries_are_the_article_off_topic_compares_with(client: httpx.Client) -> None:
    comment = "Great recipe, I will bake this cake for my daughter's birthday."
    alone = analyze(client, comment, attributes={"OFF_TOPIC": {}})
    article = {"entries": [{"text": "The central bank raised interest rates by half a point on Tuesday."}]}
    judged = analyze(client, comment, attributes={"OFF_TOPIC": {}}, context=article)
    value = judged["attributeScores"]["OFF_TOPIC"]["summaryScore"]["value"]
    assert abs(value - alone["attributeScores"]["OFF_TOPIC"]["summaryScore"]["value"]) > 1e-4


def test_do_not_store_is_accepted_either_way(client: httpx.Client) -> None:
    assert toxicity(analyze(client, POLITE, doNotStore=False)) == toxicity(analyze(client, POLITE, doNotStore=True))


def test_concurrent_requests_get_the_scores_each_gets_alone(client: httpx.Client) -> None:
    texts = [INSULT, POLITE, "Vaccines contain microchips to track us", "Buy cheap watches now!!!"] * 8
    alone = {t: toxicity(analyze(client, t)) for t in set(texts)}
    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(lambda t: toxicity(analyze(client, t)), texts))
    for text, value in zip(texts, together, strict=True):
        assert value == pytest.approx(alone[text], abs=1e-5)


# ---------------------------------------------------------------- errors a client can cause


def test_an_attribute_we_do_not_score_is_a_400_naming_those_we_do(client: httpx.Client) -> None:
    answer = client.post(ANALYZE, json={"comment": {"text": "hi"}, "requestedAttributes": {"SEVERE_TOXICITY": {}}})
    assert_google_error(answer, 400, "INVALID_ARGUMENT", "TOXICITY, CONSPIRACY, OFF_TOPIC")


def test_a_language_other_than_english_is_a_400(client: httpx.Client) -> None:
    body = {"comment": {"text": "Hallo zusammen"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["de"]}
    assert_google_error(client.post(ANALYZE, json=body), 400, "INVALID_ARGUMENT", "languages: de")
    assert client.post(ANALYZE, json={**body, "languages": ["de", "en"]}).status_code == 200


def test_without_a_key_401_with_a_wrong_key_403_and_every_way_of_sending_it_works(fast_server, client) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
    path = "/v1alpha1/comments:analyze"
    missing = client.post(path, json=body)
    assert_google_error(missing, 401, "UNAUTHENTICATED", "API key")
    assert missing.headers["www-authenticate"] == "Bearer"
    assert_google_error(client.post(path + "?key=wrong", json=body), 403, "PERMISSION_DENIED")
    assert_google_error(
        client.post(path, json=body, headers={"Authorization": "Bearer wrong"}), 403, "PERMISSION_DENIED"
    )
    assert client.post(path, json=body, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    assert client.post(path, json=body, headers={"X-Goog-Api-Key": KEY}).status_code == 200
    assert_google_error(client.post("/v1/score", content=b'{"id": "1", "text": "hi"}'), 401, "UNAUTHENTICATED")
    assert KEY not in fast_server.output()  # the key is never logged


def test_a_body_over_the_cap_is_413_and_a_text_over_perspective_s_limit_400(client: httpx.Client) -> None:
    huge = b'{"comment": {"text": "' + b"a" * 1_100_000 + b'"}, "requestedAttributes": {"TOXICITY": {}}}'
    assert_google_error(client.post(ANALYZE, content=huge), 413, "INVALID_ARGUMENT", "limit is 1,000,000")
    long_text = {"comment": {"text": "a " * 10_241}, "requestedAttributes": {"TOXICITY": {}}}
    assert_google_error(client.post(ANALYZE, json=long_text), 400, "INVALID_ARGUMENT", "20,480 bytes")


def chunks(data: bytes, size: int = 65_536):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_a_streamed_body_without_a_length_is_cut_off_at_the_cap_too(client: httpx.Client) -> None:
    huge = b'{"comment": {"text": "' + b"a" * 1_100_000 + b'"}}'
    assert_google_error(client.post(ANALYZE, content=chunks(huge)), 413, "INVALID_ARGUMENT")


HOSTILE = [
    (b"", "empty"),
    (b"{", "not valid JSON"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}', "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b'{"comment": {"text": "\xc3\x28"}, "requestedAttributes": {"TOXICITY": {}}}', "not valid JSON"),
    (b'{"comment": {"text": "\\ud800"}, "requestedAttributes": {"TOXICITY": {}}}', ""),
    (b"[" * 200_000 + b"]" * 200_000, ""),
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, ""),
    (b'"just a string"', "must be a JSON object"),
    (b"null", "must be a JSON object"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": "high"}}}', "from 0 to 1"),
    (b'{"comment": {"text": ["hi"]}, "requestedAttributes": {"TOXICITY": {}}}', "comment.text must be a string"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": [1]}', "languages"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "context": "x"}', "context"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": 5}}', "must be a JSON object"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "n": ' + b"9" * 5000 + b"}", ""),
    (b'{"comment": {}, "requestedAttributes": {"TOXICITY": {}}}', "comment.text is required"),
]


@pytest.mark.parametrize(("body", "words"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_bodies_get_a_json_400_and_the_server_keeps_serving(client, body: bytes, words: str) -> None:
    assert_google_error(client.post(ANALYZE, content=body), 400, "INVALID_ARGUMENT", words)
    assert toxicity(analyze(client, INSULT)) > 0.5


def test_bytes_that_are_not_http_do_not_stop_the_server(fast_server: ServerProcess, client: httpx.Client) -> None:
    for garbage in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)), b"GET / HTTP/9.9\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", fast_server.port), timeout=10) as raw:
            raw.sendall(garbage)
            raw.recv(4096)
    with socket.create_connection(("127.0.0.1", fast_server.port), timeout=10) as raw:
        raw.sendall(b"POST /v1alpha1/comments:analyze HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
        raw.shutdown(socket.SHUT_WR)  # the body ends early
        raw.recv(4096)
    assert fast_server.alive() and client.get("/healthz").json()["status"] == "ok"


def test_unknown_paths_and_methods_answer_in_the_same_json_form(client: httpx.Client) -> None:
    assert_google_error(client.get("/v1alpha1/comments:analyze"), 405, "UNIMPLEMENTED")
    assert_google_error(client.get("/../../etc/passwd"), 404, "NOT_FOUND")
    assert_google_error(client.post(f"/v1alpha1/comments:suggestscore?key={KEY}", json={}), 501, "UNIMPLEMENTED")


# ---------------------------------------------------------------- /v1/score, /healthz, /metrics


def test_v1_score_answers_with_the_records_moderation_score_writes(client: httpx.Client, tmp_path) -> None:
    lines = [
        {
            "id": "c1",
            "article_id": "a1",
            "article_title": "Park budget",
            "article_text": "The council voted.",
            "author": "ana",
            "text": "The park budget vote was long overdue.",
        },
        {"id": "c2", "article_id": "a1", "text": INSULT, "parent_id": "c1"},
        {"id": "c3", "text": POLITE, "created_at": "2024-05-01T10:00:00Z"},
    ]
    body = "".join(json.dumps(line) + "\n" for line in lines)
    answer = client.post("/v1/score", content=body, headers={"Authorization": f"Bearer {KEY}"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/x-ndjson")
    served = [json.loads(line) for line in answer.text.splitlines()]
    source = tmp_path / "comments.jsonl"
    source.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["score", "--fast", str(source)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(served) == len(written) == 3
    for ours, theirs in zip(served, written, strict=True):
        assert ours["source"].startswith("request:") and theirs["source"].endswith(ours["source"].split(":")[1])
        for field in (
            "id",
            "key",
            "article_id",
            "article_title",
            "author",
            "created_at",
            "text",
            "flags",
            "evidence",
            "notes",
            "model_version",
        ):
            assert ours[field] == theirs[field], field
        for label, value in theirs["scores"].items():
            assert ours["scores"][label] == pytest.approx(value, abs=2e-4)


def test_v1_score_names_a_bad_line_and_caps_the_count(client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    bad = b'{"id": "1", "text": "ok"}\n{"id": "2"}\n'
    assert_google_error(client.post("/v1/score", content=bad, headers=auth), 400, "INVALID_ARGUMENT", "line 2")
    many = b"".join(b'{"id": "%d", "text": "hello"}\n' % i for i in range(51))
    assert_google_error(client.post("/v1/score", content=many, headers=auth), 413, "INVALID_ARGUMENT", "more than 50")


def test_healthz_names_the_model_and_needs_no_key(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["tier"] == "fast" and health["model_version"].endswith("-fast")


def test_metrics_count_requests_errors_latency_and_comments(client: httpx.Client) -> None:
    analyze(client, POLITE)
    client.post(ANALYZE, content=b"{")
    client.get("/no/such/path/12345")
    text = client.get("/metrics").text
    assert 'moderation_http_requests_total{code="200",route="/v1alpha1/comments:analyze"}' in text
    assert 'moderation_http_request_errors_total{route="/v1alpha1/comments:analyze",status="INVALID_ARGUMENT"}' in text
    assert 'moderation_http_request_duration_seconds_bucket{le="0.25",route="/v1alpha1/comments:analyze"}' in text
    assert 'route="other"' in text and "/no/such/path" not in text
    scored = [line for line in text.splitlines() if line.startswith('moderation_comments_scored_total{tier="fast"}')]
    assert scored and float(scored[0].split()[-1]) >= 1
    assert "moderation_batch_comments_bucket" in text


def test_comment_text_is_never_logged(fast_server: ServerProcess, client: httpx.Client) -> None:
    analyze(client, "a very distinctive sentence about zebras and ukuleles")
    client.post(ANALYZE, content=b'{"comment": {"text": "zebra ukulele secret"}, "requestedAttributes": 1}')
    log = fast_server.output()
    assert "zebra" not in log and "ukulele" not in log
