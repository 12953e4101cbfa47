"""The Perspective mapping: which requests are accepted, and the response built from scores."""

from __future__ import annotations

import pytest

from moderation.records import Comment, ScoredComment
from moderation.serve.engine import SpanScore
from moderation.serve.errors import ApiError
from moderation.serve.perspective import analyze_response, is_english, job_for, parse_analyze_request

LIMIT = 20_480


def parse(body: object) -> object:
    return parse_analyze_request(body, max_text_bytes=LIMIT)


def rejection(body: object) -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse(body)
    return caught.value


def test_a_request_as_perspective_documents_it_is_read_whole() -> None:
    request = parse(
        {
            "comment": {"text": "What kind of idiot name is foo?", "type": "PLAIN_TEXT"},
            "context": {"entries": [{"text": "Names of pets", "type": "PLAIN_TEXT"}, {"text": "in the city"}]},
            "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY", "scoreThreshold": 0.5}, "OFF_TOPIC": {}},
            "spanAnnotations": True,
            "languages": ["en"],
            "doNotStore": True,
            "clientToken": "abc",
            "sessionId": "s1",
            "communityId": "Coral:site",
        }
    )
    assert request.text == "What kind of idiot name is foo?"
    assert [(a.name, a.label, a.score_threshold) for a in request.attributes] == [
        ("TOXICITY", "abuse", 0.5),
        ("OFF_TOPIC", "off_topic", None),
    ]
    assert request.article == "Names of pets\nin the city"
    assert request.span_annotations and request.do_not_store
    assert request.languages == ("en",) and request.client_token == "abc"


def test_snake_case_field_names_are_accepted_as_google_s_json_mapping_does() -> None:
    request = parse({"comment": {"text": "hello"}, "requested_attributes": {"CONSPIRACY": {"score_threshold": 0}}})
    assert request.attributes[0].label == "conspiracy" and request.attributes[0].score_threshold == 0.0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([], "request must be a JSON object"),
        ({"requestedAttributes": {"TOXICITY": {}}}, "comment is required"),
        ({"comment": None, "requestedAttributes": {"TOXICITY": {}}}, "comment is required"),
        ({"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}}, "comment.text must be a string"),
        ({"comment": {"text": "  "}, "requestedAttributes": {"TOXICITY": {}}}, "comment.text is empty"),
        ({"comment": {"text": "hi", "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}}}, "PLAIN_TEXT"),
        ({"comment": {"text": "hi"}}, "requestedAttributes is required"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {}}, "requestedAttributes is empty"),
        ({"comment": {"text": "hi"}, "requestedAttributes": ["TOXICITY"]}, "must be a JSON object"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"INSULT": {}}}, "TOXICITY, CONSPIRACY, OFF_TOPIC"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}}, "from 0 to 1"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": True}}}, "from 0 to 1"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreType": "STD_DEV"}}}, "PROBABILITY"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": "en"}, "languages"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "doNotStore": "yes"}, "doNotStore"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "clientToken": 7}, "clientToken"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "extra": 1}, 'unknown field "extra"'),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "context": {"entries": {}}}, "list"),
        ({"comment": {"text": "\ud800"}, "requestedAttributes": {"TOXICITY": {}}}, "surrogate"),
    ],
)
def test_bad_requests_are_400s_that_name_the_field(body: object, words: str) -> None:
    error = rejection(body)
    assert error.code == 400 and error.status == "INVALID_ARGUMENT"
    assert words in error.message


def test_text_past_perspective_s_limit_is_refused_by_its_size_in_bytes() -> None:
    fits = "é" * (LIMIT // 2)  # two bytes each
    parse({"comment": {"text": fits}, "requestedAttributes": {"TOXICITY": {}}})
    error = rejection({"comment": {"text": fits + "x"}, "requestedAttributes": {"TOXICITY": {}}})
    assert error.code == 400 and "20,481 bytes" in error.message


def test_languages_other_than_english_alone_are_refused_unless_attributes_may_be_dropped() -> None:
    assert is_english("en") and is_english("en-GB") and is_english("EN_us") and not is_english("de")
    body = {"comment": {"text": "Hallo"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["de"]}
    with pytest.raises(ApiError) as caught:
        job_for(parse(body), 1)
    assert caught.value.code == 400 and "does not support request languages: de" in caught.value.message
    assert job_for(parse({**body, "languages": ["de", "en"]}), 1) is not None
    assert job_for(parse({**body, "dropUnsupportedAttributes": True}), 1) is None


def test_each_request_gets_its_own_comment_and_its_article_an_id_from_its_text() -> None:
    body = {
        "comment": {"text": "hi"},
        "requestedAttributes": {"OFF_TOPIC": {}},
        "context": {"entries": [{"text": "A"}]},
    }
    one, two = job_for(parse(body), 1), job_for(parse(body), 2)
    assert one is not None and two is not None
    assert one.comments[0].key != two.comments[0].key
    assert one.comments[0].article_id == two.comments[0].article_id
    assert one.articles[one.comments[0].article_id].text == "A"
    alone = job_for(parse({"comment": {"text": "hi"}, "requestedAttributes": {"OFF_TOPIC": {}}}), 3)
    assert alone is not None and alone.comments[0].article_id is None and not alone.articles


def test_the_parent_comment_of_the_older_context_form_is_what_the_comment_replies_to() -> None:
    context = {"articleAndParentComment": {"article": {"text": "Budget vote"}, "parentComment": {"text": "Why?"}}}
    job = job_for(
        parse({"comment": {"text": "Because"}, "requestedAttributes": {"TOXICITY": {}}, "context": context}), 4
    )
    assert job is not None
    (comment,) = job.comments
    assert job.parents[comment.parent_key].text == "Why?"
    assert job.articles[comment.article_id].text == "Budget vote"


def scored(**scores: float) -> ScoredComment:
    return ScoredComment(Comment(id="request-1", text="you idiot, thanks"), scores, (), {}, (), "m-fast")


def test_the_response_mirrors_the_request_and_leaves_out_scores_below_their_threshold() -> None:
    request = parse(
        {
            "comment": {"text": "you idiot, thanks"},
            "requestedAttributes": {"OFF_TOPIC": {"scoreThreshold": 0.5}, "TOXICITY": {"scoreThreshold": 0.5}},
            "clientToken": "tok",
        }
    )
    response = analyze_response(request, scored(abuse=0.91234567, conspiracy=0.1, off_topic=0.2), None)
    assert response == {
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.912346, "type": "PROBABILITY"}}},
        "languages": ["en"],
        "clientToken": "tok",
    }


def test_span_scores_are_given_when_asked_in_text_order() -> None:
    body = {"comment": {"text": "you idiot, thanks"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["en-GB"]}
    spans = {"abuse": [SpanScore(4, 9, 0.97), SpanScore(0, 3, 0.2)]}
    plain = analyze_response(parse(body), scored(abuse=0.9, conspiracy=0.1, off_topic=0.1), spans)
    assert "spanScores" not in plain["attributeScores"]["TOXICITY"]
    assert plain["languages"] == ["en-GB"] and "clientToken" not in plain
    asked = analyze_response(
        parse({**body, "spanAnnotations": True}), scored(abuse=0.9, conspiracy=0.1, off_topic=0.1), spans
    )
    assert asked["attributeScores"]["TOXICITY"]["spanScores"] == [
        {"begin": 0, "end": 3, "score": {"value": 0.2, "type": "PROBABILITY"}},
        {"begin": 4, "end": 9, "score": {"value": 0.97, "type": "PROBABILITY"}},
    ]
