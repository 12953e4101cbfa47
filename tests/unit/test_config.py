import pytest

from moderation.config import load_severity, load_thresholds
from moderation.errors import InputError


def test_file_then_command_line(tmp_path) -> None:
    config = tmp_path / "moderation.toml"
    config.write_text("[thresholds]\nabuse = 0.7\noff_topic = 0.9\n")
    assert load_thresholds(config, ["abuse=0.8"]) == {"abuse": 0.8, "off_topic": 0.9}


@pytest.mark.parametrize("bad", ["abuse", "toxicity=0.5", "abuse=high", "abuse=1.5"])
def test_bad_overrides_are_clear_errors(bad: str) -> None:
    with pytest.raises(InputError, match="command line"):
        load_thresholds(None, [bad])


def test_bad_toml_names_the_file(tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[thresholds\n")
    with pytest.raises(InputError, match=r"bad\.toml"):
        load_thresholds(config)


def test_severity_defaults_to_abuse_then_conspiracy_then_off_topic() -> None:
    assert load_severity(None) == {"abuse": 3, "conspiracy": 2, "off_topic": 1}


def test_severity_from_the_file_overrides_label_by_label(tmp_path) -> None:
    config = tmp_path / "moderation.toml"
    config.write_text("[thresholds]\nabuse = 0.7\n\n[severity]\nconspiracy = 4\noff_topic = 2.5\n")
    assert load_severity(config) == {"abuse": 3, "conspiracy": 4, "off_topic": 2.5}
    assert load_thresholds(config) == {"abuse": 0.7}  # the tables do not disturb each other


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("[severity]\nabuse = 3\ntoxicity = 2\n", 3, r"unknown label 'toxicity' in \[severity\]"),
        ("# ours\n[severity]\nabuse = 'high'\n", 3, "severity for abuse must be a number"),
        ("[severity]\n\noff_topic = true\n", 3, "severity for off_topic must be a number"),
        ("[severity]\nabuse = nan\n", 2, "severity for abuse must be a number"),
        ("severity.abuse = []\n", 1, "severity for abuse must be a number"),
        ("title = 'x'\nseverity = 3\n", 2, r"\[severity\] must be a table"),
    ],
)
def test_bad_severity_names_the_file_and_line(tmp_path, body: str, line: int, message: str) -> None:
    config = tmp_path / "site.toml"
    config.write_text(body)
    with pytest.raises(InputError, match=rf"site\.toml:{line}: {message}"):
        load_severity(config)


def test_a_bad_threshold_in_the_file_names_its_line(tmp_path) -> None:
    config = tmp_path / "site.toml"
    config.write_text("[severity]\nabuse = 3\n[thresholds]\nabuse = 1.5\n")
    with pytest.raises(InputError, match=r"site\.toml:4: threshold for abuse must be between 0 and 1"):
        load_thresholds(config)


def test_bad_toml_in_severity_names_the_file(tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[severity\nabuse = 3\n")
    with pytest.raises(InputError, match=r"bad\.toml"):
        load_severity(config)
