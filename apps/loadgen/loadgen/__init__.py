"""Load generator of the HPA demo: a headless locust run against the web app."""
