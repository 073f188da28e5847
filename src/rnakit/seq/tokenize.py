"""Fixed-length n-gram tokens of a sequence, read with a stride (the competition tutorial's tokenizer)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import product


@dataclass(frozen=True)
class NGramTokenizer:
    """Split a sequence into n-grams starting every ``stride`` letters; a short tail is dropped.

    ``NGramTokenizer(3, 3).tokenize("ACGUACGU")`` → ``['ACG', 'UAC']``.
    """

    n: int = 3
    stride: int = 1

    def __post_init__(self) -> None:
        if self.n < 1 or self.stride < 1:
            raise ValueError(f"n and stride must be ≥ 1 (got n={self.n}, stride={self.stride})")

    def tokenize(self, sequence: str) -> list[str]:
        return [sequence[i : i + self.n] for i in range(0, len(sequence) - self.n + 1, self.stride)]

    def counts(self, sequence: str) -> Counter[str]:
        return Counter(self.tokenize(sequence))


def all_kmers(k: int, alphabet: str = "ACGU") -> list[str]:
    """Every k-mer over ``alphabet`` in lexicographic order of the alphabet as given."""
    return ["".join(letters) for letters in product(alphabet, repeat=k)]
