"""Spreadsheets in and out: the sheet layouts, the robust readers and the template writer."""

from appraisal.sheets.errors import SheetIssue, WorkbookError
from appraisal.sheets.layouts import BALLOT, DUTY, FINDING, RECORD_SHEETS, ROSTER
from appraisal.sheets.records import (
    BallotRow,
    DutyRow,
    FindingRow,
    RecordsBook,
    ScoreRow,
    read_records,
)
from appraisal.sheets.roster import RosterRow, RosterSheet, derive_code, read_roster
from appraisal.sheets.workbook import check_workbook_file
from appraisal.sheets.writer import (
    write_records_template,
    write_roster_template,
    write_workbook,
)

__all__ = [
    "BALLOT",
    "DUTY",
    "FINDING",
    "RECORD_SHEETS",
    "ROSTER",
    "BallotRow",
    "DutyRow",
    "FindingRow",
    "RecordsBook",
    "RosterRow",
    "RosterSheet",
    "ScoreRow",
    "SheetIssue",
    "WorkbookError",
    "check_workbook_file",
    "derive_code",
    "read_records",
    "read_roster",
    "write_records_template",
    "write_roster_template",
    "write_workbook",
]
