"""Scraped article pages as plain text: split a page into headline, article body and comments.

Real pages mix the article with navigation, donation pleas, tag lists, author bios and
commenting rules, and comment sections come in several shapes:

* marked comments: ``Name says:`` bullets, ``someone's picture`` avatar lines, numbered
  comments (``  1. text``), ``Name on <date> said:``;
* unmarked comments: reader comments that simply follow the article with no marker at all.

The reader first labels each line that a pattern recognises (boilerplate, author marker,
numbered comment), then finds where the article ends. Where no marker says so, the end of
the article is the point after which the lines read most like reader comments rather than
journalism (a change-point over a per-line "informality" score).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from moderation.records import Article, Comment, stable_comment_id

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BULLET = r"(?:[•*·▪◦‣\-–—]\s*)?"
_DATE_WORDS = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"(?:\s+\d{4})?"
)

SAYS_MARKER = re.compile(
    rf"^{_BULLET}(?P<author>[^\n]{{1,80}}?)"
    rf"(?:\s+(?:on|at)\s+[^\n]{{3,60}}?)?\s+(?:says|said|wrote|writes|replied|commented)\s*(?::|\.{{1,3}}|…)?\s*$",
    re.IGNORECASE,
)
"""``• Nato21 says:`` or ``Jane on October 3, 2017 at 4:12 pm said:``."""

PICTURE_MARKER = re.compile(
    r"^(?:(?P<author>[^\n]{1,80}?)['’]s (?:picture|avatar|profile picture|profile image)"
    r"|(?:avatar|photo|picture|profile (?:picture|image)) (?:of|for) (?P<other>[^\n]{1,80}))$",
    re.I,
)
"""``veritas semper vinces's picture`` (the alt text of an avatar image)."""

NUMBERED_COMMENT = re.compile(r"^(?P<indent>\s+)(?P<number>\d{1,4})[.)]\s+(?P<text>\S.*)$")
"""``  1. Scott, just yesterday ...``: an indented, numbered comment."""

COMMENT_HEADING = re.compile(
    r"^(?:\d[\d,]*\s+(?:comments?|responses?|replies|thoughts?)\b.*"
    r"|(?:reader\s+)?comments?(?:\s*\(\d+\))?|discussion|join the (?:discussion|conversation))\s*:?$",
    re.IGNORECASE,
)
"""``12 Comments`` or ``Comments (3)``: the comment section starts below."""

TIMESTAMP = re.compile(
    "|".join(
        (
            rf"^{_DATE_WORDS}(?:\s+(?:at\s+)?\d{{1,2}}:\d{{2}}\s*(?:am|pm)?)?$",
            r"^\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?$",
            r"^(?:january|february|march|april|may|june|july|august|september|october|november|december)"
            r"\s+\d{1,2}$",
            r"^\d{4}-\d{2}-\d{2}(?:[ t]\d{2}:\d{2}(?::\d{2})?)?$",
            r"^\d{1,2}/\d{1,2}/\d{2,4}(?:,?\s+\d{1,2}:\d{2}\s*(?:am|pm)?)?$",
            r"^(?:an?|\d+)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago$",
            r"^(?:just now|yesterday|today)$",
        )
    ),
    re.IGNORECASE,
)
"""A line that is only a date or a time (``March 3, 2019 at 4:12 pm``, ``2 hours ago``)."""

AUTHOR_WITH_TIME = re.compile(r"^(?P<author>[^\s|•·][^|•·]{0,40}?)\s*[|•·—–-]\s*(?P<time>.+)$")
"""``tomj · 2 hours ago``: an author and a timestamp on one line."""

