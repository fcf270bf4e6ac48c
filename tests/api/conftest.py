"""The fuzz stage's counts (tests/api/fuzzing.py), printed at the end of any run that sent fuzz requests, summed
over pytest-xdist's workers: requests sent, server errors, schema mismatches."""

from tests.api.fuzzing import COUNTS, Counts

_TOTAL = Counts()


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["fuzz_counts"] = COUNTS.as_dict()


def pytest_testnodedown(node, error):
    _TOTAL.add(getattr(node, "workeroutput", {}).get("fuzz_counts", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if getattr(config, "workeroutput", None) is not None:
        return
    total = Counts(**COUNTS.as_dict())
    total.add(_TOTAL.as_dict())
    if total.requests:
        terminalreporter.write_sep("=", "fuzz counts")
        terminalreporter.write_line(f"fuzz: {total.requests} requests sent, {total.server_errors} answered 5xx, "
                                    f"{total.mismatches} did not match the schema")
