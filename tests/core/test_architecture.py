"""scripts/architecture.py: it runs on the project, prints every figure with its target, and counts what it says."""

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "architecture.py"
LINE = re.compile(r"^(?P<label>.+?)\s+(?P<count>\d+)\s+\(target (?P<target>\d+)\)(  over)?$")


def _module():
    spec = importlib.util.spec_from_file_location("architecture", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_prints_every_figure_of_the_project_with_its_target():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    figures = {m["label"]: (int(m["count"]), int(m["target"])) for m in map(LINE.match, done.stdout.splitlines()) if m}
    labels = {label for label, _target in _module().TARGETS.values()}
    assert set(figures) == labels, done.stdout
    assert figures["transition exception types"][0] >= 1    # core's own, at least


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "minsheng" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root / "minsheng"


def test_it_counts_each_kind_of_finding(tmp_path):
    src = _write(tmp_path, {
        "core/permissions.py": "def require(actor, perm):\n    pass\n",
        "core/clock.py": "from django.utils import timezone\ndef now():\n    return timezone.now()\n",
        "alpha/services.py": """\
            from minsheng.beta import models
            from django.utils import timezone
            class TransitionRefused(Exception):
                pass
            def _require(by, perm):
                if not by.has_perm(perm):
                    raise PermissionDenied
            def _check(name, value):     # a validation helper, not a permission one
                return value
            def stamp():
                return timezone.now()
            """,
        "beta/models.py": "def f():\n    from minsheng.alpha import services\n",
        "beta/api.py": "from rest_framework.permissions import BasePermission\nclass P(BasePermission):\n    pass\n",
        "gamma/views.py": "from minsheng.alpha import services\n",
        "demo/builder.py": "from minsheng import alpha, beta, gamma\n",
    })
    module = _module()
    found = module.findings(src)
    assert found["cycles"] == ["alpha ↔ beta"]
    assert [p.split()[-1] for p in found["helpers"]] == ["_require", "require"]
    assert len(found["refusals"]) == 1 and len(found["drf"]) == 1
    assert found["clock"] == ["alpha/services:11"]
    assert module.main(["--src", str(src)]) == 0
    assert module.main(["--src", str(src), "--check"]) == 1       # a cycle, two helpers, a clock call: over


def test_the_day_read_from_the_wall_clock_counts_as_a_clock_read(tmp_path):
    src = _write(tmp_path, {
        "core/clock.py": "from django.utils import timezone\ndef today():\n    return timezone.localdate()\n",
        "alpha/forms.py": """\
            import datetime
            from datetime import date
            from django.utils import timezone
            a = timezone.localdate()
            b = date.today()
            c = datetime.date.today()
            d = datetime.datetime.now()
            e = timezone.localtime()
            f = timezone.localdate(a)        # converting a given moment reads no clock
            g = timezone.localtime(a)
            """,
    })
    assert _module().findings(src)["clock"] == [f"alpha/forms:{line}" for line in range(4, 9)]


def test_a_second_home_for_a_shared_piece_counts_as_a_copy(tmp_path):
    src = _write(tmp_path, {
        "core/money.py": "WAN = 10000\ndef wan(yuan):\n    return yuan\n",
        "alpha/forms.py": """\
            from decimal import Decimal
            from django_ratelimit.core import is_ratelimited
            WAN = Decimal(10000)
            EXPORT_RATE = "10/m"
            def record_export(*, by, rows):
                pass
            class StaleVersion(Exception):
                pass
            def view(request):
                limited = is_ratelimited(request, group="g", key="ip", rate="1/m")   # the call counts, not the name
                return limited
            """,
    })
    assert sorted(_module().findings(src)["copies"]) == [
        "alpha/forms:10 is_ratelimited", "alpha/forms:3 WAN", "alpha/forms:4 EXPORT_RATE",
        "alpha/forms:5 record_export", "alpha/forms:7 StaleVersion"]


def test_check_passes_when_every_figure_is_on_target(tmp_path):
    src = _write(tmp_path, {"core/permissions.py": "def require(actor, perm):\n    pass\n",
                            "alpha/services.py": "from minsheng.core import permissions\n"})
    assert _module().main(["--src", str(src), "--check"]) == 0


def test_imports_that_could_hide_an_edge_are_counted_too(tmp_path):
    src = _write(tmp_path, {
        "alpha/services.py": "from ..beta import models\n",                                    # relative
        "beta/models.py": "from importlib import import_module\n"
                          "MODULES = ['minsheng.gamma.api']\n",                                 # a dotted string
        "gamma/api.py": "def f():\n    from minsheng.alpha.services import x\n",                # inside a function
        "delta/apps.py": "import logging\nlogger = logging.getLogger('minsheng.alpha')\n",    # a logger name, no module
        "alpha/views.py": "from . import services\n",
    })
    graph = _module().import_graph(src)
    assert graph["alpha"] == {"beta"} and graph["beta"] == {"gamma"} and graph["gamma"] == {"alpha"}
    assert graph["delta"] == set()
    assert _module().findings(src)["cycles"] == ["alpha ↔ beta ↔ gamma"]


def test_engines_import_neither_django_nor_an_app(tmp_path):
    src = _write(tmp_path, {
        "engines/text.py": "import re\nfrom django.utils import timezone\nfrom minsheng.engines import other\n",
        "engines/other.py": "def f():\n    from ..review import models\n",
        "review/models.py": "from minsheng.engines import text\n",
    })
    assert _module().findings(src)["engines"] == ["engines/other:2 minsheng.review", "engines/text:2 django.utils"]
