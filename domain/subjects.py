"""The subjects of the 2018 general-education programme (Chương trình GDPT 2018), with periods per
year and assessment form as in regulations.md (TT22 Điều 5; TT27 Điều 5, 7). A school may adjust them."""

from __future__ import annotations

from domain.school import Level, Subject, SubjectKind

S, C, L = SubjectKind.SCORED, SubjectKind.COMMENT, SubjectKind.LEVEL
THCS = (6, 7, 8, 9)
THPT = (10, 11, 12)

SECONDARY_SUBJECTS: tuple[Subject, ...] = (
    Subject("NV", "Ngữ văn", S, 140, THCS),
    Subject("TOAN", "Toán", S, 140, THCS),
    Subject("NN1", "Ngoại ngữ 1", S, 105, THCS + THPT),
    Subject("GDCD", "Giáo dục công dân", S, 35, THCS),
    Subject("LSDL", "Lịch sử và Địa lí", S, 105, THCS),
    Subject("KHTN", "Khoa học tự nhiên", S, 140, THCS),
    Subject("CN", "Công nghệ", S, 35, THCS),
    Subject("TIN", "Tin học", S, 35, THCS),
    Subject("GDTC", "Giáo dục thể chất", C, 70, THCS + THPT),
    Subject("NT", "Nghệ thuật", C, 70, THCS),
    Subject("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", C, 105, THCS + THPT),
    Subject("GDDP", "Nội dung giáo dục của địa phương", C, 35, THCS + THPT),
    Subject("NV10", "Ngữ văn (THPT)", S, 105, THPT),
    Subject("TOAN10", "Toán (THPT)", S, 105, THPT),
    Subject("LS", "Lịch sử", S, 52, THPT),
    Subject("GDQP", "Giáo dục quốc phòng và an ninh", S, 35, THPT),
    Subject("DL", "Địa lí", S, 70, THPT),
    Subject("KTPL", "Giáo dục kinh tế và pháp luật", S, 70, THPT),
    Subject("VL", "Vật lí", S, 70, THPT),
    Subject("HH", "Hóa học", S, 70, THPT),
    Subject("SH", "Sinh học", S, 70, THPT),
    Subject("CN10", "Công nghệ (THPT)", S, 70, THPT),
    Subject("TIN10", "Tin học (THPT)", S, 70, THPT),
    Subject("AN", "Âm nhạc", C, 70, THPT),
    Subject("MT", "Mĩ thuật", C, 70, THPT),
)

PRIMARY_SUBJECTS: tuple[Subject, ...] = (
    Subject("TV", "Tiếng Việt", L, 420, (1, 2, 3, 4, 5), has_periodic_test=True),
    Subject("TOAN", "Toán", L, 175, (1, 2, 3, 4, 5), has_periodic_test=True),
    Subject("NN1", "Ngoại ngữ 1", L, 140, (3, 4, 5), has_periodic_test=True),
    Subject("DD", "Đạo đức", L, 35, (1, 2, 3, 4, 5)),
    Subject("TNXH", "Tự nhiên và Xã hội", L, 70, (1, 2, 3)),
    Subject("LSDL", "Lịch sử và Địa lí", L, 70, (4, 5), has_periodic_test=True),
    Subject("KH", "Khoa học", L, 70, (4, 5), has_periodic_test=True),
    Subject("TINCN", "Tin học và Công nghệ", L, 70, (3, 4, 5), has_periodic_test=True),
    Subject("GDTC", "Giáo dục thể chất", L, 70, (1, 2, 3, 4, 5)),
    Subject("AN", "Nghệ thuật (Âm nhạc)", L, 35, (1, 2, 3, 4, 5)),
    Subject("MT", "Nghệ thuật (Mĩ thuật)", L, 35, (1, 2, 3, 4, 5)),
    Subject("HDTN", "Hoạt động trải nghiệm", L, 105, (1, 2, 3, 4, 5)),
)


def builtin_subjects(level: Level) -> tuple[Subject, ...]:
    return PRIMARY_SUBJECTS if level is Level.PRIMARY else SECONDARY_SUBJECTS
