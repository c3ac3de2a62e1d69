"""Alert intake in one home: a webhook's source, credentials and parsing (``receive``, driven
by the table of kinds in ``kinds``), group commit (``writer`` → ``batch``), and what a
notification does to its group's incident (``ingest``: route, absorb, open — the decisions
themselves are the domain's, ``domain.grouping``)."""
