/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types shared by traffic_monitor.bpf.c and hearth's agent. The agent mirrors
 * every struct here field by field (agent/bpf/abi.ts); change both together.
 * All structs are laid out without implicit padding so both sides agree.
 */
#ifndef HEARTH_TRAFFIC_MONITOR_H
#define HEARTH_TRAFFIC_MONITOR_H

#include <linux/types.h>

#define HEARTH_AF_INET 2
#define HEARTH_AF_INET6 10
#define HEARTH_PROTO_TCP 6

/* Longest health-check request prefix the classifier compares. */
#define HEARTH_CHECK_PREFIX_MAX 32

/* Services watched at once (size of the services map and of service_stats). */
#define HEARTH_MAX_SERVICES 4096

/* service_info.flags */
#define HEARTH_SVC_SLEEPING (1U << 0) /* report the first SYN of each new connection */

/* conn_state.kind: what the connection turned out to be. */
#define HEARTH_CONN_PENDING 0  /* no client payload yet */
#define HEARTH_CONN_CHECK 1    /* first client payload started with the check prefix */
#define HEARTH_CONN_ACTIVITY 2 /* first client payload was anything else */

/* conn_state.flags */
#define HEARTH_CONN_CLOSED (1U << 0)       /* a FIN or RST was seen */
#define HEARTH_CONN_SYN_REPORTED (1U << 1) /* a SYN event was sent for this tuple */

/* A service endpoint: IPv4 addresses use the first 4 bytes of addr, the rest zero. */
struct service_key {
	__u8 family;   /* HEARTH_AF_INET or HEARTH_AF_INET6 */
	__u8 protocol; /* HEARTH_PROTO_TCP */
	__be16 port;   /* network byte order */
	__u8 addr[16]; /* all zero: any address of this family */
};

struct service_info {
	__u32 id;
	__u32 stats_slot;       /* index into service_stats, chosen by the agent */
	__u32 flags;            /* HEARTH_SVC_* */
	__u32 check_prefix_len; /* 0: no check prefix configured */
	__u8 check_prefix[HEARTH_CHECK_PREFIX_MAX];
};

/* Per-CPU counters of one service, at its stats_slot; the reader sums CPUs. */
struct service_stats {
	__u64 rx_packets;        /* towards the service */
	__u64 rx_bytes;
	__u64 tx_packets;        /* from the service */
	__u64 tx_bytes;
	__u64 activity_bytes;    /* TCP payload of non-check connections, both ways */
	__s64 open_connections;  /* +1 on one CPU, -1 maybe on another: only the sum means anything */
	__u64 check_connections; /* check connections and payload-less probes */
	__u64 last_activity_ns;  /* last client payload of an activity connection: bpf_ktime_get_coarse_ns(); the reader takes the max */
};

/* One TCP connection to a service, seen from the service's side. */
struct conn_key {
	__u8 family;
	__u8 protocol;
	__be16 service_port;
	__be16 client_port;
	__u16 pad;
	__u8 service_addr[16];
	__u8 client_addr[16];
};

/* kind and flags are 32-bit so the program can change them with atomic
 * compare-and-swap / fetch-or: both directions of one connection may be
 * processed on two CPUs at once. */
struct conn_state {
	__u32 service_id;
	__u32 kind;       /* HEARTH_CONN_* */
	__u32 flags;      /* HEARTH_CONN_CLOSED, HEARTH_CONN_SYN_REPORTED */
	__u32 stats_slot; /* the service's counters: a known connection needs no service lookup */
};

/* Ring buffer record: the first SYN of a connection to a sleeping service. */
struct syn_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns() */
	__u32 service_id;
	__u8 family;
	__u8 pad;
	__be16 src_port;
	__be16 dst_port;
	__u16 pad2;
	__u8 src_addr[16];
	__u8 dst_addr[16];
	__u32 pad3;
};

#endif /* HEARTH_TRAFFIC_MONITOR_H */
