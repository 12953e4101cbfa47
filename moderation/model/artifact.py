"""Saving and loading models: one joblib file plus a JSON sidecar, and the trust rules around them.

A joblib file is a pickle, and loading a pickle runs code. So only these are loaded: the model shipped in
the package (its hash is checked against the sidecar shipped with it), models whose hash is listed in the
trusted-models file (``moderation train`` adds the models it writes), or a file the user vouches for with
``--trust-model``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from moderation.errors import ModelError
from moderation.model.linear.numpy_pipeline import Unsupported, stand_in

# scikit-learn, SciPy and joblib are imported where a model is saved or loaded, not here: reading a
# sidecar (as `moderation report` does for thresholds) should not cost the second they take to import.

SHIPPED_NAME = "model.joblib"
TRUSTED_ENV = "MODERATION_TRUSTED_MODELS"


def shipped_model_path() -> Path:
    return Path(str(resources.files("moderation") / "data" / SHIPPED_NAME))


def sidecar_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def trusted_models_file() -> Path:
    """Where trusted model hashes are listed (one ``sha256  path`` per line)."""
    override = os.environ.get(TRUSTED_ENV)
    if override:
        return Path(override)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "moderation" / "trusted-models.txt"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def trusted_hashes() -> set[str]:
    path = trusted_models_file()
    if not path.exists():
        return set()
    return {line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def trust(model_path: Path) -> None:
    """List a model the user made as trusted, so ``--model`` accepts it later."""
    path = trusted_models_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(f"{file_sha256(model_path)}  {model_path.resolve()}\n")


def library_versions() -> dict[str, str]:
    import numpy as np
    import scipy
    import sklearn

    return {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}


def save(model: Any, path: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Write the model and its sidecar; the sidecar records the model file's hash."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=("zlib", 6))
    sidecar = {
        "version": model.version,
        "labels": list(model.labels),
        "thresholds": model.thresholds,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "sha256": file_sha256(path),
        **info,
    }
    sidecar_path(path).write_text(json.dumps(sidecar, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return sidecar


def read_sidecar(path: Path) -> dict[str, Any]:
    side = sidecar_path(path)
    try:
        return json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no sidecar {side.name} next to the model file") from None
    except json.JSONDecodeError as err:
        raise ModelError(f"{side}: not valid JSON ({err.msg})") from None


def check_trust(path: Path, sidecar: dict[str, Any], *, trusted: bool) -> None:
    """Refuse to unpickle anything not shipped, listed as trusted, or vouched for."""
    digest = file_sha256(path)
    shipped = path.resolve() == shipped_model_path().resolve()
    if shipped:
        if digest != sidecar.get("sha256"):
            raise ModelError(f"{path}: the shipped model does not match the hash in its sidecar; reinstall the package")
        return
    if trusted or digest in trusted_hashes():
        return
    raise ModelError(
        f"{path}: not a trusted model. Model files are pickles and loading one runs code; "
        f"pass --trust-model if you made it or trust its source, or list its hash in {trusted_models_file()}"
    )


def check_versions(path: Path, sidecar: dict[str, Any]) -> None:
    """The installed scikit-learn must be the one the model was made with (asked of its metadata: no import)."""
    try:
        installed = version("scikit-learn")
    except PackageNotFoundError:
        installed = "no version"
    made_with = sidecar.get("libraries", {}).get("scikit-learn")
    if made_with != installed:
        raise ModelError(
            f"{path}: made with scikit-learn {made_with}, but {installed} is installed; "
            "install the pinned version or retrain with `moderation train`"
        )


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float, trusted: bool) -> Any:
    sidecar = read_sidecar(path)
    check_trust(path, sidecar, trusted=trusted)
    check_versions(path, sidecar)
    import joblib

    try:
        try:
            return _read_with_stand_ins(path)
        except Unsupported:
            return joblib.load(path)
    except Exception as err:  # a corrupt or foreign pickle: say which file
        raise ModelError(f"{path}: cannot load model ({type(err).__name__}: {err})") from None


_reading = threading.Lock()


def _read_with_stand_ins(path: Path) -> Any:
    """A model file read with numpy stand-ins for its scikit-learn classes, so scikit-learn is never imported.

    joblib reads the file through ``numpy_pickle.NumpyUnpickler``; for this one read that name refers to a
    subclass that resolves scikit-learn classes to ``numpy_pipeline``'s stand-ins (anything it has none for
    raises ``Unsupported``). Every other class resolves as usual: the trust checks above still decide
    whether the file is read at all.
    """
    from joblib import numpy_pickle

    base = numpy_pickle.NumpyUnpickler

    class StandInUnpickler(base):  # type: ignore[misc, valid-type]
        def find_class(self, module: str, name: str) -> Any:
            return stand_in(module, name) or super().find_class(module, name)

    with _reading:
        numpy_pickle.NumpyUnpickler = StandInUnpickler
        try:
            return numpy_pickle.load(path)
        finally:
            numpy_pickle.NumpyUnpickler = base


def load_model(
    path: str | Path | None = None, *, trusted: bool = False, fast: bool = False, config: str | Path | None = None
) -> Any:
    """The shipped model, or a trusted model file; loaded once per process and cached.

    ``fast`` gives its linear tier alone (a model trained with ``train --fast`` has no other). ``config``: a site's
    config file, whose ``[[conspiracy.narrative]]`` entries join the narrative catalogue (full tier).
    """
    model_path = Path(path) if path is not None else shipped_model_path()
    if not model_path.exists():
        if path is None:
            raise ModelError(f"{model_path}: the shipped model is missing; run `moderation train` to build one")
        raise ModelError(f"{model_path}: no such model file")
    model = _load(model_path.resolve(), model_path.stat().st_mtime, trusted)
    if fast:
        with_site_narratives(getattr(model, "fast", model), config)  # checked, not used: the linear tier names none
        return getattr(model, "fast", model)
    return with_site_narratives(model, config)


_SITE_MODELS: dict[tuple[int, str], Any] = {}


def with_site_narratives(model: Any, config: str | Path | None) -> Any:
    """The model with a site's own narratives added to its catalogue (embedded once per process). The config is
    checked whatever the tier, so a bad entry is reported the same way with and without ``--fast``."""
    if config is None:
        return model
    from moderation.model.narratives.catalogue import load_catalogue_with_config

    catalogue = load_catalogue_with_config(config)
    if getattr(model, "narratives", None) is None:
        return model
    key = (id(model), catalogue.fingerprint())
    if key not in _SITE_MODELS:
        _SITE_MODELS[key] = model.with_narratives(catalogue)
    return _SITE_MODELS[key]
