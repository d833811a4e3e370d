import pytest

from shopcs.redirects import safe_local_path


@pytest.mark.parametrize("target", ["/orders/T1#refunds", "/followup?tab=failed", "/"])
def test_a_local_path_is_kept(target):
    assert safe_local_path(target, "/fallback") == target


@pytest.mark.parametrize("target", [None, "", "//evil.example/x", "/\\evil.example", "https://evil.example/",
                                    "javascript:alert(1)", "orders/T1"])
def test_anything_that_could_leave_the_site_falls_back(target):
    assert safe_local_path(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/\r\n/evil.example", "/\n/evil.example", "/\t/evil.example", "/orders\r\nSet-Cookie: x=1",
                                    "/orders\x00", "/orders\x7f"])
def test_a_target_with_a_control_character_falls_back(target):
    assert safe_local_path(target, "/fallback") == "/fallback"
