// The countdown to a call's closing on its page: the server wrote the seconds left; this keeps it ticking.
(function () {
  var box = document.querySelector("[data-ms-countdown]");
  if (!box) return;
  var text = box.querySelector("[data-ms-countdown-text]");
  var end = Date.now() + 1000 * parseInt(box.getAttribute("data-ms-remaining"), 10);
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    text.textContent = zh ? d + " 天 " + pad(h) + ":" + pad(m) + ":" + pad(s)
                          : d + " d " + pad(h) + ":" + pad(m) + ":" + pad(s);
    if (left > 0) window.setTimeout(tick, 1000);
  }
  tick();
})();
