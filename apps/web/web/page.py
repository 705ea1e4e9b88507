"""Bodies of GET /, rendered once at startup because only the uptime changes."""

from __future__ import annotations

import html
import json
import socket

from web.settings import Settings


def render_json_prefix(settings: Settings) -> bytes:
    """Render the JSON object of GET / up to the value of its last key, uptime_s.

    The route appends the uptime and the closing brace, so a request costs one
    float format instead of a JSON serialization.
    """
    fields = {
        "pod": settings.POD_NAME,
        "namespace": settings.POD_NAMESPACE,
        "pod_ip": settings.POD_IP,
        "node": settings.NODE_NAME,
        "hostname": socket.gethostname(),
        "version": settings.APP_VERSION,
        "color": settings.COLOR,
        "message": settings.MESSAGE,
    }
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return body[:-1].encode("utf-8") + b',"uptime_s":'


def render_json(prefix: bytes, uptime_s: float) -> bytes:
    return prefix + b"%.3f}" % uptime_s


def render_html(settings: Settings) -> bytes:
    """Render a self-contained page that shows the pod name, big, in COLOR."""
    pod = html.escape(settings.POD_NAME)
    namespace = html.escape(settings.POD_NAMESPACE)
    node = html.escape(settings.NODE_NAME)
    pod_ip = html.escape(settings.POD_IP)
    version = html.escape(settings.APP_VERSION)
    message = html.escape(settings.MESSAGE)
    # COLOR passed the settings check (hex or a letters-only name), so it is safe
    # inside the style attribute.
    color = settings.COLOR
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{pod}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; min-height: 100vh;
  display: flex; flex-direction: column; align-items: center; justify-content: center;
  background: #f7f7f9; color: #222; }}
h1 {{ font-size: clamp(2rem, 8vw, 6rem); margin: 0 1rem; word-break: break-all; }}
p {{ font-size: 1.25rem; margin: 0.5rem 1rem; }}
.meta {{ color: #666; font-size: 1rem; }}
</style>
</head>
<body>
<h1 style="color: {color}">{pod}</h1>
<p class="version">version {version}</p>
<p class="message">{message}</p>
<p class="meta">namespace {namespace} &middot; node {node} &middot; pod IP {pod_ip}</p>
</body>
</html>
"""
    return page.encode("utf-8")


def accepts_html(headers: list[tuple[bytes, bytes]]) -> bool:
    """Tell whether the raw ASGI headers ask for HTML, as a browser's Accept does."""
    for name, value in headers:
        if name == b"accept":
            return b"text/html" in value
    return False
