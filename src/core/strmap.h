/*
 * strmap: a hash map from NUL-terminated strings to size_t values, for the
 * lookups that a scan of many environments repeats (prefixes, site
 * directories). The map copies its keys; strmap_free() releases them.
 * strmap_put() returns 0 or -ENOMEM.
 */
#ifndef SITEHOUND_CORE_STRMAP_H
#define SITEHOUND_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap_slot {
	char *key;
	size_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t count, cap;
};

/* Stores value under key, replacing an earlier value. */
__attribute__((warn_unused_result))
int strmap_put(struct strmap *m, const char *key, size_t value);
/* Returns true and stores the value when key is present. */
bool strmap_get(const struct strmap *m, const char *key, size_t *value);
void strmap_free(struct strmap *m);

#endif
