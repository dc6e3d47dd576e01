"""Values laid out by a file format rather than after an operator: XML and YAML.

* Hadoop-style properties: ``<name>fs.s3a.secret.key</name><value>v</value>``;
* attributes: ``<add key="DbPassword" value="v"/>`` (.NET ``appSettings``, Spring
  ``<property name=... value=...>``, ``<entry key=... value=...>``);
* YAML values on the lines after the key: block scalars (``password: >-``,
  ``|``) and indented plain scalars.

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
