"""GET /widget.js: the one file a shop puts on its pages, cacheable, served as JavaScript."""
import gzip

import pytest

from shopcs.config import ConfigError, widget_origins


def test_the_widget_script_is_served_as_javascript_with_a_public_cache_and_an_etag(sqlite_app):
    client = sqlite_app.test_client()
    response = client.get("/widget.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert len(gzip.compress(response.data)) < 6 * 1024  # small: the README says how small


def test_widget_origins_are_exact_origins_and_anything_else_stops_the_app():
    assert widget_origins(" https://Shop.example.com/, http://127.0.0.1:8080 ,") == frozenset(
        {"https://shop.example.com", "http://127.0.0.1:8080"})
    assert widget_origins("") == frozenset()
    for bad in ("shop.example.com", "https://*.example.com", "https://shop.example.com/path", "ftp://shop.example.com"):
        with pytest.raises(ConfigError):
            widget_origins(bad)
