"""The README's Python example runs as written (from a directory that has ../shared, as
the repository root has) and prints what it says."""

import os
import re
import subprocess
import sys

from conftest import REPO, SHARED


def readme_example():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## Using it from Python"):]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def test_readme_python_example(tmp_path):
    work = tmp_path / "repo"
    work.mkdir()
    os.symlink(os.path.abspath(SHARED), tmp_path / "shared")
    script = work / "example.py"
    script.write_text(readme_example())
    run = subprocess.run([sys.executable, str(script)], cwd=work, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "[7 2 1 0] (16, 32, 32, 1) (2, 16, 32, 32, 1) (96, 96, 3)"
    assert lines[1].startswith("LRP_ERR_UNKNOWN_RULE ") and "no_such_rule" in lines[1]
    with open(work / "heatmap.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
