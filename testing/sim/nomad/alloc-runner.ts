// One allocation on a simulated client: its directories, task runners,
// templates (render, watch, change_mode), Consul services while running,
// deployment health, and the alloc's client status.
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import type { Task, Template } from '../../../agent/nomad/types.js';
import type { TaskDriver } from './drivers/driver.js';
import type { SimAlloc, SimNode } from './model.js';
import type { NomadServiceRegistry } from './service-registry.js';
import { buildNomadRegistrations, buildRegistrations, type CheckRestartWatch, type ServiceRegistration } from './services.js';
import { buildTaskEnv, interpolateConfig, type TaskPaths } from './task-env.js';
import { createTaskRunner, newTaskState, type TaskRunner } from './task-runner.js';
import { parseEnvFile, renderTemplate, type ServiceInstance } from './template.js';

/** What the Nomad side needs from the simulated Consul. */
export interface ConsulBridge {
  registerService(node: string, body: Record<string, unknown>): void;
  deregisterService(node: string, id: string): void;
  checkStatuses(node: string, checkIds: readonly string[]): Array<string | undefined>;
  healthyInstances(name: string): ServiceInstance[];
  kvGet(key: string): string | undefined;
  /** `svc:<name>` or `kv:<key>`; returns the unsubscribe. */
  watch(key: string, listener: () => void): () => void;
}

export interface AllocRunnerDeps {
  readonly alloc: SimAlloc;
  readonly node: SimNode;
  readonly consul: ConsulBridge;
  readonly nomadServices: NomadServiceRegistry;
  readonly drivers: ReadonlyMap<string, TaskDriver>;
  readonly workDir: string;
  readonly region: string;
  /** Upper bound for check intervals (the simulator's maxCheckIntervalMs). */
  readonly checkIntervalCapMs: number | undefined;
  readonly commit: () => void;
  readonly log: Logger;
}

export interface AllocRunner {
  start(): void;
  stop(): Promise<void>;
  /** Registers the alloc's services again (after Consul lost them), as Nomad's periodic sync does. */
  resyncServices(): void;
  readonly done: Promise<void>;
}

type Phase = 'prestart' | 'main' | 'poststart' | 'poststop';

function phaseOf(task: Task): Phase {
  const hook = task.Lifecycle?.Hook;
  return hook === 'prestart' || hook === 'poststart' || hook === 'poststop' ? hook : 'main';
}

interface TaskSlot {
  readonly task: Task;
  readonly phase: Phase;
  started: boolean;
  readonly runner: TaskRunner;
  readonly paths: TaskPaths;
  templateEnv: Record<string, string>;
  rendered: Map<number, string>;
  unwatch: Array<() => void>;
  rerenderTimer: NodeJS.Timeout | undefined;
}

function insideTaskDir(taskDir: string, dest: string): string {
  const full = resolve(taskDir, dest);
  if (full !== taskDir && !full.startsWith(taskDir + sep) && !full.startsWith(resolve(taskDir, '..', 'alloc') + sep)) {
    throw new Error(`template destination ${JSON.stringify(dest)} escapes the task directory`);
  }
  return full;
}

