"""The web view: a guideline (or the whole ``guidelines/``) as a static site (``bistandsregler visa``).

The guideline's own prose beside the rules that encode it, law references linked to the
paragraphs of the national layer, tables of norms, standard times and dated values, and with an
older version a change view for the committee. Pages need nothing but the folder they are in.
"""
