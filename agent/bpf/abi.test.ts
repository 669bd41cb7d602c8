import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import koffi from 'koffi';
import { repoPath } from '../util/paths.js';
import { ConnKey, ConnState, ServiceInfo, ServiceKey, ServiceStats, SynEventRecord, createPerCpuStatsBuffer, sumPerCpuStats, encodeStruct } from './abi.js';
import { skipAll } from '../../testing/support/skip.js';

const OBJECT = repoPath('bpf', 'build', 'traffic_monitor.bpf.o');
const MIRRORS = { service_key: ServiceKey, service_info: ServiceInfo, service_stats: ServiceStats, conn_key: ConnKey, conn_state: ConnState, syn_event: SynEventRecord };

interface BtfType {
  kind: string;
  name: string;
  size?: number;
  members?: Array<{ name: string; bits_offset: number }>;
}

if (!skipAll('the TypeScript mirrors match the C layout', existsSync(OBJECT) ? undefined : 'needs `npm run build:bpf`')) {
  test('every mirrored struct has the size and field offsets the compiled object records in its BTF', (t) => {
    const dump = JSON.parse(execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', OBJECT, 'format', 'raw'], { encoding: 'utf8' })) as {
      types: BtfType[];
    };
    let compared = 0;
    for (const [name, type] of Object.entries(MIRRORS)) {
      const btf = dump.types.find((x) => x.kind === 'STRUCT' && x.name === name);
      if (btf === undefined) continue; // only types the program uses reach BTF
      compared++;
      t.is(koffi.sizeof(type), btf.size ?? -1, `${name} size`);
      for (const member of btf.members ?? []) {
        t.is(koffi.offsetof(type, member.name), member.bits_offset / 8, `${name}.${member.name}`);
      }
    }
    t.true(compared >= 5);
  });
}

test('the syn_event mirror is 56 bytes with the addresses at 20 and 36', (t) => {
  t.is(koffi.sizeof(SynEventRecord), 56);
  t.is(koffi.offsetof(SynEventRecord, 'src_addr'), 20);
  t.is(koffi.offsetof(SynEventRecord, 'dst_addr'), 36);
});

test('per-CPU counters are summed and the last activity is the latest of any CPU', (t) => {
  const one = (v: bigint, last: bigint) =>
    encodeStruct(ServiceStats, {
      rx_packets: v, rx_bytes: v, tx_packets: v, tx_bytes: v, activity_bytes: v,
      open_connections: -v, check_connections: v, last_activity_ns: last,
    });
  const buf = Buffer.concat([one(1n, 50n), one(2n, 70n), one(3n, 60n)]);
  const sum = sumPerCpuStats(buf, 3);
  t.is(sum.rx_packets, 6n);
  t.is(sum.open_connections, -6n);
  t.is(sum.last_activity_ns, 70n);
});

test('per-CPU sums are exact past 32 bits and past 2^53, signed open connections included', (t) => {
  const big = 2n ** 60n + 12345n;
  const one = (v: bigint, open: bigint, last: bigint) =>
    encodeStruct(ServiceStats, {
      rx_packets: v, rx_bytes: v, tx_packets: 0xffffffffn, tx_bytes: 2n ** 32n, activity_bytes: v,
      open_connections: open, check_connections: 0n, last_activity_ns: last,
    });
  const buf = Buffer.concat([one(big, -3n, 2n ** 62n + 1n), one(big, 1n, 2n ** 62n + 7n)]);
  const sum = sumPerCpuStats(buf, 2);
  t.is(sum.rx_packets, 2n * big);
  t.is(sum.tx_packets, 2n * 0xffffffffn, 'low words that carry into the high word');
  t.is(sum.tx_bytes, 2n ** 33n);
  t.is(sum.open_connections, -2n);
  t.is(sum.check_connections, 0n);
  t.is(sum.last_activity_ns, 2n ** 62n + 7n, 'the latest, compared on the high word and then the low');
});

test('a reused stats buffer sums what was last written into it', (t) => {
  const stats = createPerCpuStatsBuffer(2);
  const write = (v: bigint) => {
    for (let cpu = 0; cpu < 2; cpu++) {
      koffi.encode(stats.buffer, cpu * 64, ServiceStats, {
        rx_packets: v, rx_bytes: v, tx_packets: v, tx_bytes: v, activity_bytes: v,
        open_connections: v, check_connections: v, last_activity_ns: v + BigInt(cpu),
      });
    }
  };
  write(5n);
  t.is(stats.sum().activity_bytes, 10n);
  write(7n);
  t.is(stats.sum().activity_bytes, 14n);
  t.is(stats.sum().last_activity_ns, 8n);
});

test('a service key stores the port in network byte order', (t) => {
  const buf = encodeStruct(ServiceKey, { family: 2, protocol: 6, port: 8080, addr: new Uint8Array(16) });
  t.is(buf.readUInt16BE(2), 8080);
  t.is(buf.length, 20);
});
