#include "core/strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64-bit. */
static uint64_t
hash_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct strmap_slot *
find_slot(struct strmap_slot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash_key(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int
grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	struct strmap_slot *slots = calloc(ncap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key)
			*find_slot(slots, ncap, m->slots[i].key) = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = ncap;
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, size_t value)
{
	struct strmap_slot *slot;
	int rc;

	if ((m->count + 1) * 2 > m->cap) {
		rc = grow(m);
		if (rc < 0)
			return rc;
	}
	slot = find_slot(m->slots, m->cap, key);
	if (!slot->key) {
		slot->key = strdup(key);
		if (!slot->key)
			return -ENOMEM;
		m->count++;
	}
	slot->value = value;
	return 0;
}

bool
strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	struct strmap_slot *slot;

	if (m->cap == 0)
		return false;
	slot = find_slot(m->slots, m->cap, key);
	if (!slot->key)
		return false;
	*value = slot->value;
	return true;
}

void
strmap_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->count = 0;
	m->cap = 0;
}
