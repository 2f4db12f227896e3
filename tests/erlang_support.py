"""Independent references for the Erlang tests (no code shared with ``optimizer.erlang``).

* ``erlang_b_recursion``: the classic integer recursion ``B(n) = A B(n-1) / (n + A B(n-1))``.
* ``ctmc_erlang_a``: the M/M/N+M queue as a truncated continuous-time Markov chain whose
  generator is solved numerically (``pi Q = 0``), with the service level of a tagged arrival from
  the matrix exponential of its absorbing chain and its served-wait by first-step analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm


def erlang_b_recursion(traffic_erl: float, agents: int) -> float:
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic_erl * b / (n + traffic_erl * b)
    return b


def erlang_c_recursion(traffic_erl: float, agents: int) -> float:
    if agents <= traffic_erl:
        return 1.0
    b = erlang_b_recursion(traffic_erl, agents)
    return agents * b / (agents - traffic_erl * (1.0 - b))


def erlang_c_service_level(
    calls: float, aht_s: float, agents: int, interval_s: float, t_s: float
) -> float:
    traffic = calls * aht_s / interval_s
    if agents <= traffic:
        return 0.0
    c = erlang_c_recursion(traffic, agents)
    return 1.0 - c * float(np.exp(-(agents - traffic) * t_s / aht_s))


@dataclass(frozen=True)
class CtmcKpis:
    p_wait: float
    abandon_rate: float
    occupancy: float
    mean_wait_all_s: float
    service_level: float
    service_level_answered: float
    asa_s: float


def _stationary(lam: float, mu: float, theta: float, agents: int, states: int) -> np.ndarray:
    q = np.zeros((states, states))
    for k in range(states):
        if k + 1 < states:
            q[k, k + 1] = lam
        if k > 0:
            q[k, k - 1] = min(k, agents) * mu + max(k - agents, 0) * theta
        q[k, k] = -q[k].sum()
    # pi Q = 0 with sum(pi) = 1: replace one balance equation by the normalisation.
    a = q.T.copy()
    a[-1, :] = 1.0
    rhs = np.zeros(states)
    rhs[-1] = 1.0
    return np.linalg.solve(a, rhs)


def _tagged_chain(mu: float, theta: float, agents: int, ahead: int) -> np.ndarray:
    """Generator of a tagged waiting arrival: transient states j = 0..ahead customers in front,
    then absorbing 'served' and 'abandoned'."""
    size = ahead + 3
    served, abandoned = ahead + 1, ahead + 2
    g = np.zeros((size, size))
    for j in range(ahead + 1):
        move = agents * mu + j * theta
        g[j, j - 1 if j > 0 else served] += move
        g[j, abandoned] += theta
        g[j, j] = -(move + theta)
    return g


def ctmc_erlang_a(
    calls: float,
    aht_s: float,
    agents: int,
    interval_s: float,
    t_s: float,
    patience_s: float,
    extra_states: int = 200,
) -> CtmcKpis:
    lam, mu, theta = calls / interval_s, 1.0 / aht_s, 1.0 / patience_s
    states = agents + extra_states
    pi = _stationary(lam, mu, theta, agents, states)
    queue = np.arange(states) - agents
    waiting = pi[agents:]
    p_wait = float(waiting.sum())
    mean_queue = float((np.maximum(queue, 0) * pi).sum())
    abandon = theta * mean_queue / lam
    busy = float((np.minimum(np.arange(states), agents) * pi).sum())
    ahead = states - agents - 1
    g = _tagged_chain(mu, theta, agents, ahead)
    trans = expm(g * t_s)
    served_by_t = trans[: ahead + 1, ahead + 1]
    abandoned_by_t = trans[: ahead + 1, ahead + 2]
    served_wait = _served_wait(mu, theta, agents, ahead)
    sl = float(pi[:agents].sum() + (waiting * served_by_t).sum())
    abandon_before = float((waiting * abandoned_by_t).sum())
    return CtmcKpis(
        p_wait=p_wait,
        abandon_rate=abandon,
        occupancy=busy / agents,
        mean_wait_all_s=mean_queue / lam,
        service_level=sl,
        service_level_answered=sl / (1.0 - abandon_before),
        asa_s=float((waiting * served_wait).sum()) / (1.0 - abandon),
    )


def _served_wait(mu: float, theta: float, agents: int, ahead: int) -> np.ndarray:
    """E[wait * 1{served}] for a tagged arrival with j in front, by first-step analysis."""
    p_prev, m_prev = 1.0, 0.0
    out = np.zeros(ahead + 1)
    for j in range(ahead + 1):
        move = agents * mu + j * theta
        out_rate = move + theta
        p_j = move / out_rate * p_prev
        m_j = p_j / out_rate + move / out_rate * m_prev
        out[j] = m_j
        p_prev, m_prev = p_j, m_j
    return out
