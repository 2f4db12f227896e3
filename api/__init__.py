"""The Staffwise service: REST API, storage, jobs, planner page and the ``staffwise`` CLI."""
