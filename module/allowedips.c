// SPDX-License-Identifier: GPL-2.0
/*
 * Longest-prefix match for the allowed IPs of a device.
 *
 * Each family has a binary trie whose nodes skip the bits that no prefix
 * distinguishes: a node holds a whole prefix (key/cidr) and its children
 * are chosen by bit @cidr of the address. A lookup descends while the
 * address still matches the node's prefix and remembers the last node
 * that had a peer.
 *
 * Writers (under table->lock) build every new node completely before
 * publishing it with rcu_assign_pointer(), and unlink nodes without
 * touching their child pointers, so a reader that raced onto a node being
 * removed still finds its way down. Unlinked nodes are freed after a
 * grace period.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/socket.h>

#include "allowedips.h"
#include "peer.h"

#define wg_deref(table, p) \
	rcu_dereference_protected(p, lockdep_is_held((table)->lock))

/* Bit @pos of a key, counting from the most significant bit of byte 0. */
static unsigned int bit_at(const u8 *key, u8 pos)
{
	return (key[pos / 8] >> (7 - pos % 8)) & 1;
}

/* How many leading bits two 8-byte-aligned keys share, at most @max. */
static u8 common_bits(const u8 *a, const u8 *b, u8 max)
{
	const __be64 *wa = (const __be64 *)a, *wb = (const __be64 *)b;
	unsigned int w, n = 0;
	u64 x;

	for (w = 0; w < 2 && n < max; w++) {
		x = be64_to_cpu(wa[w]) ^ be64_to_cpu(wb[w]);
		if (x) {
			n += 64 - fls64(x);
			break;
		}
		n += 64;
	}
	return min_t(unsigned int, n, max);
}

/* Zero the host bits: everything after the first @cidr bits. */
static void mask_key(u8 *key, u8 cidr)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (cidr >= (i + 1) * 8)
			continue;
		if (cidr > i * 8)
			key[i] &= 0xff << (8 - (cidr - i * 8));
		else
			key[i] = 0;
	}
}

static bool node_matches(const struct allowedips_node *node, const u8 *key)
{
	return common_bits(node->key, key, node->cidr) == node->cidr;
}

static struct allowedips_node __rcu **root_of(struct allowedips *table,
					      u8 bits)
{
	return bits == 32 ? &table->root4 : &table->root6;
}

/*
 * Copy @addr into an aligned, zero-padded key. Returns the family's bit
 * count, or 0 for a family we do not route.
 */
static u8 load_key(u8 key[16], int family, const void *addr)
{
	memset(key, 0, 16);
	if (family == AF_INET) {
		memcpy(key, addr, 4);
		return 32;
	}
	if (family == AF_INET6) {
		memcpy(key, addr, 16);
		return 128;
	}
	return 0;
}

void wg_allowedips_init(struct allowedips *table, struct mutex *lock)
{
	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
	table->lock = lock;
}

static struct allowedips_node *new_node(const u8 *key, u8 cidr, u8 bits,
					struct wg_peer *peer)
{
	struct allowedips_node *node = kzalloc(sizeof(*node), GFP_KERNEL);

	if (!node)
		return NULL;
	memcpy(node->key, key, sizeof(node->key));
	mask_key(node->key, cidr);
	node->cidr = cidr;
	node->bits = bits;
	INIT_LIST_HEAD(&node->peer_list);
	RCU_INIT_POINTER(node->peer, peer);
	if (peer)
		list_add_tail(&node->peer_list, &peer->allowedips_list);
	return node;
}

/* Give an existing node to @peer; it goes to the end of the peer's list. */
static void set_owner(struct allowedips_node *node, struct wg_peer *peer)
{
	rcu_assign_pointer(node->peer, peer);
	list_move_tail(&node->peer_list, &peer->allowedips_list);
}

