"""Web app that reports which pod served each request, for the Kubernetes demos."""
