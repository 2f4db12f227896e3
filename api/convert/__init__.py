"""The API's one conversion layer: stored rows and request bodies -> the core's problems and
inputs (and back). Routes and job tasks both import it; they never import each other.

- :mod:`api.convert.goals`: a queue's service goal (API and core), the Erlang engine's checks
- :mod:`api.convert.rules`: shift rules bodies <-> stored rows, the core's ``Rules``
- :mod:`api.convert.weeks`: a site's working week (open weekdays, ``week_start`` check)
- :mod:`api.convert.roster`: the weekly ``RosterProblem`` of a requirement
- :mod:`api.convert.hiring`: the hiring scenario's vacancies and leavers on that problem
- :mod:`api.convert.scenarios`: what-if base plan and stored scenarios
- :mod:`api.convert.capacity`: the capacity plan input
"""
