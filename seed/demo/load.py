"""Loading the demo district into the district database: schools, settings, users, students.

Students stream from the generator straight into chunked bulk inserts inside one transaction,
so memory stays flat at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from domain.model import Student
from seed.demo import DemoDistrict
from store.database import database_proxy
from store.settings import write_settings
from store.statistics import refresh_planner_statistics
from store.students_write import save_students
from store.tables import SchoolRow
from store.users import add_user, get_user

__all__ = ["DemoCounts", "DEMO_USERS", "load_demo"]

DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("admin", "admin-demo", "admin"),
    ("auditor", "auditor-demo", "auditor"),
)
"""Name, password, role of the demo database's users (a demo database only; never a real one)."""


@dataclass(frozen=True, slots=True)
class DemoCounts:
    students: int
    enrollments: int
    schools: int


def load_demo(
    district: DemoDistrict,
    *,
    with_users: bool = True,
    fresh: bool = False,
    progress: Callable[[int], None] | None = None,
) -> DemoCounts:
    """Write ``district`` (schools, settings, demo users, students) in one transaction.

    ``fresh=True`` promises the database holds none of these students yet (faster).
    ``progress`` is called with the number of students written so far, every chunk.
    """

    def students() -> Iterator[Student]:
        for n, demo in enumerate(district.students(), 1):
            if progress is not None and n % 5000 == 0:
                progress(n)
            yield demo.student

    with database_proxy.atomic():
        for school in district.schools:
            SchoolRow.insert(code=school.code, name=school.name, kind=school.kind, selected=school.selected).on_conflict(
                conflict_target=[SchoolRow.code],
                update={SchoolRow.name: school.name, SchoolRow.kind: school.kind, SchoolRow.selected: school.selected},
            ).execute()
        write_settings(lea=district.lea, year=district.year.code, email=district.email)
        if with_users:
            for name, password, role in DEMO_USERS:
                if get_user(name) is None:
                    add_user(name, password, role)
        counts = save_students(students(), fresh=fresh, keep_calpads_values=False)
    refresh_planner_statistics()
    if progress is not None:
        progress(counts.students)
    return DemoCounts(counts.students, counts.enrollments, len(district.schools))
