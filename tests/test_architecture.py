"""The house rules that keep the code whole: layers point down only, and every text a person
reads has a Vietnamese and an English version in the catalogs."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from domain.school import Gender, Role, SubjectKind
from locales import LOCALE_DIR, has_message

ROOT = Path(__file__).resolve().parent.parent
CODE = ["domain", "storage", "services", "cli", "bot", "web", "notifications", "exports", "sandbox"]
CHANGEABLE_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "guardians",
    "code",
    "phone",
    "roles",
    "department",
)
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_\-]+)+$")


def catalog_keys(language: str) -> set[str]:
    keys = set()
    for path in (LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as handle:
            keys |= {message.id for message in read_po(handle) if message.id}
    return keys


def test_layers_point_down_and_domain_is_plain_python():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_vietnamese_and_english_catalogs_have_the_same_messages():
    assert catalog_keys("vi") == catalog_keys("en")


def keys_in_code() -> set[str]:
    prefixes = {key.split(".")[0] for key in catalog_keys("vi")}
    found = set()
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            if {"models", "migrations"} & set(path.parts):  # "table.column", not messages
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and KEY.match(node.value)
                    and node.value.split(".")[0] in prefixes
                ):
                    found.add(node.value)
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_the_code_uses_is_translated(language):
    dynamic = (
        {f"role.{r.value}" for r in Role}
        | {f"gender.{g.value}" for g in Gender}
        | {f"subject.kind.{k.value}" for k in SubjectKind}
        | {f"field.{name}" for name in CHANGEABLE_FIELDS}
    )
    missing = sorted(key for key in keys_in_code() | dynamic if not has_message(key, language))
    assert missing == []


def test_the_running_bot_loads_no_paper_library_until_a_paper_is_asked_for():
    """`sodiem run` stays small (issue 20: under 150 MB): reportlab, pyHanko, signxml, openpyxl and dbf
    are loaded by the first PDF, signing, summary or DBF, pywebpush (with requests) by the first push,
    not with the bot, the web chat and the command line."""
    heavy = ("reportlab", "matplotlib", "pyhanko", "signxml", "openpyxl", "dbf", "pywebpush", "requests")
    probe = (
        "import sys, cli.run, bot.app, web; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [name for name in heavy if name in loaded] == []
