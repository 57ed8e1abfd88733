"""The app's pages besides lessons: id, title, sidebar group and where the widget class lives.

Plain data with no Qt import, so ``healthalloc --list-pages`` answers without starting Qt. The class is imported
only when the page is first opened (pandas and matplotlib come with it, never at start-up).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    page_id: str
    title: str
    group: str
    module: str
    class_name: str
    icon: str = ""

    def load(self) -> type:
        return getattr(importlib.import_module(self.module), self.class_name)  # type: ignore[no-any-return]

    def prefetch(self) -> None:
        """Import the page's module and run its ``prefetch()``, if it has one (data the page reads when built)."""
        warm = getattr(importlib.import_module(self.module), "prefetch", None)
        if callable(warm):
            warm()


EXPLORE = "Explore"
CALCULATORS = "Calculators"
LEARN = "Your learning"

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "stakeholder-map", "Stakeholder map", EXPLORE, "healthalloc.ui.stakeholder_map", "StakeholderMapPage"
    ),
    PageSpec("money-flow", "Follow the health dollar", EXPLORE, "healthalloc.ui.money_flow_page", "MoneyFlowPage"),
    PageSpec(
        "capitation", "Risk-adjusted capitation", CALCULATORS, "healthalloc.ui.capitation_page", "CapitationPage"
    ),
    PageSpec(
        "reimbursement",
        "Provider reimbursement",
        CALCULATORS,
        "healthalloc.ui.reimbursement_page",
        "ReimbursementPage",
    ),
    PageSpec("claim", "The life of a claim", CALCULATORS, "healthalloc.ui.claim_page", "ClaimPage"),
    PageSpec("quiz", "Knowledge checks", LEARN, "healthalloc.ui.quiz_page", "QuizPage"),
    PageSpec("glossary", "Glossary", LEARN, "healthalloc.ui.glossary_page", "GlossaryPage"),
    PageSpec("progress", "Your progress", LEARN, "healthalloc.ui.progress_page", "ProgressPage"),
)


def page_spec(page_id: str) -> PageSpec | None:
    return next((spec for spec in PAGES if spec.page_id == page_id), None)
