"""siRNA design for a target transcript: candidates, filters, predicted efficacy, off-targets, ranking, report."""
