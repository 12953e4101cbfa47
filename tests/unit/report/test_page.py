import base64
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from conftest import THRESHOLDS, scored_row

from moderation.report.html import CSP
from moderation.report.page import ReportContext, highlight, render_report
from moderation.report.summary import Excerpt, summarise, thresholds_used

HOSTILE = [
    "<script>alert(1)</script>",
    "</svg></div></section><img src=x onerror=alert(1)> --> <!-- ]]>",
    '<a href="javascript:alert(1)">click</a>',
    "$\\frac{1}{0}$ \x00\x1b[31m \ud800 end",
]


class Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.ends: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.ends.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str) -> tuple[int, int]:
        return sum(1 for t, _ in self.starts if t == tag), self.ends.count(tag)


@pytest.fixture(scope="module")
def hostile_report() -> str:
    huge = "A" * 1_000_000
    rows = [
        scored_row(
            f"c{i}",
            f"{text} you idiot",
            abuse=0.9,
            conspiracy=0.7,
            off_topic=0.8,
            article=text,
            title=text,
            author=text,
            created_at="2024-05-01T10:00:00Z",
            evidence={"abuse": [(len(text) + 5, len(text) + 10)]},
        )
        for i, text in enumerate(HOSTILE)
    ]
    rows.append(scored_row("big", huge + " idiot", abuse=0.95, article=huge, title=huge, author=huge))
    rows.append(scored_row("<b>id</b>", "plain", article="a9", title="A calm article", author="calm"))
    summary = summarise(rows)
    context = ReportContext(
        title="</title><script>alert(1)</script>",
        sources=["<img src=http://evil.example/x>.jsonl"],
        thresholds=thresholds_used(summary.ranges, THRESHOLDS),
    )
    return render_report(summary, context)


def test_hostile_text_renders_as_text_and_loads_nothing(hostile_report: str) -> None:
    html = hostile_report
    page = Page(html)
    assert page.count("script") == (0, 0)
    for tag, attrs in page.starts:
        assert not any(name.startswith("on") for name in attrs), tag
        if "src" in attrs:
            assert tag == "img" and attrs["src"].startswith("data:image/svg+xml;base64,")
        if "href" in attrs:
            assert attrs["href"].startswith("#"), attrs["href"]
        assert not any("http" in (value or "") for name, value in attrs.items() if name != "content")
    text = "".join(page.text)
    assert "<script>alert(1)</script>" in text and '<a href="javascript:alert(1)">click</a>' in text
    assert "</svg></div></section><img src=x onerror=alert(1)> --> <!-- ]]>" in text


def test_hostile_text_does_not_break_the_layout(hostile_report: str) -> None:
    html = hostile_report
    page = Page(html)
    for tag in ("section", "div", "table", "tr", "td", "mark", "main", "svg"):
        opened, closed = page.count(tag)
        assert opened == closed, tag
    assert page.count("section")[0] == 7
    assert len(html) < 1_000_000  # a 1 MB comment, title and author are shown as excerpts
    assert "more characters" in html


def test_the_page_forbids_every_load_before_anything_else(hostile_report: str) -> None:
    html = hostile_report
    page = Page(html)
    assert [tag for tag, _ in page.starts[:3]] == ["html", "head", "meta"]
    csp = page.starts[3]
    assert csp == ("meta", {"http-equiv": "Content-Security-Policy", "content": CSP})
    assert "default-src 'none'" in CSP and "script-src" not in CSP and "img-src data:" in CSP


def test_charts_are_well_formed_svg_even_with_hostile_titles(hostile_report: str) -> None:
    page = Page(hostile_report)
    images = [attrs for tag, attrs in page.starts if tag == "img"]
    assert len(images) >= 5  # articles, three histograms, time
    for attrs in images:
        svg = base64.b64decode(attrs["src"].split(",", 1)[1]).decode("utf-8")
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        for element in root.iter():
            assert not element.tag.endswith(("script", "foreignObject", "image")), element.tag
            links = [v for k, v in element.attrib.items() if k.endswith("href")]
            assert all(link.startswith("#") for link in links), links
        assert attrs["alt"]


def test_evidence_is_marked_and_everything_else_escaped() -> None:
    part = Excerpt("a <b> idiot & moron", ((2, 11), (8, 13), (14, 19)), cut_before=3)
    html = highlight(part, "abuse")
    assert html == (
        '<span class="cut">… 3 characters before … </span>a <mark class="abuse">&lt;b&gt; idiot</mark>'
        '<mark class="abuse"> &amp;</mark> <mark class="abuse">moron</mark>'
    )


def _examples_section(html: str) -> str:
    return html[html.index('<section id="examples">') : html.index('<section id="model">')]


def _harm_rows() -> list[dict]:
    return [
        scored_row("c1", "thanks for the report", off_topic=0.75),
        scored_row("c2", "buy cheap watches", off_topic=0.99),
        scored_row("c3", "the moon landing was staged", conspiracy=0.95),
        scored_row("c4", "you worthless idiot", abuse=0.99, evidence={"abuse": [(4, 19)]}),
        scored_row("c5", "stupid and off topic", abuse=0.55, off_topic=0.98),
    ]


def _render(rows: list[dict], severity=None, thresholds=THRESHOLDS) -> str:
    summary = summarise(rows, severity=severity)
    context = ReportContext(title="t", sources=["s.jsonl"], thresholds=thresholds_used(summary.ranges, thresholds))
    return render_report(summary, context)


def test_the_most_harmful_comments_come_in_the_queue_s_order_with_why() -> None:
    examples = _examples_section(_render(_harm_rows()))
    order = [examples.index(text) for text in ("worthless", "stupid and off", "moon", "cheap watches", "thanks")]
    assert order == sorted(order)  # insult, abuse flag, conspiracy, spam, weak off-topic
    assert "<b>abuse 0.990 ≥ 0.500</b>" in examples  # the model's threshold, known for certain
    assert "<b>abuse 0.550 ≥ 0.500</b> · also off-topic" in examples
    assert '<mark class="abuse">worthless idiot</mark>' in examples
    assert examples.count("stupid and off topic") == 1  # once, under its most severe flag
    headings = [examples.index(f"<h3>{name}</h3>") for name in ("Abuse", "Conspiracy", "Off-topic")]
    assert headings == sorted(headings)
    assert "abuse 3, conspiracy 2, off-topic 1" in examples


def test_a_configured_severity_reorders_the_report_like_the_queue() -> None:
    examples = _examples_section(_render(_harm_rows(), severity={"abuse": 1, "conspiracy": 3, "off_topic": 1}))
    order = [examples.index(text) for text in ("moon", "cheap watches", "worthless", "stupid and off", "thanks")]
    assert order == sorted(order)  # spam and insult both 0.99: the earlier first; then off-topic 0.98 > abuse 0.55
    assert "<h3>Abuse and off-topic</h3>" in examples  # equal severities share one list, by score
    assert "<b>off-topic 0.980 ≥ 0.700</b> · also abuse" in examples


def test_without_a_known_threshold_the_report_shows_the_score_alone() -> None:
    examples = _examples_section(_render(_harm_rows(), thresholds=None))
    assert "<b>abuse 0.990</b>" in examples and "≥" not in examples
