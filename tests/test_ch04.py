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
    assert bars[0] == pytest.approx(bars[2], abs=1e-6)  # two copies of "a": same weight without positions
    plt.close(fig)
    fig = demo.render(query=0, pe_scale=2.0)
    bars = [p.get_height() for p in fig.axes[1].patches]
    assert bars[0] > bars[2]  # with positions, the copy at the query's own position wins
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
