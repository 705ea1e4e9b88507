"""FastAPI app of the IPC demo: enqueues calculation jobs in Redis, returns results."""
