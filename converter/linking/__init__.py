"""Linking from the text (issue 16): the organisations a fiche names, and the commune of its
structure, read by documented rules that say nothing when in doubt.

``organisations`` finds the mentions of organisations (type from the SKOS scheme
``types-organisations``, territory when the text or the type makes it certain) and names the
rule that decided; ``communes`` keeps the explicit local expressions (« la Mairie de X »)
that give a structure its commune, and reports the ambiguous ones.
"""