BOILERPLATE = re.compile(
    "|".join(
        (
            r"^tags?\s*:",
            r"^(?:previous|next|related)\s+(?:article|post|story)",
            r"^(?:leave|post|add|write)\s+a\s+(?:comment|reply|response)",
            r"^comments?\s+are\s+closed",
            r"^(?:you must be )?log(?:ged)?\s*in to (?:reply|comment|post)",
            r"^(?:your )?email address will not be published",
            r"^required fields are marked",
            r"^(?:our )?comment(?:ing)?\s+(?:rules|policy|guidelines)",
            r"^(?:share|tweet|email|print)(?:\s+(?:this|on)\b.*)?$",
            r"^(?:twitter|facebook|linkedin|reddit|whatsapp|pinterest|telegram|pocket|tumblr|e-?mail|print|more)$",
            r"^(?:related|related (?:posts|articles|stories)|like this:?|like loading\.*|loading\.*)$",
            r"^(?:reply|report|like|flag|permalink|share|quote|cancel reply)(?:\s*\|\s*\w+)*$",
            r"^\d+\s+(?:likes?|points?|votes?|replies)$",
            r"^(?:more|read more|see also|related|filed under|posted in|categories)\s*:",
            r"^support\b.*(?:ad-free|donat|independent)",
            r"\b(?:make|consider(?:ing)?|please)\b[^.]{0,60}\bdonation\b",
            r"^(?:subscribe|sign up)\b.*(?:newsletter|updates|free)",
            r"^advertisement$",
            r"^(?:copyright|©)",
            r"all rights reserved",
            r"^(?:map|photo|image|video|graphic)\s+(?:source|credit)\s*:",
            r"^do not follow this link",
            r"^(?:login|log in|sign in) or (?:register|sign up)",
            r"^(?:view|show|load|hide)(?: more| all| \d+)? (?:comments|replies)",
            r"^sort (?:by|comments)",
            r"^(?:newest|oldest|best|top|popular)(?:\s*\|\s*\w+)*$",
            r"^(?:delete|edit|hide|block user|mute)$",
            r"^(?:follow us|share on)\b",
            r"^sponsored(?: content| links?)?$",
        )
    ),
    re.IGNORECASE,
)
"""Lines that are neither article nor comment: navigation, pleas, tags, rules, dates."""

AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s){1,4}is\s+(?:(?:a|an|the)\s+)?[^.]{0,160}?"
    r"\b(?i:analyst|professor|editor|contributor|writer|journalist|correspondent|reporter|author|"
    r"columnist|fellow|director|researcher|lecturer)\b"
)
"""``Scott Lucas is Professor of ...``: the byline bio that closes many articles."""

_PRONOUNS = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|you|your|you're|yours|u|ya)\b", re.I)
_SLANG = re.compile(
    r"\b(?:lol|lmao|wtf|omg|imo|imho|fyi|btw|ha(?:ha)+|fuck\w*|shit\w*|damn|crap|stupid|idiots?|"
    r"morons?|bitch|ass|yeah|nope|yep|bless|agree|spot on|good luck|thanks?)\b",
    re.I,
)
_REPORTING = re.compile(
    r"\b(?:said|says|according to|reported(?:ly)?|told|announced|spokes(?:man|woman|person)|claimed|"
    r"statement|officials?|ministry|percent|per cent)\b",
    re.I,
)
_NUMBER = re.compile(r"\d")
_MISSING_SPACE = re.compile(r"[a-z][,.][A-Za-z]")
_TERMINAL = re.compile(r"""[.!?…"'”’)\]]$""")


@dataclass(slots=True)
class PageLine:
    """One non-blank line of a page, with its position and indentation."""

    number: int
    raw: str
    text: str
    indent: int
    blank_before: int

    @property
    def informality(self) -> float:
        """How much the line reads like a reader comment (positive) rather than reporting."""
        text = self.text
        n = len(text)
        score = -0.3
        if n < 80:
            score += 0.6
        elif n < 160:
            score += 0.3
        score += min(len(_PRONOUNS.findall(text)), 2) * 0.9
        score += min(len(_SLANG.findall(text)), 2) * 1.0
        if "?" in text or "!" in text:
            score += 0.5
        if "…" in text or ".." in text:
            score += 0.5
        if text[:1].islower() or text[:2] == "..":
            score += 1.0
        if _MISSING_SPACE.search(text):
            score += 0.5
        if n < 120 and not _TERMINAL.search(text):
            score += 0.3
        score -= min(len(_REPORTING.findall(text)), 2) * 0.6
        if n > 300:
            score -= 1.5
        if n > 500:
            score -= 0.8
        if len(_NUMBER.findall(text)) >= 4:
            score -= 0.4
        return score


