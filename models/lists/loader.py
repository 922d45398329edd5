"""Load a responsibility-list directory (three YAML files) into the domain types, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from dispatcher.lists import (
    CaseCondition,
    Department,
    Item,
    ListKind,
    ResponsibilityList,
    TimeLimit,
    Urgency,
)
from models.lists import texts
from models.lists.checks import DEPARTMENTS_FILE, check_departments, check_list
from models.lists.errors import ListError, ListValidationError
from models.lists.schema import DepartmentsFile, ListFile
from models.lists.validation import parse_document

COMPONENTS_FILE = "components.yaml"
EVENTS_FILE = "events.yaml"
LIST_FILES: Mapping[ListKind, str] = {
    ListKind.COMPONENT: COMPONENTS_FILE,
    ListKind.EVENT: EVENTS_FILE,
}


def load_responsibility_list(directory: Path) -> ResponsibilityList:
    """Read ``departments.yaml``, ``components.yaml`` and ``events.yaml`` from ``directory``.

    Raises ListValidationError carrying every problem found; never returns a partial list.
    """
    errors: list[ListError] = []
    docs = {
        name: _read_yaml(directory / name, errors)
        for name in (DEPARTMENTS_FILE, COMPONENTS_FILE, EVENTS_FILE)
    }
    if errors:
        raise ListValidationError(errors)
    return build_list(
        departments=docs[DEPARTMENTS_FILE],
        lists={kind: docs[file] for kind, file in LIST_FILES.items()},
        files=dict(LIST_FILES.items()),
    )


def build_list(
    *,
    departments: object,
    lists: Mapping[ListKind, object],
    files: Mapping[ListKind, str],
    departments_file: str = DEPARTMENTS_FILE,
) -> ResponsibilityList:
    """Validate already-read documents (YAML-shaped dicts) and build the list, or raise."""
    errors: list[ListError] = []
    registry = parse_document(DepartmentsFile, departments, file=departments_file, errors=errors)
    if registry is not None:
        errors.extend(check_departments(registry, file=departments_file))
    known = {dept.id for dept in registry.departments} if registry else set()
    parsed: dict[ListKind, ListFile] = {}
    seen_codes: dict[str, str] = {}
    for kind, document in lists.items():
        file = files[kind]
        doc = parse_document(ListFile, document, file=file, errors=errors)
        if doc is None:
            continue
        if doc.kind != kind.value:
            reason = texts.WRONG_LIST_KIND.format(expected=kind.value, actual=doc.kind)
            errors.append(ListError(file, "list", reason))
        if registry is not None:
            errors.extend(check_list(doc, file=file, known=known, seen_codes=seen_codes))
        parsed[kind] = doc
    if not errors and not any(doc.categories for doc in parsed.values()):
        errors.append(ListError(", ".join(files[kind] for kind in lists), "", texts.NO_ITEMS))
    if errors or registry is None:
        raise ListValidationError(errors)
    return _to_domain(registry, parsed)


def _to_domain(
    registry: DepartmentsFile, parsed: Mapping[ListKind, ListFile]
) -> ResponsibilityList:
    departments = {
        d.id: Department(
            id=d.id, name=d.name, short_names=tuple(d.short_names), duties=tuple(d.duties)
        )
        for d in registry.departments
    }
    items: list[Item] = []
    for kind, doc in parsed.items():
        for category in doc.categories:
            for item in category.items:
                conditions = tuple(
                    CaseCondition(
                        filing=c.filing, limit=TimeLimit.parse(c.limit), closing=c.closing
                    )
                    for c in item.conditions
                )
                items.append(
                    Item(
                        code=item.code,
                        list=kind,
                        category=category.name,
                        category_code=category.code,
                        name=item.name,
                        department=item.department,
                        conditions=conditions,
                        aliases=tuple(item.aliases),
                        co_departments=tuple(item.co_departments),
                        supervisor=item.supervisor,
                        urgency=Urgency(item.urgency),
                        source=item.source,
                    )
                )
    return ResponsibilityList(label=registry.label, departments=departments, items=tuple(items))


def _read_yaml(path: Path, errors: list[ListError]) -> object:
    name = path.name
    if not path.is_file():
        errors.append(ListError(name, "", f"{texts.FILE_MISSING}（{path}）"))
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.append(ListError(name, "", texts.FILE_NOT_UTF8))
        return None
    if not text.strip():
        errors.append(ListError(name, "", texts.FILE_EMPTY))
        return None
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        errors.append(ListError(name, "", texts.YAML_SYNTAX.format(line=line, problem=exc.problem)))
        return None
    except yaml.YAMLError as exc:
        errors.append(ListError(name, "", texts.YAML_SYNTAX.format(line="?", problem=exc)))
        return None
    if not isinstance(document, dict):
        errors.append(ListError(name, "", texts.TOP_NOT_MAPPING))
        return None
    return document
