// Gives the focus back to the control that opened a dialog when the dialog closes (WCAG 2.4.3; docs/ACCESSIBILITY.md).
// Radix gives it back only to a dialog's own trigger: most of ours are opened by the server (their `open` is a state
// var), so Radix would leave the focus on the page's body. components/dialog.py passes `opened` and `closed` to every
// dialog's content (Radix's onOpenAutoFocus and onCloseAutoFocus), which the app loads in every page's head.
// Likewise a form's submit button that the server's answer takes away (a place saved hides "Use this place") would
// leave the focus on the body: it goes to the nearest control still shown around where the button was.
window.instainstruDialogs = (function () {
  const CONTROL = "button, a[href], input, select, textarea, [tabindex], [role=button]";
  const openers = new WeakMap(); // a dialog's content -> the control that opened it
  let lastClicked = null; // Safari does not focus a button it clicks: the one clicked last stands in for it

  document.addEventListener(
    "click",
    (event) => {
      const control = event.target instanceof Element ? event.target.closest(CONTROL) : null;
      if (control && !control.closest("[role=dialog], [role=alertdialog]")) lastClicked = control;
    },
    true,
  );

  // The containers of `control`, nearest first, up to its page's <main>: one of them may outlive it (another page
  // shown has a <main> of its own, so nothing of a page left behind is kept).
  function around(control) {
    const found = [];
    for (let el = control.parentElement; el && el !== document.body; el = el.parentElement) {
      found.push(el);
      if (el.tagName === "MAIN") break;
    }
    return found;
  }

  // Focus the first control a person could Tab to in the nearest of `containers` still shown, else that container
  // itself (made focusable); nothing when none is shown any more.
  function focusNear(containers) {
    const container = containers.find((el) => el.isConnected);
    if (!container) return;
    const shown = [...container.querySelectorAll(CONTROL)].find(
      (el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0,
    );
    if (shown) return shown.focus();
    container.setAttribute("tabindex", "-1");
    container.focus();
  }

  document.addEventListener(
    "submit",
    (event) => {
      const button = event.submitter;
      if (!button) return;
      const containers = around(button);
      const watch = new MutationObserver(() => {
        if (button.isConnected) return;
        watch.disconnect();
        if (!document.activeElement || document.activeElement === document.body) focusNear(containers);
      });
      watch.observe(document.body, { childList: true, subtree: true });
      setTimeout(() => watch.disconnect(), 15000); // the answer came long ago, or never will
    },
    true,
  );

  return {
    // A dialog opens: the focus is still where it was, about to move inside the dialog.
    opened(event) {
      const focused = document.activeElement;
      const opener = focused && focused !== document.body ? focused : lastClicked;
      if (!opener || !(event.target instanceof Element)) return;
      openers.set(event.target, { opener, around: around(opener) });
    },
    // A dialog closed: the focus goes back to its opener if the page still shows it; if what the dialog did removed
    // it (a lesson cancelled takes its "Cancel" away), to the first control of its nearest container still shown, or
    // to that container (Radix's own choice when the dialog knew no opener).
    closed(event) {
      const known = openers.get(event.target);
      openers.delete(event.target);
      if (!known) return;
      event.preventDefault();
      if (known.opener.isConnected) return known.opener.focus();
      const main = document.querySelector("main");
      focusNear(main ? [...known.around, main] : known.around);
    },
  };
})();
