// The panic wipe's confirmation: hold the button for data-hold-ms (one second); letting go cancels.
// A file of its own, not inline: the pages' Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var button = document.getElementById("wipe-hold");
  if (!button) { return; }
  var form = document.getElementById("wipe-form");
  var hold = parseInt(button.getAttribute("data-hold-ms"), 10) || 1000;
  var held = document.getElementById("wipe-held");
  var timer = null;
  var since = 0;
  var sent = false;

  function start(event) {
    if (event) { event.preventDefault(); }
    if (timer || sent) { return; }
    button.classList.add("holding");
    button.style.setProperty("--hold", hold + "ms");
    since = Date.now();
    timer = window.setTimeout(function () {
      timer = null;
      sent = true;
      button.classList.remove("holding");
      button.classList.add("sent");
      held.value = String(Math.max(hold, Date.now() - since));
      form.submit();
    }, hold);
  }

  function cancel() {
    if (!timer) { return; }
    window.clearTimeout(timer);
    timer = null;
    button.classList.remove("holding");
  }

  button.addEventListener("pointerdown", start);
  button.addEventListener("pointerup", cancel);
  button.addEventListener("pointerleave", cancel);
  button.addEventListener("pointercancel", cancel);
  button.addEventListener("keydown", function (event) {
    if (event.key === " " || event.key === "Enter") {
      if (!event.repeat) { start(event); } else { event.preventDefault(); }
    }
  });
  button.addEventListener("keyup", function (event) {
    if (event.key === " " || event.key === "Enter") { cancel(); }
  });
}());
