"""Cross-field rules pydantic cannot see: unique codes, known departments, reachable items."""

from __future__ import annotations

from models.lists import texts
from models.lists.errors import ListError
from models.lists.schema import DepartmentsFile, ItemModel, ListFile

DEPARTMENTS_FILE = "departments.yaml"


def check_departments(
    registry: DepartmentsFile, *, file: str = DEPARTMENTS_FILE
) -> list[ListError]:
    errors: list[ListError] = []
    owner_of: dict[str, str] = {}
    seen_ids: set[str] = set()
    for index, dept in enumerate(registry.departments):
        where = f"departments[{index}]"
        if dept.id in seen_ids:
            errors.append(
                ListError(file, f"{where}.id", texts.DUPLICATE_DEPARTMENT.format(id=dept.id))
            )
        seen_ids.add(dept.id)
        for name in dict.fromkeys((dept.id, dept.name, *dept.short_names)):
            first = owner_of.setdefault(name.lower(), dept.id)
            if first != dept.id:
                reason = texts.SHORT_NAME_CLASH.format(name=name, first=first, second=dept.id)
                errors.append(ListError(file, f"{where}.short_names", reason))
    errors.extend(_check_duties(registry, file=file, names=owner_of))
    return errors


def _check_duties(
    registry: DepartmentsFile, *, file: str, names: dict[str, str]
) -> list[ListError]:
    """A duty word suggests one department: it may not belong to two, nor be another's name."""
    errors: list[ListError] = []
    owner_of: dict[str, str] = {}
    for index, dept in enumerate(registry.departments):
        for n, duty in enumerate(dept.duties):
            where = f"departments[{index}].duties[{n}]"
            key = duty.lower()
            first = owner_of.setdefault(key, dept.id)
            named = names.get(key, dept.id)
            if first != dept.id or named != dept.id:
                other = first if first != dept.id else named
                reason = texts.DUTY_CLASH.format(duty=duty, first=other, second=dept.id)
                errors.append(ListError(file, where, reason))
            elif key in {d.lower() for d in dept.duties[:n]}:
                errors.append(ListError(file, where, texts.DUTY_REPEATED.format(duty=duty)))
    return errors


def check_list(
    doc: ListFile, *, file: str, known: set[str], seen_codes: dict[str, str]
) -> list[ListError]:
    """Check one list file; ``seen_codes`` (code -> place) is shared across files."""
    errors: list[ListError] = []
    category_codes: set[str] = set()
    for c_index, category in enumerate(doc.categories):
        where = f"categories[{c_index}]"
        if category.code in category_codes:
            reason = texts.DUPLICATE_CATEGORY_CODE.format(code=category.code)
            errors.append(ListError(file, f"{where}.code", reason))
        category_codes.add(category.code)
        names: dict[str, str] = {}
        for i_index, item in enumerate(category.items):
            place = f"{where}.items[{i_index}]"
            errors.extend(_check_item(item, file=file, place=place, known=known))
            first = seen_codes.setdefault(item.code, f"{file}: {place}")
            if first != f"{file}: {place}":
                reason = texts.DUPLICATE_ITEM_CODE.format(code=item.code, first=first)
                errors.append(ListError(file, f"{place}.code", reason))
            first_name = names.setdefault(item.name, place)
            if first_name != place:
                reason = texts.DUPLICATE_ITEM_NAME.format(name=item.name, first=first_name)
                errors.append(ListError(file, f"{place}.name", reason))
    return errors


def _check_item(item: ItemModel, *, file: str, place: str, known: set[str]) -> list[ListError]:
    errors: list[ListError] = []
    refs = [("department", item.department)]
    refs += [(f"co_departments[{n}]", dept) for n, dept in enumerate(item.co_departments)]
    if item.supervisor is not None:
        refs.append(("supervisor", item.supervisor))
    for field, dept in refs:
        if dept not in known:
            errors.append(
                ListError(file, f"{place}.{field}", texts.UNKNOWN_DEPARTMENT.format(dept=dept))
            )
    for n, dept in enumerate(item.co_departments):
        if dept == item.department:
            reason = texts.CO_SAME_AS_MAIN.format(dept=dept)
            errors.append(ListError(file, f"{place}.co_departments[{n}]", reason))
    return errors
