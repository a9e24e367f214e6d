"""The customer-base models, in plain NumPy/SciPy: no database, no Django.

Kept apart from the refresh so that they can be checked against published values on their own
and timed beside other implementations in ``bench/``.
"""
