// The parts of prom-client the agent uses, loaded one by one. prom-client's
// index also loads its cluster aggregator (node:cluster, node:dgram), Summary
// (tdigest) and the Pushgateway, which a node agent never uses but would keep
// resident for its whole life. The classes are the very ones the index
// exports (Node caches each file once), so `instanceof` and the package's
// types hold.
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

const load = createRequire(import.meta.url);

export const Registry = load('prom-client/lib/registry') as typeof PromClient.Registry;
export const Counter = load('prom-client/lib/counter') as typeof PromClient.Counter;
export const Gauge = load('prom-client/lib/gauge') as typeof PromClient.Gauge;
export const Histogram = load('prom-client/lib/histogram') as typeof PromClient.Histogram;
export const collectDefaultMetrics = load('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics;
export type Registry = PromClient.Registry;
