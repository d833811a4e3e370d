"""What is wrong with a template, said in the reader's language: kept apart from texts.py so that stays pure."""
from flask_babel import gettext as _  # eager: the problems go into JSON; outside a request it is English

from .texts import MAX_TEMPLATE_LENGTH, PLACEHOLDER, VARIABLES


def template_problems(text: str) -> list[str]:
    """What is wrong with a template: unknown or malformed {variables}, empty, too long. Empty list = fine."""
    problems = []
    if not text or not text.strip():
        return [_("The template is empty.")]
    if len(text) > MAX_TEMPLATE_LENGTH:
        problems.append(_("The template is longer than %(limit)s characters.", limit=MAX_TEMPLATE_LENGTH))
    known = ", ".join("{%s}" % v for v in VARIABLES)
    for name in PLACEHOLDER.findall(text):
        if name not in VARIABLES:
            problems.append(_("Unknown variable %(name)s; known: %(known)s", name="{%s}" % name, known=known))
    if PLACEHOLDER.sub("", text).count("{") or PLACEHOLDER.sub("", text).count("}"):
        problems.append(_("A { or } is not part of a {variable}."))
    return problems
