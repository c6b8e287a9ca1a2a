// settings-panel.js: the lab's settings form ("More panels"): one control per setting in its group,
// the panels' own tools (e.g. which layer's trajectories), and the cross-setting rules checked before
// a value reaches the state (controls.js crossCheck). When Python could not start, new run settings
// cannot be trained: the form's run groups are disabled as a whole (their fieldsets), so the reader
// sees why nothing happens; what is shown (speed, the panels' tools) still changes.
//
//   const settings = createSettingsPanel(app, {groups: {fieldsetId: [names]}, speed: "ctl-speed"});
//   settings.tools(slot, names)   the controls of a panel's tools, in its slot
//   settings.sync()               put the state's values into every control
import { createControls, crossCheck } from "./controls.js";

// the settings a rule ties together: an error is shown on (and cleared from) all of them
const RELATED = {
  n_samples: ["n_samples", "batch_size"],
  left_init: ["left_init", "left_scale"],
  right_init: ["right_init", "right_scale"],
  optimizer: ["optimizer", "momentum"],
  momentum: ["optimizer", "momentum"],
};

export function createSettingsPanel(app, { groups, speed }) {
  const { schema, state } = app;
  const $ = (id) => document.getElementById(id);
  let sets = [],
    toolSets = [];
  /** A control's typed, valid value: applied unless a cross-setting rule refuses it. */
  function commit(patch, key) {
    const errs = crossCheck({ ...state.all(), ...patch }, schema);
    const related = RELATED[key] || [key];
    for (const set of [...sets, ...toolSets])
      for (const n of related) if (set.elements[n]) set.setError(n, errs[n] || null);
    if (related.some((n) => errs[n])) return false;
    state.set(patch);
    return true;
  }
  const make = (box, names) => createControls(box, names, state, { schema, onCommit: commit });
  sets = Object.entries(groups).map(([id, names]) => make($(id), names));
  sets.push(make($(speed), ["speed"]));
  const sync = () => [...sets, ...toolSets].forEach((set) => set.sync());
  app.on("state", sync);
  app.on("language", sync);
  sync();
  app.on("python-failed", () => {
    for (const id of Object.keys(groups)) $(id).disabled = true;
  });
  return {
    sync,
    /** The panels' tools ("More panels" rows), made anew whenever the rows are rebuilt. */
    tools(slots, toolsOf) {
      toolSets = Object.entries(slots)
        .filter(([id]) => toolsOf(id))
        .map(([id, slot]) => make(slot, toolsOf(id)));
      sync();
    },
  };
}
