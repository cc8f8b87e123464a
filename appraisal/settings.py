"""One settings object, read from APPRAISAL_* environment variables when asked for."""

from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APPRAISAL_", env_file=".env", extra="ignore")

    output_dir: Path = Path("output")
    # Empty means a SQLite file inside output_dir.
    database_url: str = ""
    # A folder of staff templates; a template there replaces the default with the same id.
    templates_dir: Path | None = None
    actor: str = "staff"
    # Workbooks larger than this (uncompressed) are refused before openpyxl parses them.
    max_workbook_bytes: int = 200 * 1024 * 1024
    # The issuing office printed on letters; copied into a cycle when it starts.
    office_name: str = "中共某市委统战部"
    office_number_prefix: str = "统战评"
    office_contact: str = "综合评价工作组"
    office_phone: str = "0000-00000000"
    # Returned files larger than this are quarantined unread.
    max_return_bytes: int = 50 * 1024 * 1024
    # PEM certificates whose signatures on returned PDFs are trusted (comma-separated paths).
    trust_roots: str = ""
    # Documents rendered and converted per Prefect task: coarse, as a task run costs ~10 ms.
    batch_size: int = 200
    # Documents handed to LibreOffice per call (each call pays its start-up once): a slice's
    # worth, so a slice of one document a person is one call.
    convert_chunk: int = 500
    # Forms of one template put into one document for LibreOffice (appraisal.pdf.as_one); a
    # group's PDFs reach the cache together, once it is split.
    convert_group: int = 50
    # A stage plans and makes its documents this many people at a time, and the archive seals
    # this many dossiers at a time, so memory does not grow with the number of people.
    slice_people: int = 500
    # LibreOffice converters run at once; 0 means one per core.
    converters: int = 0
    # Scale-out: a stage's documents are made in this many parts, each its own flow run. With
    # part_deployment set (e.g. "stage part/stage-part"), parts go to that deployment's workers;
    # otherwise they run one after another in this process.
    stage_parts: int = 1
    part_deployment: str = ""
    # Seconds to wait for the parts' flow runs before giving up on the stage run.
    part_timeout: int = 6 * 3600
    # Pretend today is this date (deadlines, reminders); empty means the real date.
    today: date | None = None

    # The portal: the key signing the login form's one-time token (empty: a random key kept in
    # the output folder), whether cookies are sent over HTTPS only, and how long a session
    # lasts (a staff login, or a reviewer's visit through a link, at most until it expires).
    portal_secret: str = ""
    portal_secure_cookies: bool = False
    portal_session_hours: int = 8

    # E-mail. An empty host turns sending off: messages are still planned and wait as pending.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "appraisal@localhost"
    # The portal's address as reviewers reach it: the base of the personal links in e-mails.
    portal_url: str = "http://127.0.0.1:8000"
    # Days until a link sent by e-mail expires.
    link_days: int = 30

    @property
    def trust_root_paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.trust_roots.split(",") if p.strip()]

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.output_dir / 'appraisal.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
