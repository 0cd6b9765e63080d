"""Chapter 02's checked exercises: cross-entropy from logits, the shared-covariance Gaussian's
linear boundary, and batch normalization in training mode.

Each :class:`~helpers.checker.Checker` holds the reference the chapter derives, a few cases (one
of them built to expose the exercise's classic slip) and the typical wrong answers with their hints.
"""

import torch

from helpers.checker import Case, Checker

# ---------------------------------------------------------------- cross-entropy from logits (eq-02-ce)


def _cross_entropy(z, k_hat):
    m = z.max(dim=-1, keepdim=True).values
    log_y = z - m - (z - m).exp().sum(-1, keepdim=True).log()
    return -log_y.gather(1, k_hat[:, None]).mean()


def _ce_cases():
    gen = torch.Generator().manual_seed(2)
    return [
        Case(
            "a batch of 4, 3 classes",
            (
                torch.randn(4, 3, generator=gen, dtype=torch.float64),
                torch.tensor([0, 2, 1, 2]),
            ),
        ),
        Case(
            "logits of size 1000 (exp overflows)",
            (
                torch.tensor(
                    [[1000.0, 0.0, -1000.0], [0.0, 900.0, 0.0]], dtype=torch.float64
                ),
                torch.tensor([0, 2]),
            ),
        ),
        Case(
            "one example, 5 classes",
            (
                torch.tensor([[0.5, -1.0, 2.0, 0.0, 1.5]], dtype=torch.float64),
                torch.tensor([4]),
            ),
        ),
    ]


def _ce_naive(z, k_hat):
    return (
        -(z.exp() / z.exp().sum(-1, keepdim=True))
        .log()
        .gather(1, k_hat[:, None])
        .mean()
    )


cross_entropy = Checker(
    "ex-02-ce",
    _cross_entropy,
    _ce_cases,
    mistakes={
        "the minus sign is missing: the loss is -ln y'": lambda z, k: (
            -_cross_entropy(z, k)
        ),
        "a sum over the batch: the loss is the mean over its B examples": lambda z, k: (
            _cross_entropy(z, k) * len(k)
        ),
        "the softmax normalizes over the batch axis (dim 0), not over the K classes": lambda z, k: (
            -torch.log_softmax(z, 0).gather(1, k[:, None]).mean()
        ),
        "exp of a large logit overflows: subtract max_j z_j before exp (the shift leaves y' unchanged)": _ce_naive,
        "off by one: pick ln y' of class k_hat itself, not of k_hat - 1": lambda z, k: (
            _cross_entropy(z, (k - 1) % z.shape[1])
        ),
        "a mean over all B x K entries of y_hat ln y': sum over the classes, then average over the batch": lambda z, k: (
            _cross_entropy(z, k) / z.shape[1]
        ),
    },
    hint="ln y'_k = z_k - max_j z_j - ln sum_j exp(z_j - max_j z_j); average -ln y'_k_hat over the batch.",
)

# ---------------------------------------------------------------- shared covariance: a linear boundary (eq-02-shared-linear)


def _shared_w_b(mu1, mu2, Sigma, N1, N2):
    S_inv = torch.linalg.inv(Sigma)
    w = S_inv @ (mu1 - mu2)
    b = (
        -0.5 * mu1 @ S_inv @ mu1
        + 0.5 * mu2 @ S_inv @ mu2
        + torch.log(torch.as_tensor(N1 / N2, dtype=mu1.dtype))
    )
    return w, b


def _lda_cases():
    gen = torch.Generator().manual_seed(3)
    A = torch.randn(3, 3, generator=gen, dtype=torch.float64)
    return [
        Case(
            "2-D, unequal classes",
            (
                torch.tensor([1.0, 0.5], dtype=torch.float64),
                torch.tensor([-0.5, 0.0], dtype=torch.float64),
                torch.tensor([[2.0, 0.3], [0.3, 0.5]], dtype=torch.float64),
                30,
                10,
            ),
        ),
        Case(
            "3-D, a random covariance",
            (
                torch.randn(3, generator=gen, dtype=torch.float64),
                torch.randn(3, generator=gen, dtype=torch.float64),
                A @ A.T + 0.5 * torch.eye(3, dtype=torch.float64),
                12,
                48,
            ),
        ),
    ]


