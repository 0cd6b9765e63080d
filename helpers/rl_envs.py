"""Small environments for reinforcement learning (chapter 12): CartPole, a grid world.

``cartpole_reset`` / ``cartpole_step`` step many CartPoles at once in numpy with the
dynamics of gymnasium's ``CartPole-v1`` (Euler steps, +1 reward per step, the pole fails
past 12 degrees or the cart past 2.4); chapter 12 checks them against gymnasium on the
same states. ``GridWorld`` is a tabular world with exact transition matrices, so values,
occupancies and optimal policies are computed exactly rather than sampled.
"""

import math

import numpy as np

# gymnasium's CartPole-v1 constants
GRAVITY, M_CART, M_POLE, HALF_LENGTH, FORCE, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
THETA_MAX, X_MAX, MAX_STEPS = 12 * 2 * math.pi / 360, 2.4, 500


def cartpole_reset(rng: np.random.Generator, n: int) -> np.ndarray:
    """n start states (x, x_dot, theta, theta_dot), uniform in [-0.05, 0.05]: (n, 4)."""
    if n < 1:
        raise ValueError(f"need at least one CartPole, got n={n}")
    return rng.uniform(-0.05, 0.05, size=(n, 4))


def cartpole_step(state: np.ndarray, action: np.ndarray):
    """One Euler step of n CartPoles: state (n, 4), action (n,) in {0, 1}.

    Returns the next state and ``failed`` (n,), gymnasium's ``terminated``: the pole
    beyond 12 degrees or the cart beyond 2.4.
    """
    state, action = np.asarray(state, dtype=np.float64), np.asarray(action)
    if state.ndim != 2 or state.shape[1] != 4 or action.shape != state.shape[:1]:
        raise ValueError(
            f"need state (n, 4) and action (n,), got {state.shape} and {action.shape}"
        )
    if not np.isin(action, (0, 1)).all():
        raise ValueError("CartPole's actions are 0 (push left) and 1 (push right)")
    x, x_dot, theta, theta_dot = state.T
    force = np.where(action == 1, FORCE, -FORCE)
    cos, sin = np.cos(theta), np.sin(theta)
    total, pml = M_CART + M_POLE, M_POLE * HALF_LENGTH
    temp = (force + pml * theta_dot**2 * sin) / total
    theta_acc = (GRAVITY * sin - cos * temp) / (
        HALF_LENGTH * (4.0 / 3.0 - M_POLE * cos**2 / total)
    )
    x_acc = temp - pml * theta_acc * cos / total
    new = np.stack(
        [
            x + TAU * x_dot,
            x_dot + TAU * x_acc,
            theta + TAU * theta_dot,
            theta_dot + TAU * theta_acc,
        ],
        axis=1,
    )
    failed = (np.abs(new[:, 0]) > X_MAX) | (np.abs(new[:, 2]) > THETA_MAX)
    return new, failed


MOVES = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)])  # up, down, left, right
ARROWS = "^v<>"


