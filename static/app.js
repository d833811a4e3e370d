// ShopCS: small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // One submit per form: a double click must not send the form twice.
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  setTimeout(function () { form.dataset.submitted = ""; }, 4000);
});

// The top bar's menus are <details>: with JS, one is open at a time and a click elsewhere or Escape closes it.
(function () {
  function menus() { return document.querySelectorAll(".topbar details.navmenu[open]"); }
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus().forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (menu.contains(document.activeElement) && summary) { summary.focus(); }
    });
  });
})();
