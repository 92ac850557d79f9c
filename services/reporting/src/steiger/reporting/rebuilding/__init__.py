"""Rebuilding reporting's projections from the whole history, aside, while the live ones keep
serving: store generations (`generations`), where the history is read from (`history`),
filling a store from it (`fill`), and the replay an operator starts (`replay`)."""
