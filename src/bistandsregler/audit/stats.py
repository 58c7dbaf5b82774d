"""The small numerical tools the audit's statistics need, in plain Python (no numpy here).

Least squares for a polynomial (the bunching counterfactual), the Poisson distribution (funnel
limits for indirectly standardised counts), and the normal distribution from ``statistics``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

NORMAL = NormalDist()


def z_for(coverage: float) -> float:
    """The two-sided normal quantile: 1.96 for 0.95, 3.09 for 0.998."""
    return NORMAL.inv_cdf(0.5 + coverage / 2)


def polyfit(xs: Sequence[float], ys: Sequence[float], degree: int) -> list[float]:
    """Least-squares coefficients (constant first) of a polynomial through (xs, ys).

    The normal equations are solved by Gaussian elimination with partial pivoting; callers
    scale x to about [-1, 1] so that the powers stay well conditioned.
    """
    size = degree + 1
    matrix = [[0.0] * (size + 1) for _ in range(size)]
    for x, y in zip(xs, ys, strict=True):
        powers = [x ** k for k in range(2 * size - 1)]
        for row in range(size):
            for col in range(size):
                matrix[row][col] += powers[row + col]
            matrix[row][size] += y * powers[row]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(matrix[r][col]))
        if abs(matrix[pivot][col]) < 1e-12:
            raise ValueError("too few distinct points for the polynomial's degree")
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        for row in range(size):
            if row != col:
                factor = matrix[row][col] / matrix[col][col]
                for k in range(col, size + 1):
                    matrix[row][k] -= factor * matrix[col][k]
    return [matrix[k][size] / matrix[k][k] for k in range(size)]


def polyval(coefficients: Sequence[float], x: float) -> float:
    return sum(c * x ** k for k, c in enumerate(coefficients))


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return min(total, 1.0)


def poisson_quantile(p: float, mean: float) -> int:
    """The smallest k with P(X <= k) >= p."""
    k = max(0, int(mean + NORMAL.inv_cdf(min(max(p, 1e-12), 1 - 1e-12)) * math.sqrt(max(mean, 1e-12))) - 5)
    while k > 0 and poisson_cdf(k - 1, mean) >= p:
        k -= 1
    while poisson_cdf(k, mean) < p:
        k += 1
    return k


def poisson_limit(p: float, expected: float) -> float:
    """The p-quantile of a count with Poisson(expected) as a continuous value, divided by
    ``expected``: the funnel limit of an observed/expected ratio (Spiegelhalter 2005,
    appendix A.1.1, interpolating between the integers so that the funnel is smooth)."""
    r = poisson_quantile(p, expected)
    above, below = poisson_cdf(r, expected), poisson_cdf(r - 1, expected)
    alpha = (above - p) / (above - below) if above > below else 0.0
    return (r - alpha) / expected


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def variance(values: Sequence[float]) -> float:
    """The sample variance (n - 1 in the denominator)."""
    m = mean(values)
    return sum((v - m) ** 2 for v in values) / (len(values) - 1)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of sorted values, interpolating linearly."""
    if not sorted_values:
        raise ValueError("no values")
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
