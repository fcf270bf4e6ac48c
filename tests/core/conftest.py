from tests.core.append_only import pytest_runtest_teardown  # noqa: F401 (a pytest hook)
