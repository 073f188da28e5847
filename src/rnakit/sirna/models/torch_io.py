"""What the PyTorch models share: training with early stopping, batched inference, and their saved
form (safetensors + JSON, no pickle)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit
from torch import nn

from rnakit.errors import InputFormatError

INFERENCE_BATCH = 1024


def predict_in_batches(network: nn.Module, tensors: list[torch.Tensor]) -> np.ndarray:
    """The network's outputs over aligned input tensors, in evaluation mode, without gradients."""
    network.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(tensors[0]), INFERENCE_BATCH):
            out.append(network(*[t[start:start + INFERENCE_BATCH] for t in tensors]).numpy())
    return np.concatenate(out) if out else np.empty(0, dtype=np.float32)


def save_network(folder: Path, stem: str, network: nn.Module, state: dict) -> None:
    """``stem.safetensors`` (weights) and ``stem.json`` (everything else the model needs)."""
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in network.state_dict().items()}, str(folder / f"{stem}.safetensors"))
    (folder / f"{stem}.json").write_text(json.dumps(state))


def read_network(folder: Path, stem: str, model_name: str) -> tuple[dict, dict[str, torch.Tensor]]:
    """(state, weights) written by :func:`save_network`; a clear error when they are unreadable."""
    try:
        state = json.loads((folder / f"{stem}.json").read_text())
        weights = load_file(str(folder / f"{stem}.safetensors"))
    except (OSError, ValueError) as exc:
        raise InputFormatError(f"not a readable {model_name} model folder ({exc})", file=str(folder)) from None
    return state, weights


def validation_split(n_rows: int, groups: np.ndarray | None, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train rows, validation rows) for early stopping; whole groups go to one side when given."""
    splitter = (GroupShuffleSplit if groups is not None else ShuffleSplit)(n_splits=1, test_size=fraction, random_state=seed)
    return next(splitter.split(np.zeros(n_rows), groups=groups))


def fit_with_early_stopping(
    network: nn.Module, optimiser: torch.optim.Optimizer, batch_loss: Callable[[torch.Tensor], torch.Tensor],
    train_rows: np.ndarray, validate: Callable[[nn.Module], tuple[float, object]], *,
    batch_size: int, max_epochs: int, patience: int, seed: int,
) -> tuple[int, float, object]:
    """Mini-batch training over ``train_rows`` (shuffled each epoch, seeded) with early stopping.

    After each epoch ``validate(network)`` gives (score, extra); training stops after ``patience``
    epochs without a better score and the best epoch's weights are restored. Returns (epochs run,
    best score, extra of the best epoch).
    """
    generator = torch.Generator().manual_seed(seed)
    rows = torch.from_numpy(np.asarray(train_rows))
    best_score, best_state, best_extra, stale, epoch = -np.inf, None, None, 0, 0
    for epoch in range(1, max_epochs + 1):
        network.train()
        order = rows[torch.randperm(len(rows), generator=generator)]
        for start in range(0, len(order), batch_size):
            optimiser.zero_grad()
            batch_loss(order[start:start + batch_size]).backward()
            optimiser.step()
        score, extra = validate(network)
        if score > best_score:
            best_score, best_extra, stale = score, extra, 0
            best_state = {k: v.clone() for k, v in network.state_dict().items()}
        else:
            stale += 1
            if stale >= patience:
                break
    if best_state is not None:
        network.load_state_dict(best_state)
    return epoch, float(best_score), best_extra
