// The opportunity board: drag a card onto another stage's column. The drop fills in the card's
// own move form and submits it, so a drag is the same request as the keyboard path:
// concurrency-checked by the version the page showed. Dropped on a lost stage, the card first
// asks for the reason in its own field.
(function () {
  "use strict";
  const board = document.querySelector(".board");
  if (!board) return;
  let dragged = null;
  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("article.deal");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.deal);
    dragged.classList.add("dragging");
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    board.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
  });
  board.addEventListener("dragover", function (event) {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    board.querySelectorAll(".drop-target").forEach((c) => c !== column && c.classList.remove("drop-target"));
    column.classList.add("drop-target");
  });
  board.addEventListener("drop", function (event) {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    const form = dragged.querySelector("form");
    const select = form.querySelector("select[name=stage]");
    if (select.value === column.dataset.stage) return;
    const reason = form.querySelector("input[name=close_reason]");
    select.value = column.dataset.stage;
    column.appendChild(dragged);
    if (column.dataset.outcome === "lost" && !reason.value.trim()) {
      // A lost deal needs its reason: the card waits in the column for it, then Move sends it.
      reason.placeholder = board.dataset.lostPrompt || reason.placeholder;
      reason.required = true;
      reason.focus();
      return;
    }
    form.submit();
  });
})();
