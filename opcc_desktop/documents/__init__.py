"""The three documents (Annual Equality Monitoring Report, Performance and Delivery Update,
the internal workforce pack), their PDF house style (``pdf``), the accessible HTML edition,
section and caption numbering, pre-flight checks, and ``export``, which writes one out.

May use ``exchange``, ``figures``, ``areas`` and ``store``. The two public documents read the
workbook only through ``figures.publishable`` (import-linter forbids them the area modules).
"""
