"""Safe XML parsing and HTML-to-text shared by the XML export readers.

XML is parsed with ``defusedxml``'s parser, which refuses entity declarations and external
references (no "billion laughs", no file disclosure), through a pull parser fed line by line
so that every error and record can name the line it is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from moderation.errors import InputError
from moderation.ingest.textio import MAX_LINE_BYTES, OverlongLine, decode_line, iter_lines, looks_binary

_PARAGRAPH_TAGS = frozenset(
    {"p", "blockquote", "pre", "dl", "ul", "ol", "table", "hr", "section", "article", "header", "footer", "figure"}
    | {f"h{level}" for level in range(1, 7)}
)
"""Elements set off on lines of their own (a blank line between two of them)."""
_LINE_TAGS = frozenset({"li", "dt", "dd", "tr", "div", "br", "caption", "figcaption", "address"})
"""Elements that start on a new line and end with a line break."""
_CELL_TAGS = frozenset({"td", "th"})
"""Table cells: each ends with a separator, so neighbouring cells do not run into one word."""


class _TextFromHtml(HTMLParser):
    """Visible text of a post or comment body; links keep their address, which spam needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def _line_break(self) -> None:
        """A new line, unless the text already stands at the start of one."""
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _PARAGRAPH_TAGS:
            self.parts.append("\n")
        elif tag in _LINE_TAGS:
            self._line_break()
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            label = "".join(self._link_text).strip()
            if self._href not in label:
                self.parts.append(f" ({self._href})")
            self._href = None
        if tag in _PARAGRAPH_TAGS or (tag in _LINE_TAGS and tag != "br"):  # <br/> is one break, not two
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append("\t")  # becomes one space when the line's whitespace is collapsed

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, paragraphs kept as blank lines."""
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def child_text(element: Element, name: str) -> str | None:
    """Text of the first child whose local name is ``name`` (namespace versions vary)."""
    for child in element:
        if local_name(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _make_parser() -> XMLPullParser:
    defused = DefusedXMLParser(target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    return XMLPullParser(events=("start", "end"), _parser=defused)


def iter_xml_events(
    stream: BinaryIO, *, path: str, encoding: str, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, str, Element]]:
    """``(line, event, element)`` for every start and end tag, refusing unsafe XML.

    XML cannot be parsed past a line that was not read, so a line longer than ``max_line_bytes`` ends the file
    with an error naming it (the records before it have been yielded).
    """
    parser = _make_parser()
    number = 0
    for number, raw in iter_lines(stream, max_line_bytes):
        if isinstance(raw, OverlongLine):
            raise raw.error(path=path, line=number)
        if looks_binary(raw):
            raise InputError("binary data (NUL bytes), not XML", path=path, line=number)
        line = decode_line(raw, encoding=encoding, path=path, line_number=number)
        try:
            parser.feed(line + "\n")
            events = list(parser.read_events())
        except ParseError as err:
            raise InputError(f"malformed XML: {_parse_message(err)}", path=path, line=number) from None
        except DefusedXmlException as err:
            raise InputError(f"refused unsafe XML ({type(err).__name__})", path=path, line=number) from None
        for event, element in events:
            yield number, event, element
    try:
        parser.close()
    except ParseError as err:
        raise InputError(f"malformed XML: {_parse_message(err)}", path=path, line=number) from None


def _parse_message(err: ParseError) -> str:
    return str(err).split(":", 1)[0]