def _with(w_fn=None, b_fn=None):
    def wrong(mu1, mu2, Sigma, N1, N2):
        w, b = _shared_w_b(mu1, mu2, Sigma, N1, N2)
        S_inv = torch.linalg.inv(Sigma)
        return (w_fn(mu1, mu2, Sigma, S_inv) if w_fn else w), (
            b_fn(mu1, mu2, Sigma, S_inv, N1, N2) if b_fn else b
        )

    return wrong


_quad = lambda m, S: m @ S @ m  # noqa: E731
_ln = lambda r, like: torch.log(torch.as_tensor(r, dtype=like.dtype))  # noqa: E731

shared_linear = Checker(
    "ex-02-lda",
    _shared_w_b,
    _lda_cases,
    mistakes={
        "w points from class 1 to class 2: it is Sigma^-1 (mu_1 - mu_2)": _with(
            w_fn=lambda m1, m2, S, Si: Si @ (m2 - m1)
        ),
        "Sigma where its inverse belongs": _with(
            w_fn=lambda m1, m2, S, Si: S @ (m1 - m2),
            b_fn=lambda m1, m2, S, Si, n1, n2: (
                -0.5 * _quad(m1, S) + 0.5 * _quad(m2, S) + _ln(n1 / n2, m1)
            ),
        ),
        "the prior term ln(N_1 / N_2) is missing from b": _with(
            b_fn=lambda m1, m2, S, Si, n1, n2: (
                -0.5 * _quad(m1, Si) + 0.5 * _quad(m2, Si)
            )
        ),
        "the prior ratio is upside down: ln(N_1 / N_2), class 1 on top": _with(
            b_fn=lambda m1, m2, S, Si, n1, n2: (
                -0.5 * _quad(m1, Si) + 0.5 * _quad(m2, Si) + _ln(n2 / n1, m1)
            )
        ),
        "the factor 1/2 of the quadratic terms is missing from b": _with(
            b_fn=lambda m1, m2, S, Si, n1, n2: (
                -_quad(m1, Si) + _quad(m2, Si) + _ln(n1 / n2, m1)
            )
        ),
    },
    hint="expand -1/2 (x - mu_k)^T Sigma^-1 (x - mu_k) for both classes; the x^T Sigma^-1 x terms cancel.",
)

# ---------------------------------------------------------------- batch normalization, training mode (eq-02-bn)


def _batch_norm(z, gamma, beta, eps=1e-5):
    mu, var = z.mean(0), z.var(0, unbiased=False)
    return gamma * (z - mu) / torch.sqrt(var + eps) + beta


def _bn_cases():
    gen = torch.Generator().manual_seed(4)
    g = lambda *s: torch.randn(*s, generator=gen, dtype=torch.float64)  # noqa: E731
    return [
        Case("a batch of 8, 3 features", (3 + 2 * g(8, 3), 1 + 0.5 * g(3), g(3), 1e-5)),
        Case("eps = 0.5 (where does it go?)", (g(6, 4), 1 + 0.5 * g(4), g(4), 0.5)),
        Case("a batch of 2", (g(2, 5), 1 + 0.5 * g(5), g(5), 1e-5)),
    ]


batch_norm = Checker(
    "ex-02-bn",
    _batch_norm,
    _bn_cases,
    mistakes={
        "the statistics run over the features (dim 1): batch norm averages over the batch (dim 0)": lambda z, ga, be, eps=1e-5: (
            ga
            * (z - z.mean(1, keepdim=True))
            / torch.sqrt(z.var(1, unbiased=False, keepdim=True) + eps)
            + be
        ),
        "the unbiased variance (1/(B-1)): eq. (eq-02-bn) normalizes with 1/B": lambda z, ga, be, eps=1e-5: (
            ga * (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=True) + eps) + be
        ),
        "eps belongs inside the square root: sqrt(sigma^2 + eps)": lambda z, ga, be, eps=1e-5: (
            ga * (z - z.mean(0)) / (z.var(0, unbiased=False).sqrt() + eps) + be
        ),
        "gamma and beta are swapped: gamma scales, beta shifts": lambda z, ga, be, eps=1e-5: (
            be * (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + eps) + ga
        ),
        "gamma and beta are missing: z_hat = gamma * z_tilde + beta": lambda z, ga, be, eps=1e-5: (
            (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + eps)
        ),
    },
    hint="mu and sigma^2 are per feature over the batch (dim 0), with 1/B; then gamma * z_tilde + beta.",
)

CHECKERS = [cross_entropy, shared_linear, batch_norm]
