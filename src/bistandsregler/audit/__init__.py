"""Stage 7, audit: a year of decisions at once (statistics across decisions, the report).

Builds on ``input`` (reading many files) and ``checking`` (one result per decision):
``records`` reads and checks once, the sections (``overview``, ``boundaries``,
``decision_makers``, ``sex``, ``impact``) compute from those records, ``report`` is the model
the renderers (``render_html``, ``render_tables``) write; ``unexecuted`` is the quarterly
report of decisions not carried out.
"""
