"""Checks that the committed translations are complete, that the compiled .mo matches the .po,
and that the English .po holds exactly the strings marked for translation in the code.

The files are read with polib, the library that translation tools themselves use, so no private
part of the standard library's gettext is read. Finding the strings in the code is Django's own
`makemessages` (GNU gettext's xgettext), run with the options of `make messages`
(MAKEMESSAGES) but stopped before it merges into the .po: what it would have written is
compared with what is committed.
"""

import contextlib
import fcntl
import hashlib
import re
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages

# `make messages` and the check alike: the locale extracted from the code (Vietnamese is the
# source language; locale/vi holds only Django's own strings its catalogue lacks), and the
# folders that hold no source of ours.
MAKEMESSAGES = {
    "locale": ["en"],
    "no_obsolete": True,
    "no_location": True,
    "ignore_patterns": [".venv", "staticfiles", "cache", "var"],
}

PLACEHOLDER = re.compile(r"%\((\w+(?:\.\w+)*)\)[sdif]|%%")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return entry.msgstr != ""


def check_po(po_path: Path) -> list[str]:
    """Problems of one .po file: untranslated or fuzzy entries, placeholders that differ."""
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        where = f"{po_path}:{entry.linenum}"
        if entry.fuzzy:
            problems.append(f"{where}: fuzzy: {entry.msgid!r}")
        if not _is_translated(entry):
            problems.append(f"{where}: untranslated: {entry.msgid!r}")
            continue
        if "python-format" in entry.flags:
            problems.extend(_placeholder_problems(entry, where))
    return problems


def _placeholder_problems(entry: polib.POEntry, where: str) -> list[str]:
    expected = _placeholders(entry.msgid)
    translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
    problems = []
    for text in translations:
        found = _placeholders(text)
        # Singular forms may drop a count placeholder (“one commune”), never add one.
        if found != expected and not (entry.msgid_plural and set(found) <= set(expected)):
            problems.append(f"{where}: placeholders {found} differ from {expected}: {text!r}")
    return problems


def _catalog(entries) -> dict:
    """What a compiled catalogue holds: (context, msgid, plural index) -> translation."""
    catalog = {}
    for entry in entries:
        fuzzy = "fuzzy" in getattr(entry, "flags", ())
        if entry.obsolete or fuzzy or not entry.msgid or not _is_translated(entry):
            continue
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                catalog[(entry.msgctxt, entry.msgid, int(index))] = text
        else:
            catalog[(entry.msgctxt, entry.msgid, None)] = entry.msgstr
    return catalog


def check_mo(po_path: Path) -> list[str]:
    """The .mo next to `po_path` must exist and hold exactly the .po's translations."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path}: missing (run make messages)"]
    compiled = _catalog(polib.mofile(str(mo_path)))
    expected = _catalog(polib.pofile(str(po_path)))
    if compiled == expected:
        return []
    stale = sorted(str(k) for k in expected.keys() - compiled.keys())
    stale += sorted(str(k) for k in compiled.keys() & expected.keys() if compiled[k] != expected[k])
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    detail = "; ".join(
        part
        for part in (
            f"{len(stale)} missing or changed (e.g. {stale[0]!r})" if stale else "",
            f"{len(extra)} no longer in the .po (e.g. {extra[0]!r})" if extra else "",
        )
        if part
    )
    return [f"{mo_path}: stale, {detail} (run make messages)"]


def check_locale_dir(locale_dir: Path) -> tuple[list[Path], list[str]]:
    po_files = sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))
    problems = []
    for po_path in po_files:
        problems += check_po(po_path)
        problems += check_mo(po_path)
    return po_files, problems


class _Extract(makemessages.Command):
    """`makemessages` that keeps the template it built instead of merging it into the .po."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extracted: dict[Path, polib.POFile] = {}

    def write_po_file(self, potfile, locale):
        po_path = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        self.extracted[po_path] = polib.pofile(potfile)


def extract_messages() -> dict[Path, polib.POFile]:
    """.po file -> the strings `make messages` would merge into it, read from the code.

    makemessages writes its work files in the source tree (a django.pot beside the .po files,
    a .py beside each template) and deletes them: one extraction at a time per checkout (the
    test suite's workers, or lint beside the tests), or one would delete the other's files."""
    command = _Extract()
    checkout = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"ntm-makemessages-{checkout}.lock"
    with lock_path.open("w") as lock, contextlib.chdir(settings.BASE_DIR):
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        call_command(command, verbosity=0, **MAKEMESSAGES)
    return command.extracted


def _keys(entries) -> set[tuple]:
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in entries if not e.obsolete}


def compare_with_code(po_path: Path, extracted: polib.POFile) -> list[str]:
    """The strings marked for translation in the code that the .po lacks (shown untranslated
    in English), and the .po's strings that no code uses any more."""
    committed = _keys(polib.pofile(str(po_path))) if po_path.exists() else set()
    in_code = _keys(extracted)
    return [
        f"{po_path}: not in the .po (run make messages and translate): {msgid!r}"
        for _ctx, msgid, _plural in sorted(in_code - committed, key=str)
    ] + [
        f"{po_path}: no longer in the code (run make messages): {msgid!r}"
        for _ctx, msgid, _plural in sorted(committed - in_code, key=str)
    ]


def check_sources() -> list[str]:
    return [
        problem
        for po_path, extracted in sorted(extract_messages().items())
        for problem in compare_with_code(po_path, extracted)
    ]
