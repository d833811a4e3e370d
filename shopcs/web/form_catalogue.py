"""WTForms' own messages ("This field is required.") in the reader's language, from a catalogue read once per language
and process. Flask-WTF reads it from disk again on every request that builds a form (three file lookups and parsing
the .mo: about 1 ms, as much as the whole of the case queue's search page in the raw-SQL baseline); it takes the one
it finds on `request.wtforms_translations`, which is where this puts a stand-in that picks the cached catalogue."""
from babel import support
from flask import Flask, request
from flask_babel import get_locale
from wtforms.i18n import messages_path

_CATALOGUES: dict[str, support.Translations] = {}


def catalogue() -> support.Translations:
    """The wtforms catalogue of this request's language, loaded the first time the process needs it."""
    locale = get_locale()
    key = str(locale)
    found = _CATALOGUES.get(key)
    if found is None:
        found = _CATALOGUES[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return found


class _Cached:
    """What Flask-WTF calls on `request.wtforms_translations`; the language is looked up only when a form speaks."""

    def ugettext(self, string: str) -> str:
        return catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return catalogue().ungettext(singular, plural, n)


_CACHED = _Cached()


def _use_cached() -> None:
    request.wtforms_translations = _CACHED


def install(app: Flask) -> None:
    app.before_request(_use_cached)
