"""Risk-adjusted capitation: CMS-HCC risk scores, payments, provider panels and regional allocation by need.

Importing this package is cheap: pandas is imported only by the functions that build DataFrames.

>>> risk_score(72, "F", ["HCC19", "HCC85"], model="V24").total
0.943
>>> risk_score(72, "F", ["HCC38", "HCC226"], model="V28").total
1.033
"""

from healthalloc.core.capitation.hcc import (
    MODELS,
    Condition,
    ModelComparison,
    RiskScore,
    ScoreItem,
    Translation,
    compare_models,
    conditions_for,
    risk_score,
    translate_conditions,
)
from healthalloc.core.capitation.panel import (
    ARRANGEMENTS,
    ArrangementResult,
    PanelResult,
    RiskSharingTerms,
    panel_finances,
)
from healthalloc.core.capitation.payment import (
    CODING_ADJUSTMENT,
    NORMALIZATION_FACTORS,
    CapitationRevenue,
    RiskAdjustedPayment,
    capitation_revenue,
    default_normalization,
    risk_adjusted_payment,
)
from healthalloc.core.capitation.regions import (
    METHODS,
    Region,
    RegionAllocation,
    allocate_regions,
    allocation_by_method,
    load_regions,
)
from healthalloc.core.capitation.tables import SEGMENTS

__all__ = [
    "ARRANGEMENTS",
    "CODING_ADJUSTMENT",
    "METHODS",
    "MODELS",
    "NORMALIZATION_FACTORS",
    "SEGMENTS",
    "ArrangementResult",
    "CapitationRevenue",
    "Condition",
    "ModelComparison",
    "PanelResult",
    "Region",
    "RegionAllocation",
    "RiskAdjustedPayment",
    "RiskScore",
    "RiskSharingTerms",
    "ScoreItem",
    "Translation",
    "allocate_regions",
    "allocation_by_method",
    "capitation_revenue",
    "compare_models",
    "conditions_for",
    "default_normalization",
    "load_regions",
    "panel_finances",
    "risk_adjusted_payment",
    "risk_score",
    "translate_conditions",
]
