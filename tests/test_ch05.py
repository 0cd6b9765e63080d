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
    assert len(ax_beam.patches) == 4                      # one bar per prefix in the beam
    np.testing.assert_allclose([p.get_width() for p in ax_beam.patches], -scores)
    plt.close(fig)


def test_beam_decoding_handles_missing_widths_and_bad_traces():
    traces = ch05._synthetic_traces(steps=2)
    demo = ch05.beam_decoding({1: traces[1], 3: traces[3]}, list("24071"), NAMES)
    fig = demo.render(step=1, K=2)                        # a width between the recorded ones
    assert "no beam of width 2" in fig.axes[0].texts[0].get_text()
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one recorded step"):
        ch05.beam_decoding({1: []}, list("12"), NAMES)
