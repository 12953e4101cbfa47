"""One adapter per corpus: its files and columns onto our targets. Cut-offs are explained in datasets/*.md."""

from __future__ import annotations

import ast
import csv
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from moderation.datasets.records import Corpus, Example, labels
from moderation.datasets.repeats import majority, merge_repeats
from moderation.datasets.textrepair import read_lines, repair_text, sha256, strip_html
from moderation.errors import DatasetError

csv.field_size_limit(2**31 - 1)


class _Reader:
    """Accounting shared by the adapters: rows read, repaired and dropped, file hashes.

    A row counts as repaired once, whatever was wrong with it: bytes that were not UTF-8 on any of its
    physical lines, or text that needed a repair (mojibake, HTML entities or markup, lost apostrophes).
    """

    def __init__(self, corpus: Corpus, folder: Path) -> None:
        self.corpus = corpus
        self.folder = folder
        self._row_bytes_repaired = False

    def _lines(self, name: str) -> tuple[list[str], list[bool]]:
        path = self.folder / name
        if not path.exists():
            raise DatasetError(f"{path}: missing; is --data-dir the folder holding {self.corpus.folder}/?")
        self.corpus.sha256[name] = sha256(path)
        return read_lines(path)

    def csv_rows(self, name: str, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> Iterator[dict[str, str]]:
        lines, repaired = self._lines(name)
        reader = csv.DictReader(lines, delimiter=delimiter, quoting=quoting)
        start = 1  # the header line
        for row in reader:
            self.corpus.rows_read += 1
            self._row_bytes_repaired = any(repaired[start : reader.line_num])
            start = reader.line_num
            yield row

    def jsonl_rows(self, name: str) -> Iterator[dict[str, Any]]:
        lines, repaired = self._lines(name)
        for line, bytes_repaired in zip(lines, repaired, strict=True):
            if not line.strip():
                continue
            self.corpus.rows_read += 1
            self._row_bytes_repaired = bytes_repaired
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                self.corpus.dropped += 1
                continue
            if isinstance(row, dict):
                yield row
            else:
                self.corpus.dropped += 1

    def add(
        self,
        text: str | None,
        group: str,
        weight: float = 1.0,
        context: str | None = None,
        spans: Iterable[tuple[int, int]] = (),
        markup: bool = False,
        split: str | None = None,
        target: str | None = None,
        **known: int | None,
    ) -> None:
        """One example from one row; ``markup`` for corpora that store HTML; ``spans`` index the raw text."""
        raw = text or ""
        text = raw.strip()
        if not text:
            self.corpus.dropped += 1
            return
        fixed_text, text_repaired = self._repair(text, markup)
        fixed_context, context_repaired = self._repair(context.strip(), markup) if context else (None, False)
        self.corpus.repaired += self._row_bytes_repaired or text_repaired or context_repaired
        offset = len(raw) - len(raw.lstrip())
        kept_spans = () if text_repaired else _clip(spans, offset, len(text))  # offsets mean nothing after a repair
        self.corpus.examples.append(
            Example(
                text=fixed_text,
                labels=labels(**known),
                source=self.corpus.name,
                group=group,
                context=fixed_context or None,
                weight=weight,
                spans=kept_spans,
                split=split,
                target=target,
            )
        )

    @staticmethod
    def _repair(text: str, markup: bool) -> tuple[str, bool]:
        fixed, repaired = repair_text(text)
        if markup:
            fixed, stripped = strip_html(fixed)
            repaired |= stripped
        return fixed, repaired

    def drop(self) -> None:
        self.corpus.dropped += 1


def _clip(spans: Iterable[tuple[int, int]], offset: int, length: int) -> tuple[tuple[int, int], ...]:
    """Spans of the raw text moved onto the stripped text, clipped to it, merged where they touch."""
    moved = sorted((max(0, s - offset), min(length, e - offset)) for s, e in spans)
    merged: list[tuple[int, int]] = []
    for start, end in moved:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _c3(r: _Reader) -> None:
    # abuse: clearly toxic (mean crowd toxicity >= 2.5 of 1-4) is 1; clearly civil
    # (mean < 1.5 and no vote for personal attack or abusive) is 0; the mildly toxic middle is unknown.
    # off_topic: >= 2 "non_relevant" votes positive, none negative, a single vote unknown.
    for row in r.csv_rows("C3_anonymized.csv"):
        level = _float(row.get("crowd_toxicity_level"))
        votes = _votes(row.get("toxicity_characteristics", ""))
        non_con = _votes(row.get("non_constructive_characteristics", ""))
        attacks = votes.get("personal_attack", 0) + votes.get("abusive", 0)
        abuse = None
        if level is not None:
            if level >= 2.5:
                abuse = 1
            elif level < 1.5 and attacks == 0:
                abuse = 0
        nr = non_con.get("non_relevant", 0)
        off = 1 if nr >= 2 else 0 if nr == 0 else None
        r.add(row.get("comment_text"), group=row.get("article_id") or "?", abuse=abuse, off_topic=off)


def _votes(cell: str) -> dict[str, int]:
    out = {}
    for part in cell.replace(";", "\n").splitlines():
        name, _, count = part.partition(":")
        try:
            out[name.strip()] = int(float(count))
        except ValueError:
            continue
    return out


def _ucc(r: _Reader) -> None:
    # abuse: hostile (annotator confidence >= 0.75) is 1; healthy and neither hostile nor antagonistic is 0;
    # antagonistic-only (provocation, trolling: often not aimed at a person) and unsure hostility are unknown.
    for name in ("val.csv", "test.csv"):
        for row in r.csv_rows(name):
            hostile, antagonize, healthy = (_float(row.get(k)) for k in ("hostile", "antagonize", "healthy"))
            if hostile is None or antagonize is None or healthy is None:
                r.drop()
                continue
            sure = _float(row.get("hostile:confidence")) or 0.0
            if hostile >= 0.5:
                abuse = 1 if sure >= 0.75 else None
            else:
                abuse = 0 if (healthy >= 0.5 and antagonize < 0.5) else None
            r.add(row.get("comment"), group=f"ucc-{row.get('_unit_id')}", abuse=abuse)


def _socc(r: _Reader) -> None:
    # abuse: the most frequent toxicity answer is 3 (toxic) or 4 (very toxic); 1 (not toxic) is 0; 2 (mildly
    # toxic) is unknown. The article title is the context.
    for row in r.csv_rows("SFU_constructiveness_toxicity.csv"):
        level = _float(row.get("is_toxic_popular_answer_1"))
        title = (row.get("title") or "").strip() or None
        r.add(
            row.get("comment"),
            group=row.get("globe_url") or title or "?",
            context=title,
            abuse=None if level is None else 1 if level >= 3 else 0 if level < 2 else None,
        )


def _olid(r: _Reader) -> None:
    # abuse: OFF (offensive, targeted or not); tweets weigh less than news comments
    for row in r.csv_rows("olid-training-v1.0.tsv", delimiter="\t", quoting=csv.QUOTE_NONE):
        label = row.get("subtask_a")
        if label not in ("OFF", "NOT"):
            r.drop()
            continue
        r.add(row.get("tweet"), group=f"olid-{row.get('id')}", weight=0.5, abuse=int(label == "OFF"))


def _davidson(r: _Reader) -> None:
    # abuse: hate speech or offensive language (class 0 or 1); neither (2) is not
    for row in r.csv_rows("labeled_data.csv"):
        label = row.get("class")
        if label not in ("0", "1", "2"):
            r.drop()
            continue
        r.add(row.get("tweet"), group=f"davidson-{row.get('')}", weight=0.5, abuse=int(label != "2"))


def _civil_spans(r: _Reader) -> None:
    # every comment here was rated toxic by crowd workers: abuse positives (CC0), with the characters that at
    # least half of the comment's raters marked as toxic as spans (the SemEval-2021 ground truth rule)
    spans = _majority_spans(r)
    for row in r.csv_rows("comments.csv"):
        comment_id = row.get("comment_id") or ""
        r.add(row.get("comment_text"), group=f"civil-{comment_id}", spans=spans.get(comment_id, ()), abuse=1)


def _majority_spans(r: _Reader) -> dict[str, list[tuple[int, int]]]:
    """comment id -> character ranges marked by at least half of its raters (annotations.csv + spans.csv)."""
    lines, _ = r._lines("annotations.csv")
    comment_of = {row["annotation"]: row["comment_id"] for row in csv.DictReader(lines)}
    raters = Counter(comment_of.values())
    marked: dict[str, set[int]] = defaultdict(set)  # annotation -> characters, so overlaps count once per rater
    lines, _ = r._lines("spans.csv")
    for row in csv.DictReader(lines):
        start, end = _int(row.get("start")), _int(row.get("end"))
        if start is not None and end is not None and row.get("annotation") in comment_of:
            marked[row["annotation"]].update(range(start, end))
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    for annotation, characters in marked.items():
        votes[comment_of[annotation]].update(characters)
    return {
        comment: _ranges(sorted(c for c, n in counts.items() if 2 * n >= raters[comment]))
        for comment, counts in votes.items()
    }


def _ranges(characters: list[int]) -> list[tuple[int, int]]:
    """Sorted character positions as half-open (start, end) runs."""
    runs: list[tuple[int, int]] = []
    for c in characters:
        if runs and runs[-1][1] == c:
            runs[-1] = (runs[-1][0], c + 1)
        else:
            runs.append((c, c + 1))
    return runs


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _psycomark(r: _Reader) -> None:
    # conspiracy: Yes / No; "Can't tell" is unknown. A post appears once per annotator: its rows are merged,
    # Yes/No answers by majority (a tie is unknown; disagreements counted as conflicts), and the marker spans
    # of the annotators who answered Yes become the spans of a positive post. Cross-posts (one statement
    # under several ids) are merged afterwards like every repeated text.
    posts: dict[str, list[dict[str, Any]]] = {}
    for row in r.jsonl_rows("train_rehydrated.jsonl"):
        post = str(row.get("_id"))
        if post in posts:
            r.corpus.duplicates += 1
        posts.setdefault(post, []).append(row)
    for post, rows in posts.items():
        answers = [_YES_NO[a] for row in rows if (a := row.get("conspiracy")) in _YES_NO]
        value = majority(answers)
        r.corpus.conflicts += len(set(answers)) > 1
        spans = [
            (m["startIndex"], m["endIndex"])
            for row in rows
            if value == 1 and row.get("conspiracy") == "Yes"
            for m in row.get("markers") or []
            if isinstance(m, dict) and isinstance(m.get("startIndex"), int) and isinstance(m.get("endIndex"), int)
        ]
        r.add(rows[0].get("text"), group=post, spans=spans, conspiracy=value)


_YES_NO = {"Yes": 1, "No": 0}


def _covid(r: _Reader) -> None:
    # weak conspiracy data: COVID-vaccine conspiracy (1) vs other comments (0); noisy, so low weight
    for number, row in enumerate(r.csv_rows("finaldataset_y.csv"), 1):
        label = row.get("label")
        if label not in ("0", "1"):
            r.drop()
            continue
        r.add(row.get("comments"), group=f"covid-{number}", weight=0.3, conspiracy=int(label))


def _mediaeval(r: _Reader) -> None:
    # conspiracy: 5G-corona (1) or other (2) conspiracy; 3 is same-topic non-conspiracy (hard negatives)
    for row in r.csv_rows("mediaeval2020_fakenews_dev_rehydrated.csv"):
        label = row.get("Label")
        if label not in ("1", "2", "3"):
            r.drop()
            continue
        r.add(row.get("Text"), group=f"mediaeval-{row.get('ID')}", weight=0.5, conspiracy=int(label != "3"))


def _pan(r: _Reader) -> None:
    # conspiracy vs critical (same-topic hard negatives); machine-translated messages weigh less
    for name, weight in (
        ("dataset_en_train_text_labels.jsonl", 0.7),
        ("dataset_es_train_machine_translated_to_en.jsonl", 0.35),
    ):
        for row in r.jsonl_rows(name):
            label = row.get("conspiracy")
            if label not in (0, 1):
                r.drop()
                continue
            ident = row.get("id", row.get("row"))
            r.add(row.get("text"), group=f"pan-{name[:10]}-{ident}", weight=weight, conspiracy=int(label))


def _qanon(r: _Reader) -> None:
    # weak, unlabelled positives: posts by the originator of the QAnon conspiracy
    for row in r.jsonl_rows("posts.url-normalized.line-json.jsonl"):
        text = row.get("text") or ""
        lines = [line for line in text.splitlines() if not line.startswith(">>")]
        text = "\n".join(lines).strip()
        if len(text) < 40:  # cryptic one-liners and bare references say little
            r.drop()
            continue
        post_id = (row.get("post_metadata") or {}).get("id")
        r.add(text, group=f"qanon-{post_id}", weight=0.2, conspiracy=1)


def _youtube(r: _Reader) -> None:
    # spam: label 1 (channel promotion, "subscribe", links); the video is the group, so a video is held out whole
    for name in sorted(p.name for p in r.folder.glob("Youtube0*.csv")):
        for row in r.csv_rows(name):
            label = row.get("label", row.get("CLASS"))
            if label not in ("0", "1"):
                r.drop()
                continue
            r.add(row.get("CONTENT"), group=name.removesuffix(".csv"), markup=True, spam=int(label))


def _qatar(r: _Reader) -> None:
    # forum replies with their question as context (stored as HTML). off_topic: "Bad" (does not address the
    # question) is 1, "Good" and "Potential" (address it) are 0; "Dialogue" (chat between users, on the
    # thread but not answering) and "Not English" are unknown.
    for row in r.csv_rows("cqa_ql_dev_test_en.csv"):
        question = "\n".join(part.strip() for part in (row.get("qsubject"), row.get("qbody")) if part and part.strip())
        r.add(
            row.get("cbody"),
            group=row.get("qid") or "?",
            context=question or None,
            markup=True,
            off_topic=_QATAR_OFF_TOPIC.get(row.get("cgold") or ""),
        )


def _toxigen(r: _Reader) -> None:
    # abuse: identity-directed hate written without slurs (1) against neutral mentions of the same groups (0).
    # The target groups are the split units: demonstrations about one group are often joined copies of each other.
    for row in r.csv_rows("toxigen_demonstrations.csv"):
        label = row.get("label")
        if label not in ("hate", "neutral"):
            r.drop()
            continue
        r.add(row.get("text"), group=f"toxigen-{row.get('target_groups')}", abuse=int(label == "hate"))


_QATAR_OFF_TOPIC = {"Bad": 1, "Good": 0, "Potential": 0}


def _dynahate(r: _Reader) -> None:
    # abuse: statements written adversarially against models, hate (1) or not (0), many as contrast pairs (a
    # minimal edit that flips the label with the same identity words). A pair is one group, so both sides land in
    # one split. The published test file stays test, and so do dev rows paired with a test row; the other dev
    # rows are split into train and validation by their pair.
    files = ("db_dev.csv", "db_test.csv")
    pairs = [(name, row) for name in files for row in csv.DictReader(read_lines(r.folder / name)[0])]
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for _, row in pairs:
        ident, matched = row.get("acl.id") or "", row.get("acl.id.matched") or ""
        if ident and matched:
            a, b = root(ident), root(matched)
            if a != b:
                parent[max(a, b)] = min(a, b)
    in_test = {root(row.get("acl.id") or "") for name, row in pairs if name == "db_test.csv"}
    for file, row in ((f, row) for f in files for row in r.csv_rows(f)):
        label = row.get("label")
        if label not in ("hate", "nothate"):
            r.drop()
            continue
        pair = root(row.get("acl.id") or "")
        target = (row.get("target") or "").strip()
        r.add(
            row.get("text"),
            group=f"dynahate-{pair}",
            split="test" if file == "db_test.csv" or pair in in_test else None,
            target=target if target not in ("", "none", "notgiven", "notargetrecorded") else None,
            abuse=int(label == "hate"),
        )


def _hatexplain(r: _Reader) -> None:
    # abuse: Twitter and Gab posts, hate speech or offensive (1) against normal (0) by the majority of three
    # annotators; no majority is unknown. The authors' split is kept (val is our validation).
    divisions = json.loads((r.folder / "post_id_divisions.json").read_text(encoding="utf-8"))
    r.corpus.sha256["post_id_divisions.json"] = sha256(r.folder / "post_id_divisions.json")
    split_of_post = {post: {"val": "valid"}.get(part, part) for part, posts in divisions.items() for post in posts}
    for row in r.csv_rows("092-HateXplain.csv"):
        post = row.get("") or ""
        category = row.get("category")
        if category not in ("0", "1", "2") or post not in split_of_post:
            r.drop()
            continue
        r.add(row.get("text"), group=f"hatexplain-{post}", split=split_of_post[post], abuse=int(category != "0"))


def _toxigen_annotated(r: _Reader) -> None:
    # abuse: machine-written statements about 13 groups rated 1-5 for toxicity by three people; the mean rating
    # decides (4 or more: 1, 2 or less: 0, between: unknown), not the prompt's label. Texts are stored as Python
    # bytes literals. Each statement is its own group; its target group gives the per-group slices.
    for row in r.csv_rows("toxigen.csv"):
        text = _bytes_literal(row.get("text") or "")
        rating = _float(row.get("toxicity_human"))
        if text is None or rating is None or 2 < rating < 4:
            r.drop()
            continue
        r.add(
            text,
            group=f"toxigen-annotated-{hashlib.sha1(text.encode()).hexdigest()[:12]}",
            target=(row.get("target_group") or "").strip() or None,
            abuse=int(rating >= 4),
        )


def _bytes_literal(cell: str) -> str | None:
    """``b'...'`` as written by Python, decoded as UTF-8; None when the cell is not such a literal."""
    cell = cell.strip()
    if not (cell.startswith(("b'", 'b"')) and cell.endswith(cell[1]) and len(cell) >= 3):
        return None
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError):
        return None
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else None


