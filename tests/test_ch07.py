"""Chapter 07: the tiny BERT/GPT blocks against PyTorch, their input checks, and the demos' content."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from helpers.demos import ch07  # noqa: E402
from helpers.exercises import ch07 as exercises  # noqa: E402
from helpers.pretrain import (
    Block,
    TinyTransformer,
    causal_mask,
    copy_to_torch,
    n_params,
)  # noqa: E402


def test_block_matches_pytorch_with_and_without_a_mask():
    torch.manual_seed(0)
    block = Block(16, 2, 32).eval()
    ref = copy_to_torch(
        block,
        nn.TransformerEncoderLayer(
            16, 2, 32, dropout=0.0, activation="gelu", norm_first=True, batch_first=True
        ).eval(),
    )
    x = torch.randn(2, 5, 16)
    torch.testing.assert_close(block(x), ref(x))
    torch.testing.assert_close(
        block(x, causal_mask(5)), ref(x, src_mask=~causal_mask(5))
    )


def test_causal_model_ignores_the_future_and_bert_does_not():
    torch.manual_seed(0)
    x = torch.randint(0, 10, (1, 8))
    y = x.clone()
    y[0, 5:] = (y[0, 5:] + 1) % 10
    gpt = TinyTransformer(
        10, D=16, h=2, d_ff=32, n_layers=2, T_max=8, causal=True
    ).eval()
    bert = TinyTransformer(10, D=16, h=2, d_ff=32, n_layers=2, T_max=8).eval()
    torch.testing.assert_close(gpt(x)[0, :5], gpt(y)[0, :5])
    assert not torch.allclose(bert(x)[0, :5], bert(y)[0, :5])


def test_padding_is_never_attended_to():
    torch.manual_seed(0)
    bert = TinyTransformer(10, D=16, h=2, d_ff=32, n_layers=1, T_max=8, pad_id=0).eval()
    x = torch.tensor([[1, 4, 5, 0, 0]])
    y = torch.tensor([[1, 4, 5, 0, 0, 0, 0]])
    torch.testing.assert_close(bert(x)[0, :3], bert(y)[0, :3])


def test_param_count_and_bad_input():
    m = TinyTransformer(10, D=16, h=2, d_ff=32, n_layers=1, T_max=8)
    assert n_params(m) == sum(p.numel() for p in m.parameters())
    with pytest.raises(ValueError, match="T_max"):
        m(torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match="token ids"):
        m(torch.full((1, 3), 10))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        m(torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="positive"):
        TinyTransformer(10, D=0)


def test_exercise_references_on_known_answers():
    z_s, z_e = torch.tensor([0.0, 0, 0, 0, 5, 0]), torch.tensor([0.0, 4, 0, 0, 0, 1])
    assert exercises._best_span(z_s, z_e, 6).tolist() == [4, 5]
    A = torch.eye(4)
    torch.testing.assert_close(exercises._mrr(A, A), torch.tensor(1.0))
    B = A[[1, 0, 2, 3]]  # the first two swapped: ranks 2, 2, 1, 1
    torch.testing.assert_close(exercises._mrr(A, B), torch.tensor(0.75))


def test_masked_prediction_marks_the_hidden_word():
    demo = ch07.examples()["masked_prediction"]
    fig = demo.render(sentence="the cat sat on the mat .", position=2)
    ax_s, ax_p = fig.axes
    assert "[MASK]" in ax_s.texts[0].get_text() and "'cat'" in ax_s.texts[1].get_text()
    widths = [b.get_width() for b in ax_p.patches]
    assert widths == sorted(widths, reverse=True) and 0 < sum(widths) <= 1 + 1e-6
    plt.close(fig)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        ch07.masked_prediction(None, [["dog"]], ["[PAD]", "cat"], 0, 0)


def test_sampling_is_greedy_at_low_temperature():
    demo = ch07.examples()["sampling"]
    fig = demo.render(tau=0.05)
    widths = [b.get_width() for b in fig.axes[0].patches]
    assert widths[0] > 0.99 and np.isclose(sum(widths), 1.0, atol=1e-3)
    plt.close(fig)
