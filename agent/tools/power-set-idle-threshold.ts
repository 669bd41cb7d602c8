// power.set_idle_threshold: how long a managed service may stay idle before
// hearth puts it to sleep. Goes through the power module; needs approval.
import { z } from 'zod';
import type { Tool } from './tool.js';

export interface PowerControlPort {
  /** Sets the idle timeout of a managed service; `duration` is text such as "10m". Resolves the service's new status. */
  setIdleTimeout(service: string, duration: string, signal: AbortSignal): Promise<unknown>;
}

const input = z
  .object({
    service: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a service name of lowercase letters, digits and dashes').describe('The managed service, e.g. prima-api-code.'),
    duration: z.string().regex(/^[0-9]+(ms|s|m|h)$/, 'expected a duration such as "10m" or "2h"').describe('Idle time before sleep, e.g. 10m or 2h; more than zero.'),
  })
  .strict();

export const powerSetIdleThreshold: Tool<typeof input, PowerControlPort> = {
  name: 'power.set_idle_threshold',
  description: 'Set how long a power-managed service may be idle before hearth puts it to sleep. Needs a person\'s approval.',
  input,
  sensitive: true,
  timeoutMs: 15_000,
  outputLimit: 4000,
  async run(args, power, ctx) {
    try {
      const status = await power.setIdleTimeout(args.service, args.duration, ctx.signal);
      return { text: `Idle threshold of ${args.service} set to ${args.duration}.\n${JSON.stringify(status)}`, data: status };
    } catch (err) {
      return { isError: true, text: `The power manager refused: ${(err as Error).message}` };
    }
  },
};
