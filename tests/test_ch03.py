"""Chapter 03: image moves (helpers.images) and the feature-map demo, against independent computations."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from helpers.demos import ch03  # noqa: E402
from helpers.images import affine, shift  # noqa: E402


def test_shift_matches_roll_on_an_empty_border():
    x = F.pad(
        torch.rand(4, 2, 6, 6), (2, 2, 2, 2)
    )  # the border is empty, so rolling loses nothing
    for dy, dx in [(0, 0), (1, -2), (-2, 2), (2, 0)]:
        torch.testing.assert_close(shift(x, dy, dx), torch.roll(x, (dy, dx), (2, 3)))


def test_shift_drops_pixels_that_leave_the_frame():
    x = torch.arange(1.0, 10.0).view(1, 1, 3, 3)
    expected = torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 2.0], [0.0, 4.0, 5.0]])
    torch.testing.assert_close(shift(x, 1, 1)[0, 0], expected)
    assert shift(x, 3, 0).abs().sum() == 0
    with pytest.raises(ValueError, match="shape"):
        shift(x[0], 1, 1)


def test_affine_rotations_by_right_angles_match_rot90():
    x = torch.rand(3, 2, 8, 8)
    torch.testing.assert_close(affine(x, 0.0), x, atol=1e-5, rtol=0)
    torch.testing.assert_close(
        affine(x, 90.0), torch.rot90(x, 1, (2, 3)), atol=1e-5, rtol=0
    )
    per_image = affine(x, torch.tensor([0.0, 180.0, -90.0]))
    expected = torch.stack(
        [x[0], torch.rot90(x[1], 2, (1, 2)), torch.rot90(x[2], -1, (1, 2))]
    )
    torch.testing.assert_close(per_image, expected, atol=1e-5, rtol=0)


def test_affine_zoom_by_two_doubles_each_pixel_about_the_centre():
    x = torch.zeros(1, 1, 8, 8)
    x[0, 0, 3:5, 3:5] = 1.0  # a 2x2 square at the centre
    z = affine(x, 0.0, scale=2.0)
    assert z[0, 0, 2:6, 2:6].min() > 0.2 and z[0, 0, :1].abs().sum() == 0
    torch.testing.assert_close(
        z.sum(), 4 * x.sum(), atol=1.0, rtol=0
    )  # area grows about 4x
    with pytest.raises(ValueError, match="positive"):
        affine(x, 0.0, scale=0.0)


def test_correlate_matches_conv2d():
    rng = np.random.default_rng(0)
    x, w = rng.random((8, 8)), rng.normal(size=(3, 3))
    for stride in (1, 2, 3):
        for padding in (0, 1, 2):
            ours = ch03.correlate(x, w, stride, padding)
            ref = F.conv2d(
                torch.tensor(x)[None, None],
                torch.tensor(w)[None, None],
                stride=stride,
                padding=padding,
            )
            np.testing.assert_allclose(ours, ref[0, 0].numpy(), atol=1e-12)
            assert ours.shape[0] == ch03.out_size(8, 3, stride, padding)


def test_feature_map_demo_validates_and_draws_learned_filters():
    with pytest.raises(ValueError, match="shape"):
        ch03.feature_map(np.zeros((2, 8, 7)))
    with pytest.raises(ValueError, match="3x3"):
        ch03.feature_map(np.zeros((2, 8, 8)), {"bad": np.zeros((2, 2))})
    demo = ch03.feature_map(
        np.random.default_rng(0).random((3, 8, 8)), {"learned 0": np.ones((3, 3))}
    )
    fig = demo.render(**demo.defaults)
    assert len(fig.axes) == 3
    plt.close(fig)


def test_affine_shift_matches_shift_and_composes_with_rotation():
    x = F.pad(torch.rand(5, 1, 8, 8), (2, 2, 2, 2))
    d = torch.tensor([[1, 0], [0, -1], [-1, 1], [2, -2], [0, 0]])
    moved = torch.stack([shift(x[i : i + 1], *d[i].tolist())[0] for i in range(5)])
    torch.testing.assert_close(affine(x, 0.0, shift=d), moved, atol=1e-5, rtol=0)
    torch.testing.assert_close(
        affine(x, 90.0, shift=d), torch.rot90(moved, 1, (2, 3)), atol=1e-5, rtol=0
    )
    with pytest.raises(ValueError, match="shift"):
        affine(x, 0.0, shift=torch.zeros(3, 2))


def test_fit_seeds_equals_separate_runs_of_train_fit():
    from helpers import train
    from helpers.seeds import accuracies, fit_seeds

    X, y = torch.rand(100, 1, 6, 6), torch.randint(0, 3, (100,))

    def make():
        return torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3),
            torch.nn.ReLU(),
            torch.nn.Flatten(),
            torch.nn.Linear(64, 3),
        )

    nets, curves = fit_seeds(
        make, [3, 5], X, y, epochs=2, batch_size=32, lr=1e-2, X_val=X[:10], y_val=y[:10]
    )
    losses = curves.loss
    assert losses.shape == (2, 2) and torch.isfinite(losses).all()
    torch.testing.assert_close(
        curves.val_accuracy[:, -1], accuracies(nets, X[:10], y[:10])
    )
    for seed, net in zip([3, 5], nets):
        torch.manual_seed(seed)
        alone = make()
        hist = train.fit(
            alone,
            F.cross_entropy,
            X,
            y,
            torch.optim.Adam(alone.parameters(), lr=1e-2),
            epochs=2,
            batch_size=32,
            seed=seed,
        )
        for p, q in zip(net.parameters(), alone.parameters()):
            torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
        assert (
            abs(sum(hist.train[:4]) / 4 - losses[[3, 5].index(seed), 0].item()) < 0.05
        )  # mean over epoch 1
    assert accuracies(nets, X, y).shape == (2,)
    with pytest.raises(ValueError, match="seed"):
        fit_seeds(make, [], X, y, 1, 32, 1e-2)
    with pytest.raises(ValueError, match="disagree"):
        fit_seeds(make, [0], X, y[:5], 1, 32, 1e-2)


def test_conv_backward_is_correlation_with_the_flipped_filters():
    """Eq. (eq-03-conv-backward) as the chapter computes it, against autograd."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 7, 7, generator=g, dtype=torch.float64, requires_grad=True)
    W = torch.randn(4, 3, 3, 3, generator=g, dtype=torch.float64, requires_grad=True)
    b = torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, W, b)
    g_out = torch.randn(y.shape, generator=g, dtype=torch.float64)
    dx, dW, db = torch.autograd.grad(y, (x, W, b), g_out)
    torch.testing.assert_close(
        F.conv2d(F.pad(g_out, (2,) * 4), W.detach().flip(2, 3).transpose(0, 1)), dx
    )
    torch.testing.assert_close(
        F.conv2d(x.detach().transpose(0, 1), g_out.transpose(0, 1)).transpose(0, 1), dW
    )
    torch.testing.assert_close(g_out.sum((0, 2, 3)), db)


