"""Stacked MLPs whose weights carry fixed 0/1 masks: pruned networks, trained at once (chapter 13).

Chapter 13 prunes, fine-tunes and retrains many small networks: three seeds at each of several
sparsities, winning tickets and their random re-initializations, students and their teachers. Each
is an MLP, so copy ``s`` of a stack keeps its weights as ``W[k][s]`` of shape ``(d_in, d_out)`` and
its mask ``M[k][s]`` of the same shape; the forward pass uses ``W * M`` (a pruned weight gives
nothing and gets a zero gradient) and ``torch.baddbmm`` runs all copies in one call. Copy ``s``
starts from exactly the weights ``torch.manual_seed(seed); helpers.stacked.mlp(sizes)`` gives.
"""

import torch
import torch.nn.functional as F

from helpers.stacked import mlp
from helpers.train import batches


def init(sizes, seeds) -> tuple[list, list]:
    """``(W, b)``: lists over layers of stacked weights ``(S, d_in, d_out)`` and biases ``(S, 1, d_out)``."""
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    nets = []
    for s in seeds:
        torch.manual_seed(s)
        nets.append([m for m in mlp(sizes) if isinstance(m, torch.nn.Linear)])
    W = [
        torch.stack([n[k].weight.detach().T for n in nets]) for k in range(len(nets[0]))
    ]
    b = [
        torch.stack([n[k].bias.detach()[None] for n in nets])
        for k in range(len(nets[0]))
    ]
    return W, b


def ones_like(W) -> list:
    """Masks that keep every weight."""
    return [torch.ones_like(w) for w in W]


def forward(W, b, M, X, weight=None) -> torch.Tensor:
    """Logits ``(S, N, K)`` of every copy; ``X`` is ``(N, D)`` (shared) or ``(S, N, D)``.

    ``weight``, when given, maps each masked weight tensor to the one used (e.g. its sign).
    """
    S = W[0].shape[0]
    h = X.expand(S, *X.shape) if X.ndim == 2 else X  # (S, N, D)
    if h.shape[0] != S or h.shape[-1] != W[0].shape[1]:
        raise ValueError(
            f"X must be (N, {W[0].shape[1]}) or ({S}, N, {W[0].shape[1]}), got {tuple(X.shape)}"
        )
    for k, (w, bias, m) in enumerate(zip(W, b, M)):
        wm = w * m if weight is None else weight(w * m)
        h = torch.baddbmm(bias, h, wm)  # (S, N, d_out)
        if k < len(W) - 1:
            h = torch.relu(h)
    return h


def accuracy(W, b, M, X, y, weight=None) -> torch.Tensor:
    """Each copy's accuracy on ``(X, y)``: shape ``(S,)``."""
    with torch.no_grad():
        return (forward(W, b, M, X, weight).argmax(-1) == y).float().mean(-1)


def member(W, b, s: int) -> torch.nn.Sequential:
    """Copy ``s`` as a plain ``nn.Sequential`` of ``Linear`` and ``ReLU`` layers."""
    sizes = [W[0].shape[1]] + [w.shape[2] for w in W]
    net = mlp(sizes)
    with torch.no_grad():
        for lin, w, bias in zip(
            [m for m in net if isinstance(m, torch.nn.Linear)], W, b
        ):
            lin.weight.copy_(w[s].T)
            lin.bias.copy_(bias[s, 0])
    return net


def fit(
    W, b, M, X, y, epochs, lr=1e-3, batch_size=64, seeds=None, loss=None, weight=None
):
    """Adam on every copy at once, masks held fixed; trains ``W`` and ``b`` in place.

    Each copy draws its own batch order from a generator seeded with ``seeds[s]`` (default: its
    index). ``loss(logits, idx)``, given ``(S, b, K)`` logits and the ``(S, b)`` indices of the
    batch, returns each copy's loss ``(S,)``; the default is the cross-entropy with ``y``.
    ``weight`` is passed to :func:`forward`.
    Returns the mean training loss of each copy in the last epoch, ``(S,)``.
    """
    S, n = W[0].shape[0], len(X)
    if len(y) != n:
        raise ValueError(f"X and y disagree on the number of examples: {n} vs {len(y)}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    seeds = list(range(S)) if seeds is None else [int(s) for s in seeds]
    if len(seeds) != S:
        raise ValueError(f"need one seed per copy ({S}), got {len(seeds)}")
    if loss is None:

        def loss(out, idx):  # cross-entropy of each copy on its own batch
            K = out.shape[-1]
            ce = F.cross_entropy(
                out.reshape(-1, K), y[idx].reshape(-1), reduction="none"
            )
            return ce.view(idx.shape).mean(1)

    params = [p.requires_grad_() for p in W + b]
    opt = torch.optim.Adam(params, lr=lr)
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    for _ in range(epochs):
        orders = [list(batches(n, batch_size, g)) for g in gens]
        total = torch.zeros(S)
        for step in range(len(orders[0])):
            idx = torch.stack([o[step] for o in orders])  # (S, b)
            per_copy = loss(forward(W, b, M, X[idx], weight), idx)  # (S,)
            opt.zero_grad()
            per_copy.sum().backward()  # each copy's gradient is its own
            opt.step()
            total += per_copy.detach() * idx.shape[1] / n
    with torch.no_grad():
        for w, m in zip(W, M):
            w.mul_(m)  # pruned weights are exactly zero afterwards
    for p in params:
        p.requires_grad_(False)
    return total
