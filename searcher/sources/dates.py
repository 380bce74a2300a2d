"""Dates as Vietnamese news writes them.

    >>> find_date("Thứ Hai, 14/01/2021 08:30 (GMT+7)")
    datetime.date(2021, 1, 14)
    >>> find_date("9 Tháng 1 2015 lúc 15:08")
    datetime.date(2015, 1, 9)
    >>> parse_date("20210114")
    datetime.date(2021, 1, 14)
    >>> is_date_line("Thứ năm, 13/6/2013, 08:28 GMT+7")
    True

Only full dates count: ``Sáng 18/3`` has no year and gives nothing. A date is the day as
the page wrote it, never converted to another time zone: ``2021-01-14T00:05:00+07:00`` and
``Thu, 14 Jan 2021 23:50:00 GMT+7`` are the 14th, whatever the day in UTC.

    >>> parse_date("2021-01-14T00:05:00+07:00"), parse_date("Thu, 14 Jan 2021 23:50:00 GMT+7")
    (datetime.date(2021, 1, 14), datetime.date(2021, 1, 14))
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["dateline", "find_date", "is_date_line", "parse_date"]

_D, _M = r"(?P<d>\d{1,2})", r"(?P<m>\d{1,2})"
_MONTHS = {name: number for number, names in enumerate(
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
     "september sept sep", "october oct", "november nov", "december dec"), 1) for name in names.split()}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_PATTERNS = [
    # 14/01/2021, 14-01-2021, 14.01.2021; 14/01/21 (a two-digit year, as datelines write it)
    re.compile(rf"(?<![\d/.-]){_D}([/.-]){_M}\2(?P<y>\d{{4}}|\d{{2}})(?![\d/.-]*\d)"),
    # 2021-01-14 (ISO 8601, with or without a time and offset), 2004/09/15
    re.compile(r"(?<![\d/.-])(?P<y>\d{4})([/-])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![/.-]?\d)"),
    # ngày 5 tháng 3 năm 2020; 9 Tháng 1 2015; 14 tháng 1, 2021
    re.compile(rf"(?<!\d){_D} tháng {_M},? (?:năm )?(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    # English months, as metadata writes them: Thu, 12 Jan 2012 00:30:00 +0700 (RFC 2822),
    # Thu Jan 12 2012 00:30:00 GMT+0700 (JavaScript), January 12, 2012
    re.compile(rf"(?<![\w-]){_D}[ -](?P<name>{_MONTH_NAMES})\.?[ -](?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    re.compile(rf"(?<![\w-])(?P<name>{_MONTH_NAMES})\.? {_D}(?:st|nd|rd|th)?,? (?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    # 20120112T003000+0700 (ISO 8601 without separators)
    re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?=T\d{4})"),
]
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")  # 20210114, only as a whole value


def _date(match: re.Match[str]) -> dt.date | None:
    year = int(match["y"])
    if len(match["y"]) == 2:
        year += 2000 if year <= dt.date.today().year % 100 + 1 else 1900
    month = _MONTHS[match["name"].lower()] if "name" in match.groupdict() else int(match["m"])
    try:
        return dt.date(year, month, int(match["d"]))
    except ValueError:
        return None


def _dates(text: str) -> list[tuple[int, int, dt.date]]:
    """Every full, valid date in ``text``: (start, end, date), in order."""
    found = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            date = _date(match)
            if date:
                found.append((match.start(), match.end(), date))
    return sorted(found)


def find_date(text: str) -> dt.date | None:
    """The first full, valid date in ``text``; a bare ``18/3`` is not one."""
    found = _dates(text)
    return found[0][2] if found else None


def parse_date(value: object) -> dt.date | None:
    """A date from a header or record value: ``20210114``, ISO 8601, or as :func:`find_date`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    compact = _COMPACT.match(value.strip())
    if compact:
        return _date(compact)
    return find_date(value)


_WEEKDAYS = {
    "hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "tu": 2, "4": 2, "năm": 3, "5": 3,
    "sáu": 4, "6": 4, "bảy": 5, "bẩy": 5, "7": 5,
}
_WEEKDAY = re.compile(r"\b(?:thứ\s+(hai|ba|tư|tu|năm|sáu|bảy|bẩy|[2-7])|(chủ\s+nhật|cn))\b", re.IGNORECASE)
_LEFTOVER = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|tu|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|cn|ngày|lúc|cập nhật|đăng|đăng lúc|xuất bản"
    r"|gmt|utc|ict|sa|ch|am|pm|sáng|chiều|tối|trưa|đêm|giờ|published|updated|date"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b"
    r"|\d{1,2}[:h]\d{2}(?::\d{2})?|[+-]\d{1,2}(?::?\d{2})?|[^\w]",
    re.IGNORECASE,
)


def is_date_line(line: str) -> bool:
    """A line that is only a date, with perhaps its weekday and time: never a title."""
    found = _dates(line)
    if not found:
        return False
    pieces, done = [], 0
    for start, end, _ in found:
        pieces.append(line[done:start])
        done = max(done, end)
    rest = re.sub(r"\bT(?=\d)", " ", " ".join(pieces) + " " + line[done:])  # the T of an ISO time
    return not _LEFTOVER.sub("", rest).strip()


def dateline(text: str) -> dt.date | None:
    """The date of a dateline naming its weekday, when the weekday is right:
    ``Thứ năm, 13/6/2013, 08:28 GMT+7`` -> 2013-06-13; ``Thứ hai, 13/6/2013`` -> None."""
    for weekday in _WEEKDAY.finditer(text):
        found = _dates(text[weekday.end() : weekday.end() + 40])
        if not found or found[0][0] > 12:  # the date right after it: ", ngày "
            continue
        day = 6 if weekday.group(2) else _WEEKDAYS[weekday.group(1).lower()]
        if found[0][2].weekday() == day:
            return found[0][2]
    return None
