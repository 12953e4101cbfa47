from __future__ import annotations

from pathlib import Path

import pytest

from moderation.errors import InputError
from moderation.ingest import iter_records
from moderation.ingest.wxr import html_to_text
from moderation.records import Article, Comment, Rejected


def test_posts_become_articles_and_comments_keep_parents(data_dir: Path) -> None:
    records = list(iter_records([str(data_dir / "export.xml")]))
    articles = [r for r in records if isinstance(r, Article)]
    comments = [r for r in records if isinstance(r, Comment)]
    assert [a.id for a in articles] == ["101", "102"]
    assert articles[0].title == "City council approves new bike lanes"
    assert articles[0].text == "The council voted 7-2 on Tuesday.\n\nConstruction starts in spring."
    assert articles[0].url == "https://example.org/bike-lanes"
    assert [(c.id, c.parent_id, c.author) for c in comments] == [("7", None, "Dave K"), ("8", "7", "Linda")]
    assert comments[1].text == "Most customers drive. See this study (http://example.com/study)."
    assert comments[0].created_at == "2019-03-03 16:12:00"
    assert records.index(articles[0]) < records.index(comments[0])


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<rss><channel><item><title>&lol2;</title></item></channel></rss>\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="refused unsafe XML"):
        list(iter_records([str(path)]))


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<rss>\n<channel>\n<item><title>x</titel></item>\n</channel></rss>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.xml:3: malformed XML"):
        list(iter_records([str(path)]))


def test_comment_without_text_is_rejected_in_skip_mode(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><wp:post_id>1</wp:post_id>\n'
        "<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_content></wp:comment_content></wp:comment>\n"
        "<wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_content>hi</wp:comment_content></wp:comment>\n"
        "</item></channel></rss>\n",
        encoding="utf-8",
    )
    records = list(iter_records([str(path)], strict=False))
    assert [r.id for r in records if isinstance(r, Comment)] == ["6"]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert len(rejected) == 1 and "comment 5 has no text" in rejected[0].reason
    with pytest.raises(InputError, match="comment 5 has no text"):
        list(iter_records([str(path)]))


def test_html_to_text_keeps_paragraphs_and_links() -> None:
    assert html_to_text("<p>One &amp; two</p><p>Three<br>four</p>") == "One & two\n\nThree\nfour"
    assert html_to_text('<a href="http://x.io">http://x.io</a>') == "http://x.io"


def test_block_elements_end_with_a_break_or_separator() -> None:
    definitions = "<dl><dt>Definition List Title</dt><dd>Definition list division.</dd></dl>"
    assert html_to_text(definitions) == "Definition List Title\nDefinition list division."
    assert html_to_text("<ul><li>one</li><li>two</li></ul>after") == "one\ntwo\n\nafter"
    table = "<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>34</td></tr></table>"
    assert html_to_text(table) == "Name Age\nAnn 34"
    assert html_to_text("<h2>Heading</h2>Body<div>one</div><div>two</div>") == "Heading\nBody\none\ntwo"
    assert html_to_text("a<br/>b<br>c") == "a\nb\nc"


def test_wordpress_comment_holding_a_definition_list_keeps_its_parts_apart(tmp_path: Path) -> None:
    path = tmp_path / "dl.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><wp:post_id>1</wp:post_id>\n'
        "<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_content><![CDATA[<dl><dt>Definition List Title"
        "</dt><dd>Definition list division.</dd></dl>]]></wp:comment_content></wp:comment>\n"
        "</item></channel></rss>\n",
        encoding="utf-8",
    )
    [comment] = [r for r in iter_records([str(path)]) if isinstance(r, Comment)]
    assert comment.text == "Definition List Title\nDefinition list division."


def test_disqus_export_is_recognised_and_read(data_dir: Path) -> None:
    records = list(iter_records([str(data_dir / "disqus.xml")]))
    article = records[0]
    assert isinstance(article, Article) and article.id == "5001"
    assert article.title == "City council approves new bike lanes" and article.text == "The council voted 7-2."
    comments = [r for r in records if isinstance(r, Comment)]
    assert [(c.id, c.parent_id, c.author, c.article_id) for c in comments] == [
        ("9001", None, "Dave K", "5001"),
        ("9003", "9001", "Linda", "5001"),
    ]
    deleted = [r for r in records if isinstance(r, Rejected)]
    assert len(deleted) == 1 and "marked deleted" in deleted[0].reason
