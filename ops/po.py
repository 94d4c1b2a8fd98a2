"""A small reader for gettext .po files, enough to check the project's translations.

Reads what `makemessages` writes: comments, flags (`#, fuzzy`), msgctxt, msgid, msgid_plural,
msgstr and msgstr[n], with continuation lines. Obsolete entries (`#~`) are ignored.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return self.msgstr != ""

    def catalog_key(self) -> str:
        """The key of this entry in a compiled catalogue (GNUTranslations uses the same)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    return ast.literal_eval(text)


def parse(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current = Entry()
    started = False
    target: tuple[str, int | None] | None = None

    def flush():
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started and target is not None and target[0].startswith("msgstr"):
                flush()
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            if started and target is not None and target[0].startswith("msgstr"):
                flush()
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: continuation without a keyword")
            _append(current, target, _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
            flush()
        started = True
        if current.line == 0:
            current.line = number
        if keyword.startswith("msgstr") and (target is None or target[0] == "msgctxt"):
            raise ValueError(f"{path}:{number}: msgstr without a msgid")
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
            current.msgstr_plural[target[1]] = ""
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            target = (keyword, None)
            if keyword == "msgctxt":
                current.msgctxt = ""
            elif keyword == "msgid_plural":
                current.msgid_plural = ""
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
        _append(current, target, _unquote(rest))
    flush()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    keyword, index = target
    if keyword == "msgstr" and index is not None:
        entry.msgstr_plural[index] += text
    elif keyword == "msgstr":
        entry.msgstr += text
    elif keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
