from pathlib import Path

import pytest

from moderation.datasets.textrepair import (
    decode,
    fix_mojibake,
    read_lines,
    repair_text,
    restore_lost_apostrophes,
    strip_html,
    unescape_entities,
)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"ok \xf0\x9f\x98\x82 fine", "ok 😂 fine"),  # valid UTF-8 untouched
        (b"caf\xe9 is closed", "café is closed"),  # a Latin-1 letter inside text
        (b"smart \x93quote\x94", "smart “quote”"),  # Windows-1252 punctuation
        (b"We don\xe2\tNOT", "We don\tNOT"),  # cut after the first byte of an apostrophe, at a field end
        (b"isn\xe2\x80\tOFF", "isn\tOFF"),  # cut after two of three bytes
        (b"\xf0\x9f\x87\xba\xf0\x9f\x87", "🇺"),  # the valid flag half survives, the cut one goes
    ],
)
def test_decode_keeps_valid_utf8_and_repairs_only_the_faulty_bytes(raw: bytes, text: str) -> None:
    assert decode(raw) == (text, raw != text.encode())


def test_mojibake_is_undone_and_clean_text_left_alone() -> None:
    assert fix_mojibake("I donâ€™t agree") == ("I don’t agree", True)
    assert fix_mojibake("Ã‰cole") == ("École", True)
    assert fix_mojibake("Â£5 â€” fine") == ("£5 — fine", True)
    assert fix_mojibake("naïve café") == ("naïve café", False)


def test_entities_are_unescaped_once_or_twice_but_plain_ampersands_stay() -> None:
    assert unescape_entities("you &amp; me &#128514;") == ("you & me 😂", True)
    assert unescape_entities("Commie &amp;#9773; Mints") == ("Commie ☭ Mints", True)
    assert unescape_entities("AT&T and R&D") == ("AT&T and R&D", False)


def test_only_apostrophes_between_letters_are_restored() -> None:
    assert restore_lost_apostrophes("didn\ufffdt quit") == ("didn’t quit", True)
    assert restore_lost_apostrophes("\ufffdquoted\ufffd") == ("\ufffdquoted\ufffd", False)


def test_repair_text_applies_every_step_and_drops_byte_order_marks() -> None:
    assert repair_text("Great song\ufeff") == ("Great song", True)
    assert repair_text("it&#39;s donâ€™t") == ("it's don’t", True)
    assert repair_text("nothing to do") == ("nothing to do", False)


def test_html_markup_is_stripped_keeping_line_breaks() -> None:
    assert strip_html("<p>Hello <b>there</b></p><p>Second</p>") == ("Hello there\nSecond", True)
    assert strip_html('Visit <a href="http://x.example">x.example</a><br />now') == ("Visit x.example\nnow", True)
    assert strip_html("3 < 4 and 5 > 2") == ("3 < 4 and 5 > 2", False)


def test_read_lines_flags_the_lines_that_needed_a_repair(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\r\nok,1\r\ncaf\xe9,2\r\n")
    lines, repaired = read_lines(path)
    assert lines == ["a,b\r\n", "ok,1\r\n", "café,2\r\n"]
    assert repaired == [False, False, True]
