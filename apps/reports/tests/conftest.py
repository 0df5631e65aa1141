from apps.dashboards.tests.conftest import orders, spread  # noqa: F401  (the dashboard's own test data)
