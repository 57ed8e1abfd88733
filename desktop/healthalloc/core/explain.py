"""Structured explanations: the formula, the numbers substituted and a plain-language sentence.

Every calculator returns or offers an :class:`Explanation`; the UI's "Show the math" panel renders it, a screen
reader reads :meth:`Explanation.as_text`, and a notebook can print it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One line of a derivation, e.g. ``Allowed amount = RVU total × CF = 2.85 × $33.4009 = $95.19``."""

    title: str
    formula: str
    substituted: str
    result: str
    sentence: str = ""

    def as_text(self) -> str:
        line = f"{self.title}: {self.formula} = {self.substituted} = {self.result}"
        return f"{line}. {self.sentence}" if self.sentence else line


@dataclass(frozen=True)
class Explanation:
    title: str
    steps: tuple[Step, ...]
    summary: str
    sources: tuple[str, ...] = ()

    def as_text(self) -> str:
        lines = [self.title, *(f"{i}. {step.as_text()}" for i, step in enumerate(self.steps, 1)), self.summary]
        if self.sources:
            lines.append("Sources: " + "; ".join(self.sources))
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [f"**{self.title}**", ""]
        for i, step in enumerate(self.steps, 1):
            lines.append(f"{i}. **{step.title}**: {step.formula}  ")
            lines.append(f"   = {step.substituted} = **{step.result}**  ")
            if step.sentence:
                lines.append(f"   {step.sentence}")
        lines += ["", self.summary]
        if self.sources:
            lines += ["", "*Sources: " + "; ".join(self.sources) + "*"]
        return "\n".join(lines)


def money(amount: float, decimals: int = 2) -> str:
    """Format dollars the way the app shows them: ``$1,234.56``, ``−$12.00`` for negatives."""
    sign = "−" if amount < 0 else ""
    return f"{sign}${abs(amount):,.{decimals}f}"


def percent(fraction: float, decimals: int = 1) -> str:
    """``0.059`` → ``5.9%``."""
    return f"{fraction * 100:.{decimals}f}%"
