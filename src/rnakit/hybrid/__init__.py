"""RNA–RNA hybridisation (RNAhybrid-style): where a short RNA binds a long target, and how strongly."""
