"""The checks made before listening: the key, loopback addresses, and the options passed to workers."""

from __future__ import annotations

import re

import pytest

from moderation.errors import InputError, ModerationError
from moderation.serve.settings import (
    API_KEY_ENV,
    Batching,
    Limits,
    ServeOptions,
    check_bind,
    config_readable_by_others,
    is_loopback,
    load_api_key,
)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_an_exposed_address_needs_a_key_or_insecure() -> None:
    check_bind("127.0.0.1", None, insecure=False)
    check_bind("0.0.0.0", "k", insecure=False)
    check_bind("0.0.0.0", None, insecure=True)
    with pytest.raises(ModerationError, match=re.escape("refusing to listen on 0.0.0.0 without an API key")):
        check_bind("0.0.0.0", None, insecure=False)


def test_the_key_comes_from_the_environment_before_the_config_file(tmp_path, monkeypatch) -> None:
    config = tmp_path / "serve.toml"
    config.write_text('[serve]\napi_key = " from-file "\n', encoding="utf-8")
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    assert load_api_key(None) is None
    assert load_api_key(config) == "from-file"
    monkeypatch.setenv(API_KEY_ENV, "from-env")
    assert load_api_key(config) == "from-env"


def test_a_bad_key_setting_names_the_file(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    config = tmp_path / "serve.toml"
    config.write_text("[serve]\napi_key = 5\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("serve.toml: [serve] api_key must be a non-empty string")):
        load_api_key(config)


def test_a_config_file_readable_by_others_is_noticed(tmp_path) -> None:
    config = tmp_path / "serve.toml"
    config.write_text("", encoding="utf-8")
    config.chmod(0o600)
    assert not config_readable_by_others(config)
    config.chmod(0o644)
    assert config_readable_by_others(config)


def test_options_travel_to_worker_processes_unchanged() -> None:
    options = ServeOptions(
        host="::1",
        port=9,
        workers=2,
        fast=True,
        threshold_overrides=("abuse=0.3",),
        limits=Limits(max_body_bytes=5000),
        batching=Batching(window=0.0, max_batch=3, parallel=2),
    )
    assert ServeOptions.from_json(options.to_json()) == options
