/*
 * proccache: see proccache.h. Records live in a fixed array of slots,
 * found by pid through a chained hash table. Two lists thread the slots:
 * the age list in order of insertion, whose head is evicted when the cache
 * is full, and the exit list in order of exit, whose head expires first.
 * Executable paths and command lines are allocated to their length, so a
 * typical record takes a few hundred bytes.
 */
#include "watch/proccache.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "watch/procfs.h"

#define NO_SLOT UINT32_MAX
/* Hash buckets: a power of two at least twice PROCCACHE_ENTRIES_MAX, so
 * chains stay short when the cache is full. */
#define BUCKETS 16384
/*
 * Receive buffer for one datagram. The kernel sends one 76-byte event per
 * datagram, so 8 KiB leaves room for batched messages.
 */
#define RECV_BYTES 8192
/*
 * Datagrams read per proccache_dispatch() call, so that a fork storm cannot
 * keep the caller from its other descriptors. The socket stays readable
 * and the next poll returns at once.
 */
#define DISPATCH_MAX 4096
/* Time in ms that proccache_open() waits for the kernel to acknowledge the
 * listen request. Linux 6.18 acknowledged in under 1 ms when measured, so
 * this only bounds the wait. */
#define ACK_TIMEOUT_MS 1000
#define NS_PER_MS 1000000u

struct link {
	uint32_t prev, next;
};

struct list {
	uint32_t head, tail;
};

struct entry {
	bool used;
	bool on_exit_list;
	pid_t pid, ppid;
	bool ids_known;
	uid_t ruid, euid;
	gid_t rgid, egid;
	uint64_t start_ns, exec_ns, exit_ns;
	bool exited;
	int wait_status;
	char comm[PROCCACHE_COMM_MAX];
	char *exe; /* NULL when unknown */
	size_t exe_len;
	bool exe_truncated;
	uint8_t *cmdline; /* NULL when empty */
	size_t cmdline_len;
	bool cmdline_truncated;
	enum proc_record_source source;
	uint32_t hash_next; /* next slot in the bucket, or in the free list */
	struct link age, exit;
};

struct proccache {
	int fd;
	uint64_t grace_ns;
	size_t entries_max;
	struct entry *entries;
	uint32_t buckets[BUCKETS];
	uint32_t free_head;
	size_t used;
	struct list age, exits;
	struct proccache_stats stats;
	void (*on_exec)(pid_t pid, void *ctx);
	void *on_exec_ctx;
	uint32_t listen_ack; /* cn_msg.ack of the listen request, to match its acknowledgement */
	bool listen_acked;
	uint32_t listen_error;
	struct proc_record scratch;
	struct proccache_batch batch;
	uint8_t recv_buf[RECV_BYTES];
};

