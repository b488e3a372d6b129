"""Statements composed once, for the ones every intake and every slip runs.

peewee composes a statement's SQL anew on each call: ~1 ms for the 55 columns of a dossier,
while SQLite runs it in ~0.03 ms. These helpers compose the text once per model (and column set)
and bind values through the fields' own converters, so rows go in and come out as with peewee.
"""

from functools import cache


@cache
def _insert_sql(model, names: tuple[str, ...], replace: bool) -> str:
    meta = model._meta
    columns = ", ".join(f'"{meta.fields[n].column_name}"' for n in names)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    return f'{verb} INTO "{meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(names))})'


def insert(row, *, replace: bool = False):
    """`row.save(force_insert=True)` for a new row; with `replace`, `Model.replace(**fields)`."""
    meta = row._meta
    data = row.__data__
    new_key = meta.auto_increment and data.get(meta.primary_key.name) is None
    fields = [f for f in meta.sorted_fields if f.name in data and not (new_key and f is meta.primary_key)]
    sql = _insert_sql(type(row), tuple(f.name for f in fields), replace)
    cursor = meta.database.execute_sql(sql, [f.db_value(data[f.name]) for f in fields])
    if new_key:
        row._pk = cursor.lastrowid
    row._dirty.clear()
    return row


def delete(model, where: str, *params) -> None:
    """Delete the rows of `model` matching `where` (SQL with ? placeholders)."""
    model._meta.database.execute_sql(f'DELETE FROM "{model._meta.table_name}" WHERE {where}', params)


@cache
def _select_sql(model, where: str) -> str:
    meta = model._meta
    columns = ", ".join(f'"{f.column_name}"' for f in meta.sorted_fields)
    return f'SELECT {columns} FROM "{meta.table_name}" WHERE {where} LIMIT 1'


def get_or_none(model, where: str, *params):
    """The row of `model` matching `where` (SQL with ? placeholders), or None; built as peewee
    builds a selected row (its cursor wrapper costs as much again as the query here)."""
    row = model._meta.database.execute_sql(_select_sql(model, where), params).fetchone()
    if row is None:
        return None
    values = {f.name: f.python_value(v) for f, v in zip(model._meta.sorted_fields, row)}
    found = model(__no_default__=1, **values)
    found._dirty.clear()
    return found
