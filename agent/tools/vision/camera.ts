// One frame from the configured camera: an HTTP snapshot URL (fetched, its
// content type and size checked), or a V4L2 device read by ffmpeg from an
// argv (one frame, encoded as JPEG on stdout).
import { spawn } from 'node:child_process';
import type { HearthConfig } from '../../config/schema.js';
import { HearthError } from '../../errors.js';

export type CameraConfig = NonNullable<HearthConfig['tools']['vision']['camera']>;

export interface Frame {
  readonly bytes: Buffer;
  readonly mediaType: 'image/jpeg' | 'image/png';
}

export const FRAME_LIMIT = 10 * 1024 * 1024;

export function ffmpegArgv(device: string): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-f', 'v4l2', '-i', device, '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'];
}

async function snapshot(url: string, signal: AbortSignal): Promise<Frame> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'error' });
  } catch (err) {
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot fetch a frame from the camera ${url}: ${(err as Error).message}`, { cause: err });
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim();
  if (!response.ok || (type !== 'image/jpeg' && type !== 'image/png')) {
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `Expected a JPEG or PNG frame from the camera ${url}, got HTTP ${response.status} ${type === '' ? '(no content type)' : type}.`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > FRAME_LIMIT) throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a frame of at most ${FRAME_LIMIT} bytes from the camera ${url}, got ${bytes.length}.`);
  return { bytes, mediaType: type };
}

async function v4l2(ffmpeg: string, device: string, signal: AbortSignal): Promise<Frame> {
  const child = spawn(ffmpeg, ffmpegArgv(device), { stdio: ['ignore', 'pipe', 'pipe'], signal });
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > FRAME_LIMIT) child.kill('SIGKILL');
    else chunks.push(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-2000); });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot run ${ffmpeg} for the camera ${device}: ${err.message}`, { cause: err })));
    child.once('close', resolve);
  });
  if (code !== 0 || size === 0 || size > FRAME_LIMIT) {
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `ffmpeg could not read a frame from ${device} (exit code ${code ?? 'none'}): ${stderr.trim() || 'no output'}`);
  }
  return { bytes: Buffer.concat(chunks), mediaType: 'image/jpeg' };
}

export function grabFrame(camera: CameraConfig, signal: AbortSignal): Promise<Frame> {
  return camera.kind === 'http' ? snapshot(camera.url, signal) : v4l2(camera.ffmpeg, camera.device, signal);
}
