"""Reading the console's pages the way a browser would: forms (with what a submit would send),
links, tables, and elements by id or attribute. Standard library only (html.parser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

__all__ = ["Form", "Element", "forms", "links", "elements", "text_of", "inline_edits"]


@dataclass
class Form:
    """A form as found on a page: method, action, and the fields a plain submit sends."""

    method: str
    action: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    disabled_submit: bool = False

    def data(self, button: tuple[str, str] | None = None) -> dict[str, list[str]]:
        """What submitting the form sends (with the first named button, or ``button``)."""
        sent: dict[str, list[str]] = {}
        for name, value in self.fields:
            sent.setdefault(name, []).append(value)
        chosen = button or (self.buttons[0] if self.buttons else None)
        if chosen is not None:
            sent.setdefault(chosen[0], []).append(chosen[1])
        return sent


@dataclass
class Element:
    """An element found by :func:`elements`: its tag, attributes and text."""

    tag: str
    attrs: dict[str, str]
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.open: list[Element] = []
        self.all: list[Element] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        element = Element(tag, a)
        self.all.append(element)
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.open.append(element)
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""), a.get("enctype", ""))
            self.forms.append(self._form)
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind == "submit":
                form.buttons.append((name, a.get("value", "")))
            elif "disabled" not in a:
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            if "disabled" in a:
                form.disabled_submit = True
            if name:
                form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or not any(n == self._select for n, _ in form.fields)):
            form.fields = [(n, v) for n, v in form.fields if n != self._select] + [(self._select, a.get("value", ""))]
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data
        if self._textarea is not None:
            self._textarea[1].append(data)


def _parsed(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser


def forms(html: str, method: str = "post", page: str = "") -> list[Form]:
    """Every form of the page with this method; actions made absolute against ``page``."""
    found = [f for f in _parsed(html).forms if f.method == method]
    for form in found:
        form.action = urljoin(page, form.action) if page else form.action
    return found


def inline_edits(html: str, page: str) -> list[Form]:
    """The list pages' in-place edits (x-editable cells) as the POST each one sends."""
    found = []
    for cell in elements(html, None, data_role=""):
        if cell.attrs["data-role"].startswith("x-editable"):
            form = Form("post", urljoin(page, cell.attrs["data-url"]), "")
            form.fields = [("list_form_pk", cell.attrs["data-pk"]), (cell.attrs.get("data-name", "value"), "1")]
            form.fields.append(("csrf_token", cell.attrs.get("data-csrf", "")))
            found.append(form)
    return found


def links(html: str) -> list[str]:
    """Every link target (``href``) of the page."""
    return _parsed(html).links


def elements(html: str, tag: str | None = None, **attrs: str) -> list[Element]:
    """Elements with this tag (any when ``None``) whose attributes include ``attrs`` (``_`` → ``-``).

    An attribute given as ``""`` only needs to be present.
    """
    wanted = {k.replace("_", "-").removesuffix("-"): v for k, v in attrs.items()}
    found = []
    for element in _parsed(html).all:
        if tag is not None and element.tag != tag:
            continue
        if all(k in element.attrs and (v == "" or element.attrs[k] == v or v in element.attrs[k].split()) for k, v in wanted.items()):
            found.append(element)
    return found


def text_of(html: str, tag: str | None = None, **attrs: str) -> str:
    """The whitespace-normalised text of the first element found (``""`` when none)."""
    found = elements(html, tag, **attrs)
    return " ".join(found[0].text.split()) if found else ""