/* Hang @child under @parent on the side its key says. */
static void link_child(struct allowedips_node *parent,
		       struct allowedips_node *child)
{
	RCU_INIT_POINTER(parent->bit[bit_at(child->key, parent->cidr)], child);
	child->parent = parent;
}

static int insert(struct allowedips *table, const u8 *key, u8 cidr, u8 bits,
		  struct wg_peer *peer)
{
	struct allowedips_node __rcu **slot = root_of(table, bits);
	struct allowedips_node *parent = NULL, *node, *fresh, *branch;
	u8 common;

	for (;;) {
		node = wg_deref(table, *slot);
		if (!node)
			break;
		common = common_bits(node->key, key, min(node->cidr, cidr));
		if (common == node->cidr && node->cidr == cidr) {
			set_owner(node, peer);
			return 0;
		}
		if (common < node->cidr)
			goto split;
		parent = node;
		slot = &node->bit[bit_at(key, node->cidr)];
	}

	/* An empty place below everything that matches: a leaf. */
	fresh = new_node(key, cidr, bits, peer);
	if (!fresh)
		return -ENOMEM;
	fresh->parent = parent;
	rcu_assign_pointer(*slot, fresh);
	return 0;

split:
	fresh = new_node(key, cidr, bits, peer);
	if (!fresh)
		return -ENOMEM;
	if (common == cidr) {
		/* The new prefix covers @node: it takes node's place. */
		link_child(fresh, node);
		fresh->parent = parent;
		rcu_assign_pointer(*slot, fresh);
		return 0;
	}
	/* They part at bit @common: a branch point holds both. */
	branch = new_node(key, common, bits, NULL);
	if (!branch) {
		kfree(fresh);
		return -ENOMEM;
	}
	link_child(branch, fresh);
	link_child(branch, node);
	branch->parent = parent;
	rcu_assign_pointer(*slot, branch);
	return 0;
}

int wg_allowedips_insert(struct allowedips *table, int family,
			 const void *addr, u8 cidr, struct wg_peer *peer)
{
	u8 key[16] __aligned(8);
	u8 bits = load_key(key, family, addr);

	if (!bits || cidr > bits)
		return -EINVAL;
	mask_key(key, cidr);
	return insert(table, key, cidr, bits, peer);
}

static struct allowedips_node __rcu **slot_of(struct allowedips *table,
					      struct allowedips_node *node)
{
	if (!node->parent)
		return root_of(table, node->bits);
	return &node->parent->bit[bit_at(node->key, node->parent->cidr)];
}

/*
 * Drop the node's owner, then remove the nodes that no longer carry a
 * prefix nor separate two subtrees, walking up while that holds.
 */
static void remove_node(struct allowedips *table, struct allowedips_node *node)
{
	struct allowedips_node *child, *parent, *zero, *one;

	RCU_INIT_POINTER(node->peer, NULL);
	list_del_init(&node->peer_list);

	while (node && !rcu_access_pointer(node->peer)) {
		zero = wg_deref(table, node->bit[0]);
		one = wg_deref(table, node->bit[1]);
		if (zero && one)
			return;
		child = zero ? zero : one;
		parent = node->parent;
		rcu_assign_pointer(*slot_of(table, node), child);
		if (child)
			child->parent = parent;
		kfree_rcu(node, rcu);
		if (child)
			return;
		node = parent;
	}
}

static struct allowedips_node *find_exact(struct allowedips *table,
					  const u8 *key, u8 cidr, u8 bits)
{
	struct allowedips_node *node = wg_deref(table, *root_of(table, bits));

	while (node && node->cidr <= cidr && node_matches(node, key)) {
		if (node->cidr == cidr)
			return node;
		node = wg_deref(table, node->bit[bit_at(key, node->cidr)]);
	}
	return NULL;
}

