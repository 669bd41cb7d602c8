// Runs an A2A task as a twin turn: the task is submitted, then working while
// the turn streams (routing and wake news as status messages, the answer as
// an appended artifact), then completed, failed or canceled. cancelTask
// aborts the turn's signal. A peer picks an expert by putting its skill id
// in the message metadata (`skill: "expert:<name>"`).
import { randomUUID } from 'node:crypto';
import { Role, TaskState, type Message, type Part, type Task } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import type { Logger } from '../log.js';
import type { TurnEvent } from '../twin/events.js';
import { EXPERT_SKILL_PREFIX } from './agent-card.js';
import type { TwinPort } from './twin-port.js';

function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

function agentMessage(taskId: string, contextId: string, text: string): Message {
  return { messageId: randomUUID(), contextId, taskId, role: Role.ROLE_AGENT, parts: [textPart(text)], metadata: undefined, extensions: [], referenceTaskIds: [] };
}

function textOf(message: Message): string {
  return message.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
}

/** The line a peer sees for turn events that are news rather than answer text. */
function newsOf(event: TurnEvent): string | undefined {
  switch (event.type) {
    case 'routed': return `routed to ${event.expert} (${event.stage}: ${event.reason})`;
    case 'wake': return `${event.expert} is ${event.state}`;
    case 'fallback': return `falling back from ${event.from} to ${event.to}: ${event.reason}`;
    case 'tool-call': return `calling ${event.tool}`;
    case 'approval-requested': return `waiting for a person to approve ${event.tool} (until ${event.expiresAt})`;
    default: return undefined;
  }
}

export function createTwinExecutor(deps: { twin: TwinPort; log: Logger }): AgentExecutor {
  const running = new Map<string, AbortController>();

  return {
    async execute(request: RequestContext, bus: ExecutionEventBus) {
      const { taskId, contextId } = request;
      const user = request.userMessage;
      const now = () => new Date().toISOString();
      const status = (state: TaskState, text?: string) => bus.publish(AgentEvent.statusUpdate({
        taskId, contextId, status: { state, message: text === undefined ? undefined : agentMessage(taskId, contextId, text), timestamp: now() }, metadata: undefined,
      }));
      const task: Task = { id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() }, artifacts: [], history: [user], metadata: undefined };
      bus.publish(AgentEvent.task(request.task ?? task));

      const controller = new AbortController();
      running.set(taskId, controller);
      const skill = typeof user.metadata?.['skill'] === 'string' ? (user.metadata['skill'] as string) : undefined;
      const expert = skill?.startsWith(EXPERT_SKILL_PREFIX) === true ? skill.slice(EXPERT_SKILL_PREFIX.length) : undefined;
      let appended = false;
      let answer = '';
      try {
        status(TaskState.TASK_STATE_WORKING);
        for await (const event of deps.twin.ask(textOf(user), { signal: controller.signal, conversationId: `a2a:${contextId}`, ...(expert === undefined ? {} : { expert }) })) {
          if (controller.signal.aborted) break;
          if (event.type === 'delta') {
            answer += event.text;
            bus.publish(AgentEvent.artifactUpdate({
              taskId, contextId, append: appended, lastChunk: false, metadata: undefined,
              artifact: { artifactId: 'answer', name: 'answer', description: '', parts: [textPart(event.text)], metadata: undefined, extensions: [] },
            }));
            appended = true;
          } else if (event.type === 'error') {
            status(TaskState.TASK_STATE_FAILED, `${event.code}: ${event.message}`);
            return;
          } else if (event.type === 'done') {
            if (event.finish === 'interrupted') break;
            status(event.finish === 'error' ? TaskState.TASK_STATE_FAILED : TaskState.TASK_STATE_COMPLETED, event.text || answer);
            return;
          } else {
            const news = newsOf(event);
            if (news !== undefined) status(TaskState.TASK_STATE_WORKING, news);
          }
        }
        if (controller.signal.aborted) status(TaskState.TASK_STATE_CANCELED, 'canceled');
        else status(TaskState.TASK_STATE_COMPLETED, answer);
      } catch (err) {
        if (controller.signal.aborted) status(TaskState.TASK_STATE_CANCELED, 'canceled');
        else {
          deps.log.warn({ err, taskId }, 'a2a task failed');
          status(TaskState.TASK_STATE_FAILED, `the question could not be answered: ${(err as Error).message}`);
        }
      } finally {
        running.delete(taskId);
        bus.finished();
      }
    },
    async cancelTask(taskId: string) {
      // The running execute() sees the abort and publishes the canceled status itself.
      running.get(taskId)?.abort('canceled by the peer');
    },
  };
}
