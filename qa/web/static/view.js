// The document view: bring the highlighted quote to the middle of the screen.
"use strict";
(function () {
  var quote = document.getElementById("quote");
  if (quote) {
    quote.scrollIntoView({ block: "center" });
  }
})();
