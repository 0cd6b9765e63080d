"""Train one model on several seeds at once, as one batched model (chapter 03).

A result needs at least three seeds an arm (:mod:`helpers.claims`). Small networks spend most of
their time in per-operation overhead, so the seeds of an arm train side by side:
``torch.func.stack_module_state`` stacks their parameters and ``torch.func.vmap`` runs the
copies on their own batches in one call. Each seed keeps its own initialization
(``torch.manual_seed(seed)`` before ``make()``), its own batch order (a generator seeded with the
seed, as :func:`helpers.train.fit` draws it) and its own Adam state (Adam acts on each number
alone), so a seed's network is the one a separate run would give, up to float rounding;
``tests/test_ch03.py`` checks that against :func:`helpers.train.fit`.

:class:`Stacked` is the same idea for a training loop a chapter writes itself (chapter 05's
Transformers): the copies' parameters stacked, one call running every copy on its own inputs.
"""

import copy
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, stack_module_state, vmap

from helpers.train import batches


@dataclass
class Curves:
    """Per seed and epoch: ``loss`` (mean training loss) and ``val_accuracy`` (``None`` without ``X_val``)."""

    loss: torch.Tensor
    val_accuracy: torch.Tensor | None = None


def fit_seeds(
    make,
    seeds,
    X,
    y,
    epochs: int,
    batch_size: int,
    lr: float,
    augment=None,
    loss_fn=F.cross_entropy,
    X_val=None,
    y_val=None,
):
    """Train ``make()`` once per seed with Adam; return ``(nets, curves)``.

    ``nets``: one ordinary module per seed, in eval mode. ``curves``: :class:`Curves`, tensors
    ``(len(seeds), epochs)``: each seed's mean training loss over each epoch and, when ``X_val, y_val``
    are given, its accuracy on them after each epoch. ``augment``, when given, is applied to every
    training batch of all seeds together (shape ``(S * b, ...)``) before the forward pass.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if len(X) != len(y):
        raise ValueError(
            f"X and y disagree on the number of examples: {len(X)} vs {len(y)}"
        )
    if epochs < 1 or batch_size < 1:
        raise ValueError(
            f"epochs and batch_size must be at least 1, got {epochs} and {batch_size}"
        )
    nets = []
    for s in seeds:
        torch.manual_seed(s)
        nets.append(make())
    params, buffers = stack_module_state(nets)  # name -> (S, *shape)
    base = copy.deepcopy(nets[0]).to("meta")  # the architecture, without numbers

    def forward(p, b, x):
        return functional_call(base, (p, b), (x,))

    batched = vmap(forward)  # (S, b, ...) -> (S, b, K)
    opt = torch.optim.Adam(params.values(), lr=lr)
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    S, n = len(seeds), len(y)
    losses = torch.zeros(S, epochs)
    val_acc = None if X_val is None else torch.zeros(S, epochs)
    for epoch in range(epochs):
        orders = [
            list(batches(n, batch_size, g)) for g in gens
        ]  # each seed's own batch order
        for step in range(len(orders[0])):
            idx = torch.stack([o[step] for o in orders])  # (S, b)
            xb = X[idx]  # (S, b, ...)
            if augment is not None:
                xb = augment(xb.flatten(0, 1)).view(xb.shape)
            out = batched(params, buffers, xb)  # (S, b, K)
            per_seed = torch.stack(
                [loss_fn(out[i], y[idx[i]]) for i in range(S)]
            )  # (S,)
            opt.zero_grad()
            per_seed.sum().backward()  # each seed's gradient is its own
            opt.step()
            losses[:, epoch] += per_seed.detach() * idx.shape[1] / n
        if X_val is not None:
            with torch.no_grad():
                out = batched(
                    params, buffers, X_val.expand(S, *X_val.shape)
                )  # (S, N_val, K)
                val_acc[:, epoch] = (out.argmax(-1) == y_val).float().mean(1)
    for i, net in enumerate(nets):
        with torch.no_grad():
            for name, p in net.named_parameters():
                p.copy_(params[name][i])
            for name, b in net.named_buffers():
                b.copy_(buffers[name][i])
    return [net.eval() for net in nets], Curves(losses, val_acc)


def accuracies(nets, X, y) -> torch.Tensor:
    """Each net's accuracy on ``(X, y)``: a tensor ``(len(nets),)``."""
    if not isinstance(nets, (list, tuple)) or not all(
        isinstance(n, nn.Module) for n in nets
    ):
        raise ValueError("nets must be a list of modules")
    with torch.no_grad():
        return torch.tensor(
            [(net(X).argmax(1) == y).float().mean().item() for net in nets]
        )


class Stacked:
    """Several copies of one architecture as one batched model (chapter 05).

    ``Stacked(modules)`` stacks the parameters and buffers of ``modules`` (one
    architecture, any weights); :meth:`from_seeds` builds copy ``i`` as
    ``torch.manual_seed(seeds[i]); make()``. ``stacked(*inputs)`` runs copy ``i`` on
    ``inputs[k][i]`` for every ``i`` at once (``torch.func.vmap``): every input carries
    a leading copy axis, and so does the output. :meth:`parameters` are the stacked
    leaves to hand to an optimizer; since the copies' losses are summed and Adam acts
    on each number alone, each copy trains as it would alone.
    """

    def __init__(self, modules, **kwargs):
        modules = list(modules)
        if not modules or not all(isinstance(m, nn.Module) for m in modules):
            raise ValueError("Stacked needs a non-empty list of modules")
        self.params, self.buffers = stack_module_state(modules)  # name -> (S, *shape)
        # the architecture, without numbers
        self.base = copy.deepcopy(modules[0]).to("meta")
        self.S = len(modules)

        def forward(p, b, *inputs):
            return functional_call(self.base, (p, b), inputs, kwargs)

        self._batched = vmap(forward, randomness="different")

    @classmethod
    def from_seeds(cls, make, seeds):
        """Copy ``i`` initialized as ``torch.manual_seed(seeds[i]); make()``."""
        seeds = [int(s) for s in seeds]
        if not seeds:
            raise ValueError("seeds must name at least one seed")
        modules = []
        for s in seeds:
            torch.manual_seed(s)
            modules.append(make())
        return cls(modules)

    def __call__(self, *inputs):
        for x in inputs:
            if torch.is_tensor(x) and (x.ndim == 0 or x.shape[0] != self.S):
                raise ValueError(
                    f"every input needs a leading axis of {self.S} copies, "
                    f"got {tuple(x.shape)}"
                )
        return self._batched(self.params, self.buffers, *inputs)

    def parameters(self):
        return list(self.params.values())

    def state_dict(self, i: int) -> dict:
        """Copy ``i``'s weights, as ``module.state_dict()`` would give them (cloned)."""
        if not 0 <= i < self.S:
            raise ValueError(f"copy {i} does not exist: there are {self.S}")
        return {
            k: v[i].detach().clone() for k, v in {**self.params, **self.buffers}.items()
        }
