"""Turn the text of a form file into a checked ``Form``, or say exactly what is wrong.

Pure: the caller reads the file (``bot.forms``); this module parses and checks. A broken
definition raises ``FormDefinitionError`` naming the file, the question and the problem, so a
typo in a form file stops start-up with one clear line instead of failing later in a chat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from flows.definition import Condition, Form, QType, Question
from flows.text import FlowsError, Text


class FormDefinitionError(FlowsError, ValueError):
    """A form file is broken; the message names the file, the question and what is wrong."""


def parse_form_yaml(text: str, source: str) -> Form:
    """Parse and check the YAML text of one form file (``source`` names it in errors)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FormDefinitionError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise FormDefinitionError(f"{source}: a form file must be a mapping with id, title, ...")
    return parse_form(data, source)


def parse_form(data: Mapping[str, Any], source: str) -> Form:
    """Check a form given as plain data and return it; ``source`` names it in errors."""
    try:
        form = Form.model_validate(data)
    except ValidationError as exc:
        raise FormDefinitionError(_describe(exc, data, source)) from exc
    _check_references(form, source)
    return form


def check_catalogue(forms: Iterable[Form]) -> dict[str, Form]:
    """Forms by id; two files with the same id are an error."""
    by_id: dict[str, Form] = {}
    for form in forms:
        if form.id in by_id:
            raise FormDefinitionError(f"two forms have the id {form.id!r}")
        by_id[form.id] = form
    return by_id


def _describe(exc: ValidationError, data: Mapping[str, Any], source: str) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = _where(loc, data)
        field = ".".join(str(p) for p in loc if not isinstance(p, int))
        lines.append(f"{source}: {where}{field or 'form'}: {err['msg']}")
    return "\n".join(lines)


def _where(loc: list[Any], data: Mapping[str, Any]) -> str:
    """``question 'nik': `` for a location inside a question, else empty."""
    node: Any = data
    named = ""
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and i > 0 and loc[i - 1] == "questions" and isinstance(node, dict):
            named = f"question {node.get('id', f'#{part + 1}')!r}: "
    return named


def _check_references(form: Form, source: str) -> None:
    seen: dict[str, Question] = {}
    top = {q.id: q for q in form.questions}
    for q in form.questions:
        where = f"{source}: question {q.id!r}"
        if q.id in seen:
            raise FormDefinitionError(f"{where}: the id is used twice")
        _check_question(q, seen, {}, where, top)
        if q.is_group:
            _check_template(q.item_label, {"n"}, where, "item_label")
            _check_template(q.add_more, {"n"}, where, "add_more")
            inner: dict[str, Question] = {}
            siblings = {**top, **{sub.id: sub for sub in q.questions}}
            for sub in q.questions:
                sub_where = f"{source}: question {q.id}.{sub.id!r}"
                if sub.id in inner or sub.id in seen or sub.id == q.id:
                    raise FormDefinitionError(f"{sub_where}: the id is used twice")
                _check_question(sub, seen, inner, sub_where, siblings)
                inner[sub.id] = sub
        seen[q.id] = q
    _check_template(form.done, {"reference"}, source, "done")
    if form.service is None and any(q.type is QType.DAY for q in form.questions):
        raise FormDefinitionError(f"{source}: a form with a day question needs 'service'")


def _check_template(text: Text | None, names: set[str], where: str, key: str) -> None:
    """A text the engine fills with ``str.format`` may use only the placeholders ``names``."""
    for value in (text.id, text.en) if text is not None else ():
        try:
            value.format(**dict.fromkeys(names, ""))
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            allowed = ", ".join("{" + n + "}" for n in sorted(names))
            raise FormDefinitionError(
                f"{where}: {key} {value!r} has a broken placeholder ({exc}); it may use only "
                f"{allowed} (write {{{{ and }}}} for a brace)"
            ) from exc


def _check_question(
    q: Question,
    outer: Mapping[str, Question],
    inner: Mapping[str, Question],
    where: str,
    scope: Mapping[str, Question],
) -> None:
    def lookup(qid: str) -> Question | None:
        return inner.get(qid) or outer.get(qid)

    if q.when is not None:
        _check_condition(q.when, lookup, where)
    if q.nik_check is not None:
        for key, wanted in (("birth_date", QType.DATE), ("sex", QType.CHOICE)):
            ref = getattr(q.nik_check, key)
            if ref is None:
                continue
            # The referenced question may come later in the same scope, but it must exist.
            target = scope.get(ref)
            if target is None:
                raise FormDefinitionError(
                    f"{where}: nik_check.{key} names {ref!r}, which is not a question here"
                )
            if target.type is not wanted:
                raise FormDefinitionError(
                    f"{where}: nik_check.{key} names {ref!r}, a {target.type} question "
                    f"(expected {wanted})"
                )
    if q.type is QType.STOP and q.when is None:
        raise FormDefinitionError(f"{where}: a stop without 'when' would end every form")


def _check_condition(cond: Condition, lookup: Any, where: str) -> None:
    if cond.question is not None:
        target = lookup(cond.question)
        if target is None:
            raise FormDefinitionError(
                f"{where}: 'when' refers to {cond.question!r}, which is not an earlier question"
            )
        if (cond.age_under is not None or cond.age_at_least is not None) and (
            target.type is not QType.DATE
        ):
            raise FormDefinitionError(
                f"{where}: an age test needs a date question, {cond.question!r} is {target.type}"
            )
        if cond.contains is not None and target.type is not QType.MULTI:
            raise FormDefinitionError(f"{where}: 'contains' needs a multi question")
        values = [cond.equals, cond.not_equals, *(cond.in_ or ()), *(cond.not_in or ())]
        known = {c.value for c in target.choices}
        if cond.contains is not None:
            values.append(cond.contains)
        if target.type in {QType.YES_NO, QType.CONSENT}:
            for v in values:
                if v is not None and not isinstance(v, bool):
                    raise FormDefinitionError(
                        f"{where}: 'when' compares {cond.question!r} with {v!r}, but a "
                        f"{target.type} answer is true or false"
                    )
        if known:
            for v in values:
                if v is not None and v not in known:
                    raise FormDefinitionError(
                        f"{where}: 'when' compares {cond.question!r} with {v!r}, "
                        f"which is not one of its choices ({', '.join(sorted(known))})"
                    )
    for child in (*(cond.all_ or ()), *(cond.any_ or ())):
        _check_condition(child, lookup, where)
    if cond.not_ is not None:
        _check_condition(cond.not_, lookup, where)