class GridWorld:
    """A rows x cols grid: walls stop a move, ``goal`` ends the episode, ``lava`` costs.

    States are cells ``r * cols + c`` plus one absorbing end state (index ``n_cells``)
    that the goal leads to. The reward ``R[s]`` is paid for being in state s; ``P[a]``
    is the (S, S) transition matrix of action a. Moves are deterministic unless
    ``slip`` > 0 (then, with that probability, a uniform random move).
    """

    def __init__(
        self, rows=5, cols=5, start=(0, 0), goal=None, lava=(), walls=(), slip=0.0
    ):
        if rows < 2 or cols < 2:
            raise ValueError(f"a grid needs at least 2 x 2 cells, got {rows} x {cols}")
        self.rows, self.cols = rows, cols
        goal = (rows - 1, cols - 1) if goal is None else goal
        for name, cell in [
            ("start", start),
            ("goal", goal),
            *[("lava", c) for c in lava],
        ]:
            if not (0 <= cell[0] < rows and 0 <= cell[1] < cols):
                raise ValueError(
                    f"{name} cell {cell} lies outside the {rows} x {cols} grid"
                )
        if not 0 <= slip <= 1:
            raise ValueError(f"slip is a probability, got {slip}")
        self.start, self.goal = self.index(start), self.index(goal)
        self.lava = [self.index(c) for c in lava]
        self.walls = {self.index(c) for c in walls}
        self.n_cells = rows * cols
        self.n_states, self.n_actions = self.n_cells + 1, len(MOVES)
        self.end = self.n_cells
        P = np.zeros((self.n_actions, self.n_states, self.n_states))
        for s in range(self.n_cells):
            for a in range(self.n_actions):
                if s == self.goal:
                    P[a, s, self.end] = 1.0
                    continue
                P[a, s, self.move(s, a)] += 1 - slip
                for b in range(self.n_actions):
                    P[a, s, self.move(s, b)] += slip / self.n_actions
        P[:, self.end, self.end] = 1.0
        self.P = P

    def index(self, cell) -> int:
        return int(cell[0]) * self.cols + int(cell[1])

    def cell(self, s: int) -> tuple:
        return divmod(int(s), self.cols)

    def move(self, s: int, a: int) -> int:
        """The cell action a leads to from cell s (no slip; the goal's exit ignored)."""
        r, c = self.cell(s)
        r2, c2 = r + MOVES[a][0], c + MOVES[a][1]
        if not (0 <= r2 < self.rows and 0 <= c2 < self.cols):
            return s
        s2 = self.index((r2, c2))
        return s if s2 in self.walls else s2

    def reward(self, goal=1.0, lava=-1.0, step=0.0) -> np.ndarray:
        """A reward vector R (S,): ``goal``, ``lava`` on their cells, else ``step``."""
        R = np.full(self.n_states, float(step))
        R[self.lava] = lava
        R[self.goal] = goal
        R[self.end] = 0.0
        return R

    def P_pi(self, pi: np.ndarray) -> np.ndarray:
        """The state-to-state matrix (S, S) under a policy pi (S, A) of action probs."""
        if pi.shape != (self.n_states, self.n_actions):
            raise ValueError(f"pi must be (S, A) = {(self.n_states, self.n_actions)}")
        return np.einsum("sa,ast->st", pi, self.P)

    def occupancy(self, pi: np.ndarray, gamma: float) -> np.ndarray:
        """Discounted state visits from the start, d = p0 (I - gamma P_pi)^-1: (S,)."""
        p0 = np.zeros(self.n_states)
        p0[self.start] = 1.0
        return np.linalg.solve((np.eye(self.n_states) - gamma * self.P_pi(pi)).T, p0)

    def evaluate(self, pi: np.ndarray, R: np.ndarray, gamma: float) -> np.ndarray:
        """V^pi (S,) exactly: V = R + gamma P_pi V."""
        return np.linalg.solve(np.eye(self.n_states) - gamma * self.P_pi(pi), R)

    def soft_optimal(self, R, gamma, temperature=0.0, iters=500) -> np.ndarray:
        """Value iteration on R: the greedy policy (temperature 0) or softmax(Q/T)."""
        V = np.zeros(self.n_states)
        for _ in range(iters):
            Q = R[:, None] + gamma * np.einsum("ast,t->sa", self.P, V)
            if temperature > 0:
                m = Q.max(1, keepdims=True)
                V = (
                    m
                    + temperature
                    * np.log(np.exp((Q - m) / temperature).sum(1, keepdims=True))
                )[:, 0]
            else:
                V = Q.max(1)
        if temperature > 0:
            pi = np.exp((Q - Q.max(1, keepdims=True)) / temperature)
            return pi / pi.sum(1, keepdims=True)
        pi = np.zeros_like(Q)
        pi[np.arange(len(Q)), Q.argmax(1)] = 1.0
        return pi

    def rollout(
        self, pi: np.ndarray, rng: np.random.Generator, max_steps=100, start=None
    ):
        """One episode's visited cells under pi (end state left out), from ``start``."""
        s, path = self.start if start is None else start, []
        for _ in range(max_steps):
            if s == self.end:
                break
            path.append(s)
            a = rng.choice(self.n_actions, p=pi[s])
            s = rng.choice(self.n_states, p=self.P[a, s])
        return path
