"""The five data areas (workforce, services, schemes, KPIs, goals) and the office's
settings, narrative text and publications: one typed, validated core action per user edit,
with the closed vocabularies, field rules and financial periods they check against.

May use ``store``; never computes what a document shows (that is ``figures``).
"""
