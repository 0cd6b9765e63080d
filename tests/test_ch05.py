"""Chapter 05: the decoding-tree figure and the beam-search demo (the demo's extremes are drawn in test_widgets)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.demos import ch05  # noqa: E402

NAMES = [str(d) for d in range(10)] + ["·", "<s>", "</s>"]


def test_decision_tree_marks_both_paths():
    tree = {"A": (0.6, {"A": 0.4, "B": 0.6}), "B": (0.4, {"A": 0.9, "B": 0.1})}
    fig = ch05.decision_tree(tree, "AB", "BA")
    ax = fig.axes[0]
    colours = [line.get_color() for line in ax.get_lines()]
    # 2 first-step edges + 4 second-step edges + 2 legend handles
    assert len(ax.get_lines()) == 8
    assert colours.count("crimson") == 3 and colours.count("green") == 3
    texts = [t.get_text() for t in ax.texts]
    assert "BA: P = 0.36" in texts and "AB: P = 0.36" in texts
    plt.close(fig)


def test_beam_decoding_shows_the_best_prefix_and_every_beam():
    traces = ch05._synthetic_traces(S=4, steps=3)
    demo = ch05.beam_decoding(traces, list("1234"), NAMES)
    assert demo.controls["step"].hi == 3 and demo.controls["K"].hi == 4
    fig = demo.render(step=3, K=4)
    ax_attn, ax_beam = fig.axes[:2]
    prefixes, scores, attn = traces[4][2]
    best = int(np.argmax(scores))
    np.testing.assert_allclose(ax_attn.get_images()[0].get_array(), attn[best])
    assert len(ax_beam.patches) == 4  # one bar per prefix in the beam
    np.testing.assert_allclose([p.get_width() for p in ax_beam.patches], -scores)
    plt.close(fig)


def test_beam_decoding_handles_missing_widths_and_bad_traces():
    traces = ch05._synthetic_traces(steps=2)
    demo = ch05.beam_decoding({1: traces[1], 3: traces[3]}, list("24071"), NAMES)
    fig = demo.render(step=1, K=2)  # a width between the recorded ones
    assert "no beam of width 2" in fig.axes[0].texts[0].get_text()
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one recorded step"):
        ch05.beam_decoding({1: []}, list("12"), NAMES)


def test_chapter_04_attention_builds_pytorchs_decoder_layer():
    """The chapter's post-norm decoder block, built on helpers.attention, equals nn.TransformerDecoderLayer.

    This pins down the conventions chapter 05 relies on: boolean masks are True where a query may
    look (PyTorch's float mask and key-padding mask mean the opposite), and the weights' layout.
    """
    import torch
    from torch import nn

    from helpers.attention import MultiHeadAttention

    torch.manual_seed(0)
    D, h, d_ff, T, S = 16, 2, 32, 5, 7
    self_attn, cross_attn = MultiHeadAttention(D, h), MultiHeadAttention(D, h)
    ffn = nn.Sequential(nn.Linear(D, d_ff), nn.ReLU(), nn.Linear(d_ff, D))
    norms = [nn.LayerNorm(D) for _ in range(3)]
    for n in norms:
        nn.init.normal_(n.weight)
        nn.init.normal_(n.bias)
    ref = nn.TransformerDecoderLayer(D, h, d_ff, dropout=0.0, batch_first=True).eval()
    ref.self_attn.load_state_dict(self_attn.state_dict())
    ref.multihead_attn.load_state_dict(cross_attn.state_dict())
    ref.linear1.load_state_dict(ffn[0].state_dict())
    ref.linear2.load_state_dict(ffn[2].state_dict())
    for k, n in enumerate(norms, start=1):
        getattr(ref, f"norm{k}").load_state_dict(n.state_dict())

    d, m = torch.randn(3, T, D), torch.randn(3, S, D)
    pad = torch.arange(S)[None, :] >= torch.tensor([[7], [4], [2]])  # True on padding
    causal = torch.ones(T, T, dtype=torch.bool).tril()  # True where t may see j
    with torch.no_grad():
        u = norms[0](d + self_attn(d, d, d, causal)[0])
        u2 = norms[1](u + cross_attn(u, m, m, ~pad[:, None, None, :])[0])
        ours = norms[2](u2 + ffn(u2))
        theirs = ref(
            d,
            m,
            tgt_mask=nn.Transformer.generate_square_subsequent_mask(T),
            tgt_is_causal=True,
            memory_key_padding_mask=pad,
        )
    torch.testing.assert_close(ours, theirs)


def test_layer_norm_by_its_definition_matches_pytorch():
    import torch

    z = torch.randn(4, 6, 8)
    gamma, beta = torch.randn(8), torch.randn(8)
    mu, var = z.mean(-1, keepdim=True), z.var(-1, unbiased=False, keepdim=True)
    torch.testing.assert_close(
        gamma * (z - mu) / torch.sqrt(var + 1e-5) + beta,
        torch.nn.functional.layer_norm(z, (8,), gamma, beta),
    )


def test_exercise_references_match_pytorch():
    """The checkers' reference answers: label smoothing as F.cross_entropy does it, top-p keeps a valid nucleus."""
    import torch

    from helpers.exercises import ch05 as ex

    ex._check_references()
    prob = torch.softmax(torch.randn(6, 13), -1)
    for p in [0.0, 0.3, 0.9, 1.0]:
        kept = ex.top_p_filter(prob, p)
        torch.testing.assert_close(kept.sum(-1), torch.ones(6))
        assert (
            kept[torch.arange(6), prob.argmax(-1)] > 0
        ).all()  # the top token is always kept
        assert ((kept > 0).sum(-1) >= 1).all()
    # the nucleus is the shortest set reaching p: dropping its least probable member falls short
    p = 0.6
    kept = ex.top_p_filter(prob, p)
    for row, k in zip(prob, kept):
        members = row[k > 0].sort().values
        assert members.sum() >= p - 1e-6 or len(members) == 13
        assert members[1:].sum() < p
