"""Pure-Python core of healthalloc: content, calculators, quiz grading and the progress store.

Nothing in this package imports Qt, so an instructor can use it from a notebook:

>>> from healthalloc.core.capitation import risk_score
>>> risk_score(72, "F", ["HCC19", "HCC85"], model="V24").total
0.943
"""
