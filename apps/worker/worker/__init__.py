"""arq worker of the IPC demo: takes calculation jobs from Redis and stores results."""
