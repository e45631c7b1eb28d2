"""A category's extra questions (DefectCategory.questions): asked in the web form and
offered to other programs as an Open311 service definition."""

DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
LIST_DATATYPES = {"singlevaluelist", "multivaluelist"}


def questions(category) -> list[dict]:
    """The category's extra questions, tidied: entries without a code are skipped, unknown
    datatypes read as string, list values as [{key, name}]."""
    tidy = []
    raw = category.questions if isinstance(category.questions, list) else []
    for entry in raw:
        if not isinstance(entry, dict) or not str(entry.get("code") or "").strip():
            continue
        datatype = entry.get("datatype") if entry.get("datatype") in DATATYPES else "string"
        values = []
        if datatype in LIST_DATATYPES:
            for value in entry.get("values") or []:
                if isinstance(value, dict) and "key" in value:
                    values.append({"key": str(value["key"]), "name": str(value.get("name", ""))})
                elif isinstance(value, str | int | float):
                    values.append({"key": str(value), "name": str(value)})
        tidy.append(
            {
                "code": str(entry["code"]).strip(),
                "label": str(entry.get("label") or entry.get("description") or entry["code"]),
                "datatype": datatype,
                "required": bool(entry.get("required")),
                "datatype_description": entry.get("datatype_description") or None,
                "values": values,
            }
        )
    return tidy


def answer_lines(category, answers: dict) -> list[tuple[str, str]]:
    """The answers of a report as (question, answer) in words, in the questions' order."""
    lines = []
    for question in questions(category):
        if question["code"] not in answers:
            continue
        value = answers[question["code"]]
        names = {item["key"]: item["name"] or item["key"] for item in question["values"]}
        if isinstance(value, list):
            text = ", ".join(names.get(str(item), str(item)) for item in value)
        else:
            text = names.get(str(value), str(value))
        lines.append((question["label"], text))
    return lines
