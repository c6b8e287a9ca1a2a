// export-video.js: the chapter's animation, from step 0 to the chapter's end, as a video: every
// recorded step of the runs shown in turn (the controller's cursor), the figure painted into one
// canvas (export.js) and that canvas recorded by MediaRecorder at a fixed frame rate. WebM (VP9 or VP8),
// or MP4 where MediaRecorder records that instead. The page stays usable: one frame per animation frame.
//
//   const {blob, ext, frames, fps, seconds} = await recordVideo(app, panels, {width, maxFrames, onProgress});
import { figureParts, paintFigure, pictureStyle, withScale, diagramStyle } from "./export.js";

export const FPS = 10;
export const MAX_FRAMES = 60; // a longer run is sampled: a 6 s clip

const TYPES = [
  ["video/webm;codecs=vp9", "webm"],
  ["video/webm;codecs=vp8", "webm"],
  ["video/webm", "webm"],
  ["video/mp4", "mp4"],
];

/** The first video type this browser records, or null. */
export function videoType() {
  if (typeof MediaRecorder === "undefined") return null;
  return TYPES.find(([type]) => MediaRecorder.isTypeSupported(type)) || null;
}

/** The cursors to show: step 0 to the chapter's end (or the last record), at most MAX_FRAMES. */
export function frameCursors(history, endStep, maxFrames = MAX_FRAMES) {
  const last = history.length - 1;
  let n = 0;
  while (n < last && (endStep === null || history.record(n + 1).step <= endStep)) n++;
  const count = Math.min(maxFrames, n + 1);
  const out = [];
  for (let k = 0; k < count; k++) out.push(Math.round((k * n) / Math.max(1, count - 1)));
  return [...new Set(out)];
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** Show each cursor in turn and hand the painted canvas to `each(canvas, k, count)` (also for the GIF). */
export async function eachFrame(app, panels, { width, maxFrames, onProgress = () => {} }, each) {
  const { controller } = app;
  const src = controller.source;
  if (!src || !src.history.length) throw new Error("no runs to record");
  controller.pause();
  const back = controller.cursor;
  const cursors = frameCursors(src.history, controller.end, maxFrames);
  const w = 2 * Math.round((width || panels.getBoundingClientRect().width) / 2); // even: video codecs
  const style = pictureStyle(app);
  const css = diagramStyle();
  const out = document.createElement("canvas");
  try {
    await withScale(app, w / panels.getBoundingClientRect().width, async () => {
      for (const [k, cursor] of cursors.entries()) {
        controller.seek(cursor);
        for (let f = 0; f < 30 && !app.figure.drawnAll(); f++) await nextFrame();
        paintFigure(out, await figureParts(panels, css), { ...style, width: w });
        await each(out, k, cursors.length);
        onProgress((k + 1) / cursors.length);
      }
    });
  } finally {
    controller.seek(back);
  }
  return cursors.length;
}

/** A vendored encoder module (the build names its path in build-manifest.json: "encoders"). */
export async function loadEncoder(kind) {
  const manifest = await fetch("build-manifest.json", { cache: "no-cache" }).then((r) => r.json());
  return import(new URL(manifest.encoders[kind], document.baseURI).href);
}

const CODECS = [
  ["vp09.00.10.08", "V_VP9"],
  ["vp8", "V_VP8"],
];

/** The first WebCodecs codec this browser encodes at `width` x `height`, or null. */
async function webCodec(width, height) {
  if (typeof VideoEncoder === "undefined") return null;
  for (const [codec, muxCodec] of CODECS) {
    const config = { codec, width, height, bitrate: 4_000_000, framerate: FPS };
    const { supported } = await VideoEncoder.isConfigSupported(config).catch(() => ({}));
    if (supported) return { config, muxCodec };
  }
  return null;
}

/** Record the chapter's animation: {blob, ext, frames, fps, seconds}. With WebCodecs (every frame
 * stamped k / FPS: the video lasts frames / FPS exactly) into a WebM (webm-muxer, vendored); without,
 * MediaRecorder on the canvas (real time: a loaded machine's late timers lengthen the video). */
export async function recordVideo(app, panels, { width = 0, maxFrames = MAX_FRAMES, onProgress } = {}) {
  if (typeof VideoEncoder === "undefined")
    return recordRealTime(app, panels, { width, maxFrames, onProgress });
  const { Muxer, ArrayBufferTarget } = await loadEncoder("webm");
  let muxer = null,
    encoder = null,
    failed = null;
  const frames = await eachFrame(app, panels, { width, maxFrames, onProgress }, async (canvas, k) => {
    if (!encoder) {
      const codec = await webCodec(canvas.width, canvas.height);
      if (!codec) throw new Error(`this browser cannot encode a ${canvas.width}x${canvas.height} video`);
      muxer = new Muxer({
        target: new ArrayBufferTarget(),
        video: { codec: codec.muxCodec, width: canvas.width, height: canvas.height, frameRate: FPS },
      });
      encoder = new VideoEncoder({
        output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
        error: (e) => (failed = e),
      });
      encoder.configure(codec.config);
    }
    const frame = new VideoFrame(canvas, { timestamp: (k * 1e6) / FPS, duration: 1e6 / FPS });
    encoder.encode(frame, { keyFrame: k % (FPS * 2) === 0 });
    frame.close();
    if (encoder.encodeQueueSize > 4) await encoder.flush(); // never a backlog of frames in memory
  });
  await encoder.flush();
  if (failed) throw failed;
  muxer.finalize();
  const blob = new Blob([muxer.target.buffer], { type: "video/webm" });
  return { blob, ext: "webm", frames, fps: FPS, seconds: frames / FPS };
}

/** MediaRecorder on the canvas, running only while a frame is shown (paused while the next is painted). */
async function recordRealTime(app, panels, { width, maxFrames, onProgress }) {
  const kind = videoType();
  if (!kind) throw new Error("this browser cannot record video (MediaRecorder)");
  const [type, ext] = kind;
  let recorder = null,
    track = null,
    shownMs = 0; // the time the recorder ran: the video's length (a loaded machine's timers run late)
  const chunks = [];
  let stopped;
  const done = new Promise((r) => (stopped = r));
  const frames = await eachFrame(app, panels, { width, maxFrames, onProgress }, async (canvas) => {
    if (!recorder) {
      const stream = canvas.captureStream(0); // a frame only when asked for (requestFrame)
      track = stream.getVideoTracks()[0];
      recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4_000_000 });
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.onstop = stopped;
      recorder.start();
    } else recorder.resume();
    const t0 = performance.now();
    track.requestFrame();
    await wait(1000 / FPS); // the frame's time on screen
    recorder.pause();
    shownMs += performance.now() - t0;
  });
  recorder.resume();
  recorder.stop();
  await done;
  return {
    blob: new Blob(chunks, { type: type.split(";")[0] }),
    ext,
    frames,
    fps: FPS,
    seconds: shownMs / 1000,
  };
}