@dataclass(slots=True)
class PageComment:
    """A comment found on a page: its lines and the author a marker named."""

    lines: list[PageLine]
    author: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(_join_wrapped(group) for group in _paragraphs(self.lines))

    @property
    def line_numbers(self) -> list[int]:
        return [line.number for line in self.lines]


@dataclass(slots=True)
class PageLayout:
    """What each line of a page is: headline, article, boilerplate, marker or comment."""

    title: PageLine | None = None
    article: list[PageLine] = field(default_factory=list)
    boilerplate: list[PageLine] = field(default_factory=list)
    markers: list[PageLine] = field(default_factory=list)
    comments: list[PageComment] = field(default_factory=list)

    @property
    def article_text(self) -> str:
        return "\n\n".join(_join_wrapped(group) for group in _paragraphs(self.article))


def _paragraphs(lines: list[PageLine]) -> list[list[PageLine]]:
    groups: list[list[PageLine]] = []
    for line in lines:
        if groups and line.blank_before == 0 and groups[-1][-1].number == line.number - 1:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _join_wrapped(lines: list[PageLine]) -> str:
    return " ".join(line.text for line in lines)


def _lines(text: str) -> list[PageLine]:
    out: list[PageLine] = []
    blanks = 0
    for number, raw in enumerate(text.splitlines(), 1):
        spaced = _SPACES.sub(" ", raw.replace("\ufeff", ""))
        stripped = spaced.strip()
        if not stripped:
            blanks += 1
            continue
        indent = len(spaced) - len(spaced.lstrip(" "))
        out.append(PageLine(number, raw, stripped, indent, blanks))
        blanks = 0
    return out


def _is_boilerplate(line: PageLine) -> bool:
    text = line.text
    return bool(BOILERPLATE.search(text) or TIMESTAMP.match(text) or AUTHOR_BIO.search(text))


def _marker(line: PageLine, following: PageLine | None) -> tuple[str, str] | None:
    """``(author, kind)`` when the line names the author of the comment below it.

    ``kind`` is ``"says"`` for markers every comment on such a page carries (the comment runs
    to the next marker) and ``"avatar"`` for avatar alt texts, which only some commenters have
    (the comment is the paragraph below).
    """
    text = line.text
    if len(text) > 120:
        return None
    match = SAYS_MARKER.match(text)
    if match:
        return _author(match.group("author"), "says")
    match = PICTURE_MARKER.match(text)
    if match:
        return _author(match.group("author") or match.group("other"), "avatar")
    match = AUTHOR_WITH_TIME.match(text)
    if match and TIMESTAMP.match(match.group("time").strip()):
        return _author(match.group("author"), "says")
    short_name = len(text) <= 40 and len(text.split()) <= 4 and not _TERMINAL.search(text)
    if short_name and following is not None and TIMESTAMP.match(following.text):
        return _author(text, "says")
    return None


def _author(raw: str, kind: str) -> tuple[str, str] | None:
    author = raw.strip(" •*·-–—")
    return (author, kind) if author and len(author.split()) <= 8 else None


def _looks_like_title(line: PageLine) -> bool:
    return len(line.text) <= 200 and len(line.text.split()) <= 30 and not line.text.endswith(".")


def _article_end(lines: list[PageLine], *, marked: bool) -> int:
    """Index in ``lines`` of the first unmarked comment (``len(lines)`` when there is none).

    The split maximises the informality of what follows it (a maximum-suffix-sum). With no
    marker on the page the evidence must be strong, because most pages have no comments.
    """
    best_sum, best_start, running = 0.0, len(lines), 0.0
    for index in range(len(lines) - 1, -1, -1):
        running += lines[index].informality
        if running > best_sum:
            best_sum, best_start = running, index
    needed = 1.5 if marked else 4.0
    tail = len(lines) - best_start
    if best_sum < needed or (not marked and tail < 3):
        return len(lines)
    # A split must leave an article above it.
    return max(best_start, 1)


