"""Offline data: a generated daily-views series (chapter 01) and scikit-learn's 8x8 digits.

Nothing is downloaded: the series is generated from a seed, the digits ship with scikit-learn.
"""

import numpy as np
import torch


def daily_views(n_days: int = 730, seed: int = 0, noise: float = 0.35) -> np.ndarray:
    """A generated channel's daily views (in thousands): trend + weekly and yearly cycles + noise.

    Chapter 01 forecasts it. The weekly cycle makes yesterday a poor guess and last week a good
    one, which is the point the chapter makes with more features.
    """
    if n_days < 1:
        raise ValueError(f"n_days must be positive, got {n_days}")
    rng = np.random.default_rng(seed)
    t = np.arange(n_days)
    trend = 3.0 + 1.5 * t / n_days
    weekly = 0.8 * np.sin(2 * np.pi * t / 7) + 0.3 * np.cos(4 * np.pi * t / 7)
    yearly = 0.5 * np.sin(2 * np.pi * t / 365.25)
    return trend + weekly + yearly + rng.normal(0.0, noise, n_days)


def windows(series, n_past: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Sliding windows: features ``X[i] = series[i : i + n_past]``, target ``y[i] = series[i + n_past]``.

    Returns float32 tensors of shapes ``(N, n_past)`` and ``(N,)`` with ``N = len(series) - n_past``.
    """
    s = torch.as_tensor(np.asarray(series), dtype=torch.float32)
    if s.ndim != 1:
        raise ValueError(f"series must be one-dimensional, got shape {tuple(s.shape)}")
    if not 1 <= n_past < len(s):
        raise ValueError(
            f"n_past must be in [1, {len(s) - 1}] for a series of {len(s)} days, got {n_past}"
        )
    X = s.unfold(0, n_past, 1)[:-1]  # (N, n_past)
    y = s[n_past:]  # (N,)
    return X, y


def split(X: torch.Tensor, y: torch.Tensor, train_fraction: float = 0.7):
    """Split in time order (no shuffling: the held-out part is the future)."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction}")
    n = int(round(train_fraction * len(y)))
    return X[:n], y[:n], X[n:], y[n:]


def digits(test_fraction: float = 0.25, seed: int = 0):
    """scikit-learn's 1,797 handwritten digits, 8x8 pixels scaled to [0, 1], split at random.

    Returns ``X_train, y_train, X_test, y_test``: images as float32 ``(N, 1, 8, 8)``, labels int64.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    X = torch.tensor(d.images / 16.0, dtype=torch.float32).unsqueeze(1)  # (N, 1, 8, 8)
    y = torch.tensor(d.target, dtype=torch.int64)
    i_tr, i_te = train_test_split(
        np.arange(len(y)), test_size=test_fraction, random_state=seed, stratify=d.target
    )
    return X[i_tr], y[i_tr], X[i_te], y[i_te]


def rotated_moons(n: int, angle_deg: float = 0.0, seed: int = 0, noise: float = 0.1):
    """Two interleaved half-moons (scikit-learn's), centred, then rotated by ``angle_deg``.

    The source and target domains of chapter 11's domain-adaptation experiments: the target is
    the same task seen at another angle. Returns ``X`` float32 ``(n, 2)`` and labels int64 ``(n,)``.
    """
    from sklearn.datasets import make_moons

    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    X, y = make_moons(n, noise=noise, random_state=seed)
    X = X - np.array([0.5, 0.25])  # the two moons' common centre
    a = np.deg2rad(angle_deg)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return torch.tensor(X @ R.T, dtype=torch.float32), torch.tensor(
        y, dtype=torch.int64
    )
