"""Disqus XML exports: ``<thread>`` elements become articles, ``<post>`` elements comments.

Disqus lists every thread before the posts, and posts refer to their thread and parent by
``dsq:id`` attributes. Posts Disqus itself marked deleted are reported as rejected, not dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from moderation.errors import InputError
from moderation.identity import comment_key
from moderation.ingest.markup import child_text, html_to_text, iter_xml_events, local_name
from moderation.ingest.textio import MAX_LINE_BYTES, display_path, open_binary
from moderation.records import Article, Comment, Record, Rejected


def _dsq_id(element: Element | None) -> str | None:
    if element is None:
        return None
    for key, value in element.attrib.items():
        if local_name(key) == "id" and value:
            return value
    return None


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if local_name(child.tag) == name), None)


def iter_disqus(path: str, *, encoding: str, strict: bool, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Record]:
    shown = display_path(path)
    stream = open_binary(path)
    seen_root = False
    depth = 0
    try:
        for line, event, element in iter_xml_events(
            stream, path=shown, encoding=encoding, max_line_bytes=max_line_bytes
        ):
            tag = local_name(element.tag)
            if event == "start":
                seen_root = seen_root or (depth == 0 and tag == "disqus")
                depth += 1
                continue
            depth -= 1
            if depth != 1:  # only the children of <disqus>; <post> holds a <thread> reference
                continue
            if tag == "thread":
                yield _article(element)
            elif tag == "post":
                yield from _checked(_comment(element, shown, line), strict)
            element.clear()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if not seen_root:
        raise InputError("not a Disqus export (no <disqus> root element)", path=shown)


def _article(thread: Element) -> Article:
    return Article(
        id=_dsq_id(thread) or child_text(thread, "id") or "",
        title=child_text(thread, "title"),
        text=html_to_text(child_text(thread, "message") or ""),
        url=child_text(thread, "link"),
    )


def _comment(post: Element, path: str, line: int) -> Record:
    where = f"{path}:{line}"
    post_id = _dsq_id(post)
    author = _child(post, "author")
    body = html_to_text(child_text(post, "message") or "")
    if not post_id:
        return Rejected(where, "post without a dsq:id")
    key = comment_key(_dsq_id(_child(post, "thread")), post_id)
    if (child_text(post, "isDeleted") or "").lower() == "true":
        return Rejected(where, f"post {post_id} is marked deleted in the export", body[:2000] or None, key, True)
    if not body:
        return Rejected(where, f"post {post_id} has no text", key=key)
    name = None
    if author is not None:
        name = child_text(author, "name") or child_text(author, "username")
    return Comment(
        id=post_id,
        text=body,
        article_id=_dsq_id(_child(post, "thread")),
        author=name,
        parent_id=_dsq_id(_child(post, "parent")),
        created_at=child_text(post, "createdAt"),
        source=where,
    )


def _checked(record: Record, strict: bool) -> Iterator[Record]:
    if strict and isinstance(record, Rejected) and not record.deleted:
        path, _, line = record.source.rpartition(":")
        raise InputError(record.reason, path=path, line=int(line))
    yield record
