// SYN reporting on crafted frames (BPF_PROG_TEST_RUN): a retransmitted SYN
// of the same connection attempt is not reported twice, a new attempt is.
import test from 'ava';
import { encodeAddress } from '../../agent/bpf/address.js';
import { BpfObject } from '../../agent/bpf/bpf-object.js';
import { loadLibbpf } from '../../agent/bpf/libbpf.js';
import type { SynEvent } from '../../agent/bpf/monitor.js';
import { openServiceMaps } from '../../agent/bpf/service-maps.js';
import { startSynEventReader } from '../../agent/bpf/syn-events.js';
import { createSilentLogger } from '../../agent/log.js';
import { bpfSkipReason, OBJECT_PATH } from './helpers.js';
import { craftTcpFrame, runProgramOn, TCP_SYN } from './packets.js';
import { skipAll } from '../support/skip.js';
import { settle } from '../support/wait-for.js';

const skipReason = bpfSkipReason();

if (!skipAll('SYN deduplication', skipReason)) {
  test('a retransmitted SYN is reported once, a new connection attempt again, and nothing while awake', async (t) => {
    const lib = loadLibbpf();
    const obj = BpfObject.load(lib, OBJECT_PATH);
    t.teardown(() => obj.close());
    const maps = openServiceMaps(lib, obj);
    const address = encodeAddress('10.213.0.1');
    if (address === undefined) throw new Error('unreachable');
    const service = { id: 5, address, port: 8080, checkPrefix: new Uint8Array(0), sleeping: true };
    maps.write(service);

    const events: SynEvent[] = [];
    const reader = await startSynEventReader({ mapFd: obj.mapFd('syn_events'), log: createSilentLogger(), deliver: (evs) => events.push(...evs) });
    t.teardown(() => reader.stop());

    const prog = obj.programFd('hearth_tc_ingress');
    const syn = (srcPort: number) => craftTcpFrame({ src: [10, 213, 0, 2], dst: [10, 213, 0, 1], srcPort, dstPort: 8080, flags: TCP_SYN });
    t.is(runProgramOn(lib, prog, syn(40001)).retval, 0xffffffff); // TC_ACT_UNSPEC: the packet goes on untouched
    runProgramOn(lib, prog, syn(40001)); // retransmission
    runProgramOn(lib, prog, syn(40002)); // a new attempt
    maps.write({ ...service, sleeping: false });
    runProgramOn(lib, prog, syn(40003)); // awake: not reported
    maps.write({ ...service, sleeping: true });
    runProgramOn(lib, prog, syn(40004)); // the marker: once it is in, every earlier event is too

    await settle(() => events.length, (n) => n >= 3 && events.some((e) => e.srcPort === 40004));
    t.deepEqual(events.map((e) => e.srcPort), [40001, 40002, 40004]);
    t.like(events[0], { serviceId: 5, srcAddress: '10.213.0.2', dstAddress: '10.213.0.1', dstPort: 8080 });
    t.is(maps.read(5)?.rx_packets, 5n);
  });
}
