"""Browser end-to-end suite (a package, so its conftest does not shadow tests/e2e/conftest.py as `conftest`)."""
