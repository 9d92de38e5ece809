"""the school: years, classes, students, staff, guardians

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("name", name=op.f("uq_department_name")),
    )
    op.create_table(
        "guardian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=15), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian")),
    )
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardian_phone"), ["phone"], unique=False)

    op.create_table(
        "import_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
    )
    op.create_table(
        "school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school")),
    )
    op.create_table(
        "school_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=9), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_year")),
        sa.UniqueConstraint("name", name=op.f("uq_school_year_name")),
    )
    op.create_table(
        "student",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=True),
        sa.Column("ethnicity", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student")),
        sa.UniqueConstraint("code", name=op.f("uq_student_code")),
    )
    op.create_table(
        "subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("periods_per_year", sa.Integer(), nullable=False),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("has_periodic_test", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
        sa.UniqueConstraint("code", name=op.f("uq_subject_code")),
    )
    op.create_table(
        "guardian_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["guardian.id"], name=op.f("fk_guardian_link_guardian_id_guardian")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_guardian_link_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_link")),
        sa.UniqueConstraint("guardian_id", "student_id", name=op.f("uq_guardian_link_guardian_id")),
    )
    with op.batch_alter_table("guardian_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardian_link_student_id"), ["student_id"], unique=False)

    op.create_table(
        "school_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=10), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["year_id"], ["school_year.id"], name=op.f("fk_school_class_year_id_school_year")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_class")),
        sa.UniqueConstraint("year_id", "name", name=op.f("uq_school_class_year_id")),
    )
    op.create_table(
        "semester",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("midterm_start", sa.Date(), nullable=False),
        sa.Column("midterm_end", sa.Date(), nullable=False),
        sa.Column("final_start", sa.Date(), nullable=False),
        sa.Column("final_end", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["year_id"], ["school_year.id"], name=op.f("fk_semester_year_id_school_year")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_semester")),
        sa.UniqueConstraint("year_id", "number", name=op.f("uq_semester_year_id")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=15), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_staff_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("code", name=op.f("uq_staff_code")),
    )
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("date_in", sa.Date(), nullable=False),
        sa.Column("reason_in", sa.String(length=20), nullable=False),
        sa.Column("date_out", sa.Date(), nullable=True),
        sa.Column("reason_out", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_enrolment_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name=op.f("fk_enrolment_student_id_student")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment")),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_student_id"), ["student_id"], unique=False)

    op.create_table(
        "homeroom_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_homeroom_assignment_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_homeroom_assignment_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_homeroom_assignment")),
        sa.UniqueConstraint("class_id", name=op.f("uq_homeroom_assignment_class_id")),
    )
    with op.batch_alter_table("homeroom_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_homeroom_assignment_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "staff_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_role_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_role")),
        sa.UniqueConstraint("staff_id", "role", name=op.f("uq_staff_role_staff_id")),
    )
    op.create_table(
        "teaching_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_teaching_assignment_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_teaching_assignment_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_teaching_assignment_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teaching_assignment")),
        sa.UniqueConstraint("class_id", "subject_id", name=op.f("uq_teaching_assignment_class_id")),
    )
    with op.batch_alter_table("teaching_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teaching_assignment_staff_id"), ["staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("teaching_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teaching_assignment_staff_id"))

    op.drop_table("teaching_assignment")
    op.drop_table("staff_role")
    with op.batch_alter_table("homeroom_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_homeroom_assignment_staff_id"))

    op.drop_table("homeroom_assignment")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_student_id"))
        batch_op.drop_index(batch_op.f("ix_enrolment_class_id"))

    op.drop_table("enrolment")
    op.drop_table("staff")
    op.drop_table("semester")
    op.drop_table("school_class")
    with op.batch_alter_table("guardian_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_link_student_id"))

    op.drop_table("guardian_link")
    op.drop_table("subject")
    op.drop_table("student")
    op.drop_table("school_year")
    op.drop_table("school")
    op.drop_table("import_log")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_phone"))

    op.drop_table("guardian")
    op.drop_table("department")
