// English strings of the guided tour (merged into en.js once the lab page is finished).
export default {
  // language switch
  "lang.label": "Language",
  "lang.en": "English",
  "lang.pl": "Polski",
  "lang.changed": "Language: English",

  // tour frame
  "tour.heading": "Guided tour",
  "tour.intro": "Eight short chapters answer the question “why is initializing the weights with zeros dangerous?” — each with a live experiment. “Try it” loads the chapter's setup into the lab below.",
  "tour.toc": "Chapters",
  "tour.tocToggle": "All chapters",
  "tour.chapterOf": "Chapter {n} of {total}",
  "tour.prev": "Previous",
  "tour.next": "Next",
  "tour.prevTitle": "Previous: {title}",
  "tour.nextTitle": "Next: {title}",
  "tour.tryIt": "Try it in the lab",
  "tour.tryItDone": "Loaded chapter {n} into the lab: {title}. Press Play or Step.",
  "tour.formula": "The formula",
  "tour.takeaway": "Takeaway",
  "tour.result": "Measured here",
  "tour.view": "Experiment",
  "tour.waiting": "Waiting for Python to start…",
  "tour.computing": "Computing in your browser…",
  "tour.failed": "The experiment failed: {message}",
  "tour.noPython": "This experiment needs Python, which could not start.",
  "tour.table": "The numbers as a table",
  "tour.skip": "Skip to the tour",

  // chapter 1
  "tour.simple.title": "The simple example",
  "tour.simple.body": "The smallest network that needs a hidden layer: two inputs, four tanh units and one sigmoid output, trained on XOR. Both runs see the same points in the same order; only the start differs. Left: every weight and bias is 0. Right: random Xavier weights. Press Play. On the right the loss falls and the boundary curls around the four clusters. On the left every weight stays a flat line at exactly 0, and the loss stays at ln 2 ≈ 0.693 — the loss of answering 0.5 everywhere. Both classes have as many points, so even the output bias gets a gradient of exactly zero. This is not slow learning. It is no learning, and it never starts.",
  "tour.simple.formula": "dW₁ = Xᵀ·δ₁ / n,  δ₁ = (δ₂·W₂ᵀ) ⊙ tanh′(z₁) = 0 because W₂ = 0;  dW₂ = a₁ᵀ·δ₂ / n = 0 because a₁ = tanh(0) = 0",
  "tour.simple.takeaway": "From all-zero weights this network does not learn at all — not slowly, not ever.",

  // chapter 2
  "tour.additive.title": "Updates add, they don't multiply",
  "tour.additive.body": "One answer in the thread says that backpropagation multiplies each weight by its delta, so a weight that starts at 0 stays 0. That is not how it works. Gradient descent adds a step to each weight, W ← W − η·dW, and dW = aᵀ·δ / n does not contain W at all. The test: remove the hidden layer (logistic regression) and train on linearly separable data, one run from zeros and one from random weights. Both learn, and the zero start ends as well as the random one. For a single layer a zero start is harmless. With a hidden layer the trouble lies elsewhere: the factors of dW that vanish are the activations a, or the deltas δ sent back through zero weights — not the weight itself.",
  "tour.additive.formula": "W ← W − η·dW,  dW = aᵀ·δ / n  (W does not appear on the right)",
  "tour.additive.takeaway": "Zero is a fine start for a single layer; the trouble begins with hidden layers.",

  // chapter 3
  "tour.clones.title": "Clones",
  "tour.clones.body": "Start every weight at 0.5 instead of 0 — any constant behaves the same way. Now the hidden units output something non-zero and get non-zero gradients, so they move. But look at the weight lines of the left run: four units, and their lines lie exactly on top of each other, for ever. Each unit gets the same inputs through the same weights, so it computes the same z and a; the output layer sends each one the same δ; so each gets the same update. Identical units stay identical, bit for bit. The symmetry measure S stays at exactly 0, and the layer of four units is worth one unit: its boundary is a single straight cut.",
  "tour.clones.formula": "W[:, j] = W[:, k] ⇒ z_j = z_k ⇒ δ_j = δ_k ⇒ dW[:, j] = dW[:, k]",
  "tour.clones.takeaway": "A constant start turns a layer of n units into n copies of one unit.",

  // chapter 4
  "tour.stuck.title": "Stuck or symmetric",
  "tour.stuck.body": "Why did zeros freeze completely in chapter 1, while 0.5 moved in chapter 3? It depends on f(0). With tanh or ReLU, f(0) = 0: from zero weights and biases every hidden activation is 0, so the output layer's dW = aᵀ·δ is 0, and the δ sent back through W = 0 is 0. Every weight gradient is exactly zero — a saddle point of the loss (see the loss landscape) — and only the output bias can learn. With sigmoid, f(0) = 0.5: the output weights get a gradient first, the layer below one step later, one layer per step towards the input (table below, two hidden layers). The units of a layer move together and stay symmetric. The lab uses mini-batches of 10: over all points, with exactly balanced classes, mean(a − y) = 0 and even sigmoid stays put.",
  "tour.stuck.formula": "f(0) = 0 ⇒ a = 0 ⇒ dW_out = aᵀ·δ = 0;  W = 0 ⇒ δ_hidden = (δ·Wᵀ) ⊙ f′(z) = 0",
  "tour.stuck.takeaway": "f(0) = 0 gives a frozen saddle; f(0) ≠ 0 gives clones. Either way a layer is worth one unit.",

  // chapter 5
  "tour.noise.title": "A little noise is enough",
  "tour.noise.body": "Symmetry is exact, so the smallest asymmetry breaks it. Start from zeros plus Gaussian noise of standard deviation ε on every weight, and train eight networks together, ε = 10⁻¹ … 10⁻⁸ (same data, same batches, the same noise pattern, only scaled). Every run escapes, and the smaller ε, the later: near the saddle the differences between units grow by a roughly constant factor per step, so growing from ε to a visible size takes a number of steps proportional to log(1/ε). The plot marks each ε's break step — the first step at which the symmetry measure S reaches τ — against ε on a log axis. The points fall on a straight line.",
  "tour.noise.formula": "S(t) ≈ ε·exp(λt)  ⇒  t_break ≈ ln(τ/ε) / λ",
  "tour.noise.takeaway": "The noise does not have to be large — it only has to be there. Tiny noise costs time, not success.",

  // chapter 6
  "tour.restarts.title": "Different starts, different answers",
  "tour.restarts.body": "Another answer in the thread: we randomize because networks get stuck in local minima, and different starts land in different ones. That is a second, separate reason, and it is true as well. Here 16 networks with only two hidden units — same data, same batches — train together, each from its own random seed. Their final boundaries differ, and so do their final losses: some solve most of XOR, others settle for a worse answer. From zeros all 16 would be one and the same run, so this variety needs randomness. But restarts are not what makes random initialization work: a single random start already breaks the symmetry.",
  "tour.restarts.formula": "θ₀⁽ᵏ⁾ ~ Xavier(seed k), k = 1 … 16  ⇒  16 different end points θ*⁽ᵏ⁾",
  "tour.restarts.takeaway": "Random starts also let you sample different solutions — a bonus, not the main reason.",

  // chapter 7
  "tour.scale.title": "Scale matters too",
  "tour.scale.body": "Random is necessary but not sufficient. Push a batch through a 30-layer network of width 64 at initialization: at every layer the spread of the signal is multiplied by a factor set by the weight variance. Too small (σ = 0.01): activations and gradients shrink towards 0 layer after layer. Too large (σ = 1): ReLU activations explode; tanh units saturate near ±1, and the gradients, multiplied by large weights at every layer, explode towards the input. Xavier (Var W = 2/(fan_in + fan_out)) suits tanh; with ReLU it halves the variance at every layer, because ReLU sets half of its inputs to 0. He (Var W = 2/fan_in) makes up for that factor of 2 — the result of He et al. (2015). In the lab (four ReLU layers of 16), σ = 0.01 stays at ln 2 for all 1,000 steps, while He learns the circles.",
  "tour.scale.formula": "Var(z[l+1]) = fan_in · Var(W) · E[f(z[l])²];  ReLU: E[f(z)²] = Var(z) / 2",
  "tour.scale.takeaway": "Choose the variance so the signal neither vanishes nor explodes: Xavier for tanh, He for ReLU.",

  // chapter 8
  "tour.reproduce.title": "A known result, reproduced",
  "tour.reproduce.body": "A classic course exercise: a disc of points inside a ring (300 points), a [2, 10, 5, 1] ReLU network, learning rate 0.01, 15,000 steps on all the points. From zeros the network gives every point the same answer and stays at chance accuracy, with the loss at ln 2. From He initialization the same network, on the same data with the same code, learns the circles. The only difference is the line that sets the first weights. Press the button below to repeat it here. (The lab gives every hidden layer the same width, so “Try it” runs [2, 10, 10, 1].)",
  "tour.reproduce.formula": "He: W ~ N(0, 2 / fan_in)   vs   W = 0",
  "tour.reproduce.takeaway": "Initialization is not a detail: it decides whether training starts at all.",

  // chapter views
  "view.stuck.caption": "First step at which each layer's weight gradient dW is not exactly zero, from all-zero weights and biases (two hidden layers, the first {steps} steps).",
  "view.stuck.activation": "activation",
  "view.stuck.layer": "layer {l}",
  "view.stuck.output": "output layer",
  "view.stuck.never": "never (exactly 0)",
  "view.stuck.step": "step {step}",
  "view.stuck.bias": "output bias moves",
  "view.stuck.yes": "yes",
  "view.stuck.no": "no",
  "view.stuck.chart": "Sigmoid from zeros: ‖dW‖ per layer over the first steps",
  "view.stuck.result": "tanh and ReLU: every dW is exactly 0 at every step. Sigmoid: the output layer gets a gradient at step {out}, then {hidden}.",
  "view.stuck.layerAt": "layer {l} at step {step}",

  "view.noise.breakChart": "Break step against ε",
  "view.noise.curves": "Symmetry measure S of the hidden layer over steps, one line per ε (log scale); the dotted line is τ",
  "view.noise.eps": "ε",
  "view.noise.break": "break step",
  "view.noise.fit": "straight-line fit",
  "view.noise.tau": "τ = {tau}",
  "view.noise.never": "not within {steps} steps",
  "view.noise.result": "Measured (τ = {tau}): break steps {list}. Each factor of 10 in ε costs about {perDecade} steps (straight-line fit, R² = {r2}).",
  "view.noise.finalLoss": "final loss",

  "view.restarts.maps": "Final decision boundaries of the 16 restarts",
  "view.restarts.lossChart": "Final loss per restart",
  "view.restarts.seed": "seed",
  "view.restarts.cell": "seed {seed}: loss {loss}, accuracy {acc}",
  "view.restarts.result": "Measured after {steps} steps: final losses from {min} to {max}, {distinct} distinct values (rounded to two decimals).",

  "view.signal.act": "Activation spread (std) per layer",
  "view.signal.grad": "Gradient spread (std of δ) per layer",
  "view.signal.layer": "layer",
  "view.signal.std": "std (log scale)",
  "view.signal.activation": "Activation function",
  "view.signal.init": "init",
  "view.signal.layerN": "layer {l}",
  "view.signal.result": "Measured with {act}: activation std at layer {last} ÷ layer 1 — {list}.",
  "view.signal.init.normal:0.01": "σ = 0.01 (too small)",
  "view.signal.init.normal:1": "σ = 1 (too large)",
  "view.signal.init.xavier": "Xavier",
  "view.signal.init.he": "He",

  "view.reproduce.run": "Run {steps} steps",
  "view.reproduce.running": "Step {step} of {steps}…",
  "view.reproduce.stop": "Stop",
  "view.reproduce.chart": "Accuracy (top) and loss (bottom) over steps",
  "view.reproduce.result": "Measured after {steps} steps: from zeros accuracy {zero_acc} (loss {zero_loss}); from He accuracy {he_acc} (loss {he_loss}).",
  "view.reproduce.hint": "Runs in your browser, a few seconds to a minute.",
  "view.init.zeros": "zeros",
  "view.init.he": "He",


  // the lab's numbers at the shown step (text alternative of the charts)
  "numbers.summary": "The numbers at the shown step (table)",
  "numbers.caption": "Step {step}: the values the charts show, per run.",
  "numbers.quantity": "quantity",
  "numbers.symmetry": "symmetry S, hidden layer {l}",
  "numbers.grad": "gradient norm, layer {l}",
  "numbers.gradOut": "gradient norm, output layer",
};
