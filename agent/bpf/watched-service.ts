// Validation of a WatchedService into the entry the maps are written from.
import { invalidInput } from '../errors.js';
import { CHECK_PREFIX_MAX } from './abi.js';
import { encodeAddress } from './address.js';
import type { WatchedService } from './types.js';
import type { ServiceEntry } from './service-maps.js';

/** A checked ServiceEntry (awake) for `svc`; bad input throws HEARTH_ERR_INVALID_INPUT naming `source`. */
export function parseWatchedService(svc: WatchedService, source: string): ServiceEntry {
  if (!Number.isInteger(svc.id) || svc.id < 0 || svc.id > 0xffffffff) {
    throw invalidInput('id', 'an integer from 0 to 4294967295', svc.id, source);
  }
  const address = encodeAddress(svc.address);
  if (address === undefined) throw invalidInput('address', 'an IPv4 or IPv6 address literal', svc.address, source);
  if (!Number.isInteger(svc.port) || svc.port < 1 || svc.port > 65535) {
    throw invalidInput('port', 'an integer from 1 to 65535', svc.port, source);
  }
  if (svc.protocol !== 'tcp') throw invalidInput('protocol', '"tcp"', svc.protocol, source);
  const checkPrefix = new TextEncoder().encode(svc.checkPrefix ?? '');
  if (checkPrefix.length > CHECK_PREFIX_MAX) {
    throw invalidInput('checkPrefix', `at most ${CHECK_PREFIX_MAX} bytes`, svc.checkPrefix, source);
  }
  return { id: svc.id, address, port: svc.port, checkPrefix, sleeping: false };
}
