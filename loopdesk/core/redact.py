"""Masking personal data in free text (retention, SPEC §7 归档 / §8): mobile and landline numbers,
e-mail addresses, 18-digit ID card numbers and bank card numbers. Pure functions, no database.

`mask_personal_data(text, keep=..., known=...)` returns the text with those masked. The choices:

* A mask replaces characters one for one with "*" and leaves a few of them visible, the way the
  product masks phones elsewhere (138****1234): a CharField never overflows, a reader still sees that
  a number was there, and the masked text matches nothing again (running it twice changes nothing).
* Digits touching other digits or Latin letters never match: the 11 digits of a mobile inside an
  18-digit order number, or after "SF" in a waybill number, stay as they are.
* Dates and times never match: no rule accepts 8–14 digit date stamps, 2026-11-23 or 10月28日.
* Mobile: 1[3-9] and 9 more digits (groups 3-4-4 may be split by a space or hyphen; +86, 0086 or
  86 before it). Shown as 138****1234.
* Landline: area code 010, 02x or 0[3-9]xx, then a local number of 7–8 digits starting 2–9, with a
  hyphen, space or brackets between them or written together. The last 4 digits stay. 400/800 service
  numbers belong to companies, not people, and are kept.
* E-mail: the first character of the name and the domain stay (z****@example.com).
* ID card (居民身份证, 18 characters): 6-digit area code, a real date of birth (18xx/19xx/20xx), 3 digits,
  then a digit or X. The check digit is not verified: a mistyped ID is still personal data. First 3
  and last 4 characters stay. The old 15-digit IDs are not matched (too like other numbers).
* Bank card, 16–19 digits (groups of 4 may be split by spaces or hyphens), first and last 4 digits
  stay. Order numbers have the same length, so a run of digits is masked only when
    - a card word comes just before it (卡号, 银行卡, 账号, card no. …), whatever the digits; else
    - no order word comes just before it (订单, 单号, 运单, order, tracking …), it does not start with a
      date (19xx/20xx + month + day: the usual shape of order numbers here, and no card network's
      prefix) and it passes the Luhn check that card numbers pass. An unlabelled order number passes
      that one time in ten and is then masked: on retention, the safe side.
  An order word just before a mobile number keeps it too (订单号13812341234 is an order number).
* `keep`: strings never masked wherever they appear (the complaint's own order number).
* `known`: strings always masked wherever they appear (the customer's own name, phone, e-mail, member
  no.), so the customer's name and numbers in shapes no rule knows go as well. Names and e-mails keep
  their first character, numbers their first 3 and last 4 digits (only the last 4 under 11 digits).

Full-width digits and symbols (１３８…, ＠) are recognised like ASCII ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# One-for-one, so positions in the normalised copy are positions in the original text.
_WIDE = {0xFF10 + i: str(i) for i in range(10)}
_WIDE.update({0xFF21 + i: chr(0x41 + i) for i in range(26)})
_WIDE.update({0xFF41 + i: chr(0x61 + i) for i in range(26)})
_WIDE.update({ord("＋"): "+", ord("－"): "-", ord("（"): "(", ord("）"): ")", ord("＠"): "@", ord("．"): ".",
              ord("\u3000"): " ", ord("＿"): "_"})

_B = r"(?<![0-9A-Za-z])"  # not glued to a preceding digit or letter
_E = r"(?![0-9A-Za-z])"  # nor to a following one
_DATE = r"(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"

EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}" + _E)
ID_CARD = re.compile(_B + r"[1-9][0-9]{5}" + _DATE + r"[0-9]{3}[0-9Xx]" + _E)
CARD = re.compile(_B + r"[0-9]{4}(?:[- ]?[0-9]{4}){3}(?:[- ]?[0-9]{1,3})?" + _E)
MOBILE = re.compile(_B + r"(?P<prefix>(?:\+|00)?86[- ]?)?(?P<number>1[3-9][0-9](?:[- ]?[0-9]{4}){2})" + _E)
LANDLINE = re.compile(_B + r"(?P<area>\(0(?:10|2[0-9]|[3-9][0-9]{2})\) ?|0(?:10|2[0-9]|[3-9][0-9]{2})[- ]?)"
                      r"(?P<number>[2-9][0-9]{6,7})" + _E)

# Words that say what the number after them is (looked for at the end of the text just before it).
_LEAD = r"\s*(?:no\.?|number|#)?\s*[:：#]?\s*(?:为|是|is)?\s*$"
CARD_WORDS = re.compile(r"(?:卡号|银行卡|信用卡|借记卡|储蓄卡|卡|账号|帐号|账户|帐户|card|account)" + _LEAD, re.I)
ORDER_WORDS = re.compile(r"(?:订单|单号|运单|快递单|物流单|工单|编号|流水号|order|tracking|waybill|invoice|ref)"
                         + _LEAD, re.I)
_BEFORE = 16  # how far back a word before a number is looked for


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digit_positions(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if "0" <= text[i] <= "9"]


def _hide(positions: list[int], head: int, tail: int) -> list[int]:
    """Of these positions, the ones to mask: all but the first `head` and the last `tail`."""
    return positions[head:len(positions) - tail] if len(positions) > head + tail else positions


def _said_before(pattern: re.Pattern, text: str, start: int) -> bool:
    return bool(pattern.search(text[max(0, start - _BEFORE):start]))


def _spans(t: str, keep: set[str]) -> list[tuple[int, int, list[int]]]:
    """(start, end, positions to mask) of every personal datum in the normalised text `t`."""
    found: list[tuple[int, int, list[int]]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    def kept(value: str) -> bool:
        return re.sub(r"[^0-9A-Za-z]", "", value) in keep

    for m in EMAIL.finditer(t) if "@" in t else ():
        local_end = t.index("@", m.start())
        found.append((m.start(), m.end(), list(range(m.start() + 1, local_end)) or [m.start()]))
    for m in ID_CARD.finditer(t):
        if free(m.start(), m.end()) and not kept(m.group()):
            found.append((m.start(), m.end(), list(range(m.start() + 3, m.end() - 4))))
    for m in CARD.finditer(t):
        digits = re.sub(r"[- ]", "", m.group())
        if not free(m.start(), m.end()) or kept(digits):
            continue
        if _said_before(CARD_WORDS, t, m.start()) or (
                not _said_before(ORDER_WORDS, t, m.start()) and not re.match(_DATE, digits) and luhn(digits)):
            found.append((m.start(), m.end(), _hide(_digit_positions(t, m.start(), m.end()), 4, 4)))
    for m in MOBILE.finditer(t):
        start = m.start("number")
        if free(m.start(), m.end()) and not kept(m.group("number")) and not _said_before(ORDER_WORDS, t, m.start()):
            found.append((m.start(), m.end(), _hide(_digit_positions(t, start, m.end()), 3, 4)))
    for m in LANDLINE.finditer(t):
        if free(m.start(), m.end()) and not kept(m.group()) and not _said_before(ORDER_WORDS, t, m.start()):
            found.append((m.start(), m.end(), _hide(_digit_positions(t, m.start("number"), m.end()), 0, 4)))
    return found


def _known_positions(t: str, known: Iterable[str]) -> list[int]:
    """Positions to mask where the given values occur: e-mails keep their first character and domain,
    numbers their first 3 and last 4 digits from 11 digits on, the last 4 from 8, names their first character."""
    out: list[int] = []
    lower = t.lower()
    fold = len(lower) == len(t)  # a few letters (İ) lengthen when lowered: then match case as written
    if not fold:
        lower = t
    for value in known:
        value = (value or "").strip().translate(_WIDE)
        value = value.lower() if fold else value
        if len(value) < 2 or "*" in value:
            continue  # one character is no name to look for; "*" means it is masked already
        start = lower.find(value)
        while start >= 0:
            end = start + len(value)
            if "@" in value:
                out.extend(range(start + 1, start + value.index("@")))
            elif any(ch.isdigit() for ch in value):
                digits = _digit_positions(t, start, end)
                # Like the product's phone mask: 138****1234 from 11 digits, the last 4 from 8.
                out.extend(_hide(digits, 3 if len(digits) >= 11 else 0, 4) if len(digits) >= 8 else digits)
            else:
                out.extend(range(start + 1, end))
            start = lower.find(value, end)
    return out


def mask_personal_data(text: str, *, keep: Iterable[str] = (), known: Iterable[str] = ()) -> str:
    """The text with phone numbers, e-mails, ID card and bank card numbers masked (see the module notes)."""
    if not text:
        return text
    t = text.translate(_WIDE)
    keep_set = {re.sub(r"[^0-9A-Za-z]", "", k) for k in keep if k}
    keep_set.discard("")
    hidden = {p for _s, _e, positions in _spans(t, keep_set) for p in positions}
    hidden.update(_known_positions(t, known))
    if not hidden:
        return text
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_value(value: Any, *, keep: Iterable[str] = (), known: Iterable[str] = ()) -> Any:
    """mask_personal_data over every string inside a JSON value (keys stay as they are)."""
    if isinstance(value, str):
        return mask_personal_data(value, keep=keep, known=known)
    if isinstance(value, dict):
        return {k: mask_value(v, keep=keep, known=known) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, keep=keep, known=known) for v in value]
    return value
