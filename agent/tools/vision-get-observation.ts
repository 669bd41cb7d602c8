// vision.get_observation: grabs one frame from the configured camera and
// asks the vision expert (a fixed URL, or the expert discovery finds under
// the configured name) what it shows. Not sensitive: it reads one camera the
// operator configured and changes nothing.
import { z } from 'zod';
import type { HearthConfig } from '../config/schema.js';
import { HearthError } from '../errors.js';
import { grabFrame } from './vision/camera.js';
import { describeFrame } from './vision/vision-client.js';
import type { Tool } from './tool.js';

export type VisionConfig = HearthConfig['tools']['vision'];

/** An expert as discovery lists it (the fields this tool reads). */
export interface ExpertEndpoint {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly health: string;
}

export interface VisionDeps {
  readonly config: VisionConfig;
  readonly expertPrefix: string;
  readonly listExperts: () => readonly ExpertEndpoint[];
}

const input = z
  .object({
    question: z.string().min(1).max(2000).default('Describe what the camera sees.'),
  })
  .strict();

export function visionEndpoint(deps: VisionDeps): string {
  const { config } = deps;
  if (config.url !== undefined) return config.url;
  if (config.expert === undefined) throw new HearthError('HEARTH_ERR_CONFIG_INVALID', 'No vision expert is configured: set tools.vision.expert (a discovered expert\'s name) or tools.vision.url.');
  const wanted = new Set([config.expert, `${deps.expertPrefix}${config.expert}`]);
  const found = deps.listExperts().find((e) => wanted.has(e.name) && e.health === 'passing');
  if (found === undefined) throw new HearthError('HEARTH_ERR_UNREACHABLE', `No healthy vision expert named ${config.expert} is discovered.`);
  const host = found.address.includes(':') ? `[${found.address}]` : found.address;
  return `http://${host}:${found.port}`;
}

export const visionGetObservation: Tool<typeof input, VisionDeps> = {
  name: 'vision.get_observation',
  description: 'Take one frame from the node\'s configured camera and ask the vision expert a question about it (by default, to describe it).',
  input,
  sensitive: false,
  timeoutMs: 120_000,
  outputLimit: 4000,
  async run(args, deps, ctx) {
    const camera = deps.config.camera;
    if (camera === undefined) throw new HearthError('HEARTH_ERR_CONFIG_INVALID', 'No camera is configured: set tools.vision.camera ({ kind: http, url } or { kind: v4l2, device }).');
    const baseUrl = visionEndpoint(deps);
    ctx.progress('grabbing a frame');
    const frame = await grabFrame(camera, ctx.signal);
    ctx.progress(`asking the vision expert about a ${frame.bytes.length}-byte frame`);
    const answer = await describeFrame({ baseUrl, model: deps.config.model, question: args.question, frame, maxTokens: 512, signal: ctx.signal });
    return { text: answer.slice(0, deps.config.outputLimit), data: { bytes: frame.bytes.length, mediaType: frame.mediaType, expert: baseUrl } };
  },
};
