"""The import contract in pyproject.toml (docs/architecture.md): the apps import downwards, only
the wire layers import crm_project.api, no package imports itself in a circle."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_keep_the_contract_when_lint_imports_runs():
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(command), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
