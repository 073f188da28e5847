// Job page: while the job waits or runs, poll its status; reload once it has ended (the server renders the result).
(function () {
  var state = document.getElementById("job-state");
  if (!state || !/^(queued|running)$/.test(state.dataset.state)) return;
  var progress = document.getElementById("job-progress");
  var queue = document.getElementById("job-queue");
  function poll() {
    fetch("/api/jobs/" + state.dataset.job, {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.state !== "queued" && job.state !== "running") { window.location.reload(); return; }
        state.textContent = job.state;
        state.dataset.state = job.state;
        queue.textContent = job.queue_position ? "(number " + job.queue_position + " in the queue)" : "";
        progress.innerHTML = "";
        job.progress.forEach(function (step) {
          var item = document.createElement("li");
          item.textContent = step;
          progress.appendChild(item);
        });
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
