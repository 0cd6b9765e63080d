"""Chapter 12: the batched CartPole matches gymnasium; the grid world, the demos and
the exercise references agree with direct computations."""

import gymnasium
import numpy as np
import pytest
import torch

from helpers.demos import ch12
from helpers.exercises import ch12 as ex
from helpers.rl_envs import GridWorld, cartpole_reset, cartpole_step


def test_cartpole_step_matches_gymnasium():
    env = gymnasium.make("CartPole-v1")
    env.reset(seed=0)
    rng = np.random.default_rng(1)
    states = rng.uniform(-1, 1, size=(100, 4)) * [2.0, 1.0, 0.2, 1.0]
    actions = rng.integers(0, 2, size=100)
    ours, failed = cartpole_step(states, actions)
    for s, a, o, f in zip(states, actions, ours, failed):
        env.unwrapped.state = s.copy()
        env.unwrapped.steps_beyond_terminated = None
        theirs, _, terminated, _, _ = env.step(int(a))
        torch.testing.assert_close(
            torch.tensor(o, dtype=torch.float32), torch.tensor(theirs)
        )
        assert bool(f) == terminated


def test_cartpole_rejects_bad_input():
    with pytest.raises(ValueError, match="actions are 0"):
        cartpole_step(np.zeros((2, 4)), np.array([0, 2]))
    with pytest.raises(ValueError, match="state"):
        cartpole_step(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="at least one"):
        cartpole_reset(np.random.default_rng(0), 0)


def test_gridworld_values_match_iterated_bellman_and_sampling():
    world = GridWorld(4, 4, lava=[(1, 1)], slip=0.2)
    R = world.reward(goal=1.0, lava=-1.0, step=-0.1)
    pi = np.full((world.n_states, 4), 0.25)
    V = np.zeros(world.n_states)
    for _ in range(2000):  # iterate V = R + gamma P_pi V
        V = R + 0.9 * world.P_pi(pi) @ V
    np.testing.assert_allclose(world.evaluate(pi, R, 0.9), V, atol=1e-8)
    d = world.occupancy(pi, 0.9)
    np.testing.assert_allclose(d @ R, V[world.start], atol=1e-8)
    np.testing.assert_allclose(world.P.sum(-1), 1.0)


def test_gridworld_optimal_policy_reaches_goal_by_a_shortest_path():
    world = GridWorld(5, 5)
    pi = world.soft_optimal(world.reward(goal=1.0, step=-0.04), 0.9)
    path = world.rollout(pi, np.random.default_rng(0))
    assert path[-1] == world.goal and len(path) == 9  # 8 moves on a 5 x 5 grid
    with pytest.raises(ValueError, match="outside"):
        GridWorld(3, 3, lava=[(5, 5)])


def test_demo_variance_matches_a_direct_loop():
    demo_data = ch12.examples()
    assert set(demo_data) == {"discount_and_baseline", "cartpole_episode"}
    rng = np.random.default_rng(0)
    mask = np.ones((6, 4))
    psi = rng.normal(size=(6, 4, 3))
    _, _, g, var = ch12.gradient_variance(mask, psi, 0.5, "none")
    direct = np.array(
        [
            sum(psi[t, n] * sum(0.5 ** (k - t) for k in range(t, 6)) for t in range(6))
            for n in range(4)
        ]
    )
    np.testing.assert_allclose(g, direct)
    np.testing.assert_allclose(var, direct.var(0, ddof=1).sum())
    with pytest.raises(ValueError, match="baseline"):
        ch12.gradient_variance(mask, psi, 0.5, "median")


def test_exercise_references_match_direct_computations():
    r = torch.tensor([1.0, 0.0, 2.0, -1.0], dtype=torch.float64)
    direct = torch.tensor(
        [sum(0.9 ** (n - t) * r[n] for n in range(t, 4)) for t in range(4)],
        dtype=torch.float64,
    )
    torch.testing.assert_close(ex.discounted_returns_ref(r, 0.9), direct)
    ratio = torch.tensor([0.5, 1.5, 1.0])
    A = torch.tensor([-1.0, -1.0, 2.0])
    terms = [
        min(p * a, max(0.8, min(p, 1.2)) * a)
        for p, a in zip(ratio.tolist(), A.tolist())
    ]
    torch.testing.assert_close(
        ex.ppo_clip_ref(ratio, A, 0.2), torch.tensor(np.mean(terms)).float()
    )
