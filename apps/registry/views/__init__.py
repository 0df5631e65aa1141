"""Registry pages, one module per domain word: compounds, buildings (and units), owners,
companies, departments."""
