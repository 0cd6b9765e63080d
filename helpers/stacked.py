"""Several seeds of one small network, trained at once as one stacked model (chapter 01).

A claim needs at least three seeds an arm. A small network spends its time in Python overhead,
not arithmetic, so ``S`` copies whose weights are stacked along a first axis, ``(S, d_in, d_out)``,
train for about the price of one: ``torch.baddbmm`` runs every copy in one call. Copy ``s`` starts
from exactly the weights ``torch.manual_seed(seeds[s]); mlp(sizes)`` gives, and since the loss is
the sum of the copies' own losses and Adam updates each entry on its own, each copy trains as it
would alone (up to the order of floating-point sums).
"""

import torch
import torch.nn as nn


def mlp(sizes, activation=nn.ReLU) -> nn.Sequential:
    """``Linear(sizes[0], sizes[1]), activation, ..., Linear(sizes[-2], sizes[-1])``: one seed's net.

    ``activation=None`` leaves the layers linear (a control that cannot bend).
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"sizes must list at least an input and an output size, all >= 1, got {sizes}"
        )
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(d_in, d_out))
        if activation is not None and i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


class StackedMLP(nn.Module):
    """One :func:`mlp` per seed, stacked: ``forward(x)`` maps ``(N, d_in)`` to ``(S, N)``."""

    def __init__(self, sizes, seeds, activation=nn.ReLU):
        super().__init__()
        seeds = list(seeds)
        if not seeds:
            raise ValueError("seeds must name at least one seed")
        if int(sizes[-1]) != 1:
            raise ValueError(
                f"the last size must be 1 (one output per example), got {sizes[-1]}"
            )
        self.sizes, self.seeds, self.activation = (
            [int(s) for s in sizes],
            seeds,
            activation,
        )
        nets = []
        for s in seeds:
            torch.manual_seed(s)
            nets.append(mlp(sizes, activation))
        linears = [[m for m in net if isinstance(m, nn.Linear)] for net in nets]
        # weight k of copy s, transposed for x @ W: (S, d_in, d_out); bias (S, 1, d_out)
        self.W = nn.ParameterList(
            nn.Parameter(torch.stack([ls[k].weight.detach().T for ls in linears]))
            for k in range(len(sizes) - 1)
        )
        self.b = nn.ParameterList(
            nn.Parameter(torch.stack([ls[k].bias.detach()[None, :] for ls in linears]))
            for k in range(len(sizes) - 1)
        )
        self.act = activation() if activation is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        S = len(self.seeds)
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (N, {self.sizes[0]}), got {tuple(x.shape)}"
            )
        h = x.expand(S, *x.shape)  # (S, N, d_in)
        for k, (W, b) in enumerate(zip(self.W, self.b)):
            h = torch.baddbmm(b, h, W)  # (S, N, d_out)
            if k < len(self.W) - 1:
                h = self.act(h)
        return h[..., 0]  # (S, N)

    def member(self, i: int) -> nn.Sequential:
        """Copy ``i`` as a plain ``nn.Sequential`` (for plotting, or checking against PyTorch)."""
        net = mlp(self.sizes, self.activation)
        with torch.no_grad():
            for lin, W, b in zip(
                [m for m in net if isinstance(m, nn.Linear)], self.W, self.b
            ):
                lin.weight.copy_(W[i].T)
                lin.bias.copy_(b[i, 0])
        return net

    def set_member(self, i: int, net: nn.Sequential) -> None:
        """Give copy ``i`` the weights of ``net`` (an :func:`mlp` of the same sizes)."""
        linears = [m for m in net if isinstance(m, nn.Linear)]
        if [lin.in_features for lin in linears] + [
            linears[-1].out_features
        ] != self.sizes:
            raise ValueError(f"net's layer sizes do not match {self.sizes}")
        with torch.no_grad():
            for lin, W, b in zip(linears, self.W, self.b):
                W[i] = lin.weight.T
                b[i, 0] = lin.bias


def mse_per_seed(model: StackedMLP, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Each copy's mean squared error on ``(X, y)``: shape ``(S,)``."""
    with torch.no_grad():
        return ((model(X) - y) ** 2).mean(-1)


def fit(
    model: StackedMLP, X: torch.Tensor, y: torch.Tensor, steps: int, lr: float
) -> torch.Tensor:
    """Full-batch Adam on every copy's MSE at once; returns the training MSE per copy, ``(S,)``."""
    if len(X) != len(y):
        raise ValueError(
            f"X and y disagree on the number of examples: {len(X)} vs {len(y)}"
        )
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = ((model(X) - y) ** 2).mean(-1).sum()  # sum of the copies' own losses
        opt.zero_grad()
        loss.backward()
        opt.step()
    return mse_per_seed(model, X, y)
