"""The pages and the API really speak the catalogue: the browser's language, Chinese navigation, service errors."""
import re

from ..builders import make_order, make_token, make_user

ENGLISH_NAV = ("Order queue", "Carrier coverage", "Refunds", "After-sales inbox", "Shipping inbox", "Audit log",
               "Log out", "Password", "Customer service")
CHINESE_NAV = ("订单队列", "快递不达地区", "退款", "售后待办", "发货待办", "操作日志", "退出登录", "密码")


def test_the_login_page_speaks_the_browser_language(sqlite_app):
    client = sqlite_app.test_client()
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "登录" in chinese and "Log in" not in chinese and "用户名" in chinese
    assert "Log in" in english and "登录" not in english and "User name" in english
    assert "登录" in client.get("/login").get_data(as_text=True)  # no preference: Chinese, the shop's language


def test_the_queue_of_a_logged_in_admin_has_chinese_navigation_and_no_english_labels(sqlite_app, login):
    make_user("root", role="admin")
    make_order("T100")
    client = sqlite_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert login(client, "root").status_code == 302
    html = client.get("/").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", html)  # what a person reads, not attributes or URLs
    assert [label for label in ENGLISH_NAV if label in text] == []
    assert all(label in text for label in CHINESE_NAV) and "管理员" in text  # the role, via _(current_user.role)
    assert "待核实地址" in text and "待发货" in text


def test_a_service_error_reaches_the_api_as_plain_text_in_the_client_language(client):
    make_order("T1", total="100.00")
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    body = {"amount": "130.00", "reason": "size"}
    zh = client.post("/api/v1/orders/T1/refunds", json=body, headers={**headers, "Accept-Language": "zh-CN"})
    en = client.post("/api/v1/orders/T1/refunds", json=body, headers={**headers, "Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    assert zh.json["error"]["fields"]["amount"] == "该订单最多还可退款 ¥100.00。"
    assert en.json["error"]["message"] == "At most CN¥100.00 can still be refunded on this order."  # Babel: yuan in English


def test_a_conflict_on_the_order_page_names_the_order_status_in_chinese(sqlite_app, login):
    make_user("amy", role="agent")
    make_order("T100", status="shipped")
    client = sqlite_app.test_client()
    login(client, "amy")
    page = client.post("/orders/T100/confirm-address", data={"method": "chat"}, follow_redirects=True)
    assert "“已发货”状态的订单不能核实地址。" in page.get_data(as_text=True)
