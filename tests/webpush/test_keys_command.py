"""The school's VAPID key pair is made once (``sodiem school init`` or ``sodiem webpush keys``), readable
by the service account only, and replaced only when the administrator says so."""

from __future__ import annotations

import os
import stat

from notifications.vapid import public_key_text, read_vapid_key
from tests.cli.test_admin_commands import sodiem

INIT = ("school", "init", "--name", "Trường THCS Lê Lợi", "--level", "secondary", "--year", "2025-2026")


def test_school_init_makes_the_key_pair_once_and_keys_shows_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SODIEM_VAPID_KEY_FILE", raising=False)
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    made = sodiem(*INIT, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    path = tmp_path / "sodiem-vapid.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    public = public_key_text(read_vapid_key(path))
    assert "Đã tạo cặp khóa VAPID" in made.stdout and public in made.stdout
    again = sodiem(*INIT, cwd=tmp_path)
    assert "VAPID" not in again.stdout  # made once
    shown = sodiem("--lang", "en", "webpush", "keys", cwd=tmp_path)
    assert shown.returncode == 0
    assert "already exists" in shown.stdout and public in shown.stdout and "--force" in shown.stdout
    assert public_key_text(read_vapid_key(path)) == public  # not overwritten


def test_keys_with_force_replaces_the_pair_and_forgets_the_subscriptions(tmp_path, monkeypatch):
    monkeypatch.delenv("SODIEM_VAPID_KEY_FILE", raising=False)
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    made = sodiem("webpush", "keys", cwd=tmp_path)
    assert made.returncode == 0 and "Đã tạo cặp khóa VAPID" in made.stdout
    old = public_key_text(read_vapid_key(tmp_path / "sodiem-vapid.pem"))
    replaced = sodiem("webpush", "keys", "--force", cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    new = public_key_text(read_vapid_key(tmp_path / "sodiem-vapid.pem"))
    assert new != old and new in replaced.stdout and "xóa 0 đăng ký" in replaced.stdout
    assert stat.S_IMODE(os.stat(tmp_path / "sodiem-vapid.pem").st_mode) == 0o600


def test_a_key_file_that_is_not_a_key_is_named_with_the_fix(tmp_path, monkeypatch):
    path = tmp_path / "vapid.pem"
    path.write_text("not a key\n")
    monkeypatch.setenv("SODIEM_VAPID_KEY_FILE", str(path))
    shown = sodiem("webpush", "keys", cwd=tmp_path)
    assert shown.returncode == 1
    assert "không phải khóa VAPID" in shown.stderr and "SODIEM_VAPID_KEY_FILE" in shown.stderr
