"""`pip install .` without make: the product speaks both languages although no .mo was compiled."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_plain_pip_install_speaks_vietnamese_and_english(tmp_path):
    source = tmp_path / "source"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    assert not list(source.glob("locales/*/LC_MESSAGES/*.mo"))
    target = tmp_path / "installed"
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(target),
        str(source),
    ]
    built = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("SODIEM_TELEGRAM_TOKEN", None)
    env.pop("SODIEM_ZALO_TOKEN", None)

    def python(code: str, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", code, *args]
        return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert python("import locales; print(locales.__file__)").stdout.startswith(str(target))
    sodiem = "import sys; from cli.main import main; sys.argv[0] = 'sodiem'; main()"
    vi, en = python(sodiem, "--lang", "vi", "run"), python(sodiem, "--lang", "en", "run")
    assert "Chưa có mã bot Telegram" in vi.stderr, vi.stderr
    assert "There is no Telegram bot token yet" in en.stderr, en.stderr
