"""ShopCS: the customer-service workbench. `create_app()` builds everything; importing starts nothing."""
import os

from flask import Flask

from . import ops, sqlite_pragmas
from .config import check_secret_key, load_config
from .dbid import DatabaseIdConverter
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(__name__, instance_relative_config=True,
                template_folder=os.path.join(root, "templates"), static_folder=os.path.join(root, "static"))
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    check_secret_key(app.config, app.debug)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["SHOPCS_PROXY_HOPS"]:  # behind nginx & co.: the buyer's address, for the login throttle and logs
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["SHOPCS_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["dbid"] = DatabaseIdConverter
    ops.init_app(app)  # log lines, request ids and request metrics: before any other request hook
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401 - every table known to SQLAlchemy and Alembic
    from .auth.loader import load_user
    from .web import select_locale

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            sqlite_pragmas.apply_to(engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["SHOPCS_TIMEZONE"])
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    from . import web
    from .apischema.views import api_bp as openapi_bp
    from .apischema.views import bp as api_docs_bp
    from .assistant.api import bp as assistant_api_bp
    from .audit.views import bp as audit_bp
    from .auth.account_views import bp as accounts_bp
    from .auth.views import bp as auth_bp
    from .cases.api import bp as cases_api_bp
    from .cases.replies.views import bp as reply_templates_bp
    from .cases.settings_views import bp as case_settings_bp
    from .cases.supervision.views import bp as complaints_bp
    from .cases.views import bp as cases_bp
    from .conversations.api import bp as conversations_api_bp
    from .conversations.widget_api import bp as widget_api_bp
    from .conversations.widget_api import script_bp as widget_script_bp
    from .followup.optout import api_bp as optout_api_bp
    from .followup.optout import bp as optout_bp
    from .followup.views import bp as followup_bp
    from .notify.api import bp as notify_api_bp
    from .ops.views import bp as ops_bp
    from .orders.api import bp as orders_api_bp
    from .orders.import_views import bp as imports_bp
    from .orders.note_views import bp as notes_bp
    from .orders.refund_views import bp as refunds_bp
    from .orders.views import bp as orders_bp
    from .privacy.views import bp as privacy_bp
    from .reports.api import bp as reports_api_bp
    from .reports.dashboard_views import bp as dashboard_bp
    from .reports.team.views import bp as worklog_bp
    from .reports.views import bp as reports_bp
    from .webhooks.log_views import bp as webhook_log_bp
    from .webhooks.views import bp as webhooks_bp

    web.register(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(orders_api_bp)
    csrf.exempt(orders_api_bp)
    app.register_blueprint(refunds_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(notify_api_bp)
    csrf.exempt(notify_api_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(optout_bp)
    app.register_blueprint(optout_api_bp)
    csrf.exempt(optout_api_bp)
    app.register_blueprint(reports_api_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(dashboard_bp)
    csrf.exempt(reports_api_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(cases_api_bp)
    csrf.exempt(cases_api_bp)
    app.register_blueprint(conversations_api_bp)
    csrf.exempt(conversations_api_bp)
    app.register_blueprint(assistant_api_bp)
    csrf.exempt(assistant_api_bp)
    app.register_blueprint(widget_api_bp)
    csrf.exempt(widget_api_bp)  # public: the conversation token in the Authorization header, never a cookie
    app.register_blueprint(widget_script_bp)
    app.register_blueprint(worklog_bp)
    app.register_blueprint(reply_templates_bp)
    app.register_blueprint(case_settings_bp)
    app.register_blueprint(complaints_bp)
    app.register_blueprint(webhooks_bp)
    csrf.exempt(webhooks_bp)  # signed by the platform instead of a CSRF token
    app.register_blueprint(webhook_log_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(ops_bp)


def _register_cli(app: Flask) -> None:
    from .assistant.cli import assistant_cli
    from .auth.cli import token_cli, users_cli
    from .cases.cli import cases_cli
    from .conversations.cli import mail_cli
    from .demo import demo_cli
    from .followup.cli import followup_cli
    from .maintenance.cli import backup_command
    from .orders.cli import orders_cli
    from .privacy.cli import customers_cli

    for group in (users_cli, token_cli, orders_cli, demo_cli, followup_cli, cases_cli, mail_cli, assistant_cli, backup_command):
        app.cli.add_command(group)
    app.cli.add_command(customers_cli)
