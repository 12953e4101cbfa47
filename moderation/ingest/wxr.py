"""WordPress WXR exports: posts become articles, ``wp:comment`` elements become comments."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from moderation.errors import InputError
from moderation.identity import comment_key, derived_article_id
from moderation.ingest.markup import child_text, html_to_text, iter_xml_events, local_name
from moderation.ingest.textio import MAX_LINE_BYTES, display_path, open_binary
from moderation.records import Article, Comment, Record, Rejected


def iter_wxr(path: str, *, encoding: str, strict: bool, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Record]:
    """Articles and comments of a WXR file, each comment right after its post's article."""
    shown = display_path(path)
    stream = open_binary(path)
    seen_channel = False
    try:
        for line, event, element in iter_xml_events(
            stream, path=shown, encoding=encoding, max_line_bytes=max_line_bytes
        ):
            tag = local_name(element.tag)
            if event == "start":
                seen_channel = seen_channel or tag == "channel"
            elif tag == "item":
                yield from _item_records(element, shown, line, strict)
                element.clear()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if not seen_channel:
        raise InputError("not a WordPress export (no <channel> element)", path=shown)


def _item_records(item: Element, path: str, line: int, strict: bool) -> Iterator[Record]:
    comments = [child for child in item if local_name(child.tag) == "comment"]
    content = next((child.text or "" for child in item if local_name(child.tag) == "encoded"), "")
    title, text, link = child_text(item, "title"), html_to_text(content), child_text(item, "link")
    post_id = child_text(item, "post_id") or child_text(item, "guid") or derived_article_id(link, title, text)
    yield Article(id=post_id, title=title, text=text, url=link)
    for element in comments:
        comment_id = child_text(element, "comment_id")
        body = html_to_text(child_text(element, "comment_content") or "")
        where = f"{path}:{line}"
        reason = None if comment_id else "comment without `wp:comment_id`"
        reason = reason or (None if body else f"comment {comment_id} has no text")
        if reason:
            if strict:
                raise InputError(f"post {post_id}: {reason}", path=path, line=line)
            key = comment_key(post_id, comment_id) if comment_id else None
            yield Rejected(where, f"post {post_id}: {reason}", key=key)
            continue
        parent = child_text(element, "comment_parent")
        yield Comment(
            id=comment_id,
            text=body,
            article_id=post_id,
            author=child_text(element, "comment_author"),
            parent_id=parent if parent and parent != "0" else None,
            created_at=child_text(element, "comment_date_gmt") or child_text(element, "comment_date"),
            source=where,
        )
