"""The planner page: static HTML, JS and CSS shipped inside the package, and its router.

The page is a thin client over the public ``/v1`` API: everything it shows is fetched from the
same endpoints a script would call. See ``docs/planner.md``.
"""
