"""Scaled dot-product and multi-head attention, written from scratch (chapter 04 teaches them).

Shapes use the book's alphabet: ``B`` batch, ``T`` positions (``Tq`` queries, ``Tk`` keys),
``D`` model width (``d_model``), ``h`` heads, ``d_k = D / h`` per head. Masks are boolean and
``True`` means *may attend* (as in ``torch.nn.functional.scaled_dot_product_attention``; note that
``nn.MultiheadAttention``'s boolean ``attn_mask`` means the opposite, so pass it ``~mask``).
"""

import math

import torch
from torch import nn


def scaled_dot_product_attention(q, k, v, mask=None):
    r"""Return ``(out, weights)`` with ``weights = softmax(q k^T / sqrt(d_k))`` and ``out = weights v``.

    ``q``: (..., Tq, d_k), ``k``: (..., Tk, d_k), ``v``: (..., Tk, d_v); ``mask`` broadcasts to
    (..., Tq, Tk), ``True`` where a query may attend to a key. A query row whose keys are all
    masked gets zero weights (and a zero output) instead of NaN.
    """
    d_k = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (..., Tq, Tk)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # each row sums to 1
    if mask is not None:
        weights = weights.nan_to_num(
            0.0
        )  # fully masked rows: softmax of all -inf is NaN
    return weights @ v, weights  # (..., Tq, d_v), (..., Tq, Tk)


class MultiHeadAttention(nn.Module):
    """``h`` attention heads of width ``d_k = d_model / h`` side by side, then an output projection.

    The parameters are named and laid out as in ``nn.MultiheadAttention`` (``in_proj_weight`` =
    the rows of ``W^q``, ``W^k``, ``W^v`` stacked, ``in_proj_bias``, ``out_proj``), so
    ``ours.load_state_dict(theirs.state_dict())`` copies PyTorch's weights in. Inputs are
    batch-first: (B, T, D).
    """

    def __init__(self, d_model: int, h: int, bias: bool = True):
        super().__init__()
        if d_model % h:
            raise ValueError(f"d_model={d_model} is not divisible by h={h}")
        self.d_model, self.h, self.d_k = d_model, h, d_model // h
        self.in_proj_weight = nn.Parameter(
            torch.empty(3 * d_model, d_model)
        )  # [W^q; W^k; W^v]
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model)) if bias else None
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.out_proj.bias)

    def split_heads(self, x):
        """(B, T, D) -> (B, h, T, d_k)."""
        B, T, _ = x.shape
        return x.view(B, T, self.h, self.d_k).transpose(1, 2)

    def forward(self, query, key=None, value=None, mask=None):
        """Return ``(out, weights)``: out (B, Tq, D), per-head weights (B, h, Tq, Tk).

        ``key`` and ``value`` default to ``query`` (self-attention). ``mask`` broadcasts to
        (B, h, Tq, Tk): (Tq, Tk) for one mask for all, (B, 1, 1, Tk) for padded keys.
        """
        key = query if key is None else key
        value = key if value is None else value
        W_q, W_k, W_v = self.in_proj_weight.chunk(3)  # each (D, D)
        b_q, b_k, b_v = (
            (None,) * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        )
        q = self.split_heads(nn.functional.linear(query, W_q, b_q))  # (B, h, Tq, d_k)
        k = self.split_heads(nn.functional.linear(key, W_k, b_k))  # (B, h, Tk, d_k)
        v = self.split_heads(nn.functional.linear(value, W_v, b_v))  # (B, h, Tk, d_k)
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, h, Tq, d_k)
        B, _, Tq, _ = out.shape
        out = out.transpose(1, 2).reshape(
            B, Tq, self.d_model
        )  # concatenate heads: (B, Tq, D)
        return self.out_proj(out), weights


def sinusoidal_positions(T: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    r"""The Transformer's positional encodings, (T, d_model):
    ``e[t, 2i] = sin(t / base^(2i/d_model))``, ``e[t, 2i+1] = cos(t / base^(2i/d_model))``."""
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}")
    t = torch.arange(T, dtype=torch.float32)[:, None]  # (T, 1)
    freq = base ** (
        -torch.arange(0, d_model, 2, dtype=torch.float32) / d_model
    )  # (d_model/2,)
    e = torch.zeros(T, d_model)
    e[:, 0::2] = torch.sin(t * freq)
    e[:, 1::2] = torch.cos(t * freq)
    return e
