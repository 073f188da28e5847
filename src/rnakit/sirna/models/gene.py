"""``lgbm-gene``: ``lgbm-level``'s components, a within-gene rank model, and a stacked mapping to the score.

``lgbm-level`` maps its components to % remaining by a linear blend, one shift and a gate. On genes
it has never seen, the error is mostly the gene's level, and how much to trust the covariate level,
the within-gene deviation or the classifiers can depend on where a row lies (a row the classifiers
call potent, a gene the level model puts high). This model adds

- a **rank** component: LightGBM fitted to the within-gene percentile rank of % remaining (0 = the
  gene's most potent siRNA), which no gene level can move;
- a **stacker**: a small LightGBM fitted to the inner out-of-fold predictions of every component
  (regressors, level, rank, "< 30" probabilities), rows below 30 % weighted as in the components,
  then a shift and a gate as in ``lgbm-level``, chosen on the stacker's own out-of-fold predictions
  (folds grouped like the inner folds), never on rows it was fitted to. Its output may only rise
  with each regressor, level and rank input and fall with each probability (monotone constraints):
  across genes only the broad shape of these relations carries over, and an unconstrained stacker
  learns the training genes' quirks.

A third mapping, ``deviation``, is the level + within-gene deviation regressor alone plus one
shift: no gate and no weights, so nothing fitted to the training genes' levels. On genes never seen,
the whole-row regressors' gene levels transfer worse than the overall mean, and every extra
calibration parameter chosen on a few dozen genes is noisy (on inner folds of gene fold 0's training
rows it scored 0.522 against the blend's 0.496 and the stacker's 0.499).

Which mapping is used (``grid``: ``lgbm-level``'s blend, ``stack`` or ``deviation``) is decided
inside :meth:`fit`, before anything else is fitted on all rows: each candidate is fitted on the
inner out-of-fold rows of two inner folds and scored (competition score) on the third, the folds
grouped by ``groups`` (the gene in a gene-held-out benchmark), so no candidate is scored on rows
whose labels it was fitted to. Ties go to ``grid``. No outer-fold row is looked at.
"""

from __future__ import annotations

import logging

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from rnakit.cpu import model_threads
from rnakit.sirna.metrics import competition_score
from rnakit.sirna.models.calibration import apply_gate, best_shift
from rnakit.sirna.models.encoding import encode
from rnakit.sirna.models.level import CLASSIFIERS, REGRESSORS, LgbmLevelModel, gene_keys
from rnakit.sirna.models.ranker import percentile_ranks

log = logging.getLogger(__name__)

#: Candidate mappings from component predictions to % remaining, in tie-breaking order.
MAPPINGS = ("grid", "stack", "deviation")
#: The column of the level + within-gene deviation regressor among the regressors.
DEVIATION = REGRESSORS.index("level_deviation")
#: The stacker's inputs, in column order.
STACK_INPUTS = (*(f"reg_{n}" for n in REGRESSORS), "level_covariate", "level_shift", "rank",
                *(f"clf_{n}" for n in CLASSIFIERS))
# The stacker sees a few thousand out-of-fold rows of a handful of inputs: few, large leaves; %
# remaining rises with every input but the "< 30" probabilities.
STACKER = dict(n_estimators=200, learning_rate=0.05, num_leaves=7, min_child_samples=100, subsample=0.8,
               subsample_freq=1, verbose=-1,
               monotone_constraints=[-1 if name.startswith("clf_") else 1 for name in STACK_INPUTS])


