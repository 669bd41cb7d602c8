// Shows a followed job's state: on a terminal the block of lines is redrawn in
// place; elsewhere each line that changed is printed once.
import type { FollowState } from './follow.js';

export interface ProgressDisplay {
  show(state: FollowState): void;
  say(line: string): void;
  close(): void;
}

export function formatState(state: FollowState): string[] {
  const lines = [`job ${state.jobId}: evaluation ${state.evaluation}${state.done ? ' - healthy' : ''}`];
  for (const alloc of state.allocations) lines.push(`  alloc ${alloc.id} ${alloc.group} on ${alloc.node || '(unplaced)'}: ${alloc.status}`);
  for (const service of state.services) lines.push(`  service ${service.name}: ${service.passing}/${service.wanted} passing`);
  return lines;
}

export function createProgressDisplay(stream: NodeJS.WritableStream, tty: boolean): ProgressDisplay {
  let drawn = 0;
  // Per subject (the job, an allocation, a service): the line last printed.
  const printed = new Map<string, string>();
  return {
    show(state) {
      const lines = formatState(state);
      if (tty) {
        if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[J`);
        stream.write(lines.join('\n') + '\n');
        drawn = lines.length;
        return;
      }
      for (const line of lines) {
        const subject = line.slice(0, line.indexOf(':'));
        if (printed.get(subject) === line) continue;
        printed.set(subject, line);
        stream.write(line.trim() + '\n');
      }
    },
    say(line) {
      drawn = 0;
      stream.write(line + '\n');
    },
    close() {
      drawn = 0;
    },
  };
}
