// Documents page: upload and delete through the HTTP API with the key typed in here.
// The key lives only in this tab's sessionStorage; the server never puts it in a page.
"use strict";
(function () {
  var writes = document.getElementById("writes");
  if (!writes) {
    return;
  }
  var api = writes.dataset.api || "";
  var keyInput = document.getElementById("api-key");
  var keyState = document.getElementById("key-state");
  var status = document.getElementById("status");
  var STORE = "qa-bot.api-key";
  var FLASH = "qa-bot.flash";

  function key() {
    return sessionStorage.getItem(STORE) || "";
  }

  // kind: "busy" while a request runs, then "ok" or "error"
  function show(message, kind) {
    status.textContent = message;
    status.className = kind;
  }

  function showKeyState() {
    keyState.textContent = key() ? "a key is set for this tab" : "no key set";
  }

  // The API's own error message (and hint), so the person sees why it failed.
  function errorText(response, body) {
    var error = body && body.error;
    if (error && error.message) {
      return error.message + (error.hint ? " (" + error.hint + ")" : "");
    }
    return "the server answered " + response.status;
  }

  function send(method, path, body) {
    return fetch(api + path, {
      method: method,
      headers: { "X-API-Key": key() },
      body: body,
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          if (!response.ok) {
            throw new Error(errorText(response, data));
          }
          return data;
        });
    });
  }

  function done(message) {
    sessionStorage.setItem(FLASH, message);
    window.location.reload();
  }

  document.getElementById("key-form").addEventListener("submit", function (event) {
    event.preventDefault();
    sessionStorage.setItem(STORE, keyInput.value);
    keyInput.value = "";
    showKeyState();
  });

  document.getElementById("forget-key").addEventListener("click", function () {
    sessionStorage.removeItem(STORE);
    showKeyState();
  });

  document.getElementById("upload-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var file = document.getElementById("file").files[0];
    if (!file) {
      show("choose a file first", "error");
      return;
    }
    var form = new FormData();
    form.append("file", file, file.name);
    show("uploading " + file.name + " and indexing it…", "busy");
    send("POST", "/documents", form)
      .then(function (doc) {
        done(doc.action + ": " + doc.title + " (" + doc.path + "), answerable now");
      })
      .catch(function (error) {
        show("Upload failed: " + error.message, "error");
      });
  });

  document.querySelectorAll("button.delete").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!window.confirm("Delete " + button.dataset.title + "?")) {
        return;
      }
      send("DELETE", "/documents/" + encodeURIComponent(button.dataset.id))
        .then(function (doc) {
          done("deleted: " + doc.title);
        })
        .catch(function (error) {
          show("Delete failed: " + error.message, "error");
        });
    });
  });

  var flash = sessionStorage.getItem(FLASH);
  if (flash) {
    sessionStorage.removeItem(FLASH);
    show(flash, "ok");
  }
  showKeyState();
})();