Adapter = Callable[[_Reader], None]
_ADAPTERS: dict[str, tuple[str, str, bool, Adapter]] = {
    # key: (folder, license as stated, commercial use allowed, adapter)
    # Repeated texts are merged (repeats.py) except in the Globe and Mail corpora (merged across the three in
    # splits.py), YouTube (spam is repeated across videos, which are the groups) and Qatar (a short reply
    # such as "thanks" under different questions is a different example: its context differs).
    "c3": ("c3_constructive_comments", "CC BY-NC-SA 4.0 (parent SOCC)", False, _c3),
    "ucc": ("ucc_unhealthy_comments", "CC BY-NC-SA 4.0", False, _ucc),
    "socc": ("socc_constructiveness_toxicity", "CC BY-NC-SA 4.0", False, _socc),
    "olid": ("olid_offenseval2019", "none stated", False, _olid),
    "davidson": ("davidson_hate_offensive", "MIT", True, _davidson),
    "civil_spans": ("civil_comments_toxic_spans", "CC0 1.0", True, _civil_spans),
    "toxigen": ("toxigen_demonstrations", "MIT", True, _toxigen),
    "toxigen_annotated": ("toxigen_annotated", "MIT + CDLA-Permissive 2.0; research use", False, _toxigen_annotated),
    "dynahate": ("dynahate_adversarial_hate", "none stated; research use", False, _dynahate),
    "hatexplain": ("hatexplain", "MIT (authors), CC BY 4.0 (card)", True, _hatexplain),
    "psycomark": ("psycomark_reddit_conspiracy", "CC-BY (task site)", True, _psycomark),
    "covid": ("covid_vaccine_conspiracy_comments", "MIT", True, _covid),
    "mediaeval": ("mediaeval2020_fakenews_5g_conspiracy_tweets", "none stated; research only", False, _mediaeval),
    "pan": ("pan2024_oppositional_en_train", "CC BY-SA 4.0", True, _pan),
    "qanon": ("qanon_q_drops", "MIT; research only", False, _qanon),
    "youtube": ("youtube_spam_collection", "none stated (public research set)", False, _youtube),
    "qatar": ("semeval2015_cqa_qatarliving", "free for general research use", False, _qatar),
}
CORPORA: dict[str, str] = {key: spec[0] for key, spec in _ADAPTERS.items()}


def load_corpus(name: str, data_dir: Path) -> Corpus:
    """Read one corpus from ``data_dir/<folder>``."""
    if name not in _ADAPTERS:
        raise DatasetError(f"unknown corpus {name!r} (known: {', '.join(CORPORA)})")
    folder, license_, commercial, adapter = _ADAPTERS[name]
    path = Path(data_dir) / folder
    if not path.is_dir():
        raise DatasetError(
            f"{path}: corpus folder missing; pass --data-dir pointing at the folder that holds {folder}/ "
            "(for example ../shared/datasets)"
        )
    corpus = Corpus(name=name, folder=folder, license=license_, commercial_use=commercial)
    adapter(_Reader(corpus, path))
    if name not in _KEEP_REPEATS:
        merge_repeats(corpus)
    return corpus


_KEEP_REPEATS = ("c3", "ucc", "socc", "youtube", "qatar")
