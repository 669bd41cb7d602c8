// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hearth's traffic monitor: per-service packet/byte counters, connection
 * classification (activity vs health checks), first-SYN events for sleeping
 * services, and the sk_lookup "hold" that steers new connections for a
 * sleeping service to the agent's own listening socket.
 *
 * Where it attaches, and why TC (clsact) rather than XDP
 * -------------------------------------------------------
 * Both directions are counted with TC clsact programs (hearth_tc_ingress,
 * hearth_tc_egress). TC works the same on lo, veth, bridges and physical
 * NICs and sees egress; XDP sees no egress at all, and on lo and most
 * virtual devices runs only in generic (skb) mode, where it costs as much as
 * TC while adding a second code path. The monitor only reads packets, so the
 * few nanoseconds XDP saves on a native driver buy nothing here.
 *
 * Every packet is counted once. A packet's direction comes from which end
 * matches a watched service: destination -> towards the service (rx), source
 * -> from the service (tx). On lo each packet crosses lo's egress and then
 * lo's ingress, so on lo the agent attaches only hearth_tc_ingress; on every
 * other interface it attaches both. (Do not watch a bridge and its ports at
 * once: a packet crossing both would be counted on each.)
 *
 * Health checks do not keep a service awake
 * -----------------------------------------
 * Each TCP connection to a service has a conn_state in an LRU hash keyed by
 * its 4-tuple. It starts PENDING at the client's SYN. The first payload the
 * client sends classifies it: if it starts with the service's check prefix
 * (e.g. "GET /health ") the connection is a CHECK, otherwise ACTIVITY. A
 * connection that closes while still PENDING carried no client payload (a TCP
 * check or a port probe). Only ACTIVITY connections count as open and only
 * their payload bytes (both directions) count as activity; checks and
 * payload-less probes are counted in check_connections. A long streaming
 * response or an idle-but-open RPC session is an open ACTIVITY connection, so
 * it keeps the service awake. Server payload on a PENDING connection (a
 * banner) classifies nothing.
 *
 * Packets are parsed in place with a cursor over Ethernet + IPv4/IPv6 + TCP
 * (IPv6 extension headers and VLAN tags are not followed; such packets are
 * ignored). The check prefix is read with bpf_skb_load_bytes, which also
 * works when the payload is outside the linear part of the skb.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "traffic_monitor.h"

#define MAX_CONNECTIONS 65536

/* Watched endpoints, written by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HEARTH_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, struct service_info);
} services SEC(".maps");

/*
 * Ports (host byte order) of watched services -> how many services use them.
 * An array lookup is a bounds check and an add, so traffic to unwatched
 * ports leaves after one of these instead of up to four hash lookups.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u32);
} watched_ports SEC(".maps");

/*
 * Counters per service, at the slot the agent gave it (zeroed when it starts
 * watching). An array, not a hash keyed by id: an array lookup is inlined
 * into a bounds check and an add, and this runs for every counted packet.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HEARTH_MAX_SERVICES);
	__type(key, __u32);
	__type(value, struct service_stats);
} service_stats SEC(".maps");

/* Per-connection classification; LRU so a flood of probes cannot fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_CONNECTIONS);
	__type(key, struct conn_key);
	__type(value, struct conn_state);
} conns SEC(".maps");

/*
 * First SYNs to sleeping services, read by the agent. The agent maps the whole
 * ring (twice its size) into its memory, so it is kept small: 64 KiB holds over
 * a thousand events (48 bytes + an 8-byte header each), and only first SYNs to
 * sleeping services are written; the agent drains it as soon as it has data.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} syn_events SEC(".maps");

/* Held endpoints -> the agent's listening socket (value: its fd when written). */
struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, HEARTH_MAX_SERVICES);
	__type(key, struct service_key);
	__type(value, __u64);
} hold_sockets SEC(".maps");

struct cursor {
	void *pos;
	void *end;
};

