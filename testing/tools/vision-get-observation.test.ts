// vision.get_observation with a generated image served by a fake camera and read by a fake vision expert.
import test from 'ava';
import { configSchema } from '../../agent/config/schema.js';
import { isHearthError } from '../../agent/errors.js';
import { ffmpegArgv } from '../../agent/tools/vision/camera.js';
import { visionGetObservation, type VisionDeps } from '../../agent/tools/vision-get-observation.js';
import { startFakeCamera, startFakeVisionExpert } from '../support/fake-vision.js';
import { solidPng } from '../support/png.js';
import { testContext } from '../support/tool-context.js';

function deps(vision: Record<string, unknown>, experts: VisionDeps['listExperts'] = () => []): VisionDeps {
  return { config: configSchema().parse({ tools: { vision } }).tools.vision, expertPrefix: 'prima-api-', listExperts: experts };
}

test('a frame from the camera reaches the discovered vision expert and its answer comes back', async (t) => {
  const camera = await startFakeCamera(solidPng(64, 48, [200, 30, 10]));
  const expert = await startFakeVisionExpert();
  t.teardown(async () => { await camera.stop(); await expert.stop(); });
  const port = Number(new URL(expert.url).port);
  const d = deps({ camera: { kind: 'http', url: camera.url }, expert: 'moondream', model: 'moondream2' }, () => [
    { name: 'prima-api-moondream', address: '127.0.0.1', port: 1, health: 'critical' },
    { name: 'prima-api-moondream', address: '127.0.0.1', port, health: 'passing' },
  ]);
  const ctx = testContext();
  const result = await visionGetObservation.run(visionGetObservation.input.parse({ question: 'Is the rack door open?' }), d, ctx);
  t.is(result.text, 'Asked "Is the rack door open?": a 64x48 image, mean colour rgb(200, 30, 10).');
  t.like(expert.requests[0], { model: 'moondream2' });
  t.deepEqual(camera.requests, ['/snapshot']);
  t.is(ctx.lines.length, 2);
});

test('a camera answering with something other than an image is refused before the expert is asked', async (t) => {
  const camera = await startFakeCamera(Buffer.from('<html>login</html>'), 'text/html');
  const expert = await startFakeVisionExpert();
  t.teardown(async () => { await camera.stop(); await expert.stop(); });
  const err = await t.throwsAsync(visionGetObservation.run({ question: 'x' }, deps({ camera: { kind: 'http', url: camera.url }, url: expert.url }), testContext()));
  t.regex(err?.message ?? '', /Expected a JPEG or PNG frame .* got HTTP 200 text\/html/);
  t.is(expert.requests.length, 0);
});

test('without a camera or a healthy vision expert the call explains what is missing', async (t) => {
  const noCamera = await t.throwsAsync(visionGetObservation.run({ question: 'x' }, deps({ url: 'http://127.0.0.1:9' }), testContext()));
  t.true(isHearthError(noCamera, 'HEARTH_ERR_CONFIG_INVALID'));
  const noExpert = await t.throwsAsync(visionGetObservation.run({ question: 'x' }, deps({ camera: { kind: 'http', url: 'http://127.0.0.1:9/s' }, expert: 'moondream' }), testContext()));
  t.regex(noExpert?.message ?? '', /No healthy vision expert named moondream/);
});

test('a V4L2 camera is read by ffmpeg from an argv naming only the configured device', (t) => {
  t.deepEqual(ffmpegArgv('/dev/video0'), ['-hide_banner', '-loglevel', 'error', '-f', 'v4l2', '-i', '/dev/video0', '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1']);
  t.false(configSchema().safeParse({ tools: { vision: { camera: { kind: 'v4l2', device: '/etc/shadow' } } } }).success);
  t.false(visionGetObservation.input.safeParse({ question: 'x'.repeat(100 * 1024 * 1024) }).success);
});
