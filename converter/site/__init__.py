"""The linked-data site: a page and the RDF description of every IRI of the graph.

``layout`` says where an IRI's files go, ``describe`` what an IRI's description holds,
``build`` writes the static site (``cskg site``).
"""
