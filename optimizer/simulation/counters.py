"""Column order of the per-interval counters the event loop fills (last axis of the totals)."""

ARRIVALS = 0
ANSWERED = 1
ANSWERED_WITHIN = 2
ABANDONED = 3
ABANDONED_WITHIN = 4  # abandoned after waiting at most answer_within_s ("short abandons")
WAIT_ANSWERED_S = 5
WAIT_ALL_S = 6
WAITED = 7  # calls not answered at once (waited > 0, abandoned or unserved)
UNSERVED = 8  # still waiting when the horizon ended with no agent left and no patience
BUSY_S = 9  # agent-seconds of handle time inside the interval (by time, not by call)
N_COUNTERS = 10
