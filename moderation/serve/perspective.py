"""Perspective's ``comments:analyze``: its request and response shapes, and how they map onto our labels.

The shapes follow Perspective's API reference (``AnalyzeCommentRequest`` / ``AnalyzeCommentResponse``):

request::

    {"comment": {"text": "...", "type": "PLAIN_TEXT"},
     "context": {"entries": [{"text": "...", "type": "PLAIN_TEXT"}]},
     "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY", "scoreThreshold": 0.5}},
     "spanAnnotations": false, "languages": ["en"], "doNotStore": true, "clientToken": "...",
     "sessionId": "...", "communityId": "..."}

response::

    {"attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.93, "type": "PROBABILITY"},
                                      "spanScores": [{"begin": 4, "end": 13,
                                                      "score": {"value": 0.88, "type": "PROBABILITY"}}]}},
     "languages": ["en"], "clientToken": "..."}

Attributes: ``TOXICITY`` is our abuse score; ``CONSPIRACY`` and ``OFF_TOPIC`` are ours. The context's entries
are the article the comment is under (what off-topic compares it with); ``context.articleAndParentComment``
(an older form of the same field) gives the article and the comment replied to. Field names are accepted in
lowerCamelCase and in snake_case, as Google's JSON mapping accepts both. Offsets (``begin``, ``end``) count
characters (Unicode code points) of ``comment.text``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from moderation.records import Article, Comment, ScoredComment
from moderation.serve.engine import Job, SpanScore
from moderation.serve.errors import ApiError

ATTRIBUTES: dict[str, str] = {"TOXICITY": "abuse", "CONSPIRACY": "conspiracy", "OFF_TOPIC": "off_topic"}
"""Perspective attribute -> our label."""
SCORE_TYPE = "PROBABILITY"
TEXT_TYPE = "PLAIN_TEXT"
LANGUAGE = "en"

REQUEST_FIELDS = {
    "comment": "comment",
    "context": "context",
    "requestedAttributes": "requestedAttributes",
    "requested_attributes": "requestedAttributes",
    "spanAnnotations": "spanAnnotations",
    "span_annotations": "spanAnnotations",
    "languages": "languages",
    "doNotStore": "doNotStore",
    "do_not_store": "doNotStore",
    "clientToken": "clientToken",
    "client_token": "clientToken",
    "sessionId": "sessionId",
    "session_id": "sessionId",
    "communityId": "communityId",
    "community_id": "communityId",
    "dropUnsupportedAttributes": "dropUnsupportedAttributes",
    "drop_unsupported_attributes": "dropUnsupportedAttributes",
}
"""Every field Perspective documents for the request, in both spellings -> its lowerCamelCase name."""
ATTRIBUTE_FIELDS = {"scoreType": "scoreType", "score_type": "scoreType"}
ATTRIBUTE_FIELDS |= {"scoreThreshold": "scoreThreshold", "score_threshold": "scoreThreshold"}
ENTRY_FIELDS = {"text": "text", "type": "type"}
CONTEXT_FIELDS = {"entries": "entries", "articleAndParentComment": "articleAndParentComment"}
CONTEXT_FIELDS |= {"article_and_parent_comment": "articleAndParentComment"}
PAIR_FIELDS = {"article": "article", "parentComment": "parentComment", "parent_comment": "parentComment"}


# ---------------------------------------------------------------- the shapes


@dataclass(frozen=True)
class RequestedAttribute:
    name: str
    label: str
    score_threshold: float | None = None
    """Scores below this are left out of the response, as Perspective leaves them out."""


@dataclass(frozen=True)
class AnalyzeRequest:
    """A ``comments:analyze`` request, checked."""

    text: str
    attributes: tuple[RequestedAttribute, ...]
    article: str | None = None
    parent: str | None = None
    span_annotations: bool = False
    languages: tuple[str, ...] | None = None
    do_not_store: bool = False
    """Honoured trivially: the server stores nothing, whatever this says."""
    client_token: str | None = None
    drop_unsupported: bool = False


class Score(TypedDict):
    value: float
    type: str


class SpanScoreBody(TypedDict):
    begin: int
    end: int
    score: Score


class AttributeScore(TypedDict):
    summaryScore: Score
    spanScores: NotRequired[list[SpanScoreBody]]


class AnalyzeResponse(TypedDict):
    attributeScores: dict[str, AttributeScore]
    languages: list[str]
    clientToken: NotRequired[str]


# ---------------------------------------------------------------- reading a request


def parse_analyze_request(body: Any, *, max_text_bytes: int) -> AnalyzeRequest:
    """Check a decoded JSON body against Perspective's request; every problem is a 400 naming the field.

    Raises:
        ApiError: the request is not one Perspective would accept, or asks for what this server lacks.
    """
    fields = _fields(body, REQUEST_FIELDS, "request")
    comment = _fields(_required(fields, "comment", "request"), ENTRY_FIELDS, "comment")
    text = _required(comment, "text", "comment")
    if not isinstance(text, str):
        raise ApiError(400, "comment.text must be a string")
    _check_type(comment, "comment.type")
    if not text.strip():
        raise ApiError(400, "comment.text is empty")
    size = _utf8_size(text, "comment.text")
    if size > max_text_bytes:
        raise ApiError(400, f"comment.text is {size:,} bytes; the limit is {max_text_bytes:,} bytes of UTF-8")
    article, parent = _context(fields.get("context"))
    languages = _languages(fields.get("languages"))
    for name in ("sessionId", "communityId"):  # accepted and not used
        _optional_string(fields, name)
    return AnalyzeRequest(
        text=text,
        attributes=_attributes(_required(fields, "requestedAttributes", "request")),
        article=article,
        parent=parent,
        span_annotations=_flag(fields, "spanAnnotations"),
        languages=languages,
        do_not_store=_flag(fields, "doNotStore"),
        client_token=_optional_string(fields, "clientToken"),
        drop_unsupported=_flag(fields, "dropUnsupportedAttributes"),
    )


def _fields(value: Any, known: Mapping[str, str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ApiError(400, f"{where} must be a JSON object, not {_kind(value)}")
    out: dict[str, Any] = {}
    for name, item in value.items():
        canonical = known.get(name)
        if canonical is None:
            raise ApiError(400, f'unknown field "{name}" in {where}')
        if canonical in out:
            raise ApiError(400, f'field "{canonical}" given twice in {where}')
        out[canonical] = item
    return out


def _required(fields: Mapping[str, Any], name: str, where: str) -> Any:
    if fields.get(name) is None:
        raise ApiError(400, f"{where}.{name} is required" if where != "request" else f"{name} is required")
    return fields[name]


def _check_type(entry: Mapping[str, Any], where: str) -> None:
    kind = entry.get("type")
    if kind is not None and kind != TEXT_TYPE:
        raise ApiError(400, f"{where} must be {TEXT_TYPE}: only plain text is supported")


def _utf8_size(text: str, where: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:  # half a surrogate pair spelled as a JSON escape
        raise ApiError(400, f"{where} holds an unpaired UTF-16 surrogate") from None


def _flag(fields: Mapping[str, Any], name: str) -> bool:
    value = fields.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ApiError(400, f"{name} must be true or false, not {_kind(value)}")
    return value


def _optional_string(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string, not {_kind(value)}")
    return value


def _attributes(value: Any) -> tuple[RequestedAttribute, ...]:
    if not isinstance(value, dict):
        raise ApiError(400, f"requestedAttributes must be a JSON object, not {_kind(value)}")
    if not value:
        raise ApiError(400, f"requestedAttributes is empty; ask for one or more of {', '.join(ATTRIBUTES)}")
    out = []
    for name, options in value.items():
        label = ATTRIBUTES.get(name)
        if label is None:
            raise ApiError(400, f"unknown attribute {name!r}: this server scores {', '.join(ATTRIBUTES)}")
        params = _fields(options if options is not None else {}, ATTRIBUTE_FIELDS, f"requestedAttributes.{name}")
        kind = params.get("scoreType")
        if kind not in (None, "", SCORE_TYPE):
            raise ApiError(400, f"requestedAttributes.{name}.scoreType must be {SCORE_TYPE}, not {kind!r}")
        threshold = params.get("scoreThreshold")
        if threshold is not None:
            if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
                raise ApiError(400, f"requestedAttributes.{name}.scoreThreshold must be a number from 0 to 1")
            threshold = float(threshold)
        out.append(RequestedAttribute(name, label, threshold))
    return tuple(out)


def _context(value: Any) -> tuple[str | None, str | None]:
    """The article text (entries joined, or the pair's article) and the parent comment's text, if given."""
    if value is None:
        return None, None
    fields = _fields(value, CONTEXT_FIELDS, "context")
    parts: list[str] = []
    entries = fields.get("entries")
    if entries is not None:
        if not isinstance(entries, list):
            raise ApiError(400, f"context.entries must be a list, not {_kind(entries)}")
        for i, entry in enumerate(entries):
            parts.append(_entry_text(entry, f"context.entries[{i}]"))
    parent = None
    pair = fields.get("articleAndParentComment")
    if pair is not None:
        pair_fields = _fields(pair, PAIR_FIELDS, "context.articleAndParentComment")
        if pair_fields.get("article") is not None:
            parts.append(_entry_text(pair_fields["article"], "context.articleAndParentComment.article"))
        if pair_fields.get("parentComment") is not None:
            parent = _entry_text(pair_fields["parentComment"], "context.articleAndParentComment.parentComment")
    article = "\n".join(p for p in parts if p.strip())
    return article or None, parent if parent and parent.strip() else None


def _entry_text(value: Any, where: str) -> str:
    entry = _fields(value, ENTRY_FIELDS, where)
    _check_type(entry, f"{where}.type")
    text = entry.get("text")
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ApiError(400, f"{where}.text must be a string, not {_kind(text)}")
    _utf8_size(text, f"{where}.text")
    return text


def _languages(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, 'languages must be a list of language codes such as ["en"]')
    return tuple(value)


def is_english(code: str) -> bool:
    """ISO 639-1 or BCP-47: ``en``, ``en-GB``, ``en_US``."""
    return code.strip().lower().replace("_", "-").split("-")[0] == LANGUAGE


# ---------------------------------------------------------------- scoring it


def job_for(request: AnalyzeRequest, serial: int) -> Job | None:
    """The request as a scoring job, or None when no attribute can be scored in its languages.

    Each request gets its own comment id, so concurrent requests never meet in the model; the article's id is
    a hash of its text, so the model can reuse what it worked out for an article many comments are under.

    Raises:
        ApiError: the request names only languages other than English (unless dropUnsupportedAttributes).
    """
    if request.languages and not any(is_english(code) for code in request.languages):
        if request.drop_unsupported:
            return None
        names = ", ".join(a.name for a in request.attributes)
        raise ApiError(
            400,
            f"attribute {names} does not support request languages: {', '.join(request.languages)} "
            f"(this server scores English only)",
        )
    comment_id = f"request-{serial}"
    article_id = None
    articles: dict[str, Article] = {}
    if request.article is not None:
        article_id = "article-" + hashlib.sha1(request.article.encode("utf-8")).hexdigest()[:20]
        articles[article_id] = Article(id=article_id, text=request.article)
    parents: dict[str, Comment] = {}
    parent_id = None
    if request.parent is not None:
        parent = Comment(id=f"{comment_id}-parent", text=request.parent, article_id=article_id)
        parent_id = parent.id
        parents[parent.key] = parent
    comment = Comment(id=comment_id, text=request.text, article_id=article_id, parent_id=parent_id)
    return Job([comment], articles, parents, spans=request.span_annotations)


def analyze_response(
    request: AnalyzeRequest, scored: ScoredComment | None, spans: Mapping[str, list[SpanScore]] | None
) -> AnalyzeResponse:
    """The response for a scored request (``scored`` is None when every attribute was dropped)."""
    attribute_scores: dict[str, AttributeScore] = {}
    for attribute in request.attributes:
        if scored is None:
            continue
        value = scored.scores[attribute.label]
        if attribute.score_threshold is not None and value < attribute.score_threshold:
            continue
        entry: AttributeScore = {"summaryScore": _score(value)}
        found = (spans or {}).get(attribute.label)
        if request.span_annotations and found:
            entry["spanScores"] = [
                {"begin": s.begin, "end": s.end, "score": _score(s.score)} for s in sorted(found, key=_begin)
            ]
        attribute_scores[attribute.name] = entry
    response: AnalyzeResponse = {
        "attributeScores": attribute_scores,
        "languages": list(request.languages) if request.languages else [LANGUAGE],
    }
    if request.client_token is not None:
        response["clientToken"] = request.client_token
    return response


def _begin(span: SpanScore) -> int:
    return span.begin


def _score(value: float) -> Score:
    return {"value": round(float(value), 6), "type": SCORE_TYPE}


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
