"""The Chinese catalogue is complete, well-formed and up to date with the sources (tests/web/test_translated_pages.py:
the pages really speak it)."""
import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "shopcs" / "translations"
POT, PO = TRANSLATIONS / "messages.pot", TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set[str]:
    """Message ids; a plural message by its singular."""
    return {_singular(message.id) for message in catalog if message.id}


def _singular(text) -> str:
    return text[0] if isinstance(text, tuple) else text


def _texts(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


@pytest.fixture(scope="module")
def po():
    return _read(PO)


def test_every_message_of_the_template_has_a_chinese_translation_that_is_not_fuzzy(po):
    template_ids = _ids(_read(POT))
    translated = {_singular(m.id): m for m in po if m.id}
    assert template_ids - set(translated) == set(), "run pybabel update and translate the new messages"
    untranslated = sorted(i for i in template_ids if not all(text and text.strip() for text in _texts(translated[i].string)))
    fuzzy = sorted(i for i in template_ids if translated[i].fuzzy)
    assert untranslated == [] and fuzzy == []
    assert set(translated) - template_ids == set(), "the catalogue has messages the sources no longer use"


def test_every_translation_keeps_the_placeholders_of_its_message(po):
    wrong = [(m.id, m.string) for m in po if m.id for text in _texts(m.string)
             if sorted(PLACEHOLDER.findall(_singular(m.id))) != sorted(PLACEHOLDER.findall(text))]
    assert wrong == []
    assert [(m.id, errors) for m in po if m.id and (errors := m.check(po))] == []


def test_the_catalogue_compiles_and_the_compiled_file_translates(po):
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    assert compiled.gettext("Log in") == "登录" and compiled.gettext("Order queue") == "订单队列"
    assert compiled.gettext("Page %(page)s of %(pages)s") % {"page": 2, "pages": 5} == "第 2 页，共 5 页"


def test_the_shipped_compiled_catalogue_is_the_current_catalogue(po):
    """messages.mo is committed so that any install speaks Chinese with no build step; it must say what the .po says."""
    with (TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)._catalog
    wanted = {}
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for index, string in enumerate(message.string):
                wanted[(message.id[0] if not message.context else f"{message.context}\x04{message.id[0]}", index)] = string
        else:
            wanted[message.id if not message.context else f"{message.context}\x04{message.id}"] = message.string
    shipped = {key: value for key, value in shipped.items() if key != ""}  # "" is the header
    assert shipped == wanted, "the compiled catalogue is stale: run scripts/catalogue.sh and commit messages.mo"


def test_an_installed_package_carries_the_compiled_catalogue():
    """pip install . (a wheel) takes the .mo along: setuptools' package data names it."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        package_data = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["shopcs"]
    shipped = {path.relative_to(ROOT / "shopcs") for pattern in package_data for path in (ROOT / "shopcs").glob(pattern)}
    assert Path("translations/zh_CN/LC_MESSAGES/messages.mo") in shipped
    assert Path("translations/zh_Hans_CN/LC_MESSAGES/messages.mo") in shipped  # the name Flask-Babel looks up


def test_an_english_word_used_in_two_senses_has_a_translation_for_each(po):
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    assert (compiled.gettext("Total"), compiled.pgettext("count", "Total")) == ("实付金额", "合计")
    assert (compiled.gettext("Timeline"), compiled.pgettext("case", "Timeline")) == ("订单动态", "处理记录")
    assert (compiled.gettext("Name"), compiled.pgettext("promotion", "Name")) == ("姓名", "活动名称")
    assert compiled.ngettext("%(count)s order", "%(count)s orders", 1) == compiled.ngettext("%(count)s order", "%(count)s orders", 2)


def test_the_template_is_up_to_date_with_the_sources(tmp_path, monkeypatch):
    """Re-extract exactly as documented in babel.cfg: a new _() without a catalogue entry fails here."""
    fresh = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                                "-o", str(fresh), "."])
    extracted, committed = _ids(_read(fresh)), _ids(_read(POT))
    assert extracted - committed == set(), "new messages: re-extract messages.pot, update and translate the .po"
    assert committed - extracted == set(), "messages.pot lists messages the sources no longer have"


def test_codes_that_templates_translate_with_a_variable_are_in_the_catalogue(po):
    from shopcs.auth.models import ROLES
    from shopcs.orders.domain import STATUSES
    from shopcs.orders.shipping import CARRIERS

    ids = _ids(po)
    assert set(ROLES) <= ids and set(STATUSES) <= ids  # base.html: _(current_user.role); _fields.html: _(status)
    assert {carrier.name_en for carrier in CARRIERS.values()} <= ids  # templates show _(carrier.name_en)
