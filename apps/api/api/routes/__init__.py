"""HTTP routes; each module builds one APIRouter from the settings and services."""
