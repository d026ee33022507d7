"""The console served by waitress, as ``callcenter run`` does."""

from __future__ import annotations

import threading
import urllib.request

from flask import Flask

from web.serve import make_server


def test_waitress_serves_the_login_page_on_loopback(app: Flask) -> None:
    server = make_server(app, "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.effective_port}/login"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "登录" in response.read().decode("utf-8")
    finally:
        server.close()
        thread.join(timeout=5)
