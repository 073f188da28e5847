// Forms: refuse a file larger than the server accepts before uploading it, with the message in #error.
(function () {
  function showError(message) {
    var box = document.getElementById("error");
    if (!box) {
      box = document.createElement("div");
      box.id = "error";
      box.className = "error";
      box.setAttribute("role", "alert");
      var heading = document.querySelector("main h1");
      heading.parentNode.insertBefore(box, heading.nextSibling);
    }
    box.textContent = message;
  }
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var limit = Number(form.dataset.maxBytes);
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        var file = input.files && input.files[0];
        if (file && file.size > limit) {
          event.preventDefault();
          showError("the upload (" + file.size.toLocaleString("en") + " bytes) is larger than the " +
                    (limit / 1048576) + " MiB this server accepts");
        }
      });
    });
  });
})();
