"""Turn a lesson into the Markdown the reading pane shows (pure string work, no Qt).

Chart blocks become images with the ``chart:`` scheme (the view draws them), check blocks become a
"Check yourself" box linking to the question, and the sources close the lesson. An optional ``link_terms`` hook
(the glossary) rewrites each section's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from healthalloc.core.content import Lesson, Section

_MARKER = re.compile(r"<!-- (chart|check):([a-z0-9-]+) -->")
CHART_TITLES = {
    "intl-spending": "Health spending in seven countries, 2022 (WHO Global Health Expenditure Database)",
    "health-dollar": "The nation's health dollar, 2024: where it came from and where it went (CMS NHE)",
}


def section_markdown(
    section: Section,
    *,
    question_prompt: Callable[[str], str | None] | None = None,
    link_terms: Callable[[str], str] | None = None,
) -> str:
    body = link_terms(section.markdown) if link_terms else section.markdown

    def replace(match: re.Match[str]) -> str:
        kind, ident = match.group(1), match.group(2)
        if kind == "chart":
            title = CHART_TITLES.get(ident, ident)
            return f"\n\n![{title}](chart:{ident})\n\n*Figure: {title}.*\n\n"
        prompt = question_prompt(ident) if question_prompt else None
        text = prompt or "Test yourself on this section."
        return f"\n\n> **Check yourself.** {text}  \n> [Answer this question →](check:{ident})\n\n"

    return _MARKER.sub(replace, body)


def lesson_markdown(
    lesson: Lesson,
    *,
    question_prompt: Callable[[str], str | None] | None = None,
    link_terms: Callable[[str], str] | None = None,
    include_header: bool = False,
) -> str:
    """The whole lesson as one Markdown document: intro, objectives, every section, then the sources."""
    parts: list[str] = []
    if include_header:
        parts.append(f"# {lesson.title}\n\n*{lesson.module} · about {lesson.minutes} minutes*")
    if lesson.intro:
        parts.append(link_terms(lesson.intro) if link_terms else lesson.intro)
    parts.append("**In this lesson you will:**\n\n" + "\n".join(f"- {o}" for o in lesson.objectives))
    for section in lesson.sections:
        parts.append(
            f"## {section.title}\n\n"
            + section_markdown(section, question_prompt=question_prompt, link_terms=link_terms)
        )
    parts.append(sources_markdown(lesson))
    return "\n\n".join(parts) + "\n"


def sources_markdown(lesson: Lesson) -> str:
    lines = ["## Sources", ""]
    for source in lesson.sources:
        lines.append(f"- {source.publisher} ({source.year}). *{source.title}*. <{source.url}>")
    return "\n".join(lines)