/* What the parser extracts from one TCP packet. */
struct packet {
	__u8 family;
	__u8 tcp_flags; /* FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 */
	__be16 src_port;
	__be16 dst_port;
	__u32 payload_off; /* from skb->data */
	__u32 payload_len;
	__u8 src_addr[16];
	__u8 dst_addr[16];
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

static __always_inline void *cursor_take(struct cursor *cur, __u32 len)
{
	void *start = cur->pos;

	/* Verifier: the header must lie inside the packet before it is read. */
	if (start + len > cur->end)
		return NULL;
	cur->pos = start + len;
	return start;
}

/* Fills pkt from an Ethernet frame carrying TCP over IPv4/IPv6; false otherwise. */
static __always_inline bool parse_tcp_packet(struct __sk_buff *skb, struct packet *pkt)
{
	void *data = (void *)(long)skb->data;
	struct cursor cur = { .pos = data, .end = (void *)(long)skb->data_end };
	struct ethhdr *eth = cursor_take(&cur, sizeof(*eth));
	__u32 l3_end = skb->len; /* where the IP packet ends (Ethernet padding excluded) */
	__u32 l3_off = sizeof(*eth);
	struct tcphdr *tcp;
	__u32 tcp_len;

	if (!eth)
		return false;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cursor_take(&cur, sizeof(*ip));
		__u32 ihl_len;

		if (!ip || ip->protocol != IPPROTO_TCP)
			return false;
		ihl_len = ip->ihl * 4;
		if (ihl_len < sizeof(*ip))
			return false;
		/* Verifier: IP options (ihl > 5) must also lie inside the packet. */
		if (!cursor_take(&cur, ihl_len - sizeof(*ip)))
			return false;
		if (ip->tot_len != 0) /* 0 with BIG TCP GSO packets: keep skb->len */
			l3_end = l3_off + bpf_ntohs(ip->tot_len);
		pkt->family = HEARTH_AF_INET;
		__builtin_memset(pkt->src_addr, 0, sizeof(pkt->src_addr));
		__builtin_memset(pkt->dst_addr, 0, sizeof(pkt->dst_addr));
		__builtin_memcpy(pkt->src_addr, &ip->saddr, 4);
		__builtin_memcpy(pkt->dst_addr, &ip->daddr, 4);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cursor_take(&cur, sizeof(*ip6));

		if (!ip6 || ip6->nexthdr != IPPROTO_TCP)
			return false;
		if (ip6->payload_len != 0) /* 0 with jumbograms / BIG TCP */
			l3_end = l3_off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
		pkt->family = HEARTH_AF_INET6;
		__builtin_memcpy(pkt->src_addr, &ip6->saddr, 16);
		__builtin_memcpy(pkt->dst_addr, &ip6->daddr, 16);
	} else {
		return false;
	}

	tcp = cursor_take(&cur, sizeof(*tcp));
	if (!tcp)
		return false;
	tcp_len = tcp->doff * 4;
	if (tcp_len < sizeof(*tcp))
		return false;
	/* Verifier: TCP options (doff > 5) must also lie inside the packet. */
	if (!cursor_take(&cur, tcp_len - sizeof(*tcp)))
		return false;

	pkt->src_port = tcp->source;
	pkt->dst_port = tcp->dest;
	pkt->tcp_flags = ((__u8 *)tcp)[13];
	pkt->payload_off = (__u32)(cur.pos - data);
	if (l3_end > skb->len)
		l3_end = skb->len;
	pkt->payload_len = l3_end > pkt->payload_off ? l3_end - pkt->payload_off : 0;
	return true;
}

static __always_inline bool port_watched(__be16 port)
{
	__u32 key = bpf_ntohs(port);
	__u32 *users = bpf_map_lookup_elem(&watched_ports, &key);

	return users && *users > 0;
}

