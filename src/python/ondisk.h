/*
 * ondisk: read a CPython release number from files an installation leaves
 * on disk, without running it: PY_VERSION in include/pythonX.Y/patchlevel.h
 * and the libpythonX.Y-minimal stanzas of dpkg's status file.
 *
 * Both take (pointer, length) of untrusted text and allocate nothing.
 */
#ifndef SITEHOUND_PYTHON_ONDISK_H
#define SITEHOUND_PYTHON_ONDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Debian ships one libpythonX.Y-minimal per minor; 32 covers every release. */
#define DPKG_PYTHONS_MAX 32

struct dpkg_python {
	int major, minor;
	char version[64]; /* the Debian version, "3.11.2-6+deb12u6" */
};

/*
 * Finds `#define PY_VERSION "X.Y.Z"` and parses it (see pyver_parse).
 * Stores the quoted text, NUL-terminated, in text[0..size). Returns false
 * when the define is missing or is not a version.
 */
bool patchlevel_version(const uint8_t *buf, size_t len, uint32_t *lo, uint32_t *hi,
			char *text, size_t size);

/*
 * Collects every installed ("install ok installed") libpythonX.Y-minimal
 * package from dpkg status text into out[0..max). Returns how many.
 */
size_t dpkg_python_versions(const uint8_t *buf, size_t len, struct dpkg_python *out, size_t max);

/* Parses the upstream part of a Debian version ("1:3.11.2-6" is 3.11.2). */
bool debian_upstream_version(const char *debver, uint32_t *lo, uint32_t *hi);

#endif
