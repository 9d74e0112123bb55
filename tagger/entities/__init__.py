"""Entities: the spaCy pipeline and NER worker pool, the numpy NER decoder, organization and
report-title rules, acronyms, grouping and salience."""
