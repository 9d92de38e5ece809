"""The legal files: report cards, the printed gradebook, DBF, transcripts (XML), the district summary.

Every export is built from a ``domain.report_card.ClassBook`` (storage: ``uow.exports.class_book``), so
the paper and the data file of a class come from the same values. Each module renders one kind of file;
``exports.verify`` checks a file against the database. See docs/export-formats.md."""
