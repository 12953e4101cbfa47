"""WordPress WXR exports: posts become articles, ``wp:comment`` elements become comments.

The XML is parsed with ``defusedxml``'s parser, which refuses entity declarations and
external references (no "billion laughs", no file disclosure), fed line by line so every
error and every record can name the line it is on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from moderation.errors import InputError
from moderation.ingest.textio import decode_line, display_path, iter_lines, looks_binary, open_binary
from moderation.records import Article, Comment, Record, Rejected

_BLOCK_TAGS = {"p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}


class _TextFromHtml(HTMLParser):
    """Visible text of a post or comment body; links keep their address, which spam needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            label = "".join(self._link_text).strip()
            if self._href not in label:
                self.parts.append(f" ({self._href})")
            self._href = None
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: Element, name: str) -> str | None:
    """Text of the first child whose local name is ``name`` (namespace versions vary)."""
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _make_parser() -> XMLPullParser:
    defused = DefusedXMLParser(target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    return XMLPullParser(events=("start", "end"), _parser=defused)


def iter_wxr(path: str, *, encoding: str, strict: bool) -> Iterator[Record]:
    """Articles and comments of a WXR file, each comment right after its post's article."""
    shown = display_path(path)
    parser = _make_parser()
    stream = open_binary(path)
    depth_item = 0
    seen_channel = False
    number = 0
    try:
        for number, raw in iter_lines(stream):
            if looks_binary(raw):
                raise InputError("binary data (NUL bytes), not XML", path=shown, line=number)
            line = decode_line(raw, encoding=encoding, path=shown, line_number=number)
            try:
                parser.feed(line + "\n")
                events = list(parser.read_events())
            except ParseError as err:
                raise InputError(f"malformed XML: {_parse_message(err)}", path=shown, line=number) from None
            except DefusedXmlException as err:
                raise InputError(f"refused unsafe XML ({type(err).__name__})", path=shown, line=number) from None
            for event, element in events:
                tag = _local(element.tag)
                if event == "start":
                    if tag == "channel":
                        seen_channel = True
                    if tag == "item":
                        depth_item += 1
                    continue
                if tag == "item":
                    depth_item -= 1
                    yield from _item_records(element, shown, number, strict)
                    element.clear()
        try:
            parser.close()
        except ParseError as err:
            raise InputError(f"malformed XML: {_parse_message(err)}", path=shown, line=number) from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if not seen_channel:
        raise InputError("not a WordPress export (no <channel> element)", path=shown)


def _parse_message(err: ParseError) -> str:
    return str(err).split(":", 1)[0]


def _item_records(item: Element, path: str, line: int, strict: bool) -> Iterator[Record]:
    post_id = _child_text(item, "post_id") or _child_text(item, "guid") or f"line-{line}"
    comments = [child for child in item if _local(child.tag) == "comment"]
    content = next((child.text or "" for child in item if _local(child.tag) == "encoded"), "")
    yield Article(
        id=post_id,
        title=_child_text(item, "title"),
        text=html_to_text(content),
        url=_child_text(item, "link"),
    )
    for element in comments:
        comment_id = _child_text(element, "comment_id")
        body = html_to_text(_child_text(element, "comment_content") or "")
        where = f"{path}:{line}"
        reason = None if comment_id else "comment without `wp:comment_id`"
        reason = reason or (None if body else f"comment {comment_id} has no text")
        if reason:
            if strict:
                raise InputError(f"post {post_id}: {reason}", path=path, line=line)
            yield Rejected(where, f"post {post_id}: {reason}")
            continue
        parent = _child_text(element, "comment_parent")
        yield Comment(
            id=comment_id,
            text=body,
            article_id=post_id,
            author=_child_text(element, "comment_author"),
            parent_id=parent if parent and parent != "0" else None,
            created_at=_child_text(element, "comment_date_gmt") or _child_text(element, "comment_date"),
            source=where,
        )
