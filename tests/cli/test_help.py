"""`sodiem --help` and every command's help in the person's language."""

import pytest
from babel.messages.pofile import read_po

from cli.help import help_texts
from cli.main import build_parser
from locales import LOCALE_DIR
from tests.cli.command import sodiem_process
from tests.cli.test_admin_commands import sodiem


def test_the_help_is_in_vietnamese_by_default(tmp_path):
    top = sodiem_process(["--help"], tmp_path, {"SODIEM_LOCALE": "vi"})  # the script, every command imported
    assert top.returncode == 0
    assert top.stdout.startswith("cách dùng: sodiem")
    assert "nhập danh sách lớp hoặc danh sách cán bộ" in top.stdout and "tùy chọn:" in top.stdout
    command = sodiem("import", "roster", "--help", cwd=tmp_path)
    assert "chỉ kiểm tra và báo cáo, không ghi gì" in command.stdout
    assert "in hướng dẫn này rồi thoát" in command.stdout


def test_the_help_is_in_english_with_lang_en(tmp_path):
    done = sodiem("--lang", "en", "import", "roster", "--help", cwd=tmp_path, lang="vi")
    assert done.stdout.startswith("usage: sodiem import roster")
    assert "check and report, write nothing" in done.stdout and "cách dùng" not in done.stdout


def test_a_mistyped_command_is_explained_in_vietnamese(tmp_path):
    done = sodiem("classes", cwd=tmp_path)
    assert done.returncode == 2
    assert "lỗi: thiếu tham số bắt buộc: ACTION" in done.stderr


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_help_text_of_every_command_is_in_the_catalog(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "clihelp.po").open("rb") as source:
        translated = {message.id for message in read_po(source) if message.string}
    missing = sorted(set(help_texts(build_parser())) - translated)
    assert missing == []
