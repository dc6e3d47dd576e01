"""Values laid out by a file format rather than after an operator: XML and YAML.

* Hadoop-style properties: ``<name>fs.s3a.secret.key</name><value>v</value>``;
* attributes: ``<add key="DbPassword" value="v"/>`` (.NET ``appSettings``, Spring
  ``<property name=... value=...>``, ``<entry key=... value=...>``);
* YAML values on the lines after the key: block scalars (``password: >-``,
  ``|``) and indented plain scalars; a plain scalar on the key's line runs to
  its end (``password: two words: more``);
* a dict or list given as one value (``cookies={'sessionid': 'v'}``).

Pure.
"""

from __future__ import annotations

import re

Span = tuple[int, int]


_XML_VALUE = re.compile(r"\s*(?:<description>[^<]*</description>\s*)?<value>")


def xml_property_value(text: str, pos: int) -> Span | None:
    m = _XML_VALUE.match(text, pos)
    if m is None:
        return None
    end = text.find("</value>", m.end())
    return (m.end(), end) if end > m.end() else None


ATTR_NAME = re.compile(r"\b(?:key|name|id)\s*=\s*\Z")
_ATTR_VALUE = re.compile(r"[^<>\n]*?\bvalue\s*=\s*(['\"])")


def attribute_value(text: str, pos: int) -> Span | None:
    """The ``value="..."`` attribute of the tag whose ``key``/``name`` attribute ends at ``pos``."""
    m = _ATTR_VALUE.match(text, pos)
    if m is None:
        return None
    end = text.find(m.group(1), m.end())
    newline = text.find("\n", m.end())
    return (m.end(), end) if end > m.end() and not 0 <= newline < end else None


_BLOCK = re.compile(r"[|>][-+]?\d?[ \t]*(?:#[^\n]*)?\n|[ \t]*\n")


def yaml_block(text: str, ks: int, pos: int) -> Span | None:
    """A YAML value on the lines after ``key:`` (``|``, ``>-`` or an indented plain scalar).

    The value's lines are those indented past the key's column (in a log
    record each line may carry its own prefix: then the next line's text
    after that column is the value).
    """
    m = _BLOCK.match(text, pos)
    if m is None:
        return None
    column = ks - (text.rfind("\n", 0, ks) + 1)
    start = end = m.end()
    first = True
    while start < len(text):
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[start:line_end]
        body = line[column:]
        if not (len(line) > column and body[:1].isspace() and body.strip()):
            break
        if line[:column].strip():  # a prefixed record: only its own text, one line
            end = start + column + len(body) - len(body.lstrip()) if first else end
            return (end, line_end) if first else None
        end = line_end
        first = False
        start = line_end + 1
    if end == m.end():
        return None
    value_start = m.end() + len(text[m.end() : end]) - len(text[m.end() : end].lstrip())
    plain = text[pos : m.end()].strip() == ""
    if plain and (": " in text[value_start:end] or text.startswith(("- ", "#"), value_start)):
        return None  # a nested mapping or list, not a value
    return value_start, end


YAML_GUTTER = re.compile(r"[ \t]*(?:>?[ \t]*\d+[ \t]*\|)?[ \t]*(?:-[ \t]*)?")
"""What may stand before a YAML key on its line: indentation, a quoted file's line
number (dbt's ``  7  |   password: v``) and a list item's ``-``."""
_COMMENT = re.compile(r"[ \t]+#")


def yaml_plain_end(text: str, start: int) -> int:
    """A plain YAML scalar runs to the end of its line, less a trailing `` #comment``."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    comment = _COMMENT.search(text, start, end)
    end = comment.start() if comment else end
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return end


_BRACKET_SCAN = 4096
"""How far a dict or list value is followed to its closing bracket."""


def bracket_end(text: str, pos: int) -> int:
    """End of the dict or list that opens at ``pos`` (quoted strings skipped; nested
    brackets counted), or of its line when it does not close within ``_BRACKET_SCAN``."""
    depth = 0
    at = pos
    limit = min(len(text), pos + _BRACKET_SCAN)
    while at < limit:
        c = text[at]
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return at + 1
        elif c in "'\"":
            close = text.find(c, at + 1, limit)
            while close > 0 and text[close - 1] == "\\":
                close = text.find(c, close + 1, limit)
            if close < 0:
                break
            at = close
        at += 1
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline
