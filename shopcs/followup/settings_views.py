"""Supervisor pages: follow-up settings with a live template preview, and the shop's promotions."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..app_config import shop_zone
from ..auth.access import current_actor, permission_required
from ..errors import Invalid, NotFound, ServiceError
from ..orders.forms import apply_errors
from ..timeutil import utcnow
from . import promotions
from .forms import ActionForm, PromotionForm, SettingsForm, settings_form_class, template_field_name
from .settings import load_settings, save_settings
from .template_checks import template_problems
from .texts import MAX_TEMPLATE_LENGTH, TEMPLATE_KINDS, VARIABLES, sample_variables
from .texts import render_template as fill
from .values import LOCALES

TEMPLATE_KEYS = tuple((kind, locale) for kind in TEMPLATE_KINDS for locale in LOCALES)


def _form(settings):
    form = settings_form_class(TEMPLATE_KEYS)()
    if not form.is_submitted():
        for name in SettingsForm.scalar_names:
            form[name].data = getattr(settings, name)
        for kind, locale in TEMPLATE_KEYS:
            form[template_field_name(kind, locale)].data = settings.template(kind, locale)
    return form


def _values(form) -> dict:
    values = {name: form[name].data for name in SettingsForm.scalar_names}
    values["templates"] = {(kind, locale): form[template_field_name(kind, locale)].data for kind, locale in TEMPLATE_KEYS}
    return values


def _page(form, status=200):
    return render_template("followup/settings.html", form=form, template_keys=TEMPLATE_KEYS, variables=VARIABLES,
                           field_name=template_field_name, promotions=promotions.list_promotions(),
                           promotion_form=PromotionForm(formdata=None), delete_form=ActionForm(formdata=None)), status


@permission_required("followup.settings")
def settings_page():
    form = _form(load_settings())
    if form.validate_on_submit():
        try:
            save_settings(_values(form), current_actor(), utcnow())
        except Invalid as exc:
            apply_errors(form, exc.fields, _)
            flash(_("Nothing was saved: some settings are not valid."), "error")
            return _page(form, 422)
        flash(_("Settings saved."), "info")
        return redirect(url_for("followup.settings_page"))
    return _page(form, 422 if form.is_submitted() else 200)


@permission_required("followup.settings")
def preview(locale: str = "zh", kind: str = ""):
    """The template in ?text= filled with sample values in the template's language and the shop's name in it,
    and what is wrong with it (unknown variables…)."""
    if locale not in LOCALES or kind not in ("", *TEMPLATE_KINDS):
        abort(404)
    text = request.args.get("text", "")[: MAX_TEMPLATE_LENGTH + 1]
    problems = template_problems(text)
    variables = sample_variables(locale, load_settings().shop_name_for(locale), kind)
    return jsonify(preview=fill(text, variables), problems=problems, ok=not problems)


@permission_required("followup.settings")
def add_promotion():
    form = PromotionForm()
    if form.validate_on_submit():
        try:
            promotions.add_promotion(form.name.data.strip(), form.day.data, form.send_time.data, form.days_before.data,
                                     current_actor(), utcnow(), shop_zone())
        except ServiceError as exc:
            flash(_("The promotion was not added: %(reason)s",
                    reason="; ".join(map(str, exc.fields.values())) or exc.message), "error")
        else:
            flash(_("Promotion %(name)s added.", name=form.name.data.strip()), "info")
    else:
        for field in form:
            for error in field.errors:
                flash(_("The promotion was not added: %(field)s: %(reason)s", field=field.label.text, reason=error), "error")
    return redirect(url_for("followup.settings_page") + "#promotions")


@permission_required("followup.settings")
def delete_promotion(promotion_id):
    if ActionForm().validate_on_submit():
        try:
            promotions.delete_promotion(promotion_id, current_actor(), utcnow())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(_("Nothing was changed: %(reason)s", reason=exc.message), "error")
        else:
            flash(_("Promotion deleted."), "info")
    return redirect(url_for("followup.settings_page") + "#promotions")


def register(bp) -> None:
    bp.add_url_rule("/followup/settings", view_func=settings_page, methods=["GET", "POST"])
    bp.add_url_rule("/followup/settings/preview", view_func=preview)
    bp.add_url_rule("/followup/settings/preview/<locale>", view_func=preview)
    bp.add_url_rule("/followup/settings/preview/<locale>/<kind>", view_func=preview)
    bp.add_url_rule("/followup/promotions", view_func=add_promotion, methods=["POST"])
    bp.add_url_rule("/followup/promotions/<dbid:promotion_id>/delete", view_func=delete_promotion, methods=["POST"])