/* The service at (addr, port), or the service listening on any address of the family. */
static __always_inline struct service_info *lookup_service(__u8 family, const __u8 *addr, __be16 port)
{
	struct service_key key = {};
	struct service_info *info;

	key.family = family;
	key.protocol = HEARTH_PROTO_TCP;
	key.port = port;
	__builtin_memcpy(key.addr, addr, 16);
	info = bpf_map_lookup_elem(&services, &key);
	if (info)
		return info;
	__builtin_memset(key.addr, 0, sizeof(key.addr));
	return bpf_map_lookup_elem(&services, &key);
}

/* Does the client payload at payload_off start with the service's check prefix? */
static __always_inline bool payload_has_check_prefix(struct __sk_buff *skb, const struct packet *pkt,
						     const struct service_info *info)
{
	__u8 buf[HEARTH_CHECK_PREFIX_MAX] = {};
	__u32 len = info->check_prefix_len;

	/* Verifier: the load length must be provably within 1..sizeof(buf). */
	if (len == 0 || len > HEARTH_CHECK_PREFIX_MAX)
		return false;
	if (pkt->payload_len < len)
		return false;
	if (bpf_skb_load_bytes(skb, pkt->payload_off, buf, len) < 0)
		return false;
	for (__u32 i = 0; i < HEARTH_CHECK_PREFIX_MAX; i++) {
		if (i >= len)
			break;
		if (buf[i] != info->check_prefix[i])
			return false;
	}
	return true;
}

static __always_inline void report_syn(const struct packet *pkt, const struct service_info *info)
{
	struct syn_event *ev = bpf_ringbuf_reserve(&syn_events, sizeof(*ev), 0);

	if (!ev)
		return; /* ring full: the agent's hold socket still sees the connection */
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->timestamp_ns = bpf_ktime_get_ns();
	ev->service_id = info->id;
	ev->family = pkt->family;
	ev->src_port = pkt->src_port;
	ev->dst_port = pkt->dst_port;
	__builtin_memcpy(ev->src_addr, pkt->src_addr, 16);
	__builtin_memcpy(ev->dst_addr, pkt->dst_addr, 16);
	bpf_ringbuf_submit(ev, 0);
}

/* A client SYN: a new connection attempt (or a retransmission of one). */
static __always_inline void track_syn(const struct conn_key *key, const struct packet *pkt,
				      const struct service_info *info, struct service_stats *stats)
{
	struct conn_state *st = bpf_map_lookup_elem(&conns, key);
	struct conn_state fresh = {
		.service_id = info->id,
		.kind = HEARTH_CONN_PENDING,
		.stats_slot = info->stats_slot,
	};

	if (st && !(st->flags & HEARTH_CONN_CLOSED) && st->kind == HEARTH_CONN_PENDING) {
		/* Retransmitted SYN: report it only if the first one was not reported. */
		if ((info->flags & HEARTH_SVC_SLEEPING) &&
		    !(__sync_fetch_and_or(&st->flags, HEARTH_CONN_SYN_REPORTED) & HEARTH_CONN_SYN_REPORTED))
			report_syn(pkt, info);
		return;
	}
	/* The tuple is reused: a connection still counted as open is over. */
	if (st && !(st->flags & HEARTH_CONN_CLOSED) && st->kind == HEARTH_CONN_ACTIVITY)
		__sync_fetch_and_add(&stats->open_connections, -1);
	if (info->flags & HEARTH_SVC_SLEEPING) {
		fresh.flags = HEARTH_CONN_SYN_REPORTED;
		report_syn(pkt, info);
	}
	bpf_map_update_elem(&conns, key, &fresh, BPF_ANY);
}

/* The service a connection key names (its service side), for the check prefix. */
static __always_inline struct service_info *service_of(const struct conn_key *key)
{
	return lookup_service(key->family, key->service_addr, key->service_port);
}

/*
 * Payload bytes: classify a PENDING connection on its first client payload
 * and count activity. Returns the connection's state (adopted if unknown).
 */
