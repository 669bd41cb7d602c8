// The field names of Nomad's job API, for case-insensitive request decoding.
import { createKeyCatalog } from '../keys.js';

export const NOMAD_KEYS = createKeyCatalog(
  [
    'Job', 'ID', 'Name', 'Namespace', 'Region', 'Type', 'Priority', 'AllAtOnce', 'Datacenters', 'NodePool', 'Constraints', 'Affinities',
    'Spreads', 'TaskGroups', 'Update', 'Multiregion', 'Periodic', 'ParameterizedJob', 'Reschedule', 'Migrate', 'ConsulToken', 'VaultToken',
    'ConsulNamespace', 'VaultNamespace', 'NomadTokenID', 'Stop', 'ParentID', 'Dispatched', 'Payload', 'Status', 'StatusDescription',
    'Stable', 'Version', 'SubmitTime', 'CreateIndex', 'ModifyIndex', 'JobModifyIndex', 'LTarget', 'Operand', 'RTarget', 'Weight',
    'Attribute', 'SpreadTarget', 'Value', 'Percent', 'Count', 'Tasks', 'RestartPolicy', 'ReschedulePolicy', 'EphemeralDisk', 'Networks',
    'Services', 'ShutdownDelay', 'StopAfterClientDisconnect', 'MaxClientDisconnect', 'Scaling', 'Consul', 'Driver', 'User', 'Resources',
    'KillTimeout', 'KillSignal', 'LogConfig', 'Artifacts', 'Vault', 'Templates', 'DispatchPayload', 'VolumeMounts', 'Lifecycle', 'Leader',
    'Kind', 'ScalingPolicies', 'CSIPluginConfig', 'Tags', 'CanaryTags', 'EnableTagOverride', 'PortLabel', 'AddressMode', 'Address',
    'Checks', 'CheckRestart', 'Connect', 'CanaryMeta', 'TaggedAddresses', 'TaskName', 'OnUpdate', 'Provider', 'Cluster', 'Path',
    'Protocol', 'Method', 'Body', 'Interval', 'Timeout', 'InitialStatus', 'Expose', 'Command', 'Args', 'GRPCService', 'GRPCUseTLS',
    'TLSSkipVerify', 'Limit', 'Grace', 'IgnoreWarnings', 'SuccessBeforePassing', 'FailuresBeforeCritical', 'Advertise', 'CPU', 'Cores',
    'MemoryMB', 'MemoryMaxMB', 'DiskMB', 'IOPS', 'Devices', 'Mode', 'Device', 'CIDR', 'IP', 'MBits', 'DNS', 'ReservedPorts', 'DynamicPorts',
    'Hostname', 'Label', 'To', 'HostNetwork', 'Min', 'Max', 'Enabled', 'Attempts', 'Delay', 'DelayFunction', 'MaxDelay', 'Unlimited',
    'Stagger', 'MaxParallel', 'HealthCheck', 'MinHealthyTime', 'HealthyDeadline', 'ProgressDeadline', 'Canary', 'AutoRevert',
    'AutoPromote', 'SizeMB', 'Sticky', 'MaxFiles', 'MaxFileSizeMB', 'Disabled', 'EmbeddedTmpl', 'SourcePath', 'DestPath', 'ChangeMode',
    'ChangeSignal', 'Splay', 'Perms', 'LeftDelim', 'RightDelim', 'Envvars', 'Hook', 'Sidecar', 'EnforceIndex', 'PolicyOverride',
    'PreserveCounts', 'PreserveResources', 'EvalPriority', 'SecretID', 'Submission', 'Diff', 'Target', 'Message', 'Error', 'Group',
    'Servers', 'Searches', 'Options', 'Source', 'Format', 'Variables', 'VariableFlags', 'Canonicalize', 'JobHCL',
  ],
  ['Meta', 'Env', 'Volumes', 'Header'],
  ['Config', 'Policy', 'Details'],
);