bool wg_allowedips_remove(struct allowedips *table, int family,
			  const void *addr, u8 cidr, struct wg_peer *peer)
{
	struct allowedips_node *node;
	u8 key[16] __aligned(8);
	u8 bits = load_key(key, family, addr);

	if (!bits || cidr > bits)
		return false;
	mask_key(key, cidr);
	node = find_exact(table, key, cidr, bits);
	if (!node || rcu_access_pointer(node->peer) != peer)
		return false;
	remove_node(table, node);
	return true;
}

void wg_allowedips_remove_by_peer(struct allowedips *table,
				  struct wg_peer *peer)
{
	struct allowedips_node *node, *tmp;

	list_for_each_entry_safe(node, tmp, &peer->allowedips_list, peer_list) {
		remove_node(table, node);
		/* A peer may own a huge number of prefixes: let others run. */
		cond_resched();
	}
}

/* Free a whole trie, children before parents. No reader may remain. */
static void free_trie(struct allowedips *table, struct allowedips_node *node)
{
	struct allowedips_node *next, *parent;

	while (node) {
		next = wg_deref(table, node->bit[0]);
		if (!next)
			next = wg_deref(table, node->bit[1]);
		if (next) {
			node = next;
			continue;
		}
		parent = node->parent;
		if (parent)
			RCU_INIT_POINTER(*slot_of(table, node), NULL);
		list_del(&node->peer_list);
		kfree(node);
		node = parent;
	}
}

void wg_allowedips_free(struct allowedips *table)
{
	struct allowedips_node *root4 = wg_deref(table, table->root4);
	struct allowedips_node *root6 = wg_deref(table, table->root6);

	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
	synchronize_rcu();
	free_trie(table, root4);
	free_trie(table, root6);
}

/* The owner of the longest prefix that contains @key; RCU held. */
static struct wg_peer *lookup(struct allowedips *table, const u8 *key,
			      u8 bits)
{
	struct allowedips_node *node = rcu_dereference_bh(*root_of(table, bits));
	struct wg_peer *best = NULL, *peer;

	while (node && node_matches(node, key)) {
		peer = rcu_dereference_bh(node->peer);
		if (peer)
			best = peer;
		if (node->cidr == bits)
			break;
		node = rcu_dereference_bh(node->bit[bit_at(key, node->cidr)]);
	}
	return best;
}

struct wg_peer *wg_allowedips_lookup(struct allowedips *table, int family,
				     const void *addr)
{
	u8 key[16] __aligned(8);
	u8 bits = load_key(key, family, addr);

	if (!bits)
		return NULL;
	return wg_peer_get_maybe_zero(lookup(table, key, bits));
}

struct wg_peer *wg_allowedips_lookup_dst(struct allowedips *table,
					 struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return wg_allowedips_lookup(table, AF_INET,
					    &ip_hdr(skb)->daddr);
	if (skb->protocol == htons(ETH_P_IPV6))
		return wg_allowedips_lookup(table, AF_INET6,
					    &ipv6_hdr(skb)->daddr);
	return NULL;
}

struct wg_peer *wg_allowedips_lookup_src(struct allowedips *table,
					 struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return wg_allowedips_lookup(table, AF_INET,
					    &ip_hdr(skb)->saddr);
	if (skb->protocol == htons(ETH_P_IPV6))
		return wg_allowedips_lookup(table, AF_INET6,
					    &ipv6_hdr(skb)->saddr);
	return NULL;
}

int wg_allowedips_read_node(const struct allowedips_node *node, u8 ip[16],
			    u8 *cidr)
{
	memcpy(ip, node->key, node->bits / 8);
	*cidr = node->cidr;
	return node->bits == 32 ? AF_INET : AF_INET6;
}

u64 wg_allowedips_digest(struct allowedips *table, struct wg_peer *peer)
{
	struct allowedips_node *node;
	u64 digest = 0;

	lockdep_assert_held(table->lock);
	list_for_each_entry(node, &peer->allowedips_list, peer_list)
		digest += (u64)jhash(node->key, sizeof(node->key),
				     node->cidr | node->bits << 8) << 1 | 1;
	return digest;
}
