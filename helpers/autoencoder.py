"""Auto-encoders from scratch, several seeds trained as one batched model (chapter 08 teaches them).

Every model here holds ``S`` independent *members* (one per seed, or per seed and setting) whose
weights are stacked, so one batched matmul per layer trains them all at once. Shapes use the book's
alphabet: ``S`` members, ``B`` batch, ``D`` pixels, ``d`` code size.

- :class:`StackedMLP`: ``S`` MLPs, ``(S, B, D_in) -> (S, B, D_out)``, member ``s`` initialized from
  seed ``seeds[s]`` exactly as ``nn.Linear`` would be;
- :class:`AutoEncoder`: encoder -> code ``z`` -> decoder (sigmoid output, pixels in [0, 1]); a
  member may use fewer code units than the widest (``code_sizes``), the rest are masked to zero;
- :class:`VAE`: the encoder gives a mean and a log-variance; :func:`reparameterize` samples the code;
- :func:`gaussian_kl`: KL(N(mu, diag exp(logvar)) || N(0, I)) in closed form;
- :func:`fit`: Adam on minibatches, each member drawing its own batches from its own seed.

Chapter 09 reuses the decoder.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


def _seeds(seeds) -> list:
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must list at least one seed (one per member)")
    return seeds


class StackedMLP(nn.Module):
    """``S`` independent MLPs with ReLU between layers: ``(S, B, sizes[0]) -> (S, B, sizes[-1])``."""

    def __init__(self, sizes, seeds):
        super().__init__()
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"sizes must list at least two positive widths, got {sizes}"
            )
        self.sizes, seeds = list(sizes), _seeds(seeds)
        self.W, self.b = nn.ParameterList(), nn.ParameterList()
        gens = [torch.Generator().manual_seed(s) for s in seeds]
        for d_in, d_out in zip(sizes[:-1], sizes[1:]):
            bound = 1 / math.sqrt(
                d_in
            )  # nn.Linear's default: U(-1/sqrt(d_in), 1/sqrt(d_in))
            W = torch.stack(
                [(torch.rand(d_in, d_out, generator=g) * 2 - 1) * bound for g in gens]
            )
            b = torch.stack(
                [(torch.rand(1, d_out, generator=g) * 2 - 1) * bound for g in gens]
            )
            self.W.append(nn.Parameter(W))  # (S, d_in, d_out)
            self.b.append(nn.Parameter(b))  # (S, 1, d_out)

    @property
    def S(self) -> int:
        return self.W[0].shape[0]

    def forward(self, x):  # (S, B, D_in)
        if x.ndim != 3 or x.shape[0] != self.S or x.shape[2] != self.sizes[0]:
            raise ValueError(
                f"input must have shape (S={self.S}, B, {self.sizes[0]}), got {tuple(x.shape)}"
            )
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            x = torch.baddbmm(b, x, W)  # (S, B, D_out) = b + x @ W, member by member
            if i < len(self.W) - 1:
                x = F.relu(x)
        return x

    def member(self, s: int) -> nn.Sequential:
        """Member ``s`` as an ``nn.Sequential`` of ``nn.Linear`` and ``nn.ReLU`` (a copy)."""
        layers = []
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            lin = nn.Linear(W.shape[1], W.shape[2])
            with torch.no_grad():
                lin.weight.copy_(W[s].T)
                lin.bias.copy_(b[s, 0])
            layers += [lin] + ([nn.ReLU()] if i < len(self.W) - 1 else [])
        return nn.Sequential(*layers)


class AutoEncoder(nn.Module):
    """``x -> z = encoder(x) -> x_hat = sigmoid(decoder(z))``, ``S`` members at once.

    ``code_sizes`` (one per member, default ``d`` for all) lets members of one model use different
    bottlenecks: member ``s`` keeps its first ``code_sizes[s]`` code units, the others are zero.
    ``linear=True`` drops the hidden layers and the sigmoid: ``z = W x + b``, ``x_hat = V z + c``.
    """

    def __init__(
        self, D: int, hidden: int, d: int, seeds, code_sizes=None, linear: bool = False
    ):
        super().__init__()
        seeds = _seeds(seeds)
        code_sizes = (
            [d] * len(seeds) if code_sizes is None else [int(c) for c in code_sizes]
        )
        if len(code_sizes) != len(seeds) or not all(1 <= c <= d for c in code_sizes):
            raise ValueError(
                f"code_sizes must give one size in [1, {d}] per member, got {code_sizes}"
            )
        self.D, self.d, self.linear = D, d, linear
        mid = [] if linear else [hidden]
        self.encoder = StackedMLP([D, *mid, self.code_width], seeds)
        self.decoder = StackedMLP(
            [d, *mid, D], [s + 10_000 for s in seeds]
        )  # its own random stream
        mask = torch.arange(d) < torch.tensor(code_sizes)[:, None]  # (S, d)
        self.register_buffer("mask", mask[:, None, :].float())  # (S, 1, d)

    @property
    def code_width(self) -> int:
        return self.d

    def encode(self, x):  # (S, B, D) -> (S, B, d)
        return self.encoder(x) * self.mask

    def decode(self, z):  # (S, B, d) -> (S, B, D)
        out = self.decoder(z)
        return out if self.linear else torch.sigmoid(out)

    def forward(self, x):
        return self.decode(self.encode(x))


def reparameterize(mu, logvar, generator=None):
    """``z = mu + sigma * eps`` with ``sigma = exp(logvar / 2)``, ``eps ~ N(0, I)``: a sample of
    N(mu, diag sigma^2) that is a differentiable function of ``mu`` and ``logvar``."""
    eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
    return mu + torch.exp(0.5 * logvar) * eps


def gaussian_kl(mu, logvar):
    """KL(N(mu, diag exp(logvar)) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1),
    summed over the last axis."""
    return 0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(-1)


class VAE(AutoEncoder):
    """A variational auto-encoder: the encoder outputs ``(mu, logvar)`` of q(z | x), ``2 d`` numbers."""

    @property
    def code_width(self) -> int:
        return 2 * self.d

    def encode(self, x):  # (S, B, D) -> mu, logvar: (S, B, d) each
        h = self.encoder(x)
        mu, logvar = h[..., : self.d], h[..., self.d :]
        return (
            mu * self.mask,
            logvar * self.mask,
        )  # masked units: mu = 0, sigma = 1, KL = 0

    def forward(self, x, generator=None):
        mu, logvar = self.encode(x)
        z = reparameterize(mu, logvar, generator) * self.mask
        return self.decode(z), mu, logvar


def fit(
    model, loss_fn, X, seeds, steps: int, batch: int = 64, lr: float = 5e-3, inputs=None
):
    """Train every member with Adam on its own minibatches; return the loss per step, ``(steps, S)``.

    ``X``: (N, D) training data; ``seeds``: one per member. Each step member ``s`` draws ``batch``
    rows from its own generator, seeded from ``seeds[s]``. ``loss_fn(model, x, target, step)`` returns one loss
    per member, shape ``(S,)``; ``inputs(x, generators)`` may corrupt the batch (default: none).
    The members are independent, so the summed loss gives each its own gradient.
    """
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got {tuple(X.shape)}")
    if steps < 1 or not 1 <= batch <= len(X):
        raise ValueError(
            f"need steps >= 1 and 1 <= batch <= N={len(X)}, got steps={steps}, batch={batch}"
        )
    seeds = _seeds(seeds)
    S = len(seeds)
    gens = [torch.Generator().manual_seed(1_000 + s) for s in seeds]
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = torch.empty(steps, S)
    for step in range(steps):
        idx = torch.stack(
            [torch.randint(len(X), (batch,), generator=g) for g in gens]
        )  # (S, B)
        target = X[idx]  # (S, B, D)
        x = target if inputs is None else inputs(target, gens)
        loss = loss_fn(model, x, target, step)  # (S,)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        history[step] = loss.detach()
    return history
