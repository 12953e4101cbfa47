import json
import re
from pathlib import Path

import pytest
import sklearn

from moderation.errors import ModelError
from moderation.model import artifact, load_model

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def trusted_list(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "trusted.txt"
    monkeypatch.setenv(artifact.TRUSTED_ENV, str(path))
    return path


@pytest.fixture
def saved(tiny_model, tmp_path) -> Path:
    path = tmp_path / "tiny.joblib"
    artifact.save(tiny_model, path, {"note": "test"})
    return path


def test_shipped_model_matches_the_pinned_scikit_learn() -> None:
    sidecar = json.loads(artifact.sidecar_path(artifact.shipped_model_path()).read_text())
    pinned = re.search(r'"scikit-learn==([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert sidecar["libraries"]["scikit-learn"] == pinned == sklearn.__version__
    assert artifact.shipped_model_path().stat().st_size < 20_000_000


def test_shipped_model_loads_and_is_cached() -> None:
    model = load_model()
    assert model is load_model()
    assert set(model.thresholds) == {"abuse", "conspiracy", "off_topic"}


def test_untrusted_model_is_refused(saved, trusted_list) -> None:
    with pytest.raises(ModelError, match="not a trusted model"):
        load_model(saved)


def test_listed_or_vouched_model_loads(saved, trusted_list) -> None:
    assert load_model(saved, trusted=True).version == "tiny"
    artifact.trust(saved)
    assert saved.name in trusted_list.read_text()
    assert load_model(saved).version == "tiny"


def test_model_made_with_other_scikit_learn_is_refused(saved, trusted_list) -> None:
    side = artifact.sidecar_path(saved)
    data = json.loads(side.read_text())
    data["libraries"]["scikit-learn"] = "0.0.1"
    side.write_text(json.dumps(data))
    with pytest.raises(ModelError, match=r"made with scikit-learn 0\.0\.1"):
        load_model(saved, trusted=True)


def test_missing_sidecar_and_missing_file(saved, tmp_path) -> None:
    artifact.sidecar_path(saved).unlink()
    with pytest.raises(ModelError, match="no sidecar"):
        load_model(saved, trusted=True)
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "absent.joblib")
