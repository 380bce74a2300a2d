"""The same search over a sharded Sphinx or Manticore cluster (see the README, "Past one machine")."""
