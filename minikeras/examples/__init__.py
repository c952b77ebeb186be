"""Small runnable programs: `python -m minikeras.examples.<name>`."""
