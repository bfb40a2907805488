"""Cross-site scripting payloads for the security tests (test_frontend_security.py and
test_jupyterlab_robustness.py).

Each payload, if the page ever ran it (parsed it as markup, followed it as a URL, evaluated it as
a template), would bump the page-wide counter ``window.__xss`` (or ``top.__xss`` from a frame).
The widget must show every one of them as plain text, so the counter stays unset.
"""

from __future__ import annotations

# The code each payload tries to run. No quotes in it, so it fits any attribute context.
FLAG = "window.__xss=(window.__xss||0)+1"
TOP_FLAG = "top.__xss=(top.__xss||0)+1"
# FLAG with its first letter as an HTML character reference (decoded inside attributes).
FLAG_ENTITY = "&#119;indow.__xss=(window.__xss||0)+1"
# FLAG in base64, for payloads that decode it themselves.
FLAG_BASE64 = "d2luZG93Ll9feHNzPSh3aW5kb3cuX194c3N8fDApKzE="

PAYLOADS: list[str] = [
    # script elements and event-handler attributes
    f"<script>{FLAG}</script>",
    f"<img src=x onerror={FLAG}>",
    f'<img src="x" onerror="{FLAG}">',
    f"<svg onload={FLAG}>",
    f"<svg><script>{FLAG}</script></svg>",
    f"<svg><animate onbegin={FLAG} attributeName=x dur=1s>",
    f"<body onload={FLAG}>",
    f"<details open ontoggle={FLAG}>",
    f"<input autofocus onfocus={FLAG}>",
    f"<video><source onerror={FLAG}></video>",
    f"<audio src=x onerror={FLAG}>",
    f"<marquee onstart={FLAG}>x</marquee>",
    # javascript: URLs, in links, SVG links, MathML, objects, forms, bases
    f"javascript:{FLAG}",
    f'<a href="javascript:{FLAG}">click</a>',
    f'<a href="jav&#x09;ascript:{FLAG}">click</a>',
    f'<svg><a xlink:href="javascript:{FLAG}"><text x="20" y="20">click</text></a></svg>',
    f'<math href="javascript:{FLAG}">click</math>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={FLAG}></style></mglyph></table>"
    "</mtext></math>",
    f'<object data="javascript:{FLAG}"></object>',
    f'<embed src="javascript:{FLAG}">',
    f'<form action="javascript:{FLAG}"><button>go</button></form>',
    f'<base href="javascript:{FLAG}//">',
    f'<iframe src="javascript:{TOP_FLAG}"></iframe>',
    f'<iframe srcdoc="&lt;script&gt;{TOP_FLAG}&lt;/script&gt;"></iframe>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{FLAG}">',
    f'<link rel=stylesheet href="javascript:{FLAG}">',
    # attribute and element break-outs
    f'" onmouseover="{FLAG}" x="',
    f"' onmouseover='{FLAG}' x='",
    f'"><img src=x onerror={FLAG}>',
    f"</style><script>{FLAG}</script>",
    f"</textarea><script>{FLAG}</script>",
    f'<noscript><p title="</noscript><img src=x onerror={FLAG}>">',
    f"<style>@import 'javascript:{FLAG}';</style>",
    f'<div style="background:url(javascript:{FLAG})">x</div>',
    # template tricks
    f"{{{{constructor.constructor('{FLAG}')()}}}}",
    f"${{{FLAG}}}",
    f"`${{{FLAG}}}`",
    # direction override and encoded variants
    f"\u202e<img src=x onerror={FLAG}>gnp.exe",
    f"&lt;img src=x onerror={FLAG}&gt;",
    f"<img src=x onerror={FLAG_ENTITY}>",
    f"<img src=x onerror=eval(atob('{FLAG_BASE64}'))>",
    "%3Cimg%20src%3Dx%20onerror%3D" + FLAG.replace("=", "%3D") + "%3E",
    f"\\x3cimg src=x onerror={FLAG}\\x3e",
    f"\\u003cscript\\u003e{FLAG}\\u003c/script\\u003e",
]

# What a payload would leave in the page had it been parsed as markup (inside the widget).
INJECTED_SELECTOR = ", ".join(
    [
        "script",
        "img",
        "iframe",
        "object",
        "embed",
        "form",
        "base",
        "meta",
        "link",
        "style",
        "details",
        "math",
        "video",
        "audio",
        "marquee",
        "noscript",
        "textarea",
        "input:not(.lw-members-search, .lw-filter-input)",
        "svg[onload]",
        "animate",
        "a[href^='javascript' i]",
        "[style*='javascript' i]",
    ]
)

# For ``locator.evaluate(COUNT_INJECTED_JS, INJECTED_SELECTOR)``: what, inside the located
# element, a payload would have created (elements, on* attributes); empty when all is text.
COUNT_INJECTED_JS = """
(scope, selector) => {
  const elements = [...scope.querySelectorAll(selector)].map((e) => e.outerHTML.slice(0, 80));
  const handlers = [...scope.querySelectorAll("*")].flatMap((e) =>
    [...e.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name));
  return [...elements, ...handlers];
}
"""

assert len(set(PAYLOADS)) == len(PAYLOADS) >= 30

# For ``page.evaluate(FAILED_IMAGES_SETTLED_JS)``, before checking ``window.__xss``: resolves once
# an <img src=x> of the test's own has failed to load and its error event has run. By then the
# error event of every <img src=x> a payload created earlier (loads of one URL finish in order)
# would have run too: an event to wait on, where a fixed pause would guess.
FAILED_IMAGES_SETTLED_JS = """
() => new Promise((resolve) => {
  const probe = new Image();
  probe.onerror = probe.onload = () => setTimeout(resolve, 0);
  probe.src = "x";
})
"""
