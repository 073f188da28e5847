"""LightGBM boosters saved as text, predicted through LightGBM's C library without its Python package.

``import lightgbm`` costs about a CPU second, nearly all of it scikit-learn and SciPy, which the
package's compatibility layer imports whenever they are installed; predicting from a saved booster needs
neither. :class:`TextBooster` calls the library functions the package calls (``LGBM_BoosterLoadModelFromString``
on the file's text, as ``lightgbm.Booster(model_str=...)`` does, then ``LGBM_BoosterPredictForMat``: normal
prediction, every iteration, float64 rows), so its values are the package's, bit for bit (tests compare
them on the shipped models).

A process keeps the boosters it has read, by the sha256 of the file's text: a many-record design loads
its model for every record, and parsing six boosters (then freeing them) cost 0.03 CPU s a record.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import importlib.util
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np

from rnakit.errors import InputFormatError

_PREDICT_NORMAL = 0  # C_API_PREDICT_NORMAL: the objective's output (identity for regression and ranking)
_FLOAT64 = 1  # C_API_DTYPE_FLOAT64
_ROW_MAJOR = 1
KEPT_BOOSTERS = 32  # boosters a process keeps read (a model has up to six; least recently used dropped first)


def _library_name() -> str:
    if sys.platform.startswith("win"):
        return "lib_lightgbm.dll"
    return "lib_lightgbm.dylib" if sys.platform == "darwin" else "lib_lightgbm.so"


@functools.cache
def _library() -> ctypes.CDLL:
    """LightGBM's shared library, found where the installed package keeps it (lightgbm/libpath.py's places)
    without importing the package."""
    spec = importlib.util.find_spec("lightgbm")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("LightGBM is not installed (pip install lightgbm)")
    package = Path(next(iter(spec.submodule_search_locations)))
    for folder in (package.parent, package / "bin", package / "lib"):
        if (folder / _library_name()).is_file():
            library = ctypes.cdll.LoadLibrary(str(folder / _library_name()))
            library.LGBM_GetLastError.restype = ctypes.c_char_p
            return library
    raise ImportError(f"LightGBM's library {_library_name()} is not in the installed package ({package})")


def _check(status: int, file: str) -> None:
    if status != 0:
        raise InputFormatError(f"LightGBM: {_library().LGBM_GetLastError().decode('utf-8', 'replace')}", file=file)


class _Handle:
    """A booster in LightGBM's library, freed when no TextBooster and no cache entry holds it."""

    def __init__(self, text: bytes, path: str) -> None:
        self.value = ctypes.c_void_p()
        iterations = ctypes.c_int(0)
        _check(_library().LGBM_BoosterLoadModelFromString(ctypes.c_char_p(text), ctypes.byref(iterations),
                                                           ctypes.byref(self.value)), path)
        features = ctypes.c_int(0)
        _check(_library().LGBM_BoosterGetNumFeature(self.value, ctypes.byref(features)), path)
        self.num_features = features.value
        # Held here: at interpreter teardown this module's globals may already be gone when __del__ runs.
        self._free = _library().LGBM_BoosterFree

    def __del__(self) -> None:
        if getattr(self, "_free", None) is not None and self.value.value:
            self._free(self.value)


_READ: OrderedDict[str, _Handle] = OrderedDict()  # sha256 of a model file's text → its booster


def _read(path: str) -> _Handle:
    """The booster of the model file at ``path``, parsed once per process for each distinct text (the
    text hashed is the text parsed: a file replaced meanwhile cannot be kept under the other's digest)."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise InputFormatError(f"unreadable model file ({exc.strerror or exc})", file=path) from None
    digest = hashlib.sha256(text).hexdigest()
    if digest in _READ:
        _READ.move_to_end(digest)
    else:
        _READ[digest] = _Handle(text, path)
        while len(_READ) > KEPT_BOOSTERS:
            _READ.popitem(last=False)
    return _READ[digest]


class TextBooster:
    """A booster read from LightGBM's text model file, for prediction only."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self._booster = _read(self.path)
        self._handle = self._booster.value
        self.num_features = self._booster.num_features

    def predict(self, matrix: np.ndarray, num_threads: int = 1) -> np.ndarray:
        """One prediction per row of ``matrix`` (rows × the model's features), on ``num_threads`` threads."""
        data = np.ascontiguousarray(matrix, dtype=np.float64)
        if data.ndim != 2 or data.shape[1] != self.num_features:
            raise InputFormatError(f"the model needs {self.num_features} features, the matrix has shape {data.shape}",
                                   file=self.path)
        out = np.empty(data.shape[0], dtype=np.float64)
        if not len(out):
            return out
        written = ctypes.c_int64(0)
        _check(_library().LGBM_BoosterPredictForMat(
            self._handle, data.ctypes.data_as(ctypes.c_void_p), ctypes.c_int(_FLOAT64),
            ctypes.c_int32(data.shape[0]), ctypes.c_int32(data.shape[1]), ctypes.c_int(_ROW_MAJOR),
            ctypes.c_int(_PREDICT_NORMAL), ctypes.c_int(0), ctypes.c_int(-1),
            f"num_threads={int(num_threads)}".encode("ascii"), ctypes.byref(written),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_double))), self.path)
        if written.value != len(out):
            raise InputFormatError(f"LightGBM wrote {written.value} predictions for {len(out)} rows", file=self.path)
        return out
