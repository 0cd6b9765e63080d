"""Checks that teach: compare with a reference, finite-difference gradients, shapes (chapter 01)."""

import torch


def assert_close(
    actual, expected, name: str, rtol: float | None = None, atol: float | None = None
):
    """Assert ``actual`` matches the reference ``expected`` (``torch.testing.assert_close``), then say so.

    Prints one line such as ``ok: our gradient matches autograd``; the printed text carries no
    numbers, so it reads the same on every machine.
    """
    actual, expected = torch.as_tensor(actual), torch.as_tensor(expected)
    if actual.shape != expected.shape:
        raise AssertionError(
            f"{name}: shape {tuple(actual.shape)} vs reference {tuple(expected.shape)}"
        )
    torch.testing.assert_close(
        actual,
        expected.to(actual.dtype),
        rtol=rtol,
        atol=atol,
        msg=lambda m: f"{name}: {m}",
    )
    print(f"ok: {name}")


def numerical_grad(f, x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Central finite differences of a scalar function: ``(f(x + eps e_i) - f(x - eps e_i)) / 2 eps``.

    Computed in float64 so that ``eps = 1e-6`` leaves about ten good digits.
    """
    x = torch.as_tensor(x, dtype=torch.float64).detach().clone()
    grad = torch.zeros_like(x)
    flat, g = x.view(-1), grad.view(-1)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + eps
        up = float(f(x))
        flat[i] = old - eps
        down = float(f(x))
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad


def check_shape(t: torch.Tensor, shape: tuple, name: str = "tensor") -> torch.Tensor:
    """Raise a clear ``ValueError`` unless ``t.shape`` matches ``shape`` (``None`` matches any size).

    Returns ``t`` so it can wrap an expression: ``h = check_shape(x @ W.T, (B, D), "h")``.
    """
    got = tuple(t.shape)
    ok = len(got) == len(shape) and all(s is None or s == g for s, g in zip(shape, got))
    if not ok:
        want = tuple("any" if s is None else s for s in shape)
        raise ValueError(f"{name} should have shape {want}, got {got}")
    return t
