"""The formal check's decisions moved from the applications app to checks: same table, records found by both labels."""

from minsheng.checks.models import CheckDecision
from minsheng.core import labels


def test_the_table_keeps_its_name_and_old_records_their_label():
    assert CheckDecision._meta.db_table == "applications_checkdecision"
    assert labels.labels_of(CheckDecision) == ("checks.checkdecision", "applications.checkdecision")
    assert labels.labels_of("applications.checkdecision") == labels.labels_of(CheckDecision)
    assert labels.model_of("applications.checkdecision") is CheckDecision
