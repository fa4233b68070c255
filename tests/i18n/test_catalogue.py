"""The translation catalogues: complete, compiled, placeholder-safe, and actually used.

Loopdesk speaks Simplified Chinese first. Engineers add strings all the time; after adding some, run
`loopdesk/locale/update.sh`, translate the new entries in the zh_Hans django.po, and run it again to
compile. These tests fail until that is done.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

# Strings that are the same in Chinese (brand names, acronyms).
SAME_IN_CHINESE = {"VIP", "REST API", "Loopdesk", "URL", "Webhook", "Webhooks"}


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for what makemessages writes (no obsolete '#~' entries returned)."""
    entries: list[Entry] = []
    cur: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines ("...") append to
    pending_flags: set[str] = set()
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            assert cur is not None and target is not None, f"{path}:{n}: stray string"
            _append(cur, target, ast.literal_eval(line))
            continue
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and (cur is None or cur.msgstr):
            cur = Entry(line=n, flags=pending_flags)
            pending_flags = set()
            entries.append(cur)
        assert cur is not None, f"{path}:{n}: {keyword} before msgid"
        if keyword == "msgctxt":
            cur.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            cur.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            cur.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword == "msgstr":
            cur.msgstr[0], target = value, ("msgstr", 0)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            cur.msgstr[int(m[1])], target = value, ("msgstr", int(m[1]))
        else:
            raise AssertionError(f"{path}:{n}: cannot read {raw!r}")
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid != ""]


PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"\{[^{}]*\}")


def placeholders(text: str, flags: set[str]) -> Counter:
    found = Counter(PRINTF.findall(text)) if "python-format" in flags or "%(" in text else Counter()
    if "python-brace-format" in flags:
        found += Counter(BRACE.findall(text))
    return found


def test_the_catalogues_exist():
    for path in (ZH_PO, ZH_MO, EN_PO, EN_MO):
        assert path.is_file(), f"{path} is missing: run loopdesk/locale/update.sh"
    assert len(messages(ZH_PO)) > 100


# (a) complete and reviewed -------------------------------------------------------------------------


def test_every_chinese_entry_is_translated():
    empty = [e.label for e in messages(ZH_PO) if not e.msgstr or any(not s for s in e.msgstr.values())]
    assert not empty, f"{len(empty)} untranslated in {ZH_PO.name}:\n" + "\n".join(empty)


def test_no_chinese_entry_is_fuzzy():
    fuzzy = [e.label or "header" for e in parse_po(ZH_PO) if "fuzzy" in e.flags]
    assert not fuzzy, "check these, then remove '#, fuzzy':\n" + "\n".join(fuzzy)


def test_chinese_entries_are_chinese():
    """A copied English string is not a translation."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    english = [
        e.label
        for e in messages(ZH_PO)
        if e.msgid not in SAME_IN_CHINESE and not all(cjk.search(s) for s in e.msgstr.values())
    ]
    assert not english, "\n".join(english)


def test_the_chinese_catalogue_declares_its_language():
    header = next(e for e in parse_po(ZH_PO) if e.msgid == "").msgstr[0]
    assert "Language: zh_Hans\n" in header
    assert "charset=UTF-8" in header


# (b) the committed .mo matches the .po ------------------------------------------------------------


@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_the_mo_file_is_up_to_date(po, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)
    with fresh.open("rb") as f:
        expected = gettext.GNUTranslations(f)._catalog
    with po.with_suffix(".mo").open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog
    stale = sorted(str(k) for k in expected.keys() ^ committed.keys())
    stale += sorted(str(k) for k in expected.keys() & committed.keys() if expected[k] != committed[k])
    assert not stale, f"{po.with_suffix('.mo')} is stale, run compilemessages:\n" + "\n".join(stale[:20])


# (c) placeholders survive translation -------------------------------------------------------------


def test_placeholders_match():
    wrong = []
    for e in messages(ZH_PO):
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            if placeholders(text, e.flags) != placeholders(source, e.flags):
                wrong.append(f"{e.label} → {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_placeholder_check_catches_mistakes():
    flags = {"python-format"}
    assert placeholders("最多 %(n)s 个字符。", flags) == placeholders("Use at most %(n)s characters.", flags)
    assert placeholders("最多 %(m)s 个字符。", flags) != placeholders("Use at most %(n)s characters.", flags)
    assert placeholders("至少 %(n)s 个", flags) != placeholders("at least %(n)d", flags)
    brace = {"python-brace-format"}
    assert placeholders("必须包含 {seq}。", brace) != placeholders("must contain {seq} and {date}.", brace)


# (d) the running application speaks both languages ------------------------------------------------

KEY_LABELS = [
    # (lazy label, Chinese, English)
    ("loopdesk.complaints.models:Status.NEW", "新建", "New"),
    ("loopdesk.complaints.models:Status.ACCEPTED", "已受理", "Accepted"),
    ("loopdesk.complaints.models:Status.AWAITING_CUSTOMER", "待客户反馈", "Awaiting customer"),
    ("loopdesk.complaints.models:Status.CALLBACK_PENDING", "待回访", "Awaiting callback"),
    ("loopdesk.complaints.models:Status.CANCELLED", "已撤销", "Cancelled"),
    ("loopdesk.classification.models:Severity.URGENT", "紧急", "Urgent"),
    ("loopdesk.classification.models:Priority.A", "A · 紧急", "A · Urgent"),
    ("loopdesk.accounts.models:Role.AGENT", "一线客服", "Frontline agent"),
    ("loopdesk.accounts.models:Role.SUPERVISOR", "主管", "Supervisor"),
]


def _label(path: str):
    import importlib

    module, _sep, attr = path.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj.label


@pytest.mark.parametrize(("path", "zh", "en"), KEY_LABELS, ids=[p.split(":")[1] for p, _z, _e in KEY_LABELS])
def test_key_labels_render_in_both_languages(path, zh, en):
    label = _label(path)
    with translation.override("zh-hans"):
        assert str(label) == zh
    with translation.override("en"):
        assert str(label) == en


def test_messages_render_in_both_languages():
    from django.utils.translation import gettext as _

    with translation.override("zh-hans"):
        assert _("This field is required.") == "此字段为必填项。"
        assert _("Use at most %(n)s characters.") % {"n": 20} == "长度不能超过 20 个字符。"
    with translation.override("en"):
        assert _("This field is required.") == "This field is required."


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("zh-Hans", "请先登录，或提供有效的 API 令牌。"),
        ("zh-CN", "请先登录，或提供有效的 API 令牌。"),
        ("en", "Sign in or send a valid API token."),
    ],
)
def test_api_errors_follow_accept_language(api, lang, detail):
    r = api(None, lang).get("/complaints")
    assert r.status_code == 401
    assert r.json()["detail"] == detail


def test_api_field_errors_are_chinese(api):
    r = api("amy", "zh-Hans").post("/complaints", {"channel": "TEL"})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"] == "部分字段填写有误。"
    assert "此字段为必填项。" in [m for msgs in body["errors"].values() for m in msgs]
