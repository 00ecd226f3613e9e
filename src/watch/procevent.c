/*
 * procevent: decodes process events connector messages (proccache_parse(),
 * declared in proccache.h). A datagram is a sequence of netlink messages,
 * each a struct cn_msg followed by a struct proc_event (linux/cn_proc.h).
 * Fields are copied out with memcpy at offsets from the kernel headers, so
 * the buffer needs no alignment, and each event type must carry the bytes
 * of every field read from it. Older kernels send shorter exit events
 * without the parent fields, which this parser does not read.
 */
#include "watch/proccache.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#define EVENT_DATA_OFFSET offsetof(struct proc_event, event_data)

/* Reads a 32-bit field at offset of the proc_event in data. */
static uint32_t
read_u32(const uint8_t *data, size_t offset)
{
	uint32_t value;

	memcpy(&value, data + offset, sizeof(value));
	return value;
}

/* Returns the bytes an event of type what must carry, counted from the
 * start of the proc_event, or 0 for a type the cache does not use. */
static size_t
required_length(uint32_t what)
{
	const struct proc_event *e = NULL;

	switch (what) {
	case PROC_EVENT_NONE:
		return EVENT_DATA_OFFSET + sizeof(e->event_data.ack);
	case PROC_EVENT_FORK:
		return EVENT_DATA_OFFSET + sizeof(e->event_data.fork);
	case PROC_EVENT_EXEC:
		return EVENT_DATA_OFFSET + sizeof(e->event_data.exec);
	case PROC_EVENT_UID:
	case PROC_EVENT_GID:
		return EVENT_DATA_OFFSET + sizeof(e->event_data.id);
	case PROC_EVENT_COMM:
		return EVENT_DATA_OFFSET + sizeof(e->event_data.comm);
	case PROC_EVENT_EXIT:
		return offsetof(struct proc_event, event_data.exit.exit_signal) +
		       sizeof(e->event_data.exit.exit_signal);
	default:
		return 0;
	}
}

static void
decode_event(const uint8_t *data, uint32_t what, struct proccache_event *ev)
{
	size_t comm_len;

	memcpy(&ev->timestamp_ns, data + offsetof(struct proc_event, timestamp_ns),
	       sizeof(ev->timestamp_ns));

	switch (what) {
	case PROC_EVENT_NONE:
		ev->type = PROCCACHE_EVENT_ACK;
		ev->ack_error = read_u32(data, offsetof(struct proc_event, event_data.ack.err));
		break;
	case PROC_EVENT_FORK:
		ev->type = PROCCACHE_EVENT_FORK;
		ev->parent_pid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.fork.parent_pid));
		ev->parent_tgid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.fork.parent_tgid));
		ev->pid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.fork.child_pid));
		ev->tgid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.fork.child_tgid));
		break;
	case PROC_EVENT_EXEC:
		ev->type = PROCCACHE_EVENT_EXEC;
		ev->pid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.exec.process_pid));
		ev->tgid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.exec.process_tgid));
		break;
	case PROC_EVENT_UID:
	case PROC_EVENT_GID:
		ev->type = what == PROC_EVENT_UID ? PROCCACHE_EVENT_UID : PROCCACHE_EVENT_GID;
		ev->pid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.id.process_pid));
		ev->tgid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.id.process_tgid));
		ev->real_id = read_u32(data, offsetof(struct proc_event, event_data.id.r));
		ev->effective_id = read_u32(data, offsetof(struct proc_event, event_data.id.e));
		break;
	case PROC_EVENT_COMM:
		ev->type = PROCCACHE_EVENT_COMM;
		ev->pid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.comm.process_pid));
		ev->tgid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.comm.process_tgid));
		memcpy(ev->comm, data + offsetof(struct proc_event, event_data.comm.comm),
		       sizeof(ev->comm) - 1);
		comm_len = strnlen(ev->comm, sizeof(ev->comm) - 1);
		ev->comm[comm_len] = '\0';
		break;
	case PROC_EVENT_EXIT:
		ev->type = PROCCACHE_EVENT_EXIT;
		ev->pid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.exit.process_pid));
		ev->tgid = (pid_t)read_u32(data, offsetof(struct proc_event, event_data.exit.process_tgid));
		ev->exit_code = read_u32(data, offsetof(struct proc_event, event_data.exit.exit_code));
		break;
	default:
		ev->type = PROCCACHE_EVENT_IGNORED;
		break;
	}
}

/*
 * Checks one netlink message payload[0..len) and decodes its event into ev.
 * Returns false when the connector header or the event is short, or the
 * message is not from the process events connector.
 */
static bool
decode_message(const uint8_t *payload, size_t len, struct proccache_event *ev)
{
	struct cn_msg cn;
	const uint8_t *data;
	uint32_t what;
	size_t need;

	if (len < sizeof(cn))
		return false;
	memcpy(&cn, payload, sizeof(cn));
	if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
		return false;
	if (cn.len > len - sizeof(cn) || cn.len < EVENT_DATA_OFFSET)
		return false;

	data = payload + sizeof(cn);
	what = read_u32(data, offsetof(struct proc_event, what));
	need = required_length(what);
	if (need > cn.len)
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->sequence = cn.seq;
	ev->ack = cn.ack;
	decode_event(data, what, ev);
	return true;
}

int
proccache_parse(const uint8_t *buf, size_t len, struct proccache_batch *batch)
{
	size_t pos = 0;

	batch->count = 0;
	batch->malformed = 0;
	while (pos < len) {
		struct nlmsghdr nlh;
		size_t next;

		if (len - pos < sizeof(nlh)) {
			batch->malformed++;
			break;
		}
		memcpy(&nlh, buf + pos, sizeof(nlh));
		if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > len - pos) {
			batch->malformed++;
			break;
		}

		if (nlh.nlmsg_type != NLMSG_DONE || batch->count == PROCCACHE_BATCH_MAX)
			batch->malformed++;
		else if (decode_message(buf + pos + NLMSG_HDRLEN, nlh.nlmsg_len - NLMSG_HDRLEN,
		                        &batch->events[batch->count]))
			batch->count++;
		else
			batch->malformed++;

		/* The last message of a datagram may omit its alignment padding. */
		next = ((size_t)nlh.nlmsg_len + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
		if (next >= len - pos)
			break;
		pos += next;
	}
	return batch->malformed ? -EBADMSG : 0;
}
