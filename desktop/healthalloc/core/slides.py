"""Presentation mode as data: the slides of a lesson and where the presenter is in them (no Qt).

A lesson becomes a title slide, one slide per ``##`` section, a live calculator slide after a section for each
``calc:`` link it contains (the link's preset is the calculator's starting point) and a closing sources slide.
Knowledge checks stay in their section as "predict, then reveal" boxes whose answers the presenter reveals
one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from healthalloc.core.content import Lesson
from healthalloc.core.quiz import CHOICE_KINDS, Question

SlideKind = Literal["title", "section", "calculator", "sources"]

CALC_LINK = re.compile(r"\[([^\]\n]+)\]\((calc:[^)\s]+)\)")
CHECK_MARKER = re.compile(r"<!-- check:([a-z0-9-]+) -->")
LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Slide:
    """One slide. ``markdown`` keeps ``<!-- check:ID -->`` and ``<!-- chart:ID -->`` markers for the view."""

    kind: SlideKind
    title: str
    markdown: str = ""
    notes: str = ""
    checks: tuple[str, ...] = ()
    link: str = ""  # calculator slides: a ``calc:`` or ``page:`` link
    section: str = ""  # the slug of the lesson section the slide belongs to
    subtitle: str = ""


def calc_links(markdown: str) -> list[tuple[str, str]]:
    """The ``calc:`` links in ``markdown`` as (link text, url), first occurrence of each url, in order."""
    seen: dict[str, str] = {}
    for match in CALC_LINK.finditer(markdown):
        seen.setdefault(match.group(2), match.group(1).strip())
    return [(text, url) for url, text in seen.items()]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def lesson_slides(lesson: Lesson) -> list[Slide]:
    """Title, sections (each followed by its calculator slides) and sources, in presentation order."""
    objectives = "\n".join(f"- {objective}" for objective in lesson.objectives)
    intro = f"{lesson.intro}\n\n" if lesson.intro else ""
    slides = [
        Slide(
            "title",
            lesson.title,
            f"{intro}**In this lesson you will:**\n\n{objectives}",
            subtitle=f"{lesson.module} · lesson {lesson.order} · about {lesson.minutes} minutes",
        )
    ]
    for section in lesson.sections:
        slides.append(
            Slide(
                "section",
                section.title,
                section.markdown,
                notes=section.notes,
                checks=section.checks,
                section=section.slug,
            )
        )
        for text, url in calc_links(section.markdown):
            slides.append(
                Slide(
                    "calculator",
                    _sentence_case(text),
                    link=url,
                    section=section.slug,
                    subtitle=f"Live calculator · from “{section.title}”",
                )
            )
    sources = "\n".join(
        f"- {source.publisher} ({source.year}). *{source.title}*. {source.url}" for source in lesson.sources
    )
    slides.append(Slide("sources", "Sources", sources))
    return slides


def page_slide(page_id: str, title: str, *, calculator: bool = True) -> Slide:
    """A single slide that shows a whole page live (F5 on a calculator or tool page)."""
    return Slide("calculator", title, link=f"{'calc' if calculator else 'page'}:{page_id}")


def slide_index_for_section(slides: Sequence[Slide], slug: str) -> int:
    """The index of the section slide for ``slug`` (0, the title, if there is none)."""
    return next((i for i, s in enumerate(slides) if s.kind == "section" and s.section == slug), 0)


# ------------------------------------------------------------------------------------------- predict, reveal
HIDDEN_NOTE = "*Make your prediction first: the answer is hidden.*"


def check_markdown(
    question: Question | None, *, revealed: bool, question_id: str = "", hidden_note: str = HIDDEN_NOTE
) -> str:
    """A knowledge check as a block quote: the question and its options, then (once revealed) the answer."""
    if question is None:
        return f"> **Predict, then reveal.** The question “{question_id}” is missing from the quiz files.\n"
    lines = [f"**Predict, then reveal.** {question.prompt}", ""]
    correct = question.correct_indices()
    if question.kind in CHOICE_KINDS:
        for i, option in enumerate(question.options):
            mark = "  **✓ correct**" if revealed and i in correct else ""
            lines.append(f"**{LETTERS[i]}.** {option}{mark}  ")
    elif question.kind == "true_false":
        lines.append("**True or false?**")
    elif question.kind == "ordering":
        shuffled = scrambled(len(question.options))
        for i, index in enumerate(shuffled):
            lines.append(f"**{LETTERS[i]}.** {question.options[index]}  ")
    else:
        lines.append("**Your estimate?**" + (f" ({question.unit})" if question.unit else ""))
    lines.append("")
    if revealed:
        lines.append(answer_markdown(question))
    elif hidden_note:
        lines.append(hidden_note)
    return "\n".join("> " + line if line else ">" for line in lines) + "\n"


def scrambled(count: int) -> list[int]:
    """A fixed, never-sorted order for an ordering question on a slide: odd positions first, then even."""
    order = [*range(1, count, 2), *range(0, count, 2)]
    return order if count > 1 else list(range(count))


def answer_markdown(question: Question) -> str:
    """ "Answer: B. Why …": the answer line used on revealed slides and in handouts."""
    return f"**Answer: {_answer_text(question)}.** {question.explanation}"


def _answer_text(question: Question) -> str:
    if question.kind in CHOICE_KINDS:
        return ", ".join(LETTERS[i] for i in sorted(question.correct_indices()))
    if question.kind == "true_false":
        return "True" if question.answer else "False"
    if question.kind == "ordering":
        return " → ".join(question.options)
    try:
        value = question.numeric_answer()
    except (ArithmeticError, ImportError, KeyError, TypeError, ValueError) as error:
        return f"the calculator could not compute it ({error})"
    number = f"{abs(value):,.{question.decimals()}f}"
    sign = "−" if value < 0 and float(number.replace(",", "")) != 0 else ""
    if question.unit == "$":
        return f"{sign}${number}"
    if question.unit == "%":
        return f"{sign}{number}%"
    return f"{sign}{number}" + (f" {question.unit}" if question.unit else "")


def fill_checks(markdown: str, lookup: Callable[[str], Question | None], revealed: Callable[[str], bool]) -> str:
    """Replace every ``<!-- check:ID -->`` marker with its predict-then-reveal block."""

    def replace(match: re.Match[str]) -> str:
        ident = match.group(1)
        return "\n\n" + check_markdown(lookup(ident), revealed=revealed(ident), question_id=ident) + "\n"

    return CHECK_MARKER.sub(replace, markdown)


# ------------------------------------------------------------------------------------------- the deck
@dataclass
class Deck:
    """Where the presenter is: the slide index and which checks have been revealed."""

    slides: list[Slide]
    index: int = 0
    revealed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.slides:
            raise ValueError("a presentation needs at least one slide")
        self.index = min(max(self.index, 0), len(self.slides) - 1)

    @property
    def current(self) -> Slide:
        return self.slides[self.index]

    @property
    def number(self) -> int:
        """1-based, as shown on screen."""
        return self.index + 1

    def __len__(self) -> int:
        return len(self.slides)

    def go_to(self, index: int) -> bool:
        """Move to ``index`` (clamped); True if the slide changed."""
        index = min(max(index, 0), len(self.slides) - 1)
        changed = index != self.index
        self.index = index
        return changed

    def go_to_number(self, number: int) -> bool:
        return self.go_to(number - 1)

    def next(self) -> bool:
        return self.go_to(self.index + 1)

    def previous(self) -> bool:
        return self.go_to(self.index - 1)

    def following(self) -> Slide | None:
        return self.slides[self.index + 1] if self.index + 1 < len(self.slides) else None

    def hidden_checks(self) -> list[str]:
        return [c for c in self.current.checks if c not in self.revealed]

    def reveal_next(self) -> str | None:
        """Reveal the first hidden answer on this slide; returns its id, or None if all are shown."""
        hidden = self.hidden_checks()
        if not hidden:
            return None
        self.revealed.add(hidden[0])
        return hidden[0]

    def hide_answers(self) -> bool:
        shown = [c for c in self.current.checks if c in self.revealed]
        self.revealed.difference_update(shown)
        return bool(shown)

    def index_of_link(self, url: str) -> int | None:
        return next((i for i, s in enumerate(self.slides) if s.kind == "calculator" and s.link == url), None)
