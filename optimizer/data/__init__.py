"""Package data of the optimizer: the bundled example week (``example_week.csv``)."""
