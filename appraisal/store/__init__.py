"""Data access for imports: plain parsed rows in, rows upserted and audit-logged, counts out."""

from appraisal.store.changes import ImportCounts
from appraisal.store.people import import_people, load_people
from appraisal.store.records import import_records

__all__ = ["ImportCounts", "import_people", "import_records", "load_people"]
