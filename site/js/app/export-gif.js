// export-gif.js: the chapter's animation as an animated GIF (gifenc, vendored by the build): the same
// frames as the video (export-video.js eachFrame), each with its own 256-colour palette and a delay of
// 1 / FPS s, looping.
//
//   const {blob, frames} = await recordGIF(app, panels, {width, maxFrames, onProgress});
import { eachFrame, loadEncoder, FPS, MAX_FRAMES } from "./export-video.js";

export async function recordGIF(app, panels, { width = 0, maxFrames = MAX_FRAMES, onProgress } = {}) {
  const { GIFEncoder, quantize, applyPalette } = await loadEncoder("gif");
  const gif = GIFEncoder();
  const frames = await eachFrame(app, panels, { width, maxFrames, onProgress }, async (canvas) => {
    const {
      data,
      width: w,
      height: h,
    } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    const palette = quantize(data, 256);
    gif.writeFrame(applyPalette(data, palette), w, h, { palette, delay: Math.round(1000 / FPS), repeat: 0 });
  });
  gif.finish();
  return { blob: new Blob([gif.bytes()], { type: "image/gif" }), frames, fps: FPS };
}
