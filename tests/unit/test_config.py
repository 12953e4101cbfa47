import pytest

from moderation.config import load_thresholds
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
