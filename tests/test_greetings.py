"""Greetings: the name form and the register a careful writer would choose, for names as the
schedule holds them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from followup_mailer.compose.greetings import parse_name, salutation
from followup_mailer.compose.message import compose
from followup_mailer.compose.parts import Sender
from followup_mailer.model import Interview, Person

# (name as written, `greeting` from the schedule, the greeting line without its comma)
GREETINGS = [
    ("Dana Smith", "", "Hi Dana"),
    ("dana smith", "", "Hi Dana"),
    ("Madonna", "", "Hi Madonna"),
    ("Nguyen,", "", "Hi Nguyen"),
    ("Smith, Dana", "", "Hi Dana"),
    ("Dr. Kim Wu", "", "Dear Dr. Wu"),
    ("Dr Kim Wu", "", "Dear Dr. Wu"),
    ("Dr. Wu", "", "Dear Dr. Wu"),
    ("Prof. Hans van der Berg", "", "Dear Prof. van der Berg"),
    ("Professor Chen", "", "Dear Professor Chen"),
    ("Dr. María García López", "", "Dear Dr. García López"),
    ("García López, María", "", "Hi María"),
    ("Dr. José Núñez", "", "Dear Dr. Núñez"),
    ("Ana María López Pérez", "", "Hi Ana"),
    ("José Luis Rodríguez", "", "Hi José"),
    ("José Ortega y Gasset", "", "Hi José"),
    ("Juan de la Cruz", "", "Hi Juan"),
    ("Dr. Juan de la Cruz", "", "Dear Dr. de la Cruz"),
    ("Ludwig van Beethoven", "", "Hi Ludwig"),
    ("Ms. Anne-Marie de Vries", "", "Dear Ms. de Vries"),
    ("Maria dos Santos", "", "Hi Maria"),
    ("Mohammed bin Salman", "", "Hi Mohammed"),
    ("Omar al-Farsi", "", "Hi Omar"),
    ("Siobhan O'Brien-Kelly", "", "Hi Siobhan"),
    ("Martin Luther King, Jr.", "", "Hi Martin"),
    ("Dr. Martin Luther King Jr.", "", "Dear Dr. King"),
    ("John Smith III", "", "Hi John"),
    ("Jane Doe, PhD", "", "Dear Dr. Doe"),
    ("Jane Doe PhD", "", "Dear Dr. Doe"),
    ("Ms. Jane Doe, PhD", "", "Dear Ms. Doe"),
    ("Jane Doe, MBA", "", "Hi Jane"),
    ("Sir John Smith", "", "Dear Sir John"),
    ("J. R. Smith", "", "Dear J. R. Smith"),
    ('Robert "Bob" Smith', "", "Hi Bob"),
    ("Katherine (Kate) Jones", "", "Hi Kate"),
    ("Jean DUPONT", "", "Hi Jean"),
    ("DUPONT Jean", "", "Hi Jean"),
    ("Wang Wei (王伟)", "", "Dear Wang Wei"),
    ("韩梅梅", "", "Dear 韩梅梅"),
    ("韩 梅梅", "", "Dear 韩 梅梅"),
    ("山田 太郎", "", "Dear 山田 太郎"),
    ("김민준", "", "Dear 김민준"),
    ("Иван Петров", "", "Hi Иван"),
    ("Иван Сергеевич Петров", "", "Dear Иван Сергеевич"),
    ("Петров Иван Сергеевич", "", "Dear Иван Сергеевич"),
    ("Νίκος Παπαδόπουλος", "", "Hi Νίκος"),
    ("محمد العلي", "", "Hi محمد"),
    ("Samuel Lee", "Sam", "Hi Sam"),
    ("José Núñez", "Dr. Núñez", "Dear Dr. Núñez"),
    ("Chen Jie", "Professor Chen", "Dear Professor Chen"),
    ("Tanaka Hiroshi", "Tanaka-san", "Dear Tanaka-san"),
    ("山田太郎", "山田様", "Dear 山田様"),
    ("Dana Smith", "Dear Ms. Smith,", "Dear Ms. Smith"),
    ("Dana Smith", "Hello Dana", "Hello Dana"),
]


@pytest.mark.parametrize(
    ("name", "override", "expected"), GREETINGS, ids=[g[0] + g[1] for g in GREETINGS]
)
def test_a_name_gets_the_greeting_a_careful_writer_would_use(
    name: str, override: str, expected: str
) -> None:
    assert salutation(name, override, variant=0) == expected


def test_the_table_is_large() -> None:
    assert len(GREETINGS) >= 40


def test_first_names_alternate_hi_and_hello_titles_always_take_dear() -> None:
    assert [salutation("Dana Smith", variant=v) for v in (0, 1)] == ["Hi Dana", "Hello Dana"]
    assert {salutation("Dr. Kim Wu", variant=v) for v in range(8)} == {"Dear Dr. Wu"}


def test_the_parts_of_a_name_are_kept() -> None:
    name = parse_name("Prof. Dr. María García López, PhD")
    assert (name.title, name.given, name.family, name.suffix) == (
        "Prof. Dr.", "María", "García López", "PhD",
    )  # fmt: skip


@pytest.mark.parametrize(("name", "override", "expected"), GREETINGS[:12] + GREETINGS[38:])
def test_the_message_opens_with_the_greeting(name: str, override: str, expected: str) -> None:
    when = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    person = Person(
        name=name, email="p@acme.com", greeting=override, notes="asked about my Kafka work"
    )
    interview = Interview(
        id="acme",
        company="Acme Corp",
        role="Engineer",
        start=when,
        end=when,
        interviewers=(person,),
    )
    composed = compose(
        sender=Sender(name="Alex Rivera", email="alex@example.com", signature=("+1 555 0100",)),
        interview=interview, recipient=person, step="thank_you", key="acme/thank_you/p@acme.com",
        previous=None, date=when,
    )  # fmt: skip
    first = composed.message.get_content().splitlines()[0]
    assert first.rstrip(",") in {salutation(name, override, v) for v in range(8)}
    assert first.endswith(",") and not first.endswith(",,")
    assert [f.rule for f in composed.findings if f.rule == "greeting"] == []
