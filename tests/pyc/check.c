/*
 * Test driver for tests/pyc/run: reads a .pyc (and optionally its .py),
 * prints the parsed header as key=value lines, then one "missing: TEXT"
 * line per collected string the source does not account for.
 * Exit status: 0 on success, 2 on usage or I/O errors, 3 when the pyc
 * cannot be parsed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "python/pyc.h"

/* Test inputs are small modules; standard-library pycs stay well below this. */
#define CHECK_MAX_FILE (64u * 1024 * 1024)

static int
read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	size_t n;

	if (!f)
		return -errno;
	data = malloc(CHECK_MAX_FILE);
	if (!data) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(data, 1, CHECK_MAX_FILE, f);
	fclose(f);
	if (n == CHECK_MAX_FILE) {
		free(data);
		return -E2BIG;
	}
	*buf = data;
	*len = n;
	return 0;
}

static void
print_escaped(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7F || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
}

static const char *
validation_name(enum pyc_validation v)
{
	switch (v) {
	case PYC_TIMESTAMP:
		return "timestamp";
	case PYC_HASH_CHECKED:
		return "checked-hash";
	case PYC_HASH_UNCHECKED:
		return "unchecked-hash";
	}
	return "?";
}

int
main(int argc, char **argv)
{
	struct pyc_strings strings, missing;
	struct pyc_info info;
	uint8_t *pyc = NULL, *src = NULL;
	size_t pyclen, srclen = 0, i;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: check FILE.pyc [FILE.py]\n");
		return 2;
	}
	if ((rc = read_file(argv[1], &pyc, &pyclen)) < 0 ||
	    (argc == 3 && (rc = read_file(argv[2], &src, &srclen)) < 0)) {
		fprintf(stderr, "check: cannot read input: %s\n", strerror(-rc));
		return 2;
	}

	rc = pyc_parse_header(pyc, pyclen, &info);
	if (rc < 0) {
		printf("header_error=%s\n", strerror(-rc));
		return 3;
	}
	printf("magic=%u\nver_lo=0x%08x\nver_hi=0x%08x\nmagic_known=%d\n",
	       (unsigned)(info.magic & 0xFFFF), (unsigned)info.ver_lo,
	       (unsigned)info.ver_hi, info.magic_known);
	printf("validation=%s\nmtime=%u\nsize=%u\nhas_size=%d\nheader_len=%zu\n",
	       validation_name(info.validation), (unsigned)info.source_mtime,
	       (unsigned)info.source_size, info.has_source_size, info.header_len);
	printf("hash=");
	for (i = 0; i < 8; i++)
		printf("%02x", info.source_hash[i]);
	printf("\n");

	rc = pyc_collect_strings(pyc, pyclen, &info, &strings);
	if (rc < 0) {
		printf("collect_error=%s\n", strerror(-rc));
		return 3;
	}
	printf("strings=%zu\ntruncated=%d\n", strings.count, strings.truncated);
	if (src) {
		rc = pyc_strings_missing_from_source(&strings, src, srclen, &missing);
		if (rc < 0) {
			printf("missing_error=%s\n", strerror(-rc));
			return 3;
		}
		for (i = 0; i < missing.count; i++) {
			printf("missing: ");
			print_escaped(missing.items[i], missing.lens[i]);
		}
		pyc_strings_free(&missing);
	}
	pyc_strings_free(&strings);
	free(pyc);
	free(src);
	return 0;
}
