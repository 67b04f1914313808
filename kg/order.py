"""A SELECT's ORDER BY, done in Python on the rows Oxigraph gives.

Oxigraph sorts solutions by comparing their terms anew at each comparison,
and a long string is read back from the store each time it is compared: a
listing of 30,000 rows by name spends more than a second in its ORDER BY
alone.  Run without it and sorted here, once the rows are fetched, the same
rows come in the order SPARQL defines in a few milliseconds.  Rows whose
keys tie come in the engine's order, which SPARQL leaves open either way.

The order is SPARQL's (section 15.1): unbound first, then blank nodes,
IRIs, literals; literals by value within their kind (numbers by number,
strings by text, dates and times as written), kinds that SPARQL cannot
compare kept apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NUMERIC_DATATYPES = frozenset(XSD + name for name in (
    "integer decimal float double int long short byte nonNegativeInteger nonPositiveInteger negativeInteger "
    "positiveInteger unsignedLong unsignedInt unsignedShort unsignedByte".split()))
STRING_DATATYPES = frozenset({XSD + "string", RDF_LANG_STRING})
BOOLEAN = XSD + "boolean"

#: The rank of each kind of literal among literals: numbers, booleans, strings, then the others by datatype.
_NUMBER, _BOOLEAN, _STRING, _OTHER = range(4)

OrderKey = tuple[str, bool]  # a variable's name, and whether it sorts descending


def term_order_key(term: Any) -> tuple:
    """Where a term goes in an ascending ORDER BY (None: unbound)."""
    if term is None:
        return (0,)
    if isinstance(term, ox.BlankNode):
        return (1,)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    if isinstance(term, ox.Literal):
        return (3, *_literal_key(term))
    return (4, str(term))  # a quoted triple


def _literal_key(literal: ox.Literal) -> tuple:
    datatype = literal.datatype.value
    if datatype in STRING_DATATYPES:
        return (_STRING, "", literal.value, literal.language or "")
    if datatype in NUMERIC_DATATYPES:
        number = _number(literal.value)
        if number is not None:
            return (_NUMBER, "", number, "")
    if datatype == BOOLEAN:
        return (_BOOLEAN, "", literal.value in ("true", "1"), "")
    return (_OTHER, datatype, literal.value, "")  # dates and times of one datatype sort as written


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return None if number.is_nan() else number


def sort_solutions(variables: Sequence[str], solutions: list[tuple[Any, ...]], keys: Sequence[OrderKey]) -> list[tuple[Any, ...]]:
    """``solutions`` (rows of Oxigraph terms, one cell per variable) sorted by ``keys``, ties in their order."""
    ordered = list(solutions)
    for name, descending in reversed(keys):  # sorts are stable: the last key first, the first key last
        column = variables.index(name)
        ordered.sort(key=lambda row: term_order_key(row[column]), reverse=descending)
    return ordered
