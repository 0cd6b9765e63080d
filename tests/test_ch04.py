"""Chapter 04: its demos' guard rails (the extremes are rendered by test_widgets.py)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.demos import ch04  # noqa: E402


def test_attention_explorer_rows_are_distributions_and_repeats_need_positions():
    demo = ch04.attention_explorer("a b a".split())
    fig = demo.render(query=0, pe_scale=0.0)
    bars = [p.get_height() for p in fig.axes[1].patches]
    assert sum(bars) == pytest.approx(1.0, abs=1e-5)
    assert bars[0] == pytest.approx(
        bars[2], abs=1e-6
    )  # two copies of "a": same weight without positions
    plt.close(fig)
    fig = demo.render(query=0, pe_scale=2.0)
    bars = [p.get_height() for p in fig.axes[1].patches]
    assert (
        bars[0] > bars[2]
    )  # with positions, the copy at the query's own position wins
    plt.close(fig)


def test_attention_explorer_rejects_a_single_word_and_clamps_the_query():
    with pytest.raises(ValueError, match="two words"):
        ch04.attention_explorer(["alone"])
    fig = ch04.attention_explorer("x y".split()).render(query=99, pe_scale=0.0)
    plt.close(fig)


def test_gradient_demo_lstm_keeps_the_gradient_with_a_large_forget_bias():
    demo = ch04.gradient_across_time(T_max=60)
    fig = demo.render(radius=0.5, forget_bias=8.0)
    rnn, lstm = (np.asarray(line.get_ydata()) for line in fig.axes[0].get_lines()[:2])
    assert rnn[-1] < 1e-6 * rnn[0]  # the contracting RNN forgets
    assert lstm[-1] > 1e-2 * lstm[0]  # the open memory path keeps the gradient
    plt.close(fig)


def test_explorer_inputs_reject_a_single_word_and_repeat_vectors_for_repeated_words():
    with pytest.raises(ValueError, match="two words"):
        ch04.explorer_inputs(["alone"])
    a, e = ch04.explorer_inputs("x y x".split(), d_model=8)
    assert a.shape == e.shape == (3, 8)
    assert (a[0] == a[2]).all() and not (e[0] == e[2]).all()


def test_exercise_references_match_pytorch():
    import torch
    import torch.nn.functional as F
    from torch import nn

    from helpers import checks
    from helpers.exercises import ch04 as ex

    g = torch.Generator().manual_seed(0)
    Q, K, V = (
        torch.randn(3, 4, generator=g),
        torch.randn(3, 5, generator=g),
        torch.randn(2, 5, generator=g),
    )
    ref = F.scaled_dot_product_attention(Q.T[None], K.T[None], V.T[None])[0].T
    checks.assert_close(
        ex.attention_columns(Q, K, V), ref, "column-form attention matches PyTorch"
    )
    cell = nn.LSTMCell(3, 4)
    x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    with torch.no_grad():
        for a, b in zip(
            ex.lstm_step(
                x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
            ),
            cell(x, (h, c)),
        ):
            checks.assert_close(a, b, "lstm_step matches nn.LSTMCell")
    net = nn.Linear(5, 3)
    (net(torch.randn(4, 5)) * 100).sum().backward()
    clipped = ex.clip_by_norm([p.grad.clone() for p in net.parameters()], 1.0)
    nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    for a, p in zip(clipped, net.parameters()):
        checks.assert_close(a, p.grad, "clip_by_norm matches clip_grad_norm_")