def test_stacked_trains_each_copy_as_alone():
    from helpers.seeds import Stacked

    def make():
        return torch.nn.Sequential(
            torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
        )

    X, y = torch.randn(2, 16, 4), torch.randint(0, 3, (2, 16))
    stack = Stacked.from_seeds(make, [3, 5])
    opt = torch.optim.Adam(stack.parameters(), lr=1e-2)
    for _ in range(5):
        out = stack(X)  # (2, 16, 3)
        loss = sum(F.cross_entropy(out[i], y[i]) for i in range(2))
        opt.zero_grad()
        loss.backward()
        opt.step()
    for i, seed in enumerate([3, 5]):
        torch.manual_seed(seed)
        alone = make()
        opt1 = torch.optim.Adam(alone.parameters(), lr=1e-2)
        for _ in range(5):
            loss = F.cross_entropy(alone(X[i]), y[i])
            opt1.zero_grad()
            loss.backward()
            opt1.step()
        for (name, p), q in zip(
            alone.state_dict().items(), stack.state_dict(i).values()
        ):
            torch.testing.assert_close(q, p, rtol=1e-4, atol=1e-5, msg=name)
    with pytest.raises(ValueError, match="leading axis"):
        stack(X[0])
    with pytest.raises(ValueError, match="copy 2"):
        stack.state_dict(2)
    with pytest.raises(ValueError, match="non-empty"):
        Stacked([])
