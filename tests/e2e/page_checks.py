"""What every page must be, as plain functions over the server's HTML (and over what Chromium measured).

Each function returns a list of findings (short strings naming what is wrong and where); an empty list is a
page that passes. tests/e2e/test_every_page.py runs them on every page each demo role reaches;
tests/e2e/test_page_checks.py proves each one on a tiny sample.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from xml.etree import ElementTree

import html5lib

# Elements whose text is never shown.
INVISIBLE = {"script", "style", "template", "noscript", "head"}
# Controls a person fills in; buttons carry their own text and hidden inputs are not seen.
UNLABELLED_EXEMPT_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Interface text (not data): what labels a field, names a column or an action, titles a section, or leads
# somewhere in the navigation. Data (table cells, lists, names) may be in either language.
INTERFACE = {"label", "button", "th", "legend", "summary", "caption", "dt", "h2", "h3", "h4", "h5", "h6"}
INTERFACE_CLASSES = {"nav-link", "form-text", "breadcrumb-item", "btn"}

SNAKE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")
# English words (two or more lower-case letters; not acronyms such as API or PDF): a source string never translated.
ENGLISH_RUN = re.compile(r"[A-Za-z]*[a-z]{2,}[A-Za-z]*(?:[ ,'-]+[A-Za-z]+)*")
HAN = re.compile(r"[\u3400-\u9fff]")
# An amount in yuan: 125000.00 or 125,000.00 (six or more digits before the decimals), or a number followed by 元
# that is not 万元.
YUAN_NUMBER = re.compile(r"(?<![\d.,])(?:\d{6,}|\d{1,3}(?:,\d{3}){2,})\.\d{2}(?![\d])")
YUAN_UNIT = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?\s*元")
WAN_YUAN = "万元"
# Words the same in both languages: 万元 is the platform's unit for money in English too ("Budget (万元)"), and
# product and key names are written as on the product and the keyboard ("导出 Excel", "按住 Ctrl 键（Mac 上…）").
SAME_IN_BOTH = {"zh": {"Excel", "Ctrl", "Mac"}, "en": {WAN_YUAN}}


@dataclass
class Page:
    """The parsed server HTML of one page."""

    html: str
    root: ElementTree.Element
    errors: list = field(default_factory=list)

    @property
    def lang(self) -> str:
        return (self.root.get("lang") or "").lower()


def parse(html: str) -> Page:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    root = parser.parse(html)
    return Page(html=html, root=root, errors=list(parser.errors))


def _line(html: str, line: int) -> str:
    lines = html.splitlines()
    return lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""


def html_errors(page: Page) -> list[str]:
    """Markup that browsers repair silently (and differently): nested forms, stray table content, bare `&`…"""
    findings = []
    for (line, _column), code, data in page.errors:
        name = f" <{data['name']}>" if isinstance(data, dict) and data.get("name") else ""
        # The source line, not its number, names the place: the same template error reads the same on every page.
        findings.append(f"{code}{name} in: {_line(page.html, line)}")
    return findings


def duplicate_ids(page: Page) -> list[str]:
    counts = Counter(el.get("id") for el in page.root.iter() if isinstance(el.tag, str) and el.get("id"))
    return [f"id {value!r} used {count} times" for value, count in sorted(counts.items()) if count > 1]


def _parents(root) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


def _ancestors(element, parents):
    while element in parents:
        element = parents[element]
        yield element


def _describe(element) -> str:
    attributes = " ".join(f'{k}="{v}"' for k, v in element.attrib.items() if k in ("name", "id", "type"))
    return f"<{element.tag} {attributes}>"


def unlabelled_controls(page: Page) -> list[str]:
    """Inputs, selects and text areas that a screen reader cannot name."""
    parents = _parents(page.root)
    label_for = {el.get("for") for el in page.root.iter("label") if el.get("for")}
    findings = []
    for element in page.root.iter():
        if element.tag not in ("input", "select", "textarea"):
            continue
        if element.tag == "input" and (element.get("type") or "text").lower() in UNLABELLED_EXEMPT_TYPES:
            continue
        ancestors = list(_ancestors(element, parents))
        if any(a.tag == "template" for a in ancestors):
            continue
        named = (element.get("id") in label_for or any(a.tag == "label" for a in ancestors)
                 or (element.get("aria-label") or "").strip() or element.get("aria-labelledby")
                 or (element.get("title") or "").strip())
        if not named:
            findings.append(f"no label: {_describe(element)}")
    return findings


def _texts(element, parents_skip=INVISIBLE, lang=None):
    """(text, element, its language) for each piece of visible text under `element`."""
    if not isinstance(element.tag, str) or element.tag in parents_skip:
        return
    lang = (element.get("lang") or lang or "").lower()
    if element.text and element.text.strip():
        yield element.text, element, lang
    for child in element:
        yield from _texts(child, parents_skip, lang)
        if child.tail and child.tail.strip():
            yield child.tail, element, lang


def visible_text(page: Page) -> str:
    body = page.root.find("body")
    return " ".join(text.strip() for text, _el, _lang in _texts(body if body is not None else page.root))


def _inside(element, parents, tags=(), classes=()):
    for candidate in (element, *_ancestors(element, parents)):
        if candidate.tag in tags or set((candidate.get("class") or "").split()) & set(classes):
            return True
    return False


def raw_identifiers(page: Page, allowed=frozenset()) -> list[str]:
    """Field names and codes (`allow_partial_funding`, `contracts.tranche.pay`) in what a person reads.

    `allowed` holds the data that legitimately looks like an identifier (the demo's user names). Text inside
    <code>, <kbd> and <samp> is shown as code on purpose."""
    parents = _parents(page.root)
    body = page.root.find("body")
    findings = set()
    for text, element, _lang in _texts(body if body is not None else page.root):
        if _inside(element, parents, tags=("code", "kbd", "samp")):
            continue
        for token in SNAKE.findall(text):
            if token not in allowed:
                findings.add(f"raw identifier {token!r} in: {text.strip()[:100]}")
    return sorted(findings)


def wrong_language(page: Page) -> list[str]:
    """Interface text in the other language: English words on a Chinese page, Chinese on an English one.

    Only interface elements (labels, buttons, headings below the page title, column heads, navigation) are read;
    an element that declares its own `lang` (the language switch, a name kept in Chinese) is what it says, and one
    marked `translate="no"` (a person's name in the menu) is data shown as it is."""
    parents = _parents(page.root)
    body = page.root.find("body")
    findings = set()
    english = page.lang.startswith("en")
    for text, element, lang in _texts(body if body is not None else page.root):
        if lang and lang.split("-")[0] != page.lang.split("-")[0]:
            continue
        if not _inside(element, parents, tags=INTERFACE, classes=INTERFACE_CLASSES):
            continue
        if _inside(element, parents, tags=("code", "kbd", "samp")):
            continue
        if any(node.get("translate") == "no" for node in (element, *_ancestors(element, parents))):
            continue
        if english and HAN.search(re.sub("|".join(SAME_IN_BOTH["en"]), "", text)):
            findings.add(f"Chinese on an English page: {text.strip()[:100]}")
        elif not english:
            for run in ENGLISH_RUN.findall(text):
                if run not in SAME_IN_BOTH["zh"]:
                    findings.add(f"English on a Chinese page: {run!r} in: {text.strip()[:100]}")
    return sorted(findings)


def yuan_amounts(page: Page) -> list[str]:
    """Money in 元 on a page whose amounts are in 万元."""
    text = visible_text(page)
    if WAN_YUAN not in text:
        return []
    findings = {f"amount in yuan on a 万元 page: {m}" for m in YUAN_NUMBER.findall(text)}
    for match in YUAN_UNIT.finditer(text):
        if not text[match.start():match.end()].rstrip("元").endswith("万") and not text[:match.end()].endswith(
                WAN_YUAN):
            findings.add(f"amount in yuan on a 万元 page: {match.group(0)}")
    return sorted(findings)


def sideways_scroll(scroll_width: int, client_width: int, widest: str = "") -> list[str]:
    """The page scrolls sideways: something is wider than the screen."""
    if scroll_width > client_width:
        where = f"; {widest}" if widest else ""
        return [f"scrolls sideways: {scroll_width}px wide on a {client_width}px screen{where}"]
    return []


def console_errors(messages, refused_urls=frozenset()) -> list[str]:
    """Chromium's console errors and uncaught exceptions; (text, url) pairs. A page the role may not open (403,
    404) logs a failed load for itself, which is the answer working, not an error of the page."""
    return [f"console: {text[:200]}" for text, url in messages
            if not (text.startswith("Failed to load resource") and url in refused_urls)]


# JavaScript run in the page: the document's widths, and the element reaching furthest past the right edge that no
# narrower scrolling box holds (an absolutely placed one escapes a box that is not positioned, so it is not held).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const fits = (el) => el.getBoundingClientRect().right <= width + 0.5;
  const held = (el) => {
    if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) { return false; }
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible' && fits(p)) { return true; }
    }
    return false;
  };
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || fits(el) || held(el)) { continue; }
    if (!widest || box.right > widest.getBoundingClientRect().right) { widest = el; }
  }
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    String(el.getAttribute('class') || '').split(/\\s+/).filter(Boolean).map((c) => '.' + c).join('') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
          widest: widest ? describe(widest) : ''};
}"""

KINDS = ("html", "duplicate id", "unlabelled control", "raw identifier", "wrong language", "yuan amount",
         "sideways scroll", "console")


def check_html(html: str, allowed=frozenset()) -> dict[str, list[str]]:
    """Every check that reads the server's HTML, by kind."""
    page = parse(html)
    return {
        "html": html_errors(page),
        "duplicate id": duplicate_ids(page),
        "unlabelled control": unlabelled_controls(page),
        "raw identifier": raw_identifiers(page, allowed),
        "wrong language": wrong_language(page),
        "yuan amount": yuan_amounts(page),
    }