export function createAllocRunner(deps: AllocRunnerDeps): AllocRunner {
  const { alloc, node, consul } = deps;
  const log = deps.log.child({ allocId: alloc.ID });
  const allocRoot = join(deps.workDir, alloc.ID);
  const allocDir = join(allocRoot, 'alloc');
  const slots: TaskSlot[] = [];
  let registrations: ServiceRegistration[] = [];
  let nomadServiceIds: string[] = [];
  let unwatchHealth: Array<() => void> = [];
  let restartTimers: NodeJS.Timeout[] = [];
  let commitPending = false;
  let stopping = false;
  let finished = false;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    markDone = r;
  });

  const scheduleCommit = (): void => {
    if (commitPending) return;
    commitPending = true;
    queueMicrotask(() => {
      commitPending = false;
      advanceLifecycle();
      updateStatus();
      deps.commit();
    });
  };

  /** Nomad's getClientStatus: failed, else running, else pending, else complete. */
  const updateStatus = (): void => {
    const states = Object.values(alloc.TaskStates);
    const failed = states.some((s) => s.State === 'dead' && s.Failed);
    const running = states.some((s) => s.State === 'running');
    const pending = states.some((s) => s.State === 'pending');
    const allDead = states.length > 0 && !running && !pending;
    const before = alloc.ClientStatus;
    if (failed) {
      alloc.ClientStatus = 'failed';
      alloc.ClientDescription = 'Failed tasks';
      if (!allDead && !stopping) void killSiblings();
    } else if (running) {
      alloc.ClientStatus = 'running';
      alloc.ClientDescription = 'Tasks are running';
    } else if (pending) {
      alloc.ClientStatus = 'pending';
      alloc.ClientDescription = 'No tasks have started';
    } else if (allDead) {
      alloc.ClientStatus = 'complete';
      alloc.ClientDescription = 'All tasks have completed';
    }
    if (alloc.ClientStatus === 'running' && before !== 'running' && !stopping) registerServices();
    if (alloc.ClientStatus !== 'running' && before === 'running') deregisterServices();
    if (allDead && !finished) {
      finished = true;
      teardownWatches();
      markDone();
    }
  };

  const startPhase = (phase: Phase): void => {
    for (const s of slots) {
      if (s.phase !== phase || s.started) continue;
      s.started = true;
      s.runner.start();
    }
  };

  /**
   * Task lifecycle: prestart tasks first; main tasks once every run-once prestart task
   * finished successfully; poststart tasks once the main tasks run; poststop tasks
   * once the main tasks are done.
   */
  const advanceLifecycle = (): void => {
    if (stopping) return;
    const of = (phase: Phase) => slots.filter((s) => s.phase === phase);
    const prestartDone = of('prestart').every((s) => s.task.Lifecycle?.Sidecar === true
      ? s.task.Lifecycle !== undefined && alloc.TaskStates[s.task.Name]?.State === 'running'
      : alloc.TaskStates[s.task.Name]?.State === 'dead' && alloc.TaskStates[s.task.Name]?.Failed === false);
    if (prestartDone) startPhase('main');
    const main = of('main');
    if (main.length > 0 && main.every((s) => alloc.TaskStates[s.task.Name]?.State === 'running')) startPhase('poststart');
    if (main.every((s) => s.started && alloc.TaskStates[s.task.Name]?.State === 'dead')) startPhase('poststop');
  };

  const killSiblings = async (): Promise<void> => {
    await Promise.all(slots.map((s) => s.runner.kill('Sibling task failed')));
  };

  const evaluateHealth = (): void => {
    if (alloc.DeploymentStatus?.Healthy === true || alloc.ClientStatus !== 'running') return;
    const checkIds = registrations.flatMap((r) => r.checkIds);
    const statuses = consul.checkStatuses(node.Name, checkIds);
    if (statuses.every((s) => s === 'passing')) {
      alloc.DeploymentStatus = { Healthy: true, Timestamp: new Date().toISOString(), Canary: false, ModifyIndex: 0 };
      scheduleCommit();
    }
  };

  const registerServices = (): void => {
    registrations = buildRegistrations(alloc, node);
    for (const r of registrations) consul.registerService(node.Name, r.body);
    const native = buildNomadRegistrations(alloc, node);
    deps.nomadServices.register(native);
    nomadServiceIds = native.map((r) => r.ID);
    for (const name of new Set(registrations.map((r) => r.name))) unwatchHealth.push(consul.watch(`svc:${name}`, evaluateHealth));
    for (const w of registrations.flatMap((r) => r.checkRestarts)) watchCheckRestart(w);
    evaluateHealth();
  };

  /** check_restart: after the grace period, `limit` unhealthy results in a row restart the task. */
  const watchCheckRestart = (w: CheckRestartWatch): void => {
    const slot = slots.find((s) => s.task.Name === w.task);
    if (slot === undefined) return;
    const interval = Math.max(10, Math.min(w.intervalMs, deps.checkIntervalCapMs ?? w.intervalMs));
    let unhealthy = 0;
    const tick = (): void => {
      const [status] = consul.checkStatuses(node.Name, [w.checkId]);
      unhealthy = status === 'critical' || (status === 'warning' && !w.ignoreWarnings) ? unhealthy + 1 : 0;
      if (unhealthy >= w.limit) {
        void slot.runner.restart(`healthcheck: check ${JSON.stringify(w.checkName)} unhealthy`);
        return;
      }
      restartTimers.push(setTimeout(tick, interval));
    };
    restartTimers.push(setTimeout(tick, w.graceMs + interval));
  };

  const deregisterServices = (): void => {
    for (const u of unwatchHealth) u();
    unwatchHealth = [];
    for (const timer of restartTimers) clearTimeout(timer);
    restartTimers = [];
    deps.nomadServices.deregister(nomadServiceIds);
    nomadServiceIds = [];
    for (const r of registrations) {
      try {
        consul.deregisterService(node.Name, r.id);
      } catch {
        // already gone (e.g. Consul restarted)
      }
    }
    registrations = [];
  };

  const teardownWatches = (): void => {
    for (const s of slots) {
      for (const u of s.unwatch) u();
      s.unwatch = [];
      if (s.rerenderTimer !== undefined) clearTimeout(s.rerenderTimer);
    }
    for (const u of unwatchHealth) u();
    unwatchHealth = [];
    for (const timer of restartTimers) clearTimeout(timer);
    restartTimers = [];
  };

  const renderAll = (slot: TaskSlot, baseEnv: Record<string, string>): Array<{ tmpl: Template; changed: boolean }> => {
    const results: Array<{ tmpl: Template; changed: boolean }> = [];
    const services = new Set<string>();
    const keys = new Set<string>();
    const envFromTemplates: Record<string, string> = {};
    (slot.task.Templates ?? []).forEach((tmpl, i) => {
      const r = renderTemplate(tmpl.EmbeddedTmpl ?? '', {
        healthyService: (name) => consul.healthyInstances(name),
        key: (k) => consul.kvGet(k),
        env: (name) => baseEnv[name] ?? '',
      }, { left: tmpl.LeftDelim ?? '{{', right: tmpl.RightDelim ?? '}}' });
      r.services.forEach((s) => services.add(s));
      r.keys.forEach((k) => keys.add(k));
      const dest = insideTaskDir(slot.paths.taskDir, tmpl.DestPath);
      const changed = slot.rendered.get(i) !== r.output;
      if (changed) {
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, r.output, { mode: Number.parseInt(tmpl.Perms ?? '0644', 8) });
        slot.rendered.set(i, r.output);
      }
      if (tmpl.Envvars === true) Object.assign(envFromTemplates, parseEnvFile(r.output));
      results.push({ tmpl, changed });
    });
    slot.templateEnv = envFromTemplates;
    for (const u of slot.unwatch) u();
    slot.unwatch = [...[...services].map((s) => consul.watch(`svc:${s}`, () => queueRerender(slot))), ...[...keys].map((k) => consul.watch(`kv:${k}`, () => queueRerender(slot)))];
    return results;
  };

  const queueRerender = (slot: TaskSlot): void => {
    if (slot.rerenderTimer !== undefined || stopping || finished) return;
    slot.rerenderTimer = setTimeout(() => {
      slot.rerenderTimer = undefined;
      rerender(slot);
    }, 20);
  };

  const rerender = (slot: TaskSlot): void => {
    if (stopping || finished) return;
    let results;
    try {
      results = renderAll(slot, baseEnvOf(slot));
    } catch (err) {
      log.warn({ err, task: slot.task.Name }, 'template re-render failed');
      return;
    }
    const changed = results.filter((r) => r.changed);
    if (changed.length === 0) return;
    if (changed.some((r) => (r.tmpl.ChangeMode ?? 'restart') === 'restart')) {
      void slot.runner.restart('Template with change_mode restart re-rendered');
      return;
    }
    const signal = changed.find((r) => r.tmpl.ChangeMode === 'signal');
    if (signal !== undefined) slot.runner.signal((signal.tmpl.ChangeSignal || 'SIGHUP').toUpperCase() as NodeJS.Signals, 'Template re-rendered');
  };

  const baseEnvOf = (slot: TaskSlot): Record<string, string> => buildTaskEnv(alloc, alloc.Job, slot.task, node, slot.paths, deps.region);

  const tg = alloc.Job.TaskGroups.find((g) => g.Name === alloc.TaskGroup);
  for (const task of tg?.Tasks ?? []) {
    const taskDir = join(allocRoot, task.Name);
    const paths: TaskPaths = { allocDir, taskDir, localDir: join(taskDir, 'local'), secretsDir: join(taskDir, 'secrets') };
    const state = newTaskState();
    alloc.TaskStates[task.Name] = state;
    const slot: TaskSlot = {
      task, phase: phaseOf(task), started: false, paths, templateEnv: {}, rendered: new Map(), unwatch: [], rerenderTimer: undefined,
      runner: createTaskRunner({
        task,
        jobType: alloc.Job.Type ?? 'service',
        runOnce: task.Lifecycle !== undefined && task.Lifecycle !== null && task.Lifecycle.Sidecar !== true,
        state,
        driver: node.drivers.includes(task.Driver) ? deps.drivers.get(task.Driver === 'docker' ? 'mock_driver' : task.Driver) : undefined,
        prepare: async () => {
          const base = baseEnvOf(slot);
          renderAll(slot, base);
          const env = { ...base, ...slot.templateEnv };
          return {
            env,
            config: interpolateConfig(task.Config ?? {}, env, node) as Record<string, unknown>,
            taskDir,
            stdoutPath: join(allocDir, 'logs', `${task.Name}.stdout.0`),
            stderrPath: join(allocDir, 'logs', `${task.Name}.stderr.0`),
          };
        },
        onChange: scheduleCommit,
        log,
      }),
    };
    slots.push(slot);
  }

  return {
    done,
    resyncServices() {
      if (stopping || finished || alloc.ClientStatus !== 'running') return;
      for (const r of registrations) consul.registerService(node.Name, r.body);
    },
    start() {
      // Directories only where a process runs: mock_driver load stays off the disk (templates create their own).
      if (slots.some((s) => s.task.Driver === 'raw_exec' || s.task.Driver === 'exec')) {
        mkdirSync(join(allocDir, 'logs'), { recursive: true });
        mkdirSync(join(allocDir, 'data'), { recursive: true });
        mkdirSync(join(allocDir, 'tmp'), { recursive: true });
        for (const s of slots) {
          for (const d of [s.paths.localDir, s.paths.secretsDir, join(s.paths.taskDir, 'tmp')]) mkdirSync(d, { recursive: true });
        }
      }
      if (slots.length === 0) {
        finished = true;
        markDone();
        return;
      }
      startPhase('prestart');
      advanceLifecycle();
    },
    async stop() {
      if (stopping) return done;
      stopping = true;
      deregisterServices();
      teardownWatches();
      await Promise.all(slots.filter((s) => s.phase !== 'poststop').map((s) => s.runner.kill()));
      startPhase('poststop');
      const poststop = slots.filter((s) => s.phase === 'poststop');
      if (poststop.length > 0) {
        // A poststop task gets a bounded time to finish before it is killed too.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(poststop.map((s) => s.runner.finished())), new Promise((r) => (timer = setTimeout(r, 30_000)))]);
        clearTimeout(timer);
        await Promise.all(poststop.map((s) => s.runner.kill()));
      }
      updateStatus();
      if (!finished) {
        finished = true;
        markDone();
      }
      deps.commit();
      return undefined;
    },
  };
}

/** Removes an allocation's directory (used on purge/stop of the simulator). */
export function removeAllocDir(workDir: string, allocId: string): void {
  const dir = join(workDir, allocId);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

export function readLogFile(workDir: string, allocId: string, task: string, stream: 'stdout' | 'stderr'): string {
  return readFileSync(join(workDir, allocId, 'alloc', 'logs', `${task}.${stream}.0`), 'utf8');
}
