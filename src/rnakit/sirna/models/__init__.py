"""siRNA efficacy models (scikit-learn estimator contract) and their saved form."""
