// The minimal proof that Python works in the worker: versions, and the loss of a few training
// steps computed by pyinit.api.run (the same call as `pyinit run` on the command line).

export const PROOF_CONFIG = {
  dataset: "moons",
  n_samples: 200,
  noise: 0.1,
  hidden: [16, 16],
  activation: "tanh",
  init: "xavier",
  lr: 0.5,
  batch_size: 200,
  steps: 20,
  every: 5,
  seed: 0,
};

export async function runProof(py, versions) {
  for (const key of ["pyinit", "numpy", "python"]) {
    document.getElementById(`version-${key}`).textContent = versions[key] ?? "?";
  }
  const run = await py.call("api.run", { config: PROOF_CONFIG });
  const c = run.config;
  document.getElementById("proof-config").textContent =
    `${c.dataset}, ${c.n_samples} points, 2-${c.hidden.join("-")}-1 ${c.activation}, ` +
    `${c.init} init, learning rate ${c.lr}, seed ${c.seed}`;
  const body = document.querySelector("#proof-losses tbody");
  body.replaceChildren();
  const losses = run.loss;
  run.steps.forEach((step, i) => {
    const tr = document.createElement("tr");
    const td1 = document.createElement("td");
    const td2 = document.createElement("td");
    td1.textContent = String(step);
    td2.textContent = Number(losses[i]).toFixed(6);
    tr.append(td1, td2);
    body.append(tr);
  });
  document.getElementById("proof").dataset.state = "done";
  return run;
}