def segment_page(text: str) -> PageLayout:
    """Label every non-blank line of a scraped page."""
    lines = _lines(text)
    layout = PageLayout()
    body: list[PageLine] = []
    seen_content = False
    for line in lines:
        if not seen_content and not _is_boilerplate(line):
            seen_content = True
            if _looks_like_title(line):
                layout.title = line
                continue
        body.append(line)  # without a headline the first line is already article

    first_marker = len(body)
    for index, line in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else None
        if _marker(line, following) or NUMBERED_COMMENT.match(line.raw) or COMMENT_HEADING.match(line.text):
            first_marker = index
            break

    before = body[:first_marker]
    content = [line for line in before if not _is_boilerplate(line)]
    end = _article_end(content, marked=first_marker < len(body))
    comment_start_line = content[end].number if end < len(content) else None

    for line in before:
        if _is_boilerplate(line):
            layout.boilerplate.append(line)
        elif comment_start_line is not None and line.number >= comment_start_line:
            _add_unmarked(layout, line)
        else:
            layout.article.append(line)
    _read_comment_section(layout, body[first_marker:])
    return layout


def _add_unmarked(layout: PageLayout, line: PageLine) -> None:
    """An unmarked comment line: a new comment unless it wraps the previous line."""
    last = layout.comments[-1] if layout.comments else None
    if last and line.blank_before == 0 and last.lines[-1].number == line.number - 1:
        last.lines.append(line)
    else:
        layout.comments.append(PageComment([line]))


def _read_comment_section(layout: PageLayout, lines: list[PageLine]) -> None:
    """Turn the marked part of a page into comments.

    A ``says:``-style or numbered comment runs to the next marker or boilerplate line; an
    avatar marker names the author of the paragraph below it (and of list items continuing
    it); other paragraphs are comments of their own. Lines that an indented comment list
    leaves behind at the left margin are site navigation.
    """
    pending: tuple[str, str] | None = None
    body_indent: int | None = None
    current: PageComment | None = None
    runs_on = False  # whether the current comment owns the paragraphs below it
    for index, line in enumerate(lines):
        marker = _marker(line, lines[index + 1] if index + 1 < len(lines) else None)
        if marker is not None:
            layout.markers.append(line)
            pending, current = marker, None
            continue
        if COMMENT_HEADING.match(line.text) or _is_boilerplate(line):
            layout.boilerplate.append(line)
            current = None
            continue
        numbered = NUMBERED_COMMENT.match(line.raw)
        if numbered:
            first = PageLine(line.number, line.raw, numbered.group("text").strip(), line.indent, line.blank_before)
            current = PageComment([first], pending[0] if pending else None)
            layout.comments.append(current)
            body_indent, pending, runs_on = line.indent + 1, None, True
            continue
        if pending is not None:
            current = PageComment([line], pending[0])
            layout.comments.append(current)
            if line.indent > 0:
                body_indent = line.indent
            runs_on, pending = pending[1] == "says", None
            continue
        if body_indent is not None and line.indent < body_indent and layout.comments:
            layout.boilerplate.append(line)  # an indented comment list has ended
            current = None
            continue
        continues = runs_on or line.text[:1] in "-•*·" or line.blank_before == 0
        if current is not None and (continues or current.lines[-1].text.endswith(":")):
            current.lines.append(line)
            continue
        current, runs_on = PageComment([line]), False
        layout.comments.append(current)


def read_page(text: str, *, article_id: str, path: str) -> tuple[Article, list[Comment]]:
    """Read one scraped page into its article and its comments, in page order."""
    layout = segment_page(text)
    article = Article(
        id=article_id,
        title=layout.title.text if layout.title else None,
        text=layout.article_text,
    )
    comments: list[Comment] = []
    seen: dict[str, int] = {}
    for found in layout.comments:
        body = found.text
        cid = stable_comment_id(article_id, found.author, body)
        seen[cid] = seen.get(cid, 0) + 1
        if seen[cid] > 1:
            cid = f"{cid}-{seen[cid]}"
        comments.append(
            Comment(
                id=cid,
                text=body,
                article_id=article_id,
                author=found.author,
                source=f"{path}:{found.lines[0].number}",
            )
        )
    return article, comments


def page_article_id(path: Path) -> str:
    """Pages are identified by their file name without extension."""
    return path.stem
