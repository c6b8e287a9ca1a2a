// embed/commands.js: what the host page's commands do to an embed's figure app (messages.js checks
// who may send them and their arguments). setState sets the state as a control would: a value is
// applied whole or refused with the setting's name, never cut; code it brings goes through the code
// gate like any other (app/code-gate.js): it is shown, and runs only after the reader's click.
const NOT_SETTABLE = ["api", "lazy"]; // chosen by the page that made the embed, not by commands

/** handlers for listenForCommands: step({n}), play(), pause(), reset(), setState({state}). */
export function embedCommands(app) {
  const { controller, schema } = app;
  const currentStep = () => app.step ?? 0;
  return {
    // n steps of training (the shown records may be every 2nd step: step until the step has grown by n)
    step: async ({ n = 1 }) => {
      const target = currentStep() + n;
      for (let guard = 0; currentStep() < target && guard < n; guard++) {
        const before = currentStep();
        await controller.step();
        // nothing more to show (the chapter's end, the precomputed runs' end)
        if (currentStep() === before) break;
      }
    },
    play: () => controller.play(),
    pause: () => controller.pause(),
    reset: () => app.setup(),
    setState: async ({ state: patch }) => {
      if (!patch || typeof patch !== "object") throw new Error("setState needs args.state, an object");
      const wanted = Object.fromEntries(
        Object.entries(patch)
          .filter(([k]) => !NOT_SETTABLE.includes(k))
          .map(([k, x]) => [k, String(x)]),
      );
      const step = wanted.step;
      delete wanted.step;
      const r = app.set(wanted);
      await app.settled; // the new runs (if any) are set up before the reply
      if (step !== undefined) {
        const p = schema.parse("step", step);
        if (!p.ok) r.errors.step = p.error;
        else await app.showStep(p.value);
      }
      return r;
    },
  };
}
