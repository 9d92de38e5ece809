"""Invite codes: single use, seven days, typed forgivingly, and a wall against guessing."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.identity import (
    ConfirmLink,
    InviteRecord,
    PersonKind,
    PersonRef,
    create_invite,
    format_code,
    hash_code,
    looks_like_code,
    redeem_confirmed,
    redeem_invite,
)

NOW = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)
TEACHER = PersonRef(PersonKind.STAFF, 7)


class FakeStore:
    code_key = b"k" * 32

    def __init__(self) -> None:
        self.invites: dict[str, InviteRecord] = {}
        self.attempts: list[tuple[str, datetime, bool]] = []
        self.links: dict[str, PersonRef] = {}

    async def add_invite(self, code_hash, person, student_id, expires_at):
        self.invites[code_hash] = InviteRecord(len(self.invites) + 1, person, student_id, expires_at, False)

    async def find_invite(self, code_hash):
        return self.invites.get(code_hash)

    async def claim_invite(self, invite_id, now):
        for key, invite in self.invites.items():
            if invite.id == invite_id and not invite.used:
                self.invites[key] = InviteRecord(
                    invite.id, invite.person, invite.student_id, invite.expires_at, True
                )
                return True
        return False

    async def wrong_codes_since(self, channel, account, since):
        return sum(1 for who, at, ok in self.attempts if who == account and at >= since and not ok)

    async def wrong_codes_everywhere_since(self, since):
        return sum(1 for _, at, ok in self.attempts if at >= since and not ok)

    async def record_attempt(self, channel, account, now, ok):
        self.attempts.append((account, now, ok))

    async def link_account(self, channel, account, person, now):
        self.links[account] = person

    async def linked_staff(self, channel, account):
        person = self.links.get(account)
        return person.id if person and person.kind is PersonKind.STAFF else None

    async def linked_guardian(self, channel, account):
        person = self.links.get(account)
        return person.id if person and person.kind is PersonKind.GUARDIAN else None

    async def linked_student(self, channel, account):
        person = self.links.get(account)
        return person.id if person and person.kind is PersonKind.STUDENT else None

    async def guardian_children(self, guardian_id):
        return {guardian_id - 1000}

    async def invite_by_id(self, invite_id):
        return next((invite for invite in self.invites.values() if invite.id == invite_id), None)

    async def guardian_for_student(self, student_id):
        return PersonRef(PersonKind.GUARDIAN, 1000 + student_id)


async def error_key(coroutine) -> str:
    with pytest.raises(DomainError) as raised:
        await coroutine
    return raised.value.key


async def test_a_code_links_once_and_only_its_hash_is_kept():
    store = FakeStore()
    invite = await create_invite(store, TEACHER, NOW)
    assert invite.code not in str(store.invites) and hash_code(invite.code, store.code_key) in store.invites
    assert hashlib.sha256(invite.code.encode()).hexdigest() not in store.invites, "keyed, not plain"
    assert hash_code(invite.code, b"another school's key" * 2) not in store.invites
    assert await redeem_invite(store, "telegram", "42", invite.code, NOW) == TEACHER
    assert await error_key(redeem_invite(store, "telegram", "43", invite.code, NOW)) == "link.error.used_code"


async def test_a_code_is_typed_forgivingly():
    store = FakeStore()
    invite = await create_invite(store, TEACHER, NOW)
    typed = format_code(invite.code).lower().replace("-", " - ")
    assert await redeem_invite(store, "telegram", "42", typed, NOW) == TEACHER


async def test_a_code_expires_after_seven_days():
    store = FakeStore()
    invite = await create_invite(store, TEACHER, NOW)
    assert (
        await redeem_invite(store, "telegram", "42", invite.code, NOW + timedelta(days=6, hours=23))
        == TEACHER
    )
    late = await create_invite(store, TEACHER, NOW)
    key = await error_key(redeem_invite(store, "telegram", "42", late.code, NOW + timedelta(days=7)))
    assert key == "link.error.expired_code"


async def test_five_wrong_codes_make_the_account_wait_fifteen_minutes():
    store = FakeStore()
    invite = await create_invite(store, TEACHER, NOW)
    for _ in range(5):
        assert (
            await error_key(redeem_invite(store, "telegram", "42", "WRXNGWRXNG", NOW))
            == "link.error.bad_code"
        )
    assert await error_key(redeem_invite(store, "telegram", "42", invite.code, NOW)) == "link.error.throttled"
    assert await redeem_invite(store, "telegram", "42", invite.code, NOW + timedelta(minutes=15, seconds=1))


async def test_a_parent_code_links_to_a_guardian_of_the_student():
    store = FakeStore()
    invite = await create_invite(store, None, NOW, student_id=5)
    assert await redeem_invite(store, "telegram", "77", invite.code, NOW) == PersonRef(
        PersonKind.GUARDIAN, 1005
    )


async def test_greetings_are_not_wrong_codes_and_never_lock_anyone_out():
    store = FakeStore()
    invite = await create_invite(store, TEACHER, NOW)
    for text in ("xin chào", "cảm ơn", "alo", "?", "Cảm ơn nhiều", "chào cô ạ", "ok") * 3:
        assert not looks_like_code(text)
        assert await error_key(redeem_invite(store, "telegram", "42", text, NOW)) == "link.error.not_a_code"
    assert store.attempts == []
    assert await redeem_invite(store, "telegram", "42", invite.code, NOW) == TEACHER


async def test_many_wrong_codes_from_many_accounts_stop_the_guessers_but_not_a_newcomer():
    store = FakeStore()
    invite = await create_invite(store, TEACHER, NOW)
    for account in range(30):  # one guess each from thirty accounts within a minute
        assert (
            await error_key(redeem_invite(store, "zalo", str(account), "ABCDE23456", NOW))
            == "link.error.bad_code"
        )
    key = await error_key(redeem_invite(store, "zalo", "7", "ABCDE23457", NOW + timedelta(seconds=30)))
    assert key == "link.error.throttled", "an account that guessed wrong waits while the flood lasts"
    assert (
        await redeem_invite(store, "telegram", "newcomer", invite.code, NOW + timedelta(seconds=30))
        == TEACHER
    )
    later = NOW + timedelta(minutes=1, seconds=1)
    assert await error_key(redeem_invite(store, "zalo", "7", "ABCDE23457", later)) == "link.error.bad_code"


async def test_a_code_for_another_staff_member_is_taken_only_when_confirmed():
    store = FakeStore()
    other = PersonRef(PersonKind.STAFF, 8)
    mine, theirs = await create_invite(store, TEACHER, NOW), await create_invite(store, other, NOW)
    await redeem_invite(store, "telegram", "42", mine.code, NOW)
    with pytest.raises(ConfirmLink) as asked:
        await redeem_invite(store, "telegram", "42", theirs.code, NOW)
    assert store.links["42"] == TEACHER and asked.value.params == {"staff_id": 8}
    assert await redeem_confirmed(store, "telegram", "42", asked.value.invite_id, NOW) == other
    key = await error_key(redeem_confirmed(store, "telegram", "42", asked.value.invite_id, NOW))
    assert key == "link.error.used_code"


async def test_a_code_for_another_guardian_records_child_is_taken_only_when_confirmed():
    store = FakeStore()
    first = await create_invite(store, None, NOW, student_id=1)
    again = await create_invite(store, None, NOW, student_id=1)
    sibling = await create_invite(store, None, NOW, student_id=2)
    await redeem_invite(store, "telegram", "42", first.code, NOW)  # guardian 1001 of student 1
    assert await redeem_invite(store, "telegram", "42", again.code, NOW), "a followed child: no question"
    with pytest.raises(ConfirmLink) as asked:
        await redeem_invite(store, "telegram", "42", sibling.code, NOW)
    assert asked.value.student_ids == [2] and store.links["42"].id == 1001
    linked = await redeem_confirmed(store, "telegram", "42", asked.value.invite_id, NOW)
    assert linked == PersonRef(PersonKind.GUARDIAN, 1002)


async def test_a_students_code_and_a_parents_code_never_link_the_other_kind_of_account():
    store = FakeStore()
    student = PersonRef(PersonKind.STUDENT, 5)
    own, parents = await create_invite(store, student, NOW), await create_invite(store, None, NOW, 5)
    assert await redeem_invite(store, "zalo", "student", own.code, NOW) == student
    refused = await error_key(redeem_invite(store, "zalo", "student", parents.code, NOW))
    assert refused == "students.link.error.student_account" and store.links["student"] == student

    second_own = await create_invite(store, student, NOW)
    assert await redeem_invite(store, "zalo", "parent", parents.code, NOW) == PersonRef(
        PersonKind.GUARDIAN, 1005
    )
    refused = await error_key(redeem_invite(store, "zalo", "parent", second_own.code, NOW))
    assert refused == "students.link.error.adult_account"
    classmate = await create_invite(store, PersonRef(PersonKind.STUDENT, 6), NOW)
    refused = await error_key(redeem_invite(store, "zalo", "student", classmate.code, NOW))
    assert refused == "students.link.error.other_student"
    assert [invite.used for invite in store.invites.values()] == [True, True, False, False]
    assert not any(ok is False for *_, ok in store.attempts), (
        "a right code of the wrong kind is no wrong code"
    )
