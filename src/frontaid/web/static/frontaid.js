// Small behaviours every page shares. A static file, never inline: the hub's
// Content-Security-Policy runs only scripts served from /static.
(function () {
  "use strict";
  // A button with data-confirm asks before its form is sent (e.g. cancelling a request).
  document.addEventListener("click", function (ev) {
    var el = ev.target instanceof Element ? ev.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopPropagation();
    }
  }, true);
})();

// Every form that writes through htmx: shown as in progress and disabled until the hub
// answers, and when the answer does not come (no Wi-Fi, a timeout, an error, an ended
// session) a plain message says that nothing was confirmed and what to do. A green
// "handed out" from an earlier tap is taken away before the new request leaves, so the
// screen never shows a success that did not happen.
(function () {
  "use strict";
  var TIMEOUT_MS = 20000;
  document.addEventListener("htmx:configRequest", function (ev) {
    if (!ev.detail.timeout) ev.detail.timeout = TIMEOUT_MS;
  });
  function msg(name, status) {
    var text = document.body.getAttribute("data-msg-" + name) || "";
    return text.replace("{status}", String(status || ""));
  }
  function formOf(ev) {
    var elt = ev.detail && ev.detail.elt;
    return elt && elt.closest ? elt.closest("form") : null;
  }
  function buttons(form) {
    return form ? form.querySelectorAll("button[type=submit], button:not([type])") : [];
  }
  function target(ev) {
    return (ev.detail && ev.detail.target) || document.querySelector("main");
  }
  function clearNotices(where) {
    if (!where) return;
    where.querySelectorAll(".notice.ok, .notice.failed").forEach(function (n) { n.remove(); });
  }
  function say(ev, text, login) {
    var where = target(ev);
    clearNotices(where);
    var p = document.createElement("p");
    p.className = "notice warning failed";
    p.setAttribute("role", "alert");
    p.textContent = text;
    if (login) {
      var a = document.createElement("a");
      a.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
      a.textContent = " " + msg("login");
      p.appendChild(a);
    }
    var form = formOf(ev);
    if (form && form.parentNode && where && where.contains(form)) {
      form.parentNode.insertBefore(p, form);
    } else if (where) {
      where.insertBefore(p, where.firstChild);
    }
    p.scrollIntoView({block: "nearest"});
  }
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var form = formOf(ev);
    if (!form || (ev.detail.requestConfig && ev.detail.requestConfig.verb === "get")) return;
    clearNotices(target(ev));
    buttons(form).forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-busy", "true");
      b.setAttribute("data-label", b.textContent);
      b.textContent = msg("busy");
    });
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    buttons(formOf(ev)).forEach(function (b) {
      if (!b.isConnected) return;
      b.disabled = false;
      b.removeAttribute("aria-busy");
      if (b.hasAttribute("data-label")) b.textContent = b.getAttribute("data-label");
    });
  });
  document.addEventListener("htmx:sendError", function (ev) { say(ev, msg("network")); });
  document.addEventListener("htmx:sendAbort", function (ev) { say(ev, msg("network")); });
  document.addEventListener("htmx:timeout", function (ev) { say(ev, msg("timeout")); });
  document.addEventListener("htmx:responseError", function (ev) {
    var xhr = ev.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status === 401) { say(ev, msg("session"), true); return; }
    // A refusal the hub explained (a role, an out-of-date form): its own words, from its page.
    var told = "";
    if (xhr && status < 500 && xhr.responseText) {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var alert = page.querySelector("main [role=alert]");
      told = alert ? alert.textContent.trim() : "";
    }
    say(ev, told || msg("server", status));
  });
})();

// Switching language keeps the page as it is now: a household opened by htmx pushed its address
// (/desk?household=...) after the link was drawn, so the link takes the current address at the tap.
document.addEventListener("click", function (ev) {
  const a = ev.target instanceof Element ? ev.target.closest("a.lang-switch") : null;
  if (!a) return;
  const url = new URL(a.href, window.location.href);
  url.searchParams.set("next", window.location.pathname + window.location.search);
  a.href = url.pathname + url.search;
});
