"""The portals' own reading code (udata, ckanext-dcat), each in its virtualenv made by make test."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def run_consumer(venv: str, requirements: str, script: str, *args: str) -> Any:
    """What ``tests/consumers/<script>`` prints (JSON), run by ``<venv>``'s Python; the test
    fails, never skips, when ``make test`` has not made that virtualenv."""
    python = ROOT / venv / "bin" / "python"
    if not python.exists():
        pytest.fail(
            f"{venv} absent ({python}) : lancer « make test », qui le crée "
            f"(tests/consumers/{requirements})"
        )
    done = subprocess.run(
        [str(python), str(ROOT / "tests" / "consumers" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