static __always_inline struct conn_state *track_payload(struct __sk_buff *skb, const struct conn_key *key,
							struct conn_state *st, const struct packet *pkt,
							const struct service_info *info,
							struct service_stats *stats, bool from_client)
{
	if (!st) {
		/* A connection older than the monitor (or evicted): adopt it as activity. */
		struct conn_state adopted = { .kind = HEARTH_CONN_ACTIVITY };

		if (!info)
			return NULL;
		adopted.service_id = info->id;
		adopted.stats_slot = info->stats_slot;
		if (bpf_map_update_elem(&conns, key, &adopted, BPF_NOEXIST) == 0)
			__sync_fetch_and_add(&stats->open_connections, 1);
		st = bpf_map_lookup_elem(&conns, key);
		if (!st)
			return NULL;
	}
	if (st->kind == HEARTH_CONN_PENDING) {
		__u32 kind = HEARTH_CONN_ACTIVITY;

		if (!from_client)
			return st; /* a server banner says nothing about the client */
		if (!info)
			info = service_of(key);
		if (info && payload_has_check_prefix(skb, pkt, info))
			kind = HEARTH_CONN_CHECK;
		/* Only the CPU that moves the connection out of PENDING counts it. */
		if (__sync_val_compare_and_swap(&st->kind, HEARTH_CONN_PENDING, kind) == HEARTH_CONN_PENDING) {
			if (kind == HEARTH_CONN_CHECK)
				__sync_fetch_and_add(&stats->check_connections, 1);
			else if (!(st->flags & HEARTH_CONN_CLOSED))
				__sync_fetch_and_add(&stats->open_connections, 1);
		}
	}
	if (st->kind == HEARTH_CONN_ACTIVITY) {
		stats->activity_bytes += pkt->payload_len;
		/*
		 * The time of the last client payload (a request). The service's own
		 * sends skip the clock read (a fifth of this path's cost): a long
		 * response keeps the service awake as an open connection instead.
		 * The coarse clock (jiffy resolution) is plenty for idle tracking.
		 */
		if (from_client)
			stats->last_activity_ns = bpf_ktime_get_coarse_ns();
	}
	return st;
}

/* FIN or RST from either side: the connection stops counting as open. */
static __always_inline void track_close(struct conn_state *st, struct service_stats *stats)
{
	if (!st)
		return;
	if (__sync_fetch_and_or(&st->flags, HEARTH_CONN_CLOSED) & HEARTH_CONN_CLOSED)
		return; /* already closed by the other side's FIN */
	if (st->kind == HEARTH_CONN_ACTIVITY)
		__sync_fetch_and_add(&stats->open_connections, -1);
	else if (st->kind == HEARTH_CONN_PENDING)
		__sync_fetch_and_add(&stats->check_connections, 1); /* no client payload: a probe */
}

/* The connection key seen from the service's side. */
static __always_inline void fill_conn_key(struct conn_key *key, const struct packet *pkt, bool from_client)
{
	key->family = pkt->family;
	key->protocol = HEARTH_PROTO_TCP;
	if (from_client) {
		key->service_port = pkt->dst_port;
		key->client_port = pkt->src_port;
		__builtin_memcpy(key->service_addr, pkt->dst_addr, 16);
		__builtin_memcpy(key->client_addr, pkt->src_addr, 16);
	} else {
		key->service_port = pkt->src_port;
		key->client_port = pkt->dst_port;
		__builtin_memcpy(key->service_addr, pkt->src_addr, 16);
		__builtin_memcpy(key->client_addr, pkt->dst_addr, 16);
	}
}

/*
 * Fast path: the port pre-filter, then the connection (one LRU lookup, which
 * also yields the counter slot). Only a packet of an unknown connection, a
 * client SYN or a first client payload looks the service up.
 */
