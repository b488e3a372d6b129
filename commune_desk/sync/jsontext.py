"""JSON on the sync hot path: orjson where it gives the same answer, the standard library where
orjson refuses (lone surrogates, integers beyond 64 bits), so both sides behave as before on
odd input and several times faster on ordinary input.

`canonical` is what a change's digest is computed over: sorted keys, no spaces, UTF-8 as is —
byte for byte what json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")) gives
for the strings, integers, booleans and nulls changes are made of.
"""

import json

import orjson

_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def loads(data: bytes | str):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson refuses escaped lone surrogates that json accepts; the server answers those
        # with a per-change reason instead of spoiling the whole batch
        return json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)


def canonical(value) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except TypeError:
        return _CANONICAL(value)


def compact(value) -> str:
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return _COMPACT(value)
