"""Tables the number front-end (:mod:`guide.text.numbers`) and its inverse (:mod:`guide.text.quantities`) share.

Units and currencies: how each is written after a number (its spellings and their
unit key) and how it is said, in English (singular, plural) and in Arabic (the
forms a number agrees with). Also the fold of Eastern Arabic and Persian digits.
One table per fact, so that the words a voice says and the words read back from
it are always the same words.
"""

from __future__ import annotations

import re

__all__ = [
    "AR_CURRENCIES",
    "AR_UNITS",
    "AR_UNIT_SPELLINGS",
    "ArNoun",
    "DIGIT_FOLD",
    "EN_CURRENCIES",
    "EN_UNITS",
    "UNIT_SPELLINGS",
    "unit_key",
]

# Spelling after a number -> unit key. Case matters: "m" is metres, "M" is not a
# unit here; "L" and "l" are both litres. "units" is a word in English but Latin
# letters in Arabic text.
UNIT_SPELLINGS: dict[str, str] = {
    "mmHg": "mmHg", "mg": "mg", "mcg": "mcg", "µg": "mcg", "μg": "mcg", "kg": "kg", "g": "g",
    "ml": "ml", "mL": "ml", "dl": "dl", "dL": "dl", "l": "l", "L": "l",
    "cm": "cm", "mm": "mm", "km": "km", "m": "m",
    "m²": "m2", "cm²": "cm2", "km²": "km2", "m³": "m3", "cm³": "cm3",
    "°C": "°C", "° C": "°C", "°F": "°F", "° F": "°F", "°": "°",
    "IU": "IU", "units": "unit", "unit": "unit",
    "h": "h", "hr": "h", "hrs": "h", "min": "min", "mins": "min", "s": "s", "sec": "s", "secs": "s",
    "kcal": "kcal", "lb": "lb", "lbs": "lb", "oz": "oz",
}
# Arabic abbreviations, read only after a number: "مل", "سم" and "كم" are words too.
AR_UNIT_SPELLINGS: dict[str, str] = {
    "ملغم": "mg", "ملغ": "mg", "مغ": "mg", "مجم": "mg",
    "كغم": "kg", "كغ": "kg", "كلغ": "kg", "كجم": "kg", "غم": "g", "غ": "g", "جم": "g",
    "ملل": "ml", "مل": "ml", "سم": "cm", "ملم": "mm", "مم": "mm", "كم": "km",
    "°م": "°C", "م°": "°C",
}


def unit_key(spelling: str) -> str:
    """The unit key of a spelling found after a number ("mL" -> "ml", "ملغ" -> "mg"), any space in it as " "."""
    spelling = re.sub(r"\s", " ", spelling)
    return AR_UNIT_SPELLINGS.get(spelling) or UNIT_SPELLINGS[spelling]


# Unit key -> (singular, plural).
EN_UNITS: dict[str, tuple[str, str]] = {
    "mmHg": ("millimeter of mercury", "millimeters of mercury"),
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "ml": ("milliliter", "milliliters"),
    "dl": ("deciliter", "deciliters"),
    "l": ("liter", "liters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "km": ("kilometer", "kilometers"),
    "m": ("meter", "meters"),
    "m2": ("square meter", "square meters"),
    "cm2": ("square centimeter", "square centimeters"),
    "km2": ("square kilometer", "square kilometers"),
    "m3": ("cubic meter", "cubic meters"),
    "cm3": ("cubic centimeter", "cubic centimeters"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "IU": ("international unit", "international units"),
    "unit": ("unit", "units"),
    "h": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "s": ("second", "seconds"),
    "kcal": ("kilocalorie", "kilocalories"),
    "lb": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
}
# Currency sign -> (unit, units, hundredth, hundredths).
EN_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
}
# A counted noun: (singular, dual, plural for 3–10, feminine?).
ArNoun = tuple[str, str, str, bool]
AR_UNITS: dict[str, ArNoun] = {
    "mmHg": ("مليمتر زئبقي", "مليمتران زئبقيان", "مليمترات زئبقية", False),
    "mg": ("ملليغرام", "ملليغرامان", "ملليغرامات", False),
    "mcg": ("ميكروغرام", "ميكروغرامان", "ميكروغرامات", False),
    "kg": ("كيلوغرام", "كيلوغرامان", "كيلوغرامات", False),
    "g": ("غرام", "غرامان", "غرامات", False),
    "ml": ("مليلتر", "مليلتران", "مليلترات", False),
    "dl": ("ديسيلتر", "ديسيلتران", "ديسيلترات", False),
    "l": ("لتر", "لتران", "لترات", False),
    "cm": ("سنتيمتر", "سنتيمتران", "سنتيمترات", False),
    "mm": ("مليمتر", "مليمتران", "مليمترات", False),
    "km": ("كيلومتر", "كيلومتران", "كيلومترات", False),
    "m": ("متر", "متران", "أمتار", False),
    "m2": ("متر مربع", "متران مربعان", "أمتار مربعة", False),
    "cm2": ("سنتيمتر مربع", "سنتيمتران مربعان", "سنتيمترات مربعة", False),
    "km2": ("كيلومتر مربع", "كيلومتران مربعان", "كيلومترات مربعة", False),
    "m3": ("متر مكعب", "متران مكعبان", "أمتار مكعبة", False),
    "cm3": ("سنتيمتر مكعب", "سنتيمتران مكعبان", "سنتيمترات مكعبة", False),
    "°C": ("درجة مئوية", "درجتان مئويتان", "درجات مئوية", True),
    "°F": ("درجة فهرنهايت", "درجتا فهرنهايت", "درجات فهرنهايت", True),
    "°": ("درجة", "درجتان", "درجات", True),
    "IU": ("وحدة دولية", "وحدتان دوليتان", "وحدات دولية", True),
    "unit": ("وحدة", "وحدتان", "وحدات", True),
    "h": ("ساعة", "ساعتان", "ساعات", True),
    "min": ("دقيقة", "دقيقتان", "دقائق", True),
    "s": ("ثانية", "ثانيتان", "ثوان", True),
    "kcal": ("سعرة حرارية", "سعرتان حراريتان", "سعرات حرارية", True),
    "lb": ("رطل", "رطلان", "أرطال", False),
    "oz": ("أونصة", "أونصتان", "أونصات", True),
}
# Currency sign -> (the unit, its hundredth).
AR_CURRENCIES: dict[str, tuple[ArNoun, ArNoun]] = {
    "$": (("دولار", "دولاران", "دولارات", False), ("سنت", "سنتان", "سنتات", False)),
    "€": (("يورو", "يورو", "يورو", False), ("سنت", "سنتان", "سنتات", False)),
    "£": (("جنيه إسترليني", "جنيهان إسترلينيان", "جنيهات إسترلينية", False), ("بنس", "بنسان", "بنسات", False)),
}
# Eastern Arabic and Persian digits -> ASCII, for str.translate.
DIGIT_FOLD = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
DIGIT_FOLD.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
