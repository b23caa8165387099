"""Word shapes the time patterns share (the vocabulary itself is data: `models/lexicon/time_words.tsv`)."""

from __future__ import annotations

import re

CLAUSE_BREAKS = {",", ";", ":", "—", "–", ".", "!", "?", "(", ")"}
YEAR_WORD = re.compile(r"год(?:а|у|ом|ы|ах|ов)?|г|гг", re.IGNORECASE)
YEAR_NUMBER = re.compile(r"1[0-9]\d\d|20\d\d")
YEAR_RANGE = re.compile(r"((?:1[0-9]|20)\d\d)[–—-]((?:1[0-9]|20)\d\d)")
YEAR_ORDINAL = re.compile(r"((?:19|20)\d\d)-(?:м|й|го|е)", re.IGNORECASE)
YEAR_ADJECTIVE = re.compile(r"(?:календарн|финансов|отч[её]тн)\w*", re.IGNORECASE)
DURATION_ADJECTIVE = re.compile(r"(\d+)-(летн|месячн|дневн)\w*", re.IGNORECASE)
DURATION_CODE = {"year": "Y", "half": "M", "quarter": "M", "month": "M", "week": "W", "day": "D"}
DURATION_FACTOR = {"half": 6, "quarter": 3}
