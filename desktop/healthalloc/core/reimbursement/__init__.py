"""Provider reimbursement: one clinical year paid six ways, and who gains, who bears the risk, what is rewarded.

>>> from healthalloc.core.reimbursement import physician_fee
>>> physician_fee(1.30, 1.46, 0.09, conversion_factor=33.4009).allowed_amount
95.19

Each model is a pure function returning a frozen result with its ``explanation``; the comparison of all models
is :func:`compare_models`. Parameters and their sources are in :mod:`.parameters` (copied from
``content/data/payment_parameters.csv``). pandas is imported only by the comparison functions that return frames.
"""

from healthalloc.core.reimbursement.bundle import BundleResult, bundled_episode
from healthalloc.core.reimbursement.capitated import CapitationContract, capitation_contract
from healthalloc.core.reimbursement.compare import (
    MODELS,
    Scenario,
    compare_models,
    explain_comparison,
    utilisation_sweep,
)
from healthalloc.core.reimbursement.drg import DrgPayment, drg_payment
from healthalloc.core.reimbursement.fee_schedule import PhysicianFee, physician_fee
from healthalloc.core.reimbursement.p4p import MipsResult, VbpResult, hospital_vbp, mips_adjustment, mips_rate
from healthalloc.core.reimbursement.shared_savings import SharedSavingsResult, minimum_savings_rate, shared_savings

__all__ = [
    "MODELS",
    "BundleResult",
    "CapitationContract",
    "DrgPayment",
    "MipsResult",
    "PhysicianFee",
    "Scenario",
    "SharedSavingsResult",
    "VbpResult",
    "bundled_episode",
    "capitation_contract",
    "compare_models",
    "drg_payment",
    "explain_comparison",
    "hospital_vbp",
    "minimum_savings_rate",
    "mips_adjustment",
    "mips_rate",
    "physician_fee",
    "shared_savings",
    "utilisation_sweep",
]
