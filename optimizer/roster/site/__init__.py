"""Site rosters (``staffwise-roster-instance/2``): several queues, agents with skills.

The site is the unit of the problem: live queues (voice, chat) with a requirement per interval,
deferred queues (e-mail, tickets) with arrivals and deadlines, and agents whose skills say which
queues they may serve. :mod:`.io` reads the format, :mod:`.cost` computes the exact cost of a
roster (one LP over the week), :mod:`.check` validates a roster, :mod:`.solve` builds one.
"""