static __always_inline int count_packet(struct __sk_buff *skb)
{
	struct packet pkt = {};
	struct conn_key key = {};
	struct service_info *info = NULL;
	struct service_stats *stats;
	struct conn_state *st = NULL;
	__u32 segs = skb->gso_segs > 0 ? skb->gso_segs : 1;
	bool from_client, client_syn;
	__u32 slot;

	if (!parse_tcp_packet(skb, &pkt))
		return TC_ACT_UNSPEC;
	from_client = port_watched(pkt.dst_port);
	if (!from_client && !port_watched(pkt.src_port))
		return TC_ACT_UNSPEC;
	fill_conn_key(&key, &pkt, from_client);
	client_syn = from_client && (pkt.tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;

	if (!client_syn)
		st = bpf_map_lookup_elem(&conns, &key);
	if (st) {
		slot = st->stats_slot;
	} else {
		info = service_of(&key);
		if (!info && from_client && port_watched(pkt.src_port)) {
			/* Both ports are watched ones and the destination is not a service: try the source. */
			from_client = false;
			client_syn = false;
			fill_conn_key(&key, &pkt, false);
			st = bpf_map_lookup_elem(&conns, &key);
			info = service_of(&key);
		}
		if (!info)
			return TC_ACT_UNSPEC;
		slot = info->stats_slot;
	}
	stats = bpf_map_lookup_elem(&service_stats, &slot);
	if (!stats)
		return TC_ACT_UNSPEC; /* slot out of range: never written by the agent */

	if (from_client) {
		stats->rx_packets += segs;
		stats->rx_bytes += skb->len;
	} else {
		stats->tx_packets += segs;
		stats->tx_bytes += skb->len;
	}

	if (client_syn) {
		if (info)
			track_syn(&key, &pkt, info, stats);
		return TC_ACT_UNSPEC;
	}
	if (pkt.payload_len > 0)
		st = track_payload(skb, &key, st, &pkt, info, stats, from_client);
	if (pkt.tcp_flags & (TCP_FIN | TCP_RST))
		track_close(st, stats);
	/* TC_ACT_UNSPEC: observe only, and let any later filter run as if hearth were absent. */
	return TC_ACT_UNSPEC;
}

SEC("tc")
int hearth_tc_ingress(struct __sk_buff *skb)
{
	return count_packet(skb);
}

SEC("tc")
int hearth_tc_egress(struct __sk_buff *skb)
{
	return count_packet(skb);
}

/*
 * Hold: a new connection to a held endpoint is given to the agent's listening
 * socket instead of whatever listens there (usually nothing: the service is
 * asleep). The accepted socket keeps the original destination as its local
 * address. Presence in hold_sockets is the "hold" flag: when the agent
 * deletes the entry, new connections reach the service directly, with no
 * user space involved. If the assignment fails (e.g. an IPv6 connection and
 * an IPv4-only agent socket) the normal lookup proceeds.
 */
SEC("sk_lookup")
int hearth_sk_lookup(struct bpf_sk_lookup *ctx)
{
	struct service_key key = {};
	struct bpf_sock *sk;

	if (ctx->protocol != IPPROTO_TCP)
		return SK_PASS;
	key.protocol = HEARTH_PROTO_TCP;
	key.port = bpf_htons(ctx->local_port); /* local_port is in host byte order */
	if (ctx->family == HEARTH_AF_INET) {
		__u32 ip4 = ctx->local_ip4;

		key.family = HEARTH_AF_INET;
		__builtin_memcpy(key.addr, &ip4, 4);
	} else if (ctx->family == HEARTH_AF_INET6) {
		__u32 ip6[4] = { ctx->local_ip6[0], ctx->local_ip6[1], ctx->local_ip6[2], ctx->local_ip6[3] };

		key.family = HEARTH_AF_INET6;
		__builtin_memcpy(key.addr, ip6, 16);
	} else {
		return SK_PASS;
	}

	sk = bpf_map_lookup_elem(&hold_sockets, &key);
	if (!sk) {
		__builtin_memset(key.addr, 0, sizeof(key.addr));
		sk = bpf_map_lookup_elem(&hold_sockets, &key);
		if (!sk)
			return SK_PASS;
	}
	bpf_sk_assign(ctx, sk, 0);
	bpf_sk_release(sk);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