static uint64_t
monotonic_ns(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 0;
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static uint32_t
bucket_of(pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (BUCKETS - 1);
}

/* ---- slot lists ---- */

static struct link *
link_of(struct proccache *cache, uint32_t slot, bool exit_list)
{
	return exit_list ? &cache->entries[slot].exit : &cache->entries[slot].age;
}

static void
list_append(struct proccache *cache, struct list *list, uint32_t slot, bool exit_list)
{
	struct link *link = link_of(cache, slot, exit_list);

	link->prev = list->tail;
	link->next = NO_SLOT;
	if (list->tail != NO_SLOT)
		link_of(cache, list->tail, exit_list)->next = slot;
	else
		list->head = slot;
	list->tail = slot;
}

static void
list_unlink(struct proccache *cache, struct list *list, uint32_t slot, bool exit_list)
{
	struct link *link = link_of(cache, slot, exit_list);

	if (link->prev != NO_SLOT)
		link_of(cache, link->prev, exit_list)->next = link->next;
	else
		list->head = link->next;
	if (link->next != NO_SLOT)
		link_of(cache, link->next, exit_list)->prev = link->prev;
	else
		list->tail = link->prev;
	link->prev = link->next = NO_SLOT;
}

/* ---- slots ---- */

static uint32_t
find_slot(const struct proccache *cache, pid_t pid)
{
	uint32_t slot = cache->buckets[bucket_of(pid)];

	while (slot != NO_SLOT && cache->entries[slot].pid != pid)
		slot = cache->entries[slot].hash_next;
	return slot;
}

static void
remove_slot(struct proccache *cache, uint32_t slot)
{
	struct entry *e = &cache->entries[slot];
	uint32_t *p = &cache->buckets[bucket_of(e->pid)];

	while (*p != slot)
		p = &cache->entries[*p].hash_next;
	*p = e->hash_next;

	list_unlink(cache, &cache->age, slot, false);
	if (e->on_exit_list)
		list_unlink(cache, &cache->exits, slot, true);
	free(e->exe);
	free(e->cmdline);
	memset(e, 0, sizeof(*e));
	e->hash_next = cache->free_head;
	cache->free_head = slot;
	cache->used--;
}

/* Takes a free slot for pid, evicting the oldest record when the cache is
 * full. The caller has checked that pid has no slot. */
static uint32_t
insert_slot(struct proccache *cache, pid_t pid)
{
	uint32_t slot, bucket = bucket_of(pid);
	struct entry *e;

	if (cache->used == cache->entries_max) {
		remove_slot(cache, cache->age.head);
		cache->stats.evicted++;
	}
	slot = cache->free_head;
	e = &cache->entries[slot];
	cache->free_head = e->hash_next;

	memset(e, 0, sizeof(*e));
	e->used = true;
	e->pid = pid;
	e->hash_next = cache->buckets[bucket];
	cache->buckets[bucket] = slot;
	list_append(cache, &cache->age, slot, false);
	cache->used++;
	return slot;
}

/* Drops exited records whose grace period has ended. */
static void
expire(struct proccache *cache)
{
	uint64_t now = monotonic_ns();

	while (cache->exits.head != NO_SLOT) {
		const struct entry *e = &cache->entries[cache->exits.head];

		if (e->exit_ns > now || now - e->exit_ns < cache->grace_ns)
			break;
		remove_slot(cache, cache->exits.head);
	}
}

/* ---- record text ---- */

static int
replace_text(struct entry *e, const char *exe, size_t exe_len, bool exe_truncated,
             const uint8_t *cmdline, size_t cmdline_len, bool cmdline_truncated)
{
	char *new_exe = NULL;
	uint8_t *new_cmdline = NULL;

	if (exe_len > 0) {
		new_exe = malloc(exe_len + 1);
		if (!new_exe)
			return -ENOMEM;
		memcpy(new_exe, exe, exe_len);
		new_exe[exe_len] = '\0';
	}
	if (cmdline_len > 0) {
		new_cmdline = malloc(cmdline_len);
		if (!new_cmdline) {
			free(new_exe);
			return -ENOMEM;
		}
		memcpy(new_cmdline, cmdline, cmdline_len);
	}

	free(e->exe);
	free(e->cmdline);
	e->exe = new_exe;
	e->exe_len = exe_len;
	e->exe_truncated = exe_truncated;
	e->cmdline = new_cmdline;
	e->cmdline_len = cmdline_len;
	e->cmdline_truncated = cmdline_truncated;
	return 0;
}

/* Copies the /proc fields of rec into e. The start time and ppid are copied
 * only where e has none, because fork events give the exact ones. */
static int
store_procfs(struct entry *e, const struct proc_record *rec)
{
	memcpy(e->comm, rec->comm, sizeof(e->comm));
	e->ids_known = rec->ids_known;
	e->ruid = rec->ruid;
	e->euid = rec->euid;
	e->rgid = rec->rgid;
	e->egid = rec->egid;
	if (e->ppid == 0)
		e->ppid = rec->ppid;
	if (e->start_ns == 0)
		e->start_ns = rec->start_ns;
	return replace_text(e, rec->exe, strlen(rec->exe), rec->exe_truncated, rec->cmdline,
	                    rec->cmdline_len, rec->cmdline_truncated);
}

static void
copy_out(const struct entry *e, struct proc_record *out)
{
	out->pid = e->pid;
	out->ppid = e->ppid;
	out->ids_known = e->ids_known;
	out->ruid = e->ruid;
	out->euid = e->euid;
	out->rgid = e->rgid;
	out->egid = e->egid;
	out->start_ns = e->start_ns;
	out->exec_ns = e->exec_ns;
	out->exited = e->exited;
	out->exit_ns = e->exit_ns;
	out->wait_status = e->wait_status;
	memcpy(out->comm, e->comm, sizeof(out->comm));
	out->exe[0] = '\0';
	if (e->exe)
		memcpy(out->exe, e->exe, e->exe_len + 1);
	out->exe_truncated = e->exe_truncated;
	out->cmdline_len = e->cmdline_len;
	if (e->cmdline)
		memcpy(out->cmdline, e->cmdline, e->cmdline_len);
	out->cmdline_truncated = e->cmdline_truncated;
	out->source = e->source;
}

/*
 * Finds the slot of pid, reading /proc/PID into a new PROC_SOURCE_PROCFS
 * record when it has none. Returns the slot, or -ENOENT or -ENOMEM.
 */
static int64_t
resolve_slot(struct proccache *cache, pid_t pid)
{
	uint32_t slot = find_slot(cache, pid);
	int rc;

	if (slot != NO_SLOT)
		return slot;
	memset(&cache->scratch, 0, sizeof(cache->scratch));
	if (procfs_read(pid, &cache->scratch) < 0)
		return -ENOENT;
	slot = insert_slot(cache, pid);
	cache->entries[slot].source = PROC_SOURCE_PROCFS;
	rc = store_procfs(&cache->entries[slot], &cache->scratch);
	if (rc < 0) {
		remove_slot(cache, slot);
		return rc;
	}
	return slot;
}

/* ---- events ---- */

/* A forked child runs its parent's image with its parent's arguments until
 * it executes a program, so it starts with a copy of the parent's fields. */
static int
apply_fork(struct proccache *cache, const struct proccache_event *ev)
{
	int64_t parent;
	uint32_t slot;
	struct entry *child;
	const struct entry *p;

	if (ev->pid != ev->tgid || ev->tgid <= 0)
		return 0; /* a new thread */
	slot = find_slot(cache, ev->tgid);
	if (slot != NO_SLOT)
		remove_slot(cache, slot); /* the pid was reused */

	parent = ev->parent_tgid > 0 ? resolve_slot(cache, ev->parent_tgid) : -ENOENT;
	if (parent == -ENOMEM)
		return -ENOMEM;
	slot = insert_slot(cache, ev->tgid);
	child = &cache->entries[slot];
	child->source = PROC_SOURCE_EVENTS;
	child->ppid = ev->parent_tgid;
	child->start_ns = ev->timestamp_ns;

	/* Taking the child's slot may have evicted the parent. */
	if (parent < 0 || (uint32_t)parent == slot || cache->entries[parent].pid != ev->parent_tgid)
		return 0;
	p = &cache->entries[parent];
	memcpy(child->comm, p->comm, sizeof(child->comm));
	child->ids_known = p->ids_known;
	child->ruid = p->ruid;
	child->euid = p->euid;
	child->rgid = p->rgid;
	child->egid = p->egid;
	if (replace_text(child, p->exe ? p->exe : "", p->exe_len, p->exe_truncated, p->cmdline,
	                 p->cmdline_len, p->cmdline_truncated) < 0) {
		remove_slot(cache, slot);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Reads the new image of the process from /proc. A process that has already
 * exited shows only its comm while it is a zombie, and nothing once reaped.
 * The fields copied from the parent are cleared in both cases, because they
 * describe the image before the exec.
 */
static int
apply_exec(struct proccache *cache, const struct proccache_event *ev)
{
	uint32_t slot = find_slot(cache, ev->tgid);
	struct entry *e;

	if (ev->tgid <= 0)
		return 0;
	if (slot == NO_SLOT) {
		slot = insert_slot(cache, ev->tgid);
		cache->entries[slot].source = PROC_SOURCE_EVENTS;
	}
	e = &cache->entries[slot];
	e->exec_ns = ev->timestamp_ns;

	memset(&cache->scratch, 0, sizeof(cache->scratch));
	if (procfs_read(ev->tgid, &cache->scratch) < 0) {
		e->comm[0] = '\0';
		return replace_text(e, "", 0, false, NULL, 0, false);
	}
	return store_procfs(e, &cache->scratch);
}

/*
 * Records an exit, reading /proc for a process that the cache never saw
 * while it is still there. Thread exits other than the leader's are ignored.
 * NOTE: a leader thread that exits before the other threads marks the whole
 * process exited early, because no event marks the end of the thread group.
 */
static int
apply_exit(struct proccache *cache, const struct proccache_event *ev)
{
	int64_t found;
	struct entry *e;

	if (ev->pid != ev->tgid || ev->tgid <= 0)
		return 0;
	found = resolve_slot(cache, ev->tgid);
	if (found == -ENOMEM)
		return -ENOMEM;
	if (found < 0) {
		found = insert_slot(cache, ev->tgid);
		cache->entries[found].source = PROC_SOURCE_EVENTS;
	}
	e = &cache->entries[found];
	if (e->exited)
		return 0;
	e->exited = true;
	e->exit_ns = ev->timestamp_ns;
	e->wait_status = (int)ev->exit_code;
	e->on_exit_list = true;
	list_append(cache, &cache->exits, (uint32_t)found, true);
	return 0;
}

static int
apply_event(struct proccache *cache, const struct proccache_event *ev)
{
	uint32_t slot;

	switch (ev->type) {
	case PROCCACHE_EVENT_ACK:
		/* Every listener receives the acknowledgement of every request. It
		 * carries the request's ack number plus 1 (seen on Linux 6.18). */
		if (ev->ack == cache->listen_ack + 1 && !cache->listen_acked) {
			cache->listen_acked = true;
			cache->listen_error = ev->ack_error;
		}
		return 0;
	case PROCCACHE_EVENT_FORK:
		return apply_fork(cache, ev);
	case PROCCACHE_EVENT_EXEC: {
		int rc = apply_exec(cache, ev);

		if (rc == 0 && cache->on_exec)
			cache->on_exec(ev->tgid, cache->on_exec_ctx);
		return rc;
	}
	case PROCCACHE_EVENT_EXIT:
		return apply_exit(cache, ev);
	case PROCCACHE_EVENT_UID:
	case PROCCACHE_EVENT_GID:
	case PROCCACHE_EVENT_COMM:
		break;
	case PROCCACHE_EVENT_IGNORED:
		return 0;
	}

	slot = find_slot(cache, ev->tgid);
	if (slot == NO_SLOT)
		return 0;
	if (ev->type == PROCCACHE_EVENT_UID) {
		cache->entries[slot].ruid = ev->real_id;
		cache->entries[slot].euid = ev->effective_id;
	} else if (ev->type == PROCCACHE_EVENT_GID) {
		cache->entries[slot].rgid = ev->real_id;
		cache->entries[slot].egid = ev->effective_id;
	} else if (ev->pid == ev->tgid) {
		/* /proc/PID/comm shows the leader's name; other threads have their own. */
		memcpy(cache->entries[slot].comm, ev->comm, sizeof(ev->comm));
	}
	return 0;
}

/* ---- socket ---- */

/* Sends a PROC_CN_MCAST_LISTEN or PROC_CN_MCAST_IGNORE request to the kernel. */
static int
send_mcast_op(int fd, enum proc_cn_mcast_op op, uint32_t ack)
{
	uint8_t request[NLMSG_HDRLEN + sizeof(struct cn_msg) + sizeof(op)];
	struct nlmsghdr nlh = {.nlmsg_len = sizeof(request), .nlmsg_type = NLMSG_DONE};
	struct cn_msg cn = {.id = {.idx = CN_IDX_PROC, .val = CN_VAL_PROC},
	                    .ack = ack,
	                    .len = sizeof(op)};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	memset(request, 0, sizeof(request));
	memcpy(request, &nlh, sizeof(nlh));
	memcpy(request + NLMSG_HDRLEN, &cn, sizeof(cn));
	memcpy(request + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));

	if (sendto(fd, request, sizeof(request), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* Reads one datagram. Returns 1 when one was handled, 0 when none is pending. */
static int
receive_one(struct proccache *cache, int *applied)
{
	struct sockaddr_nl from;
	socklen_t from_len = sizeof(from);
	ssize_t n;

	n = recvfrom(cache->fd, cache->recv_buf, sizeof(cache->recv_buf), MSG_DONTWAIT | MSG_TRUNC,
	             (struct sockaddr *)&from, &from_len);
	if (n < 0) {
		if (errno == EINTR)
			return 1;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == ENOBUFS) {
			cache->stats.overruns++;
			return 1;
		}
		return -errno;
	}

	/* Any local process can send to this socket's port; only the kernel's
	 * messages (port 0) are process events. */
	if (from_len < sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0) {
		cache->stats.foreign++;
		return 1;
	}
	if ((size_t)n > sizeof(cache->recv_buf)) {
		cache->stats.malformed++;
		return 1;
	}

	if (proccache_parse(cache->recv_buf, (size_t)n, &cache->batch) < 0)
		cache->stats.malformed += cache->batch.malformed;
	for (size_t i = 0; i < cache->batch.count; i++) {
		int rc = apply_event(cache, &cache->batch.events[i]);

		if (rc < 0)
			return rc;
		cache->stats.events++;
		(*applied)++;
	}
	return 1;
}

int
proccache_dispatch(struct proccache *cache)
{
	int applied = 0;

	for (int i = 0; i < DISPATCH_MAX; i++) {
		int rc = receive_one(cache, &applied);

		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
	}
	expire(cache);
	return applied;
}

/* Waits up to ACK_TIMEOUT_MS for the acknowledgement of the listen request,
 * applying the events that arrive meanwhile. */
static int
wait_for_ack(struct proccache *cache)
{
	uint64_t deadline = monotonic_ns() + (uint64_t)ACK_TIMEOUT_MS * NS_PER_MS;

	while (!cache->listen_acked) {
		struct pollfd pfd = {.fd = cache->fd, .events = POLLIN};
		uint64_t now = monotonic_ns();
		int rc;

		if (now >= deadline)
			break;
		rc = poll(&pfd, 1, (int)((deadline - now) / NS_PER_MS) + 1);
		if (rc < 0 && errno != EINTR)
			return -errno;
		rc = proccache_dispatch(cache);
		if (rc < 0)
			return rc;
	}
	/* NOTE: a kernel that sends no acknowledgement is taken as listening. */
	return cache->listen_error ? -(int)cache->listen_error : 0;
}

static int
open_socket(struct proccache *cache, int size)
{
	struct sockaddr_nl local = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};

	cache->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
	if (cache->fd < 0)
		return -errno;
	/* SO_RCVBUFFORCE passes net.core.rmem_max but needs CAP_NET_ADMIN;
	 * without it the smaller default buffer still works. */
	if (setsockopt(cache->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(cache->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(cache->fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		return -errno;
	/* Unlikely to equal the ack number of another listener's request. */
	cache->listen_ack = (uint32_t)getpid() ^ (uint32_t)monotonic_ns();
	return send_mcast_op(cache->fd, PROC_CN_MCAST_LISTEN, cache->listen_ack);
}

int
proccache_open(struct proccache **out, const struct proccache_options *options)
{
	struct proccache *cache;
	size_t entries_max = options && options->entries_max ? options->entries_max
	                                                     : PROCCACHE_ENTRIES_MAX;
	uint32_t grace_ms = options && options->exit_grace_ms ? options->exit_grace_ms
	                                                      : PROCCACHE_EXIT_GRACE_MS;
	int receive_bytes = options && options->receive_buffer_bytes > 0
	                        ? options->receive_buffer_bytes
	                        : (int)PROCCACHE_RCVBUF_BYTES;
	int rc;

	*out = NULL;
	if (entries_max > PROCCACHE_ENTRIES_MAX)
		return -EINVAL;
	cache = calloc(1, sizeof(*cache));
	if (!cache)
		return -ENOMEM;
	cache->fd = -1;
	cache->entries = calloc(entries_max, sizeof(*cache->entries));
	if (!cache->entries) {
		free(cache);
		return -ENOMEM;
	}

	cache->entries_max = entries_max;
	cache->grace_ns = (uint64_t)grace_ms * NS_PER_MS;
	if (options) {
		cache->on_exec = options->on_exec;
		cache->on_exec_ctx = options->ctx;
	}
	for (size_t i = 0; i < BUCKETS; i++)
		cache->buckets[i] = NO_SLOT;
	for (size_t i = 0; i < entries_max; i++)
		cache->entries[i].hash_next = i + 1 < entries_max ? (uint32_t)(i + 1) : NO_SLOT;
	cache->free_head = 0;
	cache->age.head = cache->age.tail = NO_SLOT;
	cache->exits.head = cache->exits.tail = NO_SLOT;

	rc = open_socket(cache, receive_bytes);
	if (rc == 0)
		rc = wait_for_ack(cache);
	if (rc < 0) {
		proccache_close(cache);
		return rc;
	}
	*out = cache;
	return 0;
}

void
proccache_close(struct proccache *cache)
{
	if (!cache)
		return;
	if (cache->fd >= 0) {
		(void)send_mcast_op(cache->fd, PROC_CN_MCAST_IGNORE, cache->listen_ack + 2);
		close(cache->fd);
	}
	for (size_t i = 0; i < cache->entries_max; i++) {
		free(cache->entries[i].exe);
		free(cache->entries[i].cmdline);
	}
	free(cache->entries);
	free(cache);
}

int
proccache_fd(const struct proccache *cache)
{
	return cache->fd;
}

void
proccache_stats(const struct proccache *cache, struct proccache_stats *out)
{
	*out = cache->stats;
}

/* ---- queries ---- */

int
proccache_lookup(struct proccache *cache, pid_t pid, struct proc_record *out)
{
	int64_t slot;

	if (pid <= 0)
		return -EINVAL;
	expire(cache);
	slot = resolve_slot(cache, pid);
	if (slot < 0)
		return (int)slot;
	copy_out(&cache->entries[slot], out);
	return 0;
}

int
proccache_parent_chain(struct proccache *cache, pid_t pid, pid_t *out, size_t max,
                       size_t *count)
{
	int64_t slot;
	pid_t parent;

	*count = 0;
	if (pid <= 0)
		return -EINVAL;
	expire(cache);
	slot = resolve_slot(cache, pid);
	if (slot < 0)
		return (int)slot;

	while (*count < max) {
		parent = cache->entries[slot].ppid;
		if (parent <= 0 || parent == pid)
			break;
		for (size_t i = 0; i < *count; i++) {
			if (out[i] == parent)
				return 0;
		}
		out[(*count)++] = parent;
		if (parent == 1)
			break;
		slot = resolve_slot(cache, parent);
		if (slot == -ENOMEM)
			return -ENOMEM;
		if (slot < 0)
			break;
	}
	return 0;
}

int
proccache_early_children(struct proccache *cache, pid_t parent, uint32_t window_ms,
                         struct proc_early_child *out, size_t max, size_t *count)
{
	uint64_t window_ns = (uint64_t)window_ms * NS_PER_MS;
	uint64_t base;
	int64_t slot;

	*count = 0;
	if (parent <= 0)
		return -EINVAL;
	expire(cache);
	slot = resolve_slot(cache, parent);
	if (slot < 0)
		return (int)slot;
	base = cache->entries[slot].exec_ns ? cache->entries[slot].exec_ns
	                                    : cache->entries[slot].start_ns;

	for (size_t i = 0; i < cache->entries_max; i++) {
		const struct entry *e = &cache->entries[i];
		enum proc_child_kind kind;

		/* A child that never executed a program is still running Python. */
		if (!e->used || e->ppid != parent || e->exec_ns == 0)
			continue;
		if (e->start_ns < base || e->start_ns - base > window_ns)
			continue;
		if (e->exe)
			kind = proccache_classify(e->exe, e->exe_len, e->cmdline, e->cmdline_len);
		else
			kind = proccache_classify(e->comm, strlen(e->comm), e->cmdline, e->cmdline_len);
		if (kind == PROC_CHILD_OTHER)
			continue;

		if (*count < max) {
			out[*count].pid = e->pid;
			out[*count].kind = kind;
			out[*count].delay_ns = e->start_ns - base;
		}
		(*count)++;
	}
	return 0;
}
