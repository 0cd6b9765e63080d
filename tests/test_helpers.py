"""helpers against PyTorch or an independent computation."""

import numpy as np
import pytest
import torch

from helpers import checks, data, env, train


def test_setup_seeds_and_threads():
    env.setup(seed=3, threads=1)
    a = torch.rand(3)
    env.setup(seed=3, threads=1)
    torch.testing.assert_close(torch.rand(3), a)
    assert torch.get_num_threads() == 1
    assert env.in_colab() is False


def test_daily_views_is_seeded_and_weekly():
    s = data.daily_views(728, seed=1)
    np.testing.assert_array_equal(s, data.daily_views(728, seed=1))
    # the weekly cycle: lag-7 correlation of the detrended series beats lag-1
    d = s - np.convolve(s, np.ones(7) / 7, mode="same")
    d = d[7:-7]
    assert np.corrcoef(d[7:], d[:-7])[0, 1] > np.corrcoef(d[1:], d[:-1])[0, 1]
    with pytest.raises(ValueError, match="n_days"):
        data.daily_views(0)


def test_windows_match_a_loop():
    s = np.arange(10.0)
    X, y = data.windows(s, 3)
    assert X.shape == (7, 3) and y.shape == (7,)
    for i in range(7):
        torch.testing.assert_close(
            X[i], torch.tensor(s[i : i + 3], dtype=torch.float32)
        )
        assert y[i].item() == pytest.approx(s[i + 3])
    with pytest.raises(ValueError, match="n_past"):
        data.windows(s, 10)
    with pytest.raises(ValueError, match="one-dimensional"):
        data.windows(np.zeros((3, 3)), 1)


def test_split_keeps_time_order():
    X, y = torch.arange(20.0).view(10, 2), torch.arange(10.0)
    Xtr, ytr, Xte, yte = data.split(X, y, 0.7)
    assert len(ytr) == 7 and len(yte) == 3 and ytr.max() < yte.min()


def test_digits_shapes_and_range():
    Xtr, ytr, Xte, yte = data.digits(test_fraction=0.25, seed=0)
    assert Xtr.shape[1:] == (1, 8, 8) and len(Xtr) + len(Xte) == 1797
    assert 0 <= Xtr.min() and Xtr.max() <= 1 and set(ytr.tolist()) == set(range(10))


def test_numerical_grad_matches_autograd():
    f = lambda x: (x.sin() * x**2).sum()
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    f(x).backward()
    torch.testing.assert_close(
        checks.numerical_grad(f, x.detach()), x.grad, rtol=1e-7, atol=1e-8
    )


def test_assert_close_reports_and_raises(capsys):
    checks.assert_close(torch.ones(2), torch.ones(2), "ones")
    assert capsys.readouterr().out == "ok: ones\n"
    with pytest.raises(AssertionError, match="twos"):
        checks.assert_close(torch.ones(2), 2 * torch.ones(2), "twos")
    with pytest.raises(AssertionError, match="shape"):
        checks.assert_close(torch.ones(2), torch.ones(3), "shapes")


def test_check_shape():
    t = torch.zeros(4, 3)
    assert checks.check_shape(t, (4, None)) is t
    with pytest.raises(ValueError, match=r"h should have shape \(4, 2\), got \(4, 3\)"):
        checks.check_shape(t, (4, 2), "h")


def test_fit_matches_a_hand_written_loop():
    """fit = the chapter 01 loop: the same seeded batches and SGD updates give the same weights."""
    X, y = (
        torch.randn(50, 3, generator=torch.Generator().manual_seed(0)),
        torch.randn(50),
    )
    loss_fn = lambda out, t: ((out.squeeze(-1) - t) ** 2).mean()

    torch.manual_seed(0)
    m1 = torch.nn.Linear(3, 1)
    hist = train.fit(
        m1,
        loss_fn,
        X,
        y,
        torch.optim.SGD(m1.parameters(), lr=0.1),
        epochs=3,
        batch_size=16,
        X_val=X,
        y_val=y,
        seed=5,
    )
    assert (
        len(hist.train) == 3 * 4 and len(hist.val) == 3
    )  # ceil(50 / 16) = 4 updates an epoch

    torch.manual_seed(0)
    m2 = torch.nn.Linear(3, 1)
    g = torch.Generator().manual_seed(5)
    for _ in range(3):
        order = torch.randperm(50, generator=g)
        for i in range(0, 50, 16):
            idx = order[i : i + 16]
            loss = loss_fn(m2(X[idx]), y[idx])
            m2.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p in m2.parameters():
                    p -= 0.1 * p.grad
    torch.testing.assert_close(m1.weight, m2.weight)
    assert hist.val[-1] == pytest.approx(train.evaluate(m2, loss_fn, X, y), rel=1e-5)


def test_fit_rejects_bad_input():
    m = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="disagree"):
        train.fit(
            m, torch.nn.MSELoss(), torch.zeros(5, 2), torch.zeros(4), opt, epochs=1
        )
    with pytest.raises(ValueError, match="epochs"):
        train.fit(
            m, torch.nn.MSELoss(), torch.zeros(5, 2), torch.zeros(5), opt, epochs=0
        )


def test_progress_switch(monkeypatch):
    monkeypatch.setenv("HELPERS_PROGRESS", "0")
    assert not train.progress_enabled()
    monkeypatch.setenv("HELPERS_PROGRESS", "1")
    assert train.progress_enabled()
