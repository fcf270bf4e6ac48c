import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages_in_services(request):
    """Service tests match the English messages; page tests read what users see (Chinese) through the client."""
    if request.node.module.__name__.endswith("test_services"):
        with translation.override("en"):
            yield
    else:
        yield
