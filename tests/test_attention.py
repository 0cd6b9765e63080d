"""helpers.attention against PyTorch's attention (chapter 04) and an independent computation."""

import math

import pytest
import torch
from torch import nn

from helpers.attention import (
    MultiHeadAttention,
    scaled_dot_product_attention,
    sinusoidal_positions,
)


def test_scaled_dot_product_attention_matches_pytorch_with_and_without_mask():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 4, generator=g) for _ in range(3))  # (B, h, T, d_k)
    mask = torch.rand(5, 5, generator=g) > 0.3
    mask[:, 0] = True  # every query keeps at least one key
    for m in (None, mask):
        out, weights = scaled_dot_product_attention(q, k, v, m)
        torch.testing.assert_close(
            out, nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m)
        )
        torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 5))
    assert not weights[..., ~mask].any()  # masked pairs get exactly no weight


def test_weights_are_the_softmax_of_scaled_dot_products():
    q, k = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    _, w = scaled_dot_product_attention(q, k, torch.eye(2))
    e = math.exp(1 / math.sqrt(2))
    torch.testing.assert_close(w, torch.tensor([[e / (e + 1), 1 / (e + 1)]]))


def test_fully_masked_row_gives_zeros_not_nan():
    q = k = v = torch.randn(1, 3, 2)
    mask = torch.tensor([[False] * 3, [True] * 3, [True] * 3])
    out, w = scaled_dot_product_attention(q, k, v, mask)
    assert torch.isfinite(out).all() and not w[0, 0].any() and not out[0, 0].any()


@pytest.mark.parametrize("h", [1, 2, 4])
@pytest.mark.parametrize("masked", [False, True])
def test_multi_head_attention_matches_nn_multiheadattention(h, masked):
    torch.manual_seed(h)
    B, T, D = 3, 6, 8
    theirs = nn.MultiheadAttention(D, h, batch_first=True)
    nn.init.normal_(theirs.in_proj_bias)
    nn.init.normal_(theirs.out_proj.bias)
    ours = MultiHeadAttention(D, h)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(B, T, D)
    mask = (
        torch.tril(torch.ones(T, T, dtype=torch.bool)) if masked else None
    )  # True = may attend
    out, w = ours(x, mask=mask)
    ref, ref_w = theirs(
        x, x, x, attn_mask=None if mask is None else ~mask, average_attn_weights=False
    )
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(w, ref_w, atol=1e-6, rtol=1e-5)


def test_multi_head_attention_cross_attention_and_key_padding():
    torch.manual_seed(0)
    B, Tq, Tk, D = 2, 3, 5, 8
    theirs = nn.MultiheadAttention(D, 2, batch_first=True)
    ours = MultiHeadAttention(D, 2)
    ours.load_state_dict(theirs.state_dict())
    x, mem = torch.randn(B, Tq, D), torch.randn(B, Tk, D)
    pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])  # True = padding
    out, _ = ours(x, mem, mem, mask=~pad[:, None, None, :])  # (B, 1, 1, Tk)
    ref, _ = theirs(x, mem, mem, key_padding_mask=pad)
    torch.testing.assert_close(out, ref, atol=1e-6, rtol=1e-5)


def test_multi_head_attention_rejects_bad_head_count():
    with pytest.raises(ValueError, match="divisible"):
        MultiHeadAttention(6, 4)


def test_sinusoidal_positions_match_the_formula():
    T, D = 7, 6
    e = sinusoidal_positions(T, D)
    for t in range(T):
        for i in range(D // 2):
            angle = t / 10000 ** (2 * i / D)
            assert e[t, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert e[t, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)
    with pytest.raises(ValueError, match="even"):
        sinusoidal_positions(3, 5)
