"""Accessibility checks the browser tests share: axe-core's WCAG 2 A and AA rules, touch target sizes on phones, and
what keyboard focus looks like.

axe-core comes from the npm registry, pinned in .tools/package.json and .tools/package-lock.json (./scripts/setup
installs it beside bun); `AXE_CORE_JS` names another copy of axe.min.js (a checkout whose .tools is shared). The scan
runs only the pinned version: the axe loaded in the page must report it.
"""

import json
import os
from pathlib import Path

from playwright.sync_api import Locator, Page

from tests.browser.conftest import ROOT

AXE_JS = Path(os.environ.get("AXE_CORE_JS") or ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js")
AXE_VERSION = json.loads((ROOT / ".tools" / "package.json").read_text())["dependencies"]["axe-core"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
PHONE, LAPTOP = 375, 1280
MIN_TARGET_PX = 44  # touch targets on phones (WCAG 2.5.5)

# Runs axe on the page; answers its serious and critical violations as "rule (impact): element... : what to fix".
RUN_AXE = """async ([tags, impacts]) => {
    const found = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return found.violations.filter((v) => impacts.includes(v.impact)).flatMap((v) => v.nodes.map((node) =>
        `${v.id} (${v.impact}): ${node.target.join(" ")} ${node.html.slice(0, 160)} : ${node.failureSummary
            .replace(/\\s+/g, " ").slice(0, 300)}`));
}"""

# The controls a finger must hit on a phone that are smaller than `min` px either way: buttons, links, fields, the
# Radix controls; links inside a sentence are exempt (WCAG's "inline" exception), a checkbox or radio counts by its
# label, the whole of which takes the tap, and the card form is Stripe's (its own frame; a stand-in in the tests).
SMALL_TARGETS = """(min) => {
    const controls = "button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=combobox], "
        + "[role=checkbox], [role=radio], [role=switch], [role=tab], [role=menuitem], [role=option]";
    const seen = new Set();
    const small = [];
    for (const el of document.querySelectorAll(controls)) {
        if (el.closest("[aria-hidden=true], [hidden], [inert], #card-element")) continue;
        if (el.tagName === "A" && el.parentElement.closest("p, span, li")
            && el.parentElement.textContent.trim() !== el.textContent.trim()) continue;  // a link in a sentence
        const target = el.closest("label, .rt-TextFieldRoot") || el;  // what takes the tap
        if (seen.has(target)) continue;
        seen.add(target);
        const box = target.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (!box.width || !box.height || style.visibility === "hidden" || style.opacity === "0") continue;
        if (el.type === "file" || style.position === "absolute" && style.opacity < 0.1) continue;
        if (box.height < min - 0.5 || box.width < min - 0.5) {
            const name = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40);
            small.push(`target-size: ${el.tagName.toLowerCase()} "${name}" is ${Math.round(box.width)}x`
                + `${Math.round(box.height)} px (at least ${min}x${min} on a phone)`);
        }
    }
    return small;
}"""


# Waits for the page's animations and transitions (a toast fading in) to end: colours are measured as they settle.
SETTLED = "() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))"


def axe_problems(page: Page) -> list[str]:
    """The page's serious and critical WCAG 2 A/AA violations, one line each (axe-core injected once per load, and
    only the version .tools/package.json pins)."""
    page.evaluate(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
        loaded = page.evaluate("axe.version")
        assert loaded == AXE_VERSION, (
            f"{AXE_JS} is axe-core {loaded}, but .tools/package.json pins {AXE_VERSION}: run ./scripts/setup"
        )
    return page.evaluate(RUN_AXE, [WCAG_AA, list(SERIOUS)])


def small_targets(page: Page) -> list[str]:
    """The controls smaller than a fingertip's 44 px at the page's current width."""
    return page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)


def problems(page: Page) -> list[str]:
    """Everything wrong with the page as it shows now: axe's serious/critical violations on a laptop and on a phone,
    with the phone's touch targets too smaller than 44 px. Leaves the page at a laptop's width."""
    size = page.viewport_size or {"width": LAPTOP, "height": 800}
    found = [f"laptop {line}" for line in axe_problems(page)]
    page.set_viewport_size({"width": PHONE, "height": 800})
    found += [f"phone {line}" for line in axe_problems(page) + small_targets(page)]
    page.set_viewport_size(size)
    return list(dict.fromkeys(found))  # a problem seen at both widths once


# What the focused element looks like: whether a visible outline or ring marks it (Radix draws one on :focus-visible,
# on the element, one of its pseudo-elements, or a text field's frame).
FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "nothing is focused";
    const ring = (style) => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
        || style.boxShadow !== "none";
    const frame = el.closest(".rt-TextFieldRoot, .rt-TextAreaRoot, .rt-SelectTrigger") || el;
    const shown = [el, frame].some((part) => ring(getComputedStyle(part)) || ring(getComputedStyle(part, "::before"))
        || ring(getComputedStyle(part, "::after")));
    const name = (el.getAttribute("aria-label") || el.textContent || el.name || el.tagName).trim().slice(0, 40);
    return shown ? "" : `${el.tagName.toLowerCase()} "${name}" shows no focus ring`;
}"""


def focus_problem(page: Page) -> str:
    """ "" when the focused element shows that it has the focus (an outline or ring on it or its frame); otherwise
    what is focused and that it shows nothing."""
    return page.evaluate(FOCUS_SHOWN)


def tab_to(page: Page, target: Locator, problems: list[str], *, limit: int = 120) -> None:
    """Press Tab until `target` (its first match) has the focus, noting in `problems` every stop on the way that shows
    no focus; fails after `limit` presses (the element cannot be reached by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        # read at once (a page re-rendering between two reads could take the focus away in between)
        problem = page.evaluate(
            f"() => document.activeElement && document.activeElement !== document.body ? ({FOCUS_SHOWN})() : null"
        )
        if problem is None:
            continue  # past the page's end, in the browser's own bar (or the page re-rendering): Tab goes on
        if problem:
            problems.append(f"{page.url}: {problem}")
        if target.first.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab on {page.url}")


def focused_inside(page: Page, selector: str) -> bool:
    """Whether the focused element is inside what `selector` finds."""
    return page.evaluate("(selector) => !!document.activeElement?.closest(selector)", selector)
