"""The học bạ as a printed PDF, one per student and year: drawn from the student's transcript XML
(exports/transcript.py), so that the paper says exactly what the XML says — the year's results per
subject, learning and conduct, absences, the TT27 ratings, re-test subjects, promotion, completion,
award, the teachers' comments — under the national heading, with the homeroom teacher's and the
principal's signature blocks. The check code is the XML's own fingerprint."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from domain.evaluation import RuleSet
from domain.school import School
from exports.pdf import CELL, CENTRE, HEADING, Mark, Meta, grid, render, text
from exports.report_cards import heading_block, signatures
from exports.transcript import NAMESPACE
from exports.values import shown
from locales import Translator

RESULTS = ("semester1", "semester2", "year", "retest")
PRIMARY_RESULTS = ("year", "test")  # TT27: the year's rating and the end-of-year test score
PERIODS = ("semester1", "semester2", "year", "after")


def transcript_pdf(school: School, document: bytes, t: Translator) -> bytes:
    root = ET.fromstring(document)
    student = _find(root, "student")
    code, year, class_name = student.get("code", ""), root.get("year", ""), root.get("class", "")
    meta = Meta(
        title=t("exports.hocba.title"),
        subject=f"{student.get('fullName', '')} · {class_name} · {year}",
        keywords=f"sodiem kind=transcript class={class_name} year={year} period=year student={code} "
        f"lang={t.language}",
        header=t(
            "exports.pdf.header",
            school=school.name,
            class_name=class_name,
            year=year,
            period=t("exports.period.year"),
        ),  # fmt: skip
    )
    return render(_story(school, root, student, t), t, meta)


def _story(school: School, root: ET.Element, student: ET.Element, t: Translator) -> list:
    signers = [
        ("exports.sign.homeroom", _text(root, "homeroomTeacher")),
        ("exports.sign.principal", _text(root, "principal")),
    ]
    return [
        Mark(root.get("fingerprint", "")),
        heading_block(school, t),
        Spacer(1, 5 * mm),
        text(t("exports.hocba.title"), HEADING),
        text(t("exports.year", year=root.get("year", "")), CENTRE),
        Spacer(1, 4 * mm),
        text(
            t(
                "exports.hocba.student",
                name=student.get("fullName", ""),
                code=student.get("code", ""),
                born=_date(student.get("dateOfBirth", "")),
                class_name=root.get("class", ""),
            )
        ),  # fmt: skip
        Spacer(1, 3 * mm),
        _subjects(root, t),
        Spacer(1, 3 * mm),
        *([] if _primary(root) else [_overall(root, t)]),
        *_ratings(root, t),
        Spacer(1, 3 * mm),
        *(text(line) for line in _outcome_lines(root, t)),
        *_homeroom_comment(root, t),
        Spacer(1, 6 * mm),
        signatures(t, signers, school),
    ]


def _subjects(root: ET.Element, t: Translator):
    columns = PRIMARY_RESULTS if _primary(root) else RESULTS
    header = [t("exports.hocba.subject"), *(t(f"exports.hocba.{name}") for name in columns)]
    rows = [[*header, t("exports.hocba.comment")]]
    for subject in _find(root, "subjects"):
        results = [_result(subject.find(_tag(name)), t) for name in columns]
        comment = " · ".join(filter(None, (_text(subject, "comment"), _text(subject, "teacher"))))
        rows.append([text(subject.get("name", ""), CELL), *results, text(comment, CELL)])
    comment_width = 186 * mm - 38 * mm - 18 * mm * len(columns)
    return grid(rows, widths=[38 * mm, *(18 * mm for _ in columns), comment_width])


def _overall(root: ET.Element, t: Translator):
    rows = [["", *(t(f"exports.hocba.{name}") for name in PERIODS)]]
    for holder in ("learning", "conduct"):
        found = _find(root, holder)
        rows.append([t(f"exports.hocba.{holder}"), *(_text(found, name) for name in PERIODS)])
    return grid(rows, widths=[46 * mm, 35 * mm, 35 * mm, 35 * mm, 35 * mm])


def _ratings(root: ET.Element, t: Translator) -> list:
    ratings = root.find(_tag("ratings"))
    if ratings is None or not len(ratings):
        return []
    rows = [[t("exports.hocba.rated"), t("exports.hocba.level")]]
    rows += [[text(_capitalised(item.get("name", "")), CELL), item.get("level", "")] for item in ratings]
    return [Spacer(1, 3 * mm), grid(rows, widths=[120 * mm, 66 * mm])]


def _outcome_lines(root: ET.Element, t: Translator) -> list[str]:
    absences = _find(root, "absences")
    lines = [
        t("exports.hocba.absences", excused=absences.get("excused"), unexcused=absences.get("unexcused"))
    ]
    retest = root.find(_tag("retestSubjects"))
    if retest is not None:
        lines.append(t("exports.hocba.retest_subjects", subjects=", ".join(s.text or "" for s in retest)))
    if _primary(root) and (result := _text(_find(root, "learning"), "year")):
        lines.append(t("exports.primary.card.result", level=result))
    for name in ("promotion", "completion", "completed", "award"):
        if name == "promotion" and _completes_level(root):
            continue  # the programme's completion says it: not "lên lớp"
        if (value := _text(root, name)) and name == "completion":
            lines.append(_completion(root, value, t))
        elif value:
            lines.append(t(f"exports.hocba.{name}", value=value))
    return lines


def _completes_level(root: ET.Element) -> bool:
    """Grade 9 completing lower-secondary school, or grade 5 completing (or not) primary school."""
    completion = root.find(_tag("completion"))
    primary = completion is not None and completion.get("programme") == "primary"
    return primary or root.find(_tag("completed")) is not None


def _completion(root: ET.Element, status: str, t: Translator) -> str:
    """TT27: the grade's programme completed, or in grade 5 primary school's."""
    primary = root.find(_tag("completion")).get("programme") == "primary"
    return t(
        "exports.primary.card.completed_primary" if primary else "exports.primary.card.completed",
        status=status,
    )


def _capitalised(name: str) -> str:
    """A quality or competency as the cards write it: «Yêu nước»."""
    return name[:1].upper() + name[1:]


def _homeroom_comment(root: ET.Element, t: Translator) -> list:
    comment = _text(root, "homeroomComment")
    return [Spacer(1, 2 * mm), text(t("exports.card.homeroom_comment")), text(comment)] if comment else []


def _primary(root: ET.Element) -> bool:
    """TT27: a level and a test per subject, qualities and competencies instead of learning and conduct."""
    return root.get("rules") == RuleSet.TT27.value


def _result(holder: ET.Element | None, t: Translator) -> str:
    """A score as the language writes it (8,5), or a mark (Đ, T, H) as it stands."""
    if holder is None:
        return ""
    if len(holder) == 0:  # a primary test: the score itself
        return shown(Decimal(holder.text), t) if holder.text else ""
    score = holder.find(_tag("score"))
    return shown(Decimal(score.text), t) if score is not None else _text(holder, "mark")


def _date(iso: str) -> str:
    year, month, day = iso.split("-") if iso.count("-") == 2 else ("", "", "")
    return f"{day}/{month}/{year}" if year else ""


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _find(root: ET.Element, name: str) -> ET.Element:
    found = root.find(_tag(name))
    return found if found is not None else ET.Element(_tag(name))


def _text(root: ET.Element, name: str) -> str:
    found = root.find(_tag(name))
    return (found.text or "").strip() if found is not None else ""
