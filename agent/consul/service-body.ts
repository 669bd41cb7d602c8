// ServiceDefinition -> the PascalCase body of PUT /v1/agent/service/register.
import { invalidInput } from '../errors.js';
import type { CheckDefinition, ServiceDefinition } from './types.js';

export function buildCheckBody(check: CheckDefinition): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (check.id !== undefined) body['CheckID'] = check.id;
  if (check.name !== undefined) body['Name'] = check.name;
  if (check.notes !== undefined) body['Notes'] = check.notes;
  if (check.status !== undefined) body['Status'] = check.status;
  if (check.deregisterCriticalServiceAfter !== undefined) body['DeregisterCriticalServiceAfter'] = check.deregisterCriticalServiceAfter;
  switch (check.kind) {
    case 'http':
      body['HTTP'] = check.http;
      body['Interval'] = check.interval;
      if (check.timeout !== undefined) body['Timeout'] = check.timeout;
      if (check.method !== undefined) body['Method'] = check.method;
      break;
    case 'tcp':
      body['TCP'] = check.tcp;
      body['Interval'] = check.interval;
      if (check.timeout !== undefined) body['Timeout'] = check.timeout;
      break;
    case 'ttl':
      body['TTL'] = check.ttl;
      break;
  }
  return body;
}

export function buildServiceBody(service: ServiceDefinition): Record<string, unknown> {
  if (service.name === '') throw invalidInput('name', 'a non-empty service name', service.name, 'the service definition');
  if (service.port !== undefined && (!Number.isInteger(service.port) || service.port < 0 || service.port > 65535)) {
    throw invalidInput('port', 'an integer port from 0 to 65535', service.port, 'the service definition');
  }
  const body: Record<string, unknown> = { Name: service.name };
  if (service.id !== undefined) body['ID'] = service.id;
  if (service.address !== undefined) body['Address'] = service.address;
  if (service.port !== undefined) body['Port'] = service.port;
  if (service.tags !== undefined) body['Tags'] = [...service.tags];
  if (service.meta !== undefined) body['Meta'] = { ...service.meta };
  if (service.checks !== undefined && service.checks.length > 0) body['Checks'] = service.checks.map(buildCheckBody);
  return body;
}
