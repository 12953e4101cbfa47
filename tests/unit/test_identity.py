"""Comment identity: keys, repeated ids, replies to rejected comments, and what the readers feed it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import cli
from moderation.errors import InputError
from moderation.identity import IdentityGuard, comment_key, derived_article_id
from moderation.ingest import iter_records
from moderation.records import Comment, Rejected

MERGED = [
    {"id": "11", "article_id": "a1", "author": "troll", "text": "You are a worthless idiot."},
    {"id": "11", "article_id": "a2", "author": "ana", "text": "Thanks for the clear explanation."},
]


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_the_key_scopes_the_source_id_by_its_article() -> None:
    assert comment_key("a2", "11") == "a2/11"
    assert comment_key(None, "11") == "11"
    assert Comment(id="11", text="x", article_id="a2", parent_id="7").parent_key == "a2/7"


def test_an_article_without_id_is_named_by_its_link_or_its_content() -> None:
    assert derived_article_id("https://example.org/p/1", "Title", "Body") == "https://example.org/p/1"
    by_content = derived_article_id(None, "Title", "Body")
    assert by_content == derived_article_id(None, "Title", "Body") != derived_article_id(None, "Title", "Other")


def test_same_id_under_two_articles_is_two_comments_in_ingest_and_score(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "merged.jsonl", MERGED)
    for command in ("ingest", "score"):
        result = CliRunner().invoke(cli, [command, str(source)])
        assert result.exit_code == 0, result.output
        rows = _rows(result.stdout)
        assert [(r["id"], r["key"]) for r in rows] == [("11", "a1/11"), ("11", "a2/11")]


def test_keys_are_the_same_in_every_run_and_in_a_smaller_input(tmp_path: Path) -> None:
    merged = _jsonl(tmp_path / "merged.jsonl", MERGED)
    alone = _jsonl(tmp_path / "alone.jsonl", MERGED[1:])
    keys = [[r["key"] for r in _rows(CliRunner().invoke(cli, ["ingest", str(p)]).stdout)] for p in (merged, merged)]
    assert keys[0] == keys[1]
    assert _rows(CliRunner().invoke(cli, ["ingest", str(alone)]).stdout)[0]["key"] == "a2/11"


def test_an_identical_repeat_is_kept_once_and_reported(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "twice.jsonl", [MERGED[0], MERGED[0]])
    result = CliRunner().invoke(cli, ["ingest", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert len(_rows((tmp_path / "out.jsonl").read_text())) == 1
    rejects = _rows((tmp_path / "out.jsonl.rejects.jsonl").read_text())
    assert len(rejects) == 1 and rejects[0]["source"].endswith("twice.jsonl:2")
    assert "duplicate of comment a1/11 at" in rejects[0]["reason"] and "twice.jsonl:1" in rejects[0]["reason"]
    assert "ingested 1 comments" in result.stderr and "rejected 1 records" in result.stderr


def test_a_repeat_with_other_text_under_one_article_names_both_places(tmp_path: Path) -> None:
    rows = [MERGED[0], {**MERGED[0], "text": "Something else entirely."}]
    source = _jsonl(tmp_path / "clash.jsonl", rows)
    strict = CliRunner().invoke(cli, ["ingest", str(source)])
    assert strict.exit_code == 1
    assert "clash.jsonl:2" in strict.stderr and "clash.jsonl:1" in strict.stderr and "Traceback" not in strict.output
    rejects = tmp_path / "r.jsonl"
    lenient = CliRunner().invoke(cli, ["ingest", str(source), "--skip-invalid", "--rejects", str(rejects)])
    assert lenient.exit_code == 0
    assert [r["text"] for r in _rows(lenient.stdout)] == ["You are a worthless idiot."]
    (reject,) = _rows(rejects.read_text())
    assert "clash.jsonl:1 (kept as a1/11)" in reject["reason"] and "clash.jsonl:2 (rejected)" in reject["reason"]
    assert reject["raw"] == "Something else entirely."


def test_the_guard_remembers_at_most_its_window() -> None:
    guard = IdentityGuard(window=10)
    comments = [Comment(id=str(i), text=f"t{i}", article_id="a", source=f"f:{i}") for i in range(100)]
    assert list(guard.check(comments)) == comments
    assert len(guard._seen) == 10
    exact = IdentityGuard(window=None, strict=False)
    out = list(exact.check([*comments, comments[0]]))
    assert isinstance(out[-1], Rejected) and len(exact._seen) == 100


def test_a_reply_to_a_deleted_disqus_post_keeps_a_parent_stub(tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "disqus.xml").read_text(encoding="utf-8")
    reply = (
        '  <post dsq:id="9004">\n    <message>Agreed with the deleted one.</message>\n'
        '    <author><name>Sam</name></author>\n    <thread dsq:id="5001"/>\n    <parent dsq:id="9002"/>\n  </post>\n'
    )
    path = tmp_path / "disqus.xml"
    path.write_text(text.replace("</disqus>", reply + "</disqus>"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in _rows((tmp_path / "out.jsonl").read_text())}
    assert rows["9004"]["parent_id"] == "9002" and rows["9004"]["parent_key"] == "5001/9002"
    assert rows["9004"]["parent_state"] == "deleted"
    assert rows["9003"]["parent_state"] is None  # its parent 9001 is there


def test_a_reply_to_a_rejected_row_says_so(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "article_id": "a", "text": ""},
        {"id": "2", "article_id": "a", "parent_id": "1", "text": "Replying to nothing?"},
    ]
    source = _jsonl(tmp_path / "export.jsonl", rows)
    records = list(IdentityGuard(strict=False).check(iter_records([str(source)], strict=False)))
    assert isinstance(records[0], Rejected) and records[0].key == "a/1"
    assert isinstance(records[1], Comment) and records[1].parent_state == "rejected"


def test_a_wxr_item_without_post_id_takes_its_article_id_from_its_link(tmp_path: Path) -> None:
    item = (
        "<item><title>Bridge closed</title><link>https://example.org/bridge</link>"
        "<content:encoded><![CDATA[<p>Closed for repairs.</p>]]></content:encoded>"
        "<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_content>About time.</wp:comment_content>"
        "</wp:comment></item>"
    )
    head = (
        '<?xml version="1.0"?><rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
    )
    ids = []
    for padding in ("", "\n\n\n\n"):  # the same export with the item further down
        path = tmp_path / f"export{len(padding)}.xml"
        path.write_text(head + padding + item + "</channel></rss>", encoding="utf-8")
        comments = [r for r in iter_records([str(path)]) if isinstance(r, Comment)]
        ids.append((comments[0].article_id, comments[0].key))
    assert ids[0] == ids[1] == ("https://example.org/bridge", "https://example.org/bridge/3")


def test_strict_guard_raises_input_error_naming_the_line() -> None:
    first = Comment(id="1", text="a", article_id="x", source="f.jsonl:1")
    second = Comment(id="1", text="b", article_id="x", source="f.jsonl:5")
    with pytest.raises(InputError) as caught:
        list(IdentityGuard().check([first, second]))
    assert caught.value.path == "f.jsonl" and caught.value.line == 5
