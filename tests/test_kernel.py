"""facelab.book.kernel: one command registers the environment as a Jupyter kernel.

Every test installs under a temporary prefix, never into the user's real Jupyter folders.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from facelab.book import kernel


def _spec(prefix: Path, name: str = kernel.KERNEL_NAME) -> dict:
    path = prefix / "share" / "jupyter" / "kernels" / name / "kernel.json"
    assert path.is_file(), f"no kernelspec at {path}"
    return json.loads(path.read_text(encoding="utf-8"))


def test_install_under_a_prefix_points_at_this_python(tmp_path):
    where = kernel.install_kernel(prefix=tmp_path)
    assert Path(where).resolve() == (tmp_path / "share/jupyter/kernels/face-value").resolve()
    spec = _spec(tmp_path)
    assert spec["display_name"] == "Python 3 (Face Value)"
    assert spec["language"] == "python"
    assert spec["argv"][0] == sys.executable
    assert "ipykernel_launcher" in spec["argv"]


def test_name_is_not_python3():
    # a user-level python3 kernelspec would hijack every notebook the student opens
    assert kernel.KERNEL_NAME != "python3"


def test_command_line_with_prefix_and_custom_name(tmp_path, capsys):
    assert kernel.main(["--prefix", str(tmp_path), "--name", "fv-test",
                        "--display-name", "FV test"]) == 0
    assert _spec(tmp_path, "fv-test")["display_name"] == "FV test"
    out = capsys.readouterr().out
    assert "FV test" in out and sys.executable in out


def test_module_runs_as_a_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "facelab.book.kernel", "--prefix", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _spec(tmp_path)["argv"][0] == sys.executable


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "has space"}, "name must be a kernel name"),
    ({"name": ""}, "name must be a kernel name"),
    ({"name": 3}, "name must be a kernel name"),
    ({"display_name": "  "}, "display_name must be a non-empty string"),
    ({"prefix": ""}, "prefix must be a folder path"),
    ({"prefix": 5}, "prefix must be a folder path"),
])
def test_bad_arguments_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kernel.install_kernel(**kwargs)


def test_user_must_be_a_bool(tmp_path):
    with pytest.raises(TypeError, match="user"):
        kernel.install_kernel(user="yes", prefix=tmp_path)


def test_command_line_bad_name_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        kernel.main(["--prefix", str(tmp_path), "--name", "bad name"])
    assert exit_info.value.code == 2
    assert "name must be a kernel name" in capsys.readouterr().err