class LgbmGeneModel(LgbmLevelModel):
    """``lgbm-level`` plus a within-gene rank component and a stacked mapping chosen on inner folds.

    Takes ``lgbm-level``'s parameters; ``fit(X, y, groups)`` as there. After fitting, ``mapping_``
    names the chosen mapping and ``mapping_scores_`` holds every candidate's inner score.
    """

    # -- components ---------------------------------------------------------------------------------

    def _fit_components(self, X: pd.DataFrame, y: np.ndarray) -> dict:
        state = super()._fit_components(X, y)
        ranks = percentile_ranks(y, gene_keys(X))
        usable = np.flatnonzero(~np.isnan(ranks))
        if len(usable):
            columns = state["deviation_features"]
            state["boosters"]["rank"] = lgb.LGBMRegressor(**self._params(False)).fit(
                encode(X.iloc[usable], columns, state["deviation_levels"]), ranks[usable],
                categorical_feature=[i for i, c in enumerate(columns) if c in state["deviation_levels"]] or "auto",
            ).booster_
        return state

    def _stack_inputs(self, state: dict, X: pd.DataFrame) -> tuple[np.ndarray, tuple]:
        """(the stacker's inputs, the component predictions ``lgbm-level`` blends)."""
        regressors, level_shift, classifiers = self._component_predictions(state, X)
        rank = np.full(len(X), 0.5)  # no gene of ≥ 3 rows in training: every row mid-gene
        if "rank" in state["boosters"]:
            rank = state["boosters"]["rank"].predict(encode(X, state["deviation_features"], state["deviation_levels"]),
                                                     num_threads=model_threads(self.n_jobs))
        inputs = np.column_stack([regressors, regressors[:, 2] + level_shift, level_shift, rank, classifiers])
        return inputs, (regressors, level_shift, classifiers)

    # -- mappings -----------------------------------------------------------------------------------

    def _fit_stacker(self, inputs: np.ndarray, y: np.ndarray) -> lgb.Booster:
        return lgb.LGBMRegressor(**STACKER, n_jobs=model_threads(self.n_jobs), random_state=self.random_state).fit(
            inputs, y, sample_weight=self._weights(y)).booster_

    def _fit_mapping(self, name: str, inputs: np.ndarray, y: np.ndarray, groups: np.ndarray | None) -> dict:
        """A mapping fitted on out-of-fold component predictions: its stacker, shift and gate. The shift
        and gate are chosen on the stacker's own out-of-fold predictions (folds grouped by ``groups``):
        on the rows it was fitted to, its predictions are closer to the labels than on a new gene's."""
        stacker = self._fit_stacker(inputs, y)
        predicted = np.zeros(len(y))
        for train, test in self._inner_folds(len(y), groups):
            predicted[test] = self._fit_stacker(inputs[train], y[train]).predict(
                inputs[test], num_threads=model_threads(self.n_jobs))
        shift = best_shift(y, predicted)
        classifiers = inputs[:, len(STACK_INPUTS) - len(CLASSIFIERS):len(STACK_INPUTS)]
        gate, threshold, _ = self._choose_gate(y, predicted + shift, classifiers)
        return {"name": name, "stacker": stacker, "shift": shift, "gate": gate, "gate_threshold": threshold}

    def _apply_mapping(self, mapping: dict, inputs: np.ndarray) -> np.ndarray:
        predicted = mapping["stacker"].predict(inputs, num_threads=model_threads(self.n_jobs)) + mapping["shift"]
        if mapping["gate"] is None:
            return predicted
        classifiers = inputs[:, len(STACK_INPUTS) - len(CLASSIFIERS):len(STACK_INPUTS)]
        return apply_gate(predicted, self._gate_probability(classifiers, mapping["gate"]), mapping["gate_threshold"])

    def _select_mapping(self, y: np.ndarray, inputs: np.ndarray, components: tuple,
                        groups: np.ndarray | None) -> dict[str, float]:
        """Each candidate mapping's competition score on inner rows it was not fitted to (second-level
        folds over the out-of-fold rows, grouped like the inner folds)."""
        predicted = {name: np.zeros(len(y)) for name in MAPPINGS}
        for train, test in self._inner_folds(len(y), groups):
            part = [c[train] for c in components]
            self._choose(y[train], *part)
            predicted["grid"][test] = self._blend(*[c[test] for c in components])
            mapping = self._fit_mapping("stack", inputs[train], y[train], None if groups is None else groups[train])
            predicted["stack"][test] = self._apply_mapping(mapping, inputs[test])
            deviation = components[0][:, DEVIATION]
            predicted["deviation"][test] = deviation[test] + best_shift(y[train], deviation[train])
        return {name: float(competition_score(y, p)) for name, p in predicted.items()}

    # -- fitting and predicting ---------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray | None = None) -> "LgbmGeneModel":
        """Fit on features ``X`` and % remaining ``y``; the mapping (and within it the blend, shift and
        gate) is chosen on inner out-of-fold predictions, folds grouped by ``groups`` (rows when None)."""
        y = np.asarray(y, dtype=float)
        folds = self._inner_folds(len(y), groups)
        inputs = np.zeros((len(y), len(STACK_INPUTS)))
        components = (np.zeros((len(y), len(REGRESSORS))), np.zeros(len(y)), np.zeros((len(y), len(CLASSIFIERS))))
        for train, test in folds:
            state = self._fit_components(X.iloc[train], y[train])
            inputs[test], parts = self._stack_inputs(state, X.iloc[test])
            for whole, part in zip(components, parts):
                whole[test] = part
        self.mapping_scores_ = self._select_mapping(y, inputs, components, groups)
        self.mapping_ = max(MAPPINGS, key=lambda name: (self.mapping_scores_[name], -MAPPINGS.index(name)))
        log.info("lgbm-gene: mapping %s (inner scores %s)", self.mapping_, self.mapping_scores_)
        self._choose(y, *components)  # the grid blend on every inner row: used by `grid` and level()
        self.state_ = self._fit_components(X, y)
        self.state_["mapping"] = {"name": self.mapping_, "scores": self.mapping_scores_}
        if self.mapping_ == "deviation":
            self.state_["mapping"]["shift"] = best_shift(y, components[0][:, DEVIATION])
        elif self.mapping_ == "stack":
            mapping = self._fit_mapping(self.mapping_, inputs, y, groups)
            self.state_["boosters"]["stacker"] = mapping.pop("stacker")
            self.state_["mapping"].update(mapping)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted % mRNA remaining for each row of ``X``."""
        check_is_fitted(self)
        inputs, components = self._stack_inputs(self.state_, X)
        mapping = self.state_["mapping"]
        if mapping["name"] == "grid":
            return self._blend(*components)
        if mapping["name"] == "deviation":
            return components[0][:, DEVIATION] + mapping["shift"]
        return self._apply_mapping({**mapping, "stacker": self.state_["boosters"]["stacker"]}, inputs)

    @classmethod
    def load(cls, folder) -> "LgbmGeneModel":
        """Read a model written by :meth:`save` (``lgbm-level``'s files plus the mapping in its JSON)."""
        model = super().load(folder)
        model.mapping_, model.mapping_scores_ = model.state_["mapping"]["name"], model.state_["mapping"]["scores"]
        return model
