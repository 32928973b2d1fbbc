"""The words return_dates reads: month and weekday names, and the cues around a date.

English, German, French, Spanish, Italian, Dutch, Portuguese, Swedish, Danish
and Norwegian month names (with the unambiguous abbreviations), and the
genitive forms Polish, Finnish and Czech write after a day. Abbreviations that
are also common words in another language ("out", "set", "ago") are left out.
"""

from __future__ import annotations

import re

_MONTH_NAMES = (
    "jan january januar jänner janvier enero gennaio januari janeiro stycznia tammikuuta ledna"
    " janv ene",
    "feb february februar février fevrier febrero febbraio februari fevereiro lutego"
    " helmikuuta února févr fevr fev",
    "mar march märz maerz mars marzo maart março marts marca maaliskuuta března mär mrz mrt",
    "apr april avril abril aprile kwietnia huhtikuuta dubna avr abr",
    "may mai mayo maggio mei maio maj maja toukokuuta května",
    "jun june juni juin junio giugno junho czerwca kesäkuuta června giu",
    "jul july juli juillet julio luglio julho lipca heinäkuuta července juil",
    "aug august août aout agosto augustus augusti sierpnia elokuuta srpna",
    "sep sept september septembre septiembre setiembre settembre setembro września syyskuuta září",
    "oct october oktober octobre octubre ottobre outubro października lokakuuta října okt ott",
    "nov november novembre noviembre novembro listopada marraskuuta listopadu",
    "dec december dezember décembre decembre diciembre dicembre dezembro grudnia joulukuuta"
    " prosince desember dez déc dic",
)
MONTHS = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_WEEKDAY_NAMES = (
    "monday montag lundi lunes lunedì lunedi maandag segunda-feira segunda måndag mandag",
    "tuesday dienstag mardi martes martedì martedi dinsdag terça-feira terça tisdag tirsdag",
    "wednesday mittwoch mercredi miércoles miercoles mercoledì mercoledi woensdag quarta-feira"
    " quarta onsdag",
    "thursday donnerstag jeudi jueves giovedì giovedi donderdag quinta-feira quinta torsdag",
    "friday freitag vendredi viernes venerdì venerdi vrijdag sexta-feira sexta fredag",
    "saturday samstag sonnabend samedi sábado sabado sabato zaterdag lördag lørdag",
    "sunday sonntag dimanche domingo domenica zondag söndag søndag",
)
WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}
WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))

# words that make the date after them the day the sender is back
BACK_CUE = re.compile(
    r"\b(?:back|return|returning|returns|resume|resuming|in the office|zurück|wieder"
    r"|de retour|retour|reviens|reprendrai|de vuelta|de regreso|regreso|regresaré|vuelvo"
    r"|volveré|me reincorporo|rientro|rientrerò|di ritorno|tornerò|torno|terug|weer"
    r"|volto|voltarei|retorno|de volta|tillbaka|åter|tilbage|tilbake|wracam|powrócę|powrotem"
    r"|palaan|takaisin|zpět|vrátím)\b",
    re.IGNORECASE,
)
# words that make the date after them the last day away
UNTIL_CUE = re.compile(
    r"(?:\b(?:until|till|through|thru|up to|bis|hasta|fino al|fino a|sino al|tot en met|tot"
    r"|até|till och med|til og med|do dnia)\b|\bjusqu['’]\s?(?:au|à)|\bt/m\b|\bt\.o\.m\.)",
    re.IGNORECASE,
)
# words that make the date after them the first day away
FROM_CUE = re.compile(
    r"\b(?:from|since|starting|beginning|as of|vom|von|ab|seit|à partir du|depuis|desde"
    r"|a partir de|dal|vanaf|från|fra|od)\b",
    re.IGNORECASE,
)
# a back cue just after a date: "ab dem 15.12. bin ich wieder im Büro", "14.12. zurück"
BACK_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,3}(?:wieder|zurück|terug|tillbaka|tilbage|tilbake)\b",
    re.IGNORECASE,
)
# a weekday counts only after one of these: "back on Monday", "out of the office Friday"
WEEKDAY_CUE = re.compile(
    r"(?:\b(?:back|return|returning|until|till|through|out of (?:the )?office|away|off|out"
    r"|zurück|wieder|bis|jusqu['’]\s?(?:au|à)|de retour|hasta|de vuelta|fino a|tot|terug"
    r"|até|tillbaka)\b),?\s+(?:on\s+|this\s+|next\s+|coming\s+|am\s+|le\s+|el\s+|il\s+"
    r"|op\s+|på\s+|den\s+|dem\s+|kommenden\s+|prochain\s+|próximo\s+)?$",
    re.IGNORECASE,
)
# the words between the two ends of a range: "December 1 to January 8", "21.12. - 8.1."
RANGE_GAP = re.compile(
    r"^\s*,?\s*(?:-|–|—|to|through|thru|till|until|and|bis(?: zum)?|au|al|a|tot(?: en met)?"
    r"|t/m|til|até|ao|do|jusqu['’]\s?au)\s*(?:the\s+|le\s+|el\s+|il\s+|den\s+|dem\s+|de\s+)?"
    rf"(?:(?:{WEEKDAY}),?\s*)?$",
    re.IGNORECASE,
)
